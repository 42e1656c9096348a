// The service worker: after a first visit the app works offline (graph search and CPU training on
// the quick data sets). scripts/sw-manifest.mjs writes dist/sw.js from this file with two
// constants in front: BUILD (a hash of the build's files) and PRECACHE (the page, its scripts and
// styles, the graph module, the CPU training module and the quick data sets).
//
// One cache per build, `rgp-<BUILD>`: a new build installs beside the old one and takes over only
// when no tab runs the old one (no skipWaiting), then deletes the old caches; a tab never mixes
// files of two builds. Cache first for everything same-origin: the precache list at install, and
// what else the app fetches (the WebGPU module, the full data sets) when it is first fetched.
/* global BUILD, PRECACHE */

const CACHE = `rgp-${BUILD}`;

self.addEventListener('install', (event) => {
  event.waitUntil(
    caches.open(CACHE).then((cache) => cache.addAll(PRECACHE.map((url) => new Request(url, { cache: 'no-cache' })))),
  );
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    caches.keys().then((keys) => Promise.all(keys.filter((k) => k.startsWith('rgp-') && k !== CACHE).map((k) => caches.delete(k)))),
  );
});

self.addEventListener('fetch', (event) => {
  const req = event.request;
  const url = new URL(req.url);
  if (req.method !== 'GET' || url.origin !== self.location.origin || req.headers.has('range')) return;
  if (url.pathname.endsWith('/sw.js')) return;
  event.respondWith(fromCache(req, url));
});

async function fromCache(req, url) {
  const cache = await caches.open(CACHE);
  // Navigations (any hash, any query) get the cached page.
  const key = req.mode === 'navigate' ? new URL('./', self.location).href : url.origin + url.pathname;
  const hit = await cache.match(key);
  if (hit) return hit;
  const res = await fetch(req);
  if (res.ok && res.type === 'basic') await cache.put(key, res.clone()).catch(() => {});
  return res;
}
