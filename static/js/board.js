// The "now serving" board: poll a small JSON feed (ETag/304) and redraw; chime on a new call.
(function () {
  var body = document.body, feed = body.getAttribute("data-feed"), etag = null, lastCall = null;
  var calls = document.getElementById("calls"), table = document.querySelector("#waiting-table tbody");
  var loket = calls.getAttribute("data-counter-label") || "Loket";
  function chime() {
    try {
      var ctx = new (window.AudioContext || window.webkitAudioContext)(), o = ctx.createOscillator();
      o.frequency.value = 880; o.connect(ctx.destination); o.start(); o.stop(ctx.currentTime + 0.3);
    } catch (e) { /* no sound: the board still updates */ }
  }
  function text(tag, cls, value) {
    var el = document.createElement(tag); if (cls) el.className = cls; el.textContent = value; return el;
  }
  function draw(data) {
    var first = data.called[0];
    if (first && lastCall !== null && first.call !== lastCall) chime();
    lastCall = first ? first.call : lastCall;
    calls.textContent = "";
    data.called.forEach(function (c, i) {
      var li = document.createElement("li"); if (i === 0) li.className = "newest";
      li.appendChild(text("span", "ticket-no", c.ticket));
      li.appendChild(document.createTextNode(" → " + loket + " "));
      li.appendChild(text("span", "counter-no", String(c.counter)));
      calls.appendChild(li);
    });
    table.textContent = "";
    data.waiting.forEach(function (q) {
      var tr = document.createElement("tr");
      tr.appendChild(text("th", null, q.queue + " · " + q.name)).setAttribute("scope", "row");
      tr.appendChild(text("td", null, String(q.count)));
      table.appendChild(tr);
    });
  }
  function poll() {
    var req = new XMLHttpRequest();
    req.open("GET", feed);
    if (etag) req.setRequestHeader("If-None-Match", etag);
    req.onload = function () {
      if (req.status === 200) { etag = req.getResponseHeader("ETag"); draw(JSON.parse(req.responseText)); }
    };
    req.send();
  }
  document.querySelector('meta[http-equiv="refresh"]').remove();   // polling replaces it
  poll();
  setInterval(poll, 3000);
})();
