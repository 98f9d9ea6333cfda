/* The member's page offline: the page's files, and her last statement with its time.
 *
 * The page's files are served network first (a new release shows at once) and from the
 * cache when the network fails. A statement the server answers is kept as the last one
 * (with the moment it was current: its "current_at"); when the network fails, that one
 * is answered instead, marked "X-Gotong-Offline: 1", and the page says it is offline and
 * as of when the figures were current. Nothing else is cached: no sign-in answer (it
 * holds a token), no other member's data (there is none on this device).
 */
const SHELL = "gotong-anggota-shell-v1";
const DATA = "gotong-anggota-data-v1";
const LAST_STATEMENT = "/anggota/last-statement";
const FILES = ["/anggota/", "/anggota/anggota.css", "/anggota/anggota.js",
               "/anggota/config.json", "/anggota/manifest.webmanifest"];

self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(SHELL).then((cache) => cache.addAll(FILES))
    .then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
  event.waitUntil(self.clients.claim());
});

function isStatement(url) {
  return /\/member-portal\/members\/[^/]+\/statement$/.test(url.pathname);
}

async function fileNetworkFirst(request) {
  const cache = await caches.open(SHELL);
  try {
    const answer = await fetch(request);
    if (answer.ok) await cache.put(request, answer.clone());
    return answer;
  } catch (offline) {
    const kept = await cache.match(request, { ignoreSearch: true });
    if (kept) return kept;
    throw offline;
  }
}

async function statementNetworkFirst(request) {
  const cache = await caches.open(DATA);
  try {
    const answer = await fetch(request);
    if (answer.ok) await cache.put(LAST_STATEMENT, answer.clone());
    return answer;
  } catch (offline) {
    const kept = await cache.match(LAST_STATEMENT);
    if (!kept) throw offline;
    const headers = new Headers(kept.headers);
    headers.set("X-Gotong-Offline", "1");
    return new Response(await kept.blob(), { status: 200, headers });
  }
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (isStatement(url)) {
    event.respondWith(statementNetworkFirst(request));
  } else if (url.pathname.startsWith("/anggota/")) {
    event.respondWith(fileNetworkFirst(request));
  }
});

self.addEventListener("message", (event) => {
  if (event.data === "forget") {  // signing out: her figures leave the device
    event.waitUntil(caches.delete(DATA));
  }
});
