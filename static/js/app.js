/* Lets the site open offline (static/js/sw.js), where the browser can: a hall's page saves the
   hall's pages in one go, and the saved pages are refreshed when the phone is online again.
   A checklist is shared through the phone's own share sheet where it has one (the WhatsApp
   link stays otherwise). Nothing depends on it. */
"use strict";
const share = document.querySelector("[data-share]");
if (share && navigator.share) {
  share.hidden = false;
  const whatsapp = document.querySelector("[data-share-fallback]");
  if (whatsapp) whatsapp.hidden = true;
  share.addEventListener("click", () => {
    navigator.share({title: share.dataset.title, text: share.dataset.text,
                     url: share.dataset.url}).catch(() => {});     // dismissed: nothing to do
  });
}
if ("serviceWorker" in navigator) {
  window.addEventListener("online", async () => {
    const worker = (await navigator.serviceWorker.ready).active;
    if (worker) worker.postMessage({type: "refresh"});
  });
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
