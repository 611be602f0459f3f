// The hall's TV board: polls a small JSON feed (ETag, 304 while nothing changes) and redraws.
// Sound needs one tap ("Aktifkan suara": browsers block it until then, unless the TV's browser
// allows autoplay); after that each new call chimes and, where the device has an Indonesian
// voice, is spoken. A failed poll is retried on the next tick; from the second failure in a
// row the board says since when its data is stale, until a poll succeeds again.
(function () {
  var body = document.body, feed = body.getAttribute("data-feed");
  var now = document.getElementById("now"), calls = document.getElementById("calls");
  var table = document.querySelector("#waiting-table tbody");
  var stale = document.getElementById("stale"), button = document.getElementById("sound");
  var loket = body.getAttribute("data-counter-label"), none = body.getAttribute("data-none");
  var etag = null, lastCall = null, failures = 0, lastGood = new Date();
  var audio = null, voice = null, soundOn = false;
  var INTERVAL = 3000;

  function text(tag, cls, value) {
    var el = document.createElement(tag);
    if (cls) el.className = cls;
    el.textContent = value;
    return el;
  }

  // --- sound -------------------------------------------------------------------------------
  function findVoice() {
    if (!window.speechSynthesis) return;
    var voices = window.speechSynthesis.getVoices();
    for (var i = 0; i < voices.length; i++) {
      if (/^id([-_]|$)/i.test(voices[i].lang)) { voice = voices[i]; return; }
    }
  }
  function tone(freq, start, length) {
    var osc = audio.createOscillator(), gain = audio.createGain();
    osc.frequency.value = freq;
    gain.gain.setValueAtTime(0.0001, start);
    gain.gain.exponentialRampToValueAtTime(0.4, start + 0.03);
    gain.gain.exponentialRampToValueAtTime(0.0001, start + length);
    osc.connect(gain); gain.connect(audio.destination);
    osc.start(start); osc.stop(start + length);
  }
  function chime() {
    if (!soundOn || !audio) return;
    try { var t = audio.currentTime; tone(660, t, 0.5); tone(880, t + 0.45, 0.7); } catch (e) { /* silent */ }
  }
  function say(words) {
    if (!soundOn || !voice || !words) return;
    var utterance = new SpeechSynthesisUtterance(words);
    utterance.voice = voice; utterance.lang = voice.lang; utterance.rate = 0.9;
    window.speechSynthesis.cancel();
    window.speechSynthesis.speak(utterance);
  }
  function enableSound() {
    soundOn = true;
    button.hidden = true;
    body.setAttribute("data-sound", "on");
    try { if (audio) audio.resume(); } catch (e) { /* the board still updates */ }
    findVoice();
    chime();
  }
  try { audio = new (window.AudioContext || window.webkitAudioContext)(); } catch (e) { audio = null; }
  if (window.speechSynthesis) {
    findVoice();
    window.speechSynthesis.onvoiceschanged = findVoice;
  }
  if (audio && audio.state === "running") enableSound();     // a TV set up to allow sound
  else { button.hidden = false; button.addEventListener("click", enableSound); }

  // --- drawing -----------------------------------------------------------------------------
  function draw(data) {
    var first = data.called[0];
    if (first && lastCall !== null && first.call !== lastCall) {
      chime();
      setTimeout(function () { say(first.say); }, 1100);
    }
    lastCall = first ? first.call : 0;
    now.textContent = "";
    if (first) {
      now.appendChild(text("span", "ticket-no", first.ticket));
      now.appendChild(document.createTextNode(" "));
      var counter = text("span", "now-counter", loket + " ");
      counter.appendChild(text("span", "counter-no", String(first.counter)));
      now.appendChild(counter);
    } else {
      now.appendChild(text("span", "empty", none));
    }
    calls.textContent = "";
    data.called.slice(1).forEach(function (c) {
      var li = document.createElement("li");
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

  // --- polling -----------------------------------------------------------------------------
  function two(n) { return (n < 10 ? "0" : "") + n; }
  function good() {
    failures = 0;
    lastGood = new Date();
    stale.hidden = true;
  }
  function failed() {
    failures += 1;
    if (failures < 2) return;
    stale.textContent = body.getAttribute("data-stale").replace(
      "{time}", two(lastGood.getHours()) + "." + two(lastGood.getMinutes()) + "." +
      two(lastGood.getSeconds()));
    stale.hidden = false;
  }
  function poll() {
    var req = new XMLHttpRequest();
    req.open("GET", feed);
    req.timeout = INTERVAL * 2;
    if (etag) req.setRequestHeader("If-None-Match", etag);
    req.onload = function () {
      if (req.status === 200) {
        try { draw(JSON.parse(req.responseText)); } catch (e) { failed(); return; }
        etag = req.getResponseHeader("ETag");
        good();
      } else if (req.status === 304) {
        good();
      } else {
        failed();                       // a proxy's 502 while the server restarts
      }
    };
    req.onerror = req.ontimeout = failed;
    req.send();
  }
  var refresh = document.querySelector('meta[http-equiv="refresh"]');
  if (refresh) refresh.remove();        // polling replaces the reload
  poll();
  setInterval(poll, INTERVAL);
})();
