// With JavaScript the ticket page updates in place (announced politely) instead of reloading.
(function () {
  var meta = document.querySelector('meta[http-equiv="refresh"]');
  if (meta) meta.remove();
  var box = document.querySelector(".status-box");
  setInterval(function () {
    var req = new XMLHttpRequest();
    req.open("GET", window.location.pathname + "?diam=1");
    req.responseType = "document";
    req.onload = function () {
      var fresh = req.response && req.response.querySelector(".status-box");
      if (req.status === 200 && fresh && fresh.textContent !== box.textContent) {
        box.innerHTML = fresh.innerHTML;
      }
    };
    req.send();
  }, 20000);
})();
