/* Lets the site open offline (static/js/sw.js), where the browser can. Nothing depends on it. */
"use strict";
if ("serviceWorker" in navigator) {
  window.addEventListener("load", () => { navigator.serviceWorker.register("/sw.js"); });
}
