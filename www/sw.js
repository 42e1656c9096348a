// The service worker: after a first visit the app works offline (graph search and CPU training on
// the quick data sets). scripts/sw-manifest.mjs writes dist/sw.js from this file with two
// constants in front: BUILD (a hash of the build's files) and PRECACHE ([url, SHA-256] of the
// page, its scripts and styles, the graph module, the CPU training module and the quick data sets).
//
// One cache per build, `rgp-<BUILD>`. Install downloads every listed file and checks it against
// its SHA-256: a file cut short (a deploy under way) fails the install, so the build in use stays.
// A new build waits while a tab runs the old one (a tab never mixes files of two builds) and the
// page offers "a new version is ready — reload" (www/sw-client.js), which sends 'skip-waiting';
// on activation the caches of other builds go. Cache first for everything same-origin: the list
// at install, and what else the app fetches (the WebGPU module, the full data sets) when first
// fetched, while this build is the one in charge.
/* global BUILD, PRECACHE */

const CACHE = `rgp-${BUILD}`;

async function hex(buffer) {
  const d = new Uint8Array(await crypto.subtle.digest('SHA-256', buffer));
  return Array.from(d, (b) => b.toString(16).padStart(2, '0')).join('');
}

/** Downloads `url`, checks it against `sha`, and caches it under the key fetch() will look up. */
async function precache(cache, [url, sha]) {
  const res = await fetch(new Request(url, { cache: 'no-cache' }));
  const body = await res.arrayBuffer();
  if (!res.ok || (await hex(body)) !== sha) throw new Error(`${url}: not the file this build lists`);
  // The body is decoded already: the headers that described the wire form go.
  const headers = new Headers(res.headers);
  headers.delete('content-encoding');
  headers.delete('content-length');
  await cache.put(new URL(url, self.location).href, new Response(body, { status: 200, headers }));
}

self.addEventListener('install', (event) => {
  event.waitUntil(
    caches.open(CACHE).then(async (cache) => {
      try {
        await Promise.all(PRECACHE.map((entry) => precache(cache, entry)));
      } catch (e) {
        await caches.delete(CACHE); // nothing half-made stays behind
        throw e;
      }
    }),
  );
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    caches.keys().then((keys) => Promise.all(keys.filter((k) => k.startsWith('rgp-') && k !== CACHE).map((k) => caches.delete(k)))),
  );
});

// The page's Reload on "a new version is ready": this build takes over now.
self.addEventListener('message', (event) => {
  if (event.data === 'skip-waiting') self.skipWaiting();
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
  // Navigations (any hash, any query) get the cached page; embed.html is a page of its own (its
  // headers let other sites frame it), cached when first fetched.
  const page = url.pathname.endsWith('/embed.html') ? './embed.html' : './';
  const key = req.mode === 'navigate' ? new URL(page, self.location).href : url.origin + url.pathname;
  const hit = await cache.match(key);
  if (hit) return hit;
  const res = await fetch(req);
  if (res.ok && res.type === 'basic') await cache.put(key, res.clone()).catch(() => {});
  return res;
}
