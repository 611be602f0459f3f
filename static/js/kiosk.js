// The hall's kiosk. A ticket prints itself once shown and the screen goes back to the start
// after data-return seconds, counted again from each touch; a second tap while a ticket is
// being issued is ignored (one person, one ticket); and a start screen left half-filled goes
// back to a clean start after a minute without a touch, so the next person never sees the
// last one's booking code.
(function () {
  var start = document.body.getAttribute("data-start");
  var idle = null;
  function after(seconds) {
    return function () {
      clearTimeout(idle);
      idle = setTimeout(function () { window.location.replace(start); }, seconds * 1000);
    };
  }
  function onTouch(handler) {
    ["pointerdown", "keydown", "input"].forEach(function (kind) {
      document.addEventListener(kind, handler, true);
    });
  }
  var ticket = document.querySelector("[data-autoprint]");
  if (ticket) {
    var back = after(parseInt(ticket.getAttribute("data-return"), 10) || 15);
    window.addEventListener("load", function () { window.print(); back(); });
    onTouch(back);
    return;
  }
  var sent = false;
  document.querySelectorAll("form[method=post]").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      if (sent) event.preventDefault();
      sent = true;
    });
  });
  var touched = after(60);
  onTouch(touched);
  var dirty = location.search || document.querySelector(".error-summary") ||
    Array.prototype.some.call(document.querySelectorAll("input[type=text],input[type=search],input[type=tel]"),
                              function (input) { return input.value; });
  if (dirty) touched();
})();
