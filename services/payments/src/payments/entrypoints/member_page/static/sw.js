/* The member's page offline: the page's files, and her last figures with their time.
 *
 * The page's files are served network first (a new release shows at once) and from the
 * cache when the network fails. Her figures are three answers: her statement (this
 * origin), her SHU and her cooperative's summary (the reporting service's origin). Each
 * answer the server gives is kept as the last of its kind (with the moment it was
 * current: its "current_at"); when the network fails, that one is answered instead,
 * marked "X-Gotong-Offline: 1", and the page says it is offline and as of when the
 * figures were current. Nothing else is cached: no sign-in answer (it holds a token),
 * no other member's data (there is none on this device).
 */
const SHELL = "gotong-anggota-shell-v1";
const DATA = "gotong-anggota-data-v1";
// the cache key of the last answer of each kind (paths under this worker's scope)
const LAST = [
  [/\/member-portal\/members\/[^/]+\/statement$/, "/anggota/last-statement", true],
  [/\/member-portal\/members\/[^/]+\/shu$/, "/anggota/last-shu", false],
  [/\/member-portal\/cooperatives\/[^/]+\/summary$/, "/anggota/last-summary", false],
];
const FILES = ["/anggota/", "/anggota/anggota.css", "/anggota/anggota.js",
               "/anggota/config.json", "/anggota/manifest.webmanifest"];

self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(SHELL).then((cache) => cache.addAll(FILES))
    .then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
  event.waitUntil(self.clients.claim());
});

/* The cache key of a figures answer, or null. The statement is this origin's; the SHU and
 * the summary are asked of the reporting service, whatever its origin. */
function lastKey(url) {
  for (const [path, key, sameOrigin] of LAST) {
    if (path.test(url.pathname) && (!sameOrigin || url.origin === self.location.origin)) return key;
  }
  return null;
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

async function figuresNetworkFirst(request, key) {
  const cache = await caches.open(DATA);
  try {
    const answer = await fetch(request);
    if (answer.ok) await cache.put(key, answer.clone());
    return answer;
  } catch (offline) {
    const kept = await cache.match(key);
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
  const key = lastKey(url);
  if (key) {
    event.respondWith(figuresNetworkFirst(request, key));
  } else if (url.origin !== self.location.origin) {
    return;
  } else if (url.pathname.startsWith("/anggota/")) {
    event.respondWith(fileNetworkFirst(request));
  }
});

self.addEventListener("message", (event) => {
  if (event.data === "forget") {  // signing out: her figures leave the device
    event.waitUntil(caches.delete(DATA));
  }
});
