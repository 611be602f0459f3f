/* Lets the site open offline (static/js/sw.js), where the browser can, and a hall's page save
   the hall's pages in one go. Nothing depends on it. */
"use strict";
if ("serviceWorker" in navigator) {
  window.addEventListener("load", () => {
    navigator.serviceWorker.register("/sw.js");
    const save = document.querySelector("[data-save-hall]");
    if (!save) return;
    const status = save.querySelector("[role=status]");
    save.hidden = false;
    save.querySelector("button").addEventListener("click", async () => {
      status.textContent = save.dataset.saving;
      try {
        const pages = (await (await fetch(save.dataset.saveHall)).json()).pages;
        const worker = (await navigator.serviceWorker.ready).active;
        const answer = await new Promise((resolve) => {
          const channel = new MessageChannel();
          channel.port1.onmessage = (event) => resolve(event.data);
          worker.postMessage({type: "save", pages: pages}, [channel.port2]);
        });
        status.textContent = answer.pages < pages.length ? save.dataset.failed
          : save.dataset.saved.replace("{pages}", answer.pages)
                                .replace("{kb}", Math.round(answer.bytes / 1024));
      } catch (error) {
        status.textContent = save.dataset.failed;
      }
    });
  });
}
