// The service worker for /start/: once the interval timer has loaded, it keeps working offline.
// Timer pages and their assets come from the network first, so nobody sees a stale page while
// online; the copies kept here answer only when the network does not.
const CACHE = "start-{{ version|escapejs }}";
const ASSETS = [{% for asset in assets %}"{{ asset|escapejs }}"{% if not forloop.last %}, {% endif %}{% endfor %}];
const TIMER = "{{ timer_path|escapejs }}";
const KEEP_PAGES = 20;

const isTimer = (url) => url.origin === self.location.origin && url.pathname === TIMER;

async function keep(request, response) {
  const cache = await caches.open(CACHE);
  await cache.put(request, response);
  const pages = (await cache.keys()).filter((kept) => isTimer(new URL(kept.url)));
  await Promise.all(pages.slice(0, -KEEP_PAGES).map((old) => cache.delete(old)));
}

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches.open(CACHE).then((cache) => cache.addAll(ASSETS)).then(() => self.skipWaiting()),
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil((async () => {
    for (const name of await caches.keys()) {
      if (name.startsWith("start-") && name !== CACHE) await caches.delete(name);
    }
    await self.clients.claim();
    // The timer page that registered this worker loaded before it existed: keep it now.
    const windows = await self.clients.matchAll({ type: "window", includeUncontrolled: true });
    for (const client of windows) {
      if (isTimer(new URL(client.url))) {
        await fetch(client.url).then((response) => response.ok && keep(client.url, response))
          .catch(() => {});
      }
    }
  })());
});

self.addEventListener("fetch", (event) => {
  const { request } = event;
  const url = new URL(request.url);
  const page = request.mode === "navigate" && isTimer(url);
  const asset = url.origin === self.location.origin && ASSETS.includes(url.pathname);
  if (request.method !== "GET" || !(page || asset)) return;
  event.respondWith(
    fetch(request).then((response) => {
      if (response.ok) event.waitUntil(keep(request, response.clone()));
      return response;
    }).catch(async (error) => {
      const kept = await caches.match(request, { ignoreVary: true });
      if (kept) return kept;
      throw error;
    }),
  );
});
