/* MPP Digital's service worker: the pages a resident opened, and their booking's proof, open
   again with no connection. Served from the site root as /sw.js (its scope is the whole site);
   the server writes the release into VERSION.

   HTML: network first, the copy kept for the day there is no network (shown with a note of
   when it was saved). The stylesheet, scripts and icons: cache first, per release. Only public
   catalogue pages and the visitor's own booking or visit page are kept: never staff pages, the
   kiosk, the board, forms, searches or anything with a query string. */
"use strict";
const VERSION = "__VERSION__";
const STATIC = "mpp-static-" + VERSION;
const PAGES = "mpp-pages";
const MAX_PAGES = 150;          // a hall saved whole is about 90 pages
const MAX_SAVE = 120;
const SHELL = ["/offline", "/static/css/site.css", "/static/js/app.js",
               "/static/icons/icon-192.png"];
const KEPT = [/^\/$/, /^\/layanan(\/[a-z0-9-]+)?$/, /^\/provinsi\/[a-z0-9-]+$/,
              /^\/wilayah\/[a-z0-9-]+$/, /^\/peristiwa-hidup(\/[a-z0-9-]+)?$/,
              /^\/mpp\/[a-z0-9-]+$/, /^\/mpp\/[a-z0-9-]+\/layanan\/[a-z0-9-]+(\/persyaratan)?$/,
              /^\/mpp\/[a-z0-9-]+\/peristiwa-hidup\/[a-z0-9-]+$/,
              /^\/mpp\/[a-z0-9-]+\/waktu-tunggu$/, /^\/janji$/, /^\/kunjungan$/];
const PERSONAL = /^\/(janji|kunjungan)$/;

self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(STATIC).then((cache) => cache.addAll(SHELL))
    .then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
  event.waitUntil(caches.keys().then((names) => Promise.all(names
    .filter((name) => name.startsWith("mpp-static-") && name !== STATIC)
    .map((name) => caches.delete(name)))).then(() => self.clients.claim()));
});

function kept(url) {
  return url.origin === self.location.origin && !url.search &&
    KEPT.some((pattern) => pattern.test(url.pathname));
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (url.pathname.startsWith("/static/")) {
    event.respondWith(caches.match(request).then((hit) => hit || fetch(request)));
  } else if (request.mode === "navigate") {
    event.respondWith(page(request, url));
  }
});

// "Simpan untuk dibuka tanpa internet": the hall's pages, one after the other (a bounded
// download: at most MAX_SAVE pages); answers {pages, bytes} on the message's port.
self.addEventListener("message", (event) => {
  const data = event.data || {};
  if (data.type === "refresh") {
    event.waitUntil(refreshAll());
    return;
  }
  if (data.type !== "save" || !Array.isArray(data.pages) || !event.ports[0]) return;
  event.waitUntil(saveAll(data.pages.slice(0, MAX_SAVE))
    .then((result) => event.ports[0].postMessage(result)));
});

async function saveAll(paths) {
  let pages = 0, bytes = 0;
  for (const path of paths) {
    const url = new URL(path, self.location.origin);
    if (url.origin !== self.location.origin || !kept(url) || PERSONAL.test(url.pathname)) {
      continue;
    }
    try {
      const response = await fetch(url, {cache: "no-cache", credentials: "same-origin"});
      if (!response.ok) continue;
      bytes += (await response.clone().arrayBuffer()).byteLength;
      await keep(url, response);
      pages += 1;
    } catch (offline) {
      break;
    }
  }
  return {pages: pages, bytes: bytes};
}

// Back online: every saved page asks the server whether it changed (its ETag: a 304 costs a
// few hundred bytes) and a changed one is saved again; a page that is gone is dropped. At most
// once every REFRESH_EVERY, and never while offline.
const REFRESH_EVERY = 5 * 60 * 1000;
let refreshedAt = 0;

async function refreshAll(attempt = 0) {
  if (Date.now() - refreshedAt < REFRESH_EVERY) return;
  refreshedAt = Date.now();
  const cache = await caches.open(PAGES);
  const waiting = await cache.keys();
  async function next() {              // four at a time: a saved hall is ~90 pages
    for (let request = waiting.shift(); request; request = waiting.shift()) {
      const copy = await cache.match(request);
      const url = new URL(request.url);
      const etag = copy && copy.headers.get("X-ETag");
      const response = await fetch(url, {cache: "no-store", credentials: "same-origin",
                                         headers: etag ? {"If-None-Match": etag} : {}});
      if (response.status !== 304) await keep(url, response);
    }
  }
  try {
    await Promise.all([next(), next(), next(), next()]);
  } catch (offline) {
    // The connection is not back yet (the page may hear "online" before this worker's own
    // requests get through): try again a few times, then at the next "online".
    refreshedAt = 0;
    if (attempt < 3) {
      await new Promise((resolve) => setTimeout(resolve, 3000));
      await refreshAll(attempt + 1);
    }
  }
}

async function page(request, url) {
  try {
    // Revalidated with the server (an ETag makes that a 304): offline, the browser's own
    // cache would answer instead, and the page would not say it is a saved copy.
    const response = await fetch(request, {cache: "no-cache"});
    if (kept(url)) await keep(url, response.clone());
    return response;
  } catch (offline) {
    const copy = kept(url) && await (await caches.open(PAGES)).match(url.pathname);
    if (copy) return withNote(copy);
    return offlinePage();
  }
}

async function keep(url, response) {
  const cache = await caches.open(PAGES);
  const html = response.ok && !response.redirected && response.type === "basic" &&
    (response.headers.get("Content-Type") || "").startsWith("text/html")
    ? await response.text() : null;
  // A booking or visit no longer active (or this browser closed it) is no longer kept.
  if (html === null || html.includes('data-offline="forget"')) {
    await cache.delete(url.pathname);
    return;
  }
  const title = (html.match(/<title>([^<]*)<\/title>/) || [, url.pathname])[1]
    .replace(/&#39;/g, "'").replace(/&quot;/g, '"').replace(/&lt;/g, "<").replace(/&gt;/g, ">")
    .replace(/&amp;/g, "&");
  await cache.delete(url.pathname);        // re-added last: the newest are kept longest
  await cache.put(url.pathname, new Response(html, {headers: {
    "Content-Type": "text/html; charset=utf-8", "X-Saved-At": new Date().toISOString(),
    "X-Title": encodeURIComponent(title), "X-Personal": PERSONAL.test(url.pathname) ? "1" : "",
    "X-ETag": response.headers.get("ETag") || ""}}));
  const keys = await cache.keys();
  for (const old of keys.slice(0, Math.max(0, keys.length - MAX_PAGES))) await cache.delete(old);
}

function escaped(text) {
  return text.replace(/[&<>"]/g, (c) => ({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;"})[c]);
}

async function withNote(copy) {
  const html = await copy.text();
  const english = /<html lang="en"/.test(html);
  const saved = new Date(copy.headers.get("X-Saved-At") || Date.now());
  const when = saved.toLocaleString(english ? "en-GB" : "id-ID",
                                    {dateStyle: "medium", timeStyle: "short"});
  const note = english ? `Saved copy from ${when}; it may have changed.`
                       : `Salinan tersimpan dari ${when}; mungkin sudah berubah.`;
  const body = html.replace('<main id="main">', '<main id="main"><div class="notice offline-copy"' +
    ' role="status"><p>' + escaped(note) + "</p></div>");
  return new Response(body, {headers: {"Content-Type": "text/html; charset=utf-8"}});
}

async function offlinePage() {
  const shell = await caches.match("/offline");
  if (!shell) return Response.error();
  const cache = await caches.open(PAGES);
  const items = [];
  for (const request of await cache.keys()) {
    const copy = await cache.match(request);
    const path = new URL(request.url).pathname;
    const title = decodeURIComponent(copy.headers.get("X-Title") || path)
      .replace(/ · MPP Digital$/, "");
    items.push(`<li><a href="${escaped(path)}">${escaped(title)}</a></li>`);
  }
  const html = (await shell.text()).replace("<!--saved-->", items.reverse().join(""));
  return new Response(html, {headers: {"Content-Type": "text/html; charset=utf-8"}});
}
