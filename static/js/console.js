// The clerk's console: one key per action (the buttons and links carry data-key; the keys are
// listed on the page), and the waiting line polled with its ETag every 5 s and redrawn when
// the hall's queues change, without a reload. Without JavaScript the buttons work as forms.
(function () {
  var line = document.getElementById("line");
  var etag = null;

  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey || event.repeat) return;
    var target = event.target, tag = target.tagName;
    if (tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT" || target.isContentEditable) {
      if (event.key === "Escape") target.blur();
      return;
    }
    var key = event.key.toLowerCase();
    var control = document.querySelector('[data-key="' + key + '"]');
    if (!control) return;
    event.preventDefault();
    if (control.tagName === "SELECT") control.focus();
    else control.click();
  });
  document.documentElement.setAttribute("data-keys", "ready");     // keys work from here on

  if (!line) return;
  var feed = line.getAttribute("data-poll");
  function poll() {
    var req = new XMLHttpRequest();
    req.open("GET", feed);
    req.timeout = 8000;
    if (etag) req.setRequestHeader("If-None-Match", etag);
    req.onload = function () {
      if (req.status !== 200) return;              // 304: nothing changed
      var first = etag === null;
      etag = req.getResponseHeader("ETag");
      if (first) return;                           // the page already shows this state
      var focused = document.activeElement && line.contains(document.activeElement);
      line.innerHTML = req.responseText;
      if (focused) {
        var heading = line.querySelector("h2");
        heading.setAttribute("tabindex", "-1");
        heading.focus();
      }
    };
    req.send();
  }
  poll();
  setInterval(poll, 5000);
})();
