// sw.js: the service worker that lets the grid worker's phone open the
// application without a network (issue 15).  It keeps the application's
// shell — index.html, the hashed assets of the pages a phone uses (the list
// the build writes into PRECACHE below), the manifest and the icons — and
// answers a page load offline with the cached index.html.  Hashed assets are
// served from the cache first (their names change with their content); the
// API goes to the network, and only the session's metadata (GET
// /api/v1/meta: the descriptors and the user's role and grid, no records)
// is kept, network first, so that the page can start offline; it is dropped
// at login and logout.  Records are never cached here: what the phone keeps
// for sending is the outbox's (IndexedDB), not this cache's.
/* global self, caches */
const VERSION = 'dev';
const PRECACHE = [];
const CACHE = 'sanling-shell-' + VERSION;
const SHELL = ['/', '/manifest.webmanifest', '/favicon.svg', '/icons/icon-192.png', '/icons/icon-512.png'];
const META = '/api/v1/meta';

self.addEventListener('install', (event) => {
  event.waitUntil((async () => {
    const cache = await caches.open(CACHE);
    for (const url of SHELL.concat(PRECACHE)) {
      try {
        const res = await fetch(url, { cache: 'reload', credentials: 'same-origin' });
        if (res.ok) await cache.put(url === '/' ? '/index.html' : url, res);
      } catch (e) {
        /* what cannot be fetched now is cached when it is first used */
      }
    }
    await self.skipWaiting();
  })());
});

self.addEventListener('activate', (event) => {
  event.waitUntil((async () => {
    for (const name of await caches.keys()) {
      if (name.startsWith('sanling-shell-') && name !== CACHE) await caches.delete(name);
    }
    await self.clients.claim();
  })());
});

async function networkFirst(request, key) {
  const cache = await caches.open(CACHE);
  try {
    const res = await fetch(request);
    if (res.ok) await cache.put(key, res.clone());
    return res;
  } catch (e) {
    const hit = await cache.match(key);
    if (hit) return hit;
    throw e;
  }
}

async function cacheFirst(request) {
  const cache = await caches.open(CACHE);
  const hit = await cache.match(request, { ignoreSearch: true });
  if (hit) return hit;
  const res = await fetch(request);
  if (res.ok) await cache.put(request, res.clone());
  return res;
}

self.addEventListener('fetch', (event) => {
  const req = event.request;
  const url = new URL(req.url);
  if (url.origin !== self.location.origin) return;
  if (url.pathname.startsWith('/api/')) {
    if (url.pathname === '/api/v1/login' || url.pathname === '/api/v1/logout') {
      // the next session's metadata is its own
      event.waitUntil(caches.open(CACHE).then((c) => c.delete(META)));
      return;
    }
    if (req.method === 'GET' && url.pathname === META) event.respondWith(networkFirst(req, META));
    return; // everything else of the API: the network, nothing kept
  }
  if (req.method !== 'GET') return;
  if (req.mode === 'navigate') {
    event.respondWith(networkFirst(req, '/index.html'));
    return;
  }
  if (url.pathname.startsWith('/assets/') || SHELL.includes(url.pathname)) {
    event.respondWith(cacheFirst(req));
  }
});
