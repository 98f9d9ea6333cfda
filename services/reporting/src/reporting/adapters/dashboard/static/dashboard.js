/* Gotong dashboard: the month of the caller's federation, region or cooperative.
 *
 * The user signs in at the federation's OpenID Connect issuer (/dashboard/config names it
 * and the page's client id): authorization code with PKCE (S256). "Masuk" sends the
 * browser to the issuer with a challenge; back at /dashboard?code=...&state=..., the page
 * checks the state, trades the code and its verifier at the token endpoint, checks the ID
 * token's nonce, and keeps the access token in sessionStorage (this tab only). A token
 * may also come in the URL fragment (/dashboard#token=..., never sent to a server; the
 * tests use it), which is then removed from the address bar. Its claims (decoded here, verified by the API) choose the
 * report: the federation admin's /federation/reports/monthly, a regional officer's
 * /regions/{code}/reports/monthly, a cooperative's /cooperatives/{id}/reports/monthly.
 * Every number shown is the API's, carried in data-value beside its formatted text.
 * When reporting names the partner gateway's API (/dashboard/config), the federation
 * office and a cooperative's admin also get the partner pages (partners.js), chosen by
 * ?view=partners|consents|deliveries beside the report (?view absent).
 */
(function () {
  "use strict";

  var C = window.GotongCharts;
  var TOKEN_KEY = "gotong.dashboard.token";
  var PKCE_KEY = "gotong.dashboard.pkce";  // the sign-in under way: verifier, state, nonce
  var MONTHS = ["Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus",
    "September", "Oktober", "November", "Desember"];
  var TIME_ZONES = { WIB: "Asia/Jakarta", WITA: "Asia/Makassar", WIT: "Asia/Jayapura" };
  var PAR30_WATCH_BP = 500;   // above 5 %: watch
  var PAR30_RISK_BP = 1000;   // above 10 %: at risk
  var BREAKDOWN_CONCURRENCY = 4;

  var state = { token: null, claims: null, scope: null, months: null, month: null, seq: 0,
    view: "report", partnersApi: null, config: null,
    report: null, breakdown: null, sort: { column: "shop_omzet_idr", descending: true } };

  function $(id) { return document.getElementById(id); }

  function setState(name) { document.body.setAttribute("data-state", name); }

  function status(text) { $("status").textContent = text; }

  // --- names and dates -------------------------------------------------------------------

  // Region names come with the reports (the API's Kemendagri table: province_name,
  // regency_name, a region's scope.name), which name an unknown code by the code itself.
  function placeName(name, code) {
    return name || code || "wilayah tidak diketahui";
  }

  function scopeLabel(r) {
    var s = r.scope;
    if (s.kind === "region") {
      return (s.level === "province" ? "Provinsi " : "") + placeName(s.name, s.code) +
        " (" + s.code + ")";
    }
    if (s.kind === "cooperative") {
      return (s.name || "Koperasi") + " · " + placeName(s.regency_name, s.regency_code);
    }
    return state.scope.label;
  }

  function monthName(month) {
    var parts = month.split("-");
    return MONTHS[Number(parts[1]) - 1] + " " + parts[0];
  }

  function shortMonth(month) {
    return monthName(month).split(" ")[0];
  }

  function dayName(iso) {
    if (!iso) return "—";
    var p = iso.split("-");
    return Number(p[2]) + " " + MONTHS[Number(p[1]) - 1] + " " + p[0];
  }

  // A moment on the cooperative's own clock (the day counts of the freshness card are days
  // of its calendar), with the zone named; the browser's zone when the report has none.
  function moment(iso, zone) {
    if (!iso) return "—";
    var d = new Date(iso);
    if (isNaN(d.getTime())) return iso;
    var options = { day: "numeric", month: "short", year: "numeric", hour: "2-digit",
      minute: "2-digit" };
    if (TIME_ZONES[zone]) options.timeZone = TIME_ZONES[zone];
    try {
      return new Intl.DateTimeFormat("id-ID", options).format(d) +
        (TIME_ZONES[zone] ? " " + zone : "");
    } catch (e) {
      return d.toISOString();
    }
  }

  function daysAgo(days) {
    return days === 0 ? "hari ini" : days === 1 ? "kemarin" : days + " hari lalu";
  }

  // --- the token ---------------------------------------------------------------------------

  function readToken() {
    var fragment = new URLSearchParams(location.hash.replace(/^#/, ""));
    var token = fragment.get("token");
    if (token) {
      sessionStorage.setItem(TOKEN_KEY, token);
      fragment.delete("token");
      var rest = fragment.toString();
      history.replaceState(null, "", location.pathname + location.search + (rest ? "#" + rest : ""));
    }
    return sessionStorage.getItem(TOKEN_KEY);
  }

  function decodeClaims(token) {
    var parts = token.split(".");
    if (parts.length !== 3) throw new Error("bukan token JWT");
    var b64 = parts[1].replace(/-/g, "+").replace(/_/g, "/");
    while (b64.length % 4) b64 += "=";
    var bytes = atob(b64);
    var json = decodeURIComponent(Array.prototype.map.call(bytes, function (ch) {
      return "%" + ("0" + ch.charCodeAt(0).toString(16)).slice(-2);
    }).join(""));
    return JSON.parse(json);
  }

  function scopeOf(claims) {
    if (claims.role === "federation_admin") {
      return { kind: "federation", path: "/federation/reports/monthly", label: "Seluruh federasi",
        breakdown: "province" };
    }
    if (claims.role === "regional_officer" && /^\d{2}(\d{2})?$/.test(claims.region || "")) {
      var code = claims.region;
      return { kind: "region", code: code, path: "/regions/" + code + "/reports/monthly",
        label: (code.length === 2 ? "Provinsi " : "Wilayah ") + code,
        breakdown: code.length === 2 ? "regency" : "cooperative" };
    }
    if ((claims.role === "coop_admin" || claims.role === "coop_clerk") && claims.coop) {
      return { kind: "cooperative", path: "/cooperatives/" + encodeURIComponent(claims.coop) +
        "/reports/monthly", label: "Koperasi", breakdown: "cooperative" };
    }
    return null;
  }

  // --- sign-in: OpenID Connect, authorization code with PKCE --------------------------------

  function b64url(bytes) {
    var text = "";
    for (var i = 0; i < bytes.length; i++) text += String.fromCharCode(bytes[i]);
    return btoa(text).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }

  function randomText(size) {
    return b64url(crypto.getRandomValues(new Uint8Array(size)));
  }

  function SignInError(detail) {
    this.detail = detail;
  }

  async function publicJson(url, init) {
    var response;
    try {
      response = await fetch(url, Object.assign({ cache: "no-store", credentials: "omit",
        headers: { Accept: "application/json" } }, init || {}));
    } catch (e) {
      throw new ApiError(0, { detail: String(e && e.message || e) });
    }
    var body = null;
    try { body = await response.json(); } catch (e) { body = null; }
    if (!response.ok) throw new ApiError(response.status, body);
    return body;
  }

  async function pageConfig() {
    if (!state.config) state.config = await publicJson("/dashboard/config");
    return state.config;
  }

  function redirectUri() {
    return location.origin + location.pathname;
  }

  async function beginSignIn() {
    var signIn = (await pageConfig()).sign_in;
    if (!signIn) throw new SignInError("Penerbit masuk belum diatur untuk dasbor ini.");
    var meta = await publicJson(signIn.issuer.replace(/\/$/, "") +
      "/.well-known/openid-configuration");
    if (meta.issuer !== signIn.issuer) throw new SignInError("Penerbit tidak dikenal.");
    var verifier = randomText(48);
    var digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(verifier));
    var flow = { verifier: verifier, state: randomText(16), nonce: randomText(16),
      search: location.search, issuer: signIn.issuer, client_id: signIn.client_id,
      token_endpoint: meta.token_endpoint };
    sessionStorage.setItem(PKCE_KEY, JSON.stringify(flow));
    var url = new URL(meta.authorization_endpoint);
    url.search = new URLSearchParams({ response_type: "code", client_id: flow.client_id,
      redirect_uri: redirectUri(), scope: "openid", state: flow.state, nonce: flow.nonce,
      code_challenge: b64url(new Uint8Array(digest)), code_challenge_method: "S256" }).toString();
    location.assign(url.toString());
  }

  // Back from the issuer (?code=...&state=... or ?error=...): the access token, kept in
  // sessionStorage; false when this load is no return from the issuer.
  async function finishSignIn() {
    var params = new URLSearchParams(location.search);
    if (!params.has("state") || !(params.has("code") || params.has("error"))) return false;
    var flow = null;
    try { flow = JSON.parse(sessionStorage.getItem(PKCE_KEY) || "null"); } catch (e) { flow = null; }
    sessionStorage.removeItem(PKCE_KEY);  // one return per sign-in, whatever comes of it
    history.replaceState(null, "", location.pathname + (flow && flow.search || ""));
    if (!flow || params.get("state") !== flow.state) {
      throw new SignInError("Permintaan masuk ini bukan dari tab ini. Silakan masuk lagi.");
    }
    if (params.has("error")) {
      throw new SignInError(params.get("error") === "access_denied" ? "Masuk dibatalkan."
        : "Penerbit menolak: " + params.get("error") + ".");
    }
    var tokens;
    try {
      tokens = await publicJson(flow.token_endpoint, { method: "POST",
        headers: { Accept: "application/json",
          "Content-Type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({ grant_type: "authorization_code", code: params.get("code"),
          redirect_uri: redirectUri(), client_id: flow.client_id,
          code_verifier: flow.verifier }).toString() });
    } catch (e) {
      var why = e instanceof ApiError && e.problem ? e.problem.error : "";
      throw new SignInError("Kode masuk ditolak" + (why ? " (" + why + ")" : "") + ".");
    }
    var identity = decodeClaims(tokens.id_token || "");
    if (identity.nonce !== flow.nonce || identity.iss !== flow.issuer ||
        identity.aud !== flow.client_id || !tokens.access_token) {
      throw new SignInError("Token dari penerbit tidak cocok dengan permintaan masuk ini.");
    }
    sessionStorage.setItem(TOKEN_KEY, tokens.access_token);
    return true;
  }

  function signInFailed(error) {
    showSignIn(true);
    showBanner("Gagal masuk.", error instanceof SignInError ? error.detail : String(error),
      false);
    document.body.setAttribute("data-error-status", "sign-in");
    setState("error");
  }

  // --- the API -----------------------------------------------------------------------------

  function ApiError(status, problem) {
    this.status = status;
    this.problem = problem || {};
  }

  async function api(path, params) {
    var query = params ? "?" + new URLSearchParams(params).toString() : "";
    var response;
    try {
      response = await fetch(path + query, { cache: "no-store", headers: {
        Authorization: "Bearer " + state.token, Accept: "application/json" } });
    } catch (e) {
      throw new ApiError(0, { detail: String(e && e.message || e) });
    }
    if (!response.ok) {
      var problem = null;
      try { problem = await response.json(); } catch (e) { problem = null; }
      throw new ApiError(response.status, problem);
    }
    return response.json();
  }

  async function inBatches(items, size, work) {
    var results = [];
    for (var i = 0; i < items.length; i += size) {
      results = results.concat(await Promise.all(items.slice(i, i + size).map(work)));
    }
    return results;
  }

  // --- banner, sign-in ---------------------------------------------------------------------

  function showBanner(title, detail, retry) {
    $("banner-title").textContent = title;
    $("banner-detail").textContent = detail || "";
    $("banner-retry").hidden = !retry;
    $("banner").hidden = false;
  }

  function hideBanner() {
    $("banner").hidden = true;
    document.body.removeAttribute("data-error-status");
  }

  function showError(error) {
    var s = error instanceof ApiError ? error.status : -1;
    var detail = error instanceof ApiError ? (error.problem.detail || "") : String(error);
    document.body.setAttribute("data-error-status", String(s));
    $("content").hidden = true;  // never a month's figures under another month's error
    $("partner-pages").hidden = true;
    if (s === 0) {
      showBanner("Server tidak dapat dihubungi.", "Periksa koneksi, lalu coba lagi.", true);
    } else if (s === 401) {
      showBanner("Sesi tidak sah atau sudah kedaluwarsa (401).",
        (detail ? detail + ". " : "") + "Masuk lagi dengan token baru.", false);
      showSignIn(true);
    } else if (s === 403) {
      showBanner("Akses ditolak (403).", detail || "Token ini tidak boleh membaca laporan ini.",
        false);
    } else if (s === 404) {
      showBanner("Tidak ditemukan (404).", detail || "Wilayah atau koperasi ini tidak ada.", false);
    } else if (s >= 500) {
      showBanner("Kesalahan server (" + s + ").",
        (detail ? detail + ". " : "") + "Coba lagi sebentar lagi.", true);
    } else if (s > 0) {
      showBanner("Permintaan ditolak (" + s + ").", detail, true);
    } else {
      showBanner("Terjadi kesalahan di halaman.", detail, true);
    }
    setState("error");
  }

  function showSignIn(keepBanner) {
    if (!keepBanner) hideBanner();
    sessionStorage.removeItem(TOKEN_KEY);
    state.token = null;
    $("sign-in").hidden = false;
    $("content").hidden = true;
    $("partner-pages").hidden = true;
    $("tabs").hidden = true;
    $("sign-out").hidden = true;
    $("month").disabled = true;
    $("month-picker").hidden = true;
    $("scope-label").textContent = "Gotong";
    if (!keepBanner) setState("signin");
    pageConfig().then(function (config) {
      $("sign-in-button").hidden = !config.sign_in;
      $("sign-in-unavailable").hidden = !!config.sign_in;
    }, function () { $("sign-in-unavailable").hidden = false; });
  }

  // --- loading -----------------------------------------------------------------------------

  async function start() {
    try {
      await finishSignIn();
    } catch (e) {
      return signInFailed(e);
    }
    state.token = readToken();
    if (!state.token) return showSignIn(false);
    try {
      state.claims = decodeClaims(state.token);
    } catch (e) {
      showSignIn(true);
      showBanner("Token tidak dapat dibaca.", "Tempel token akses yang lengkap.", false);
      document.body.setAttribute("data-error-status", "401");
      return setState("error");
    }
    if (state.claims.exp && state.claims.exp * 1000 < Date.now()) {
      return showError(new ApiError(401, { detail: "token expired" }));
    }
    state.scope = scopeOf(state.claims);
    if (!state.scope) {
      return showError(new ApiError(403, { detail: "peran " + state.claims.role +
        " tidak memiliki dasbor" }));
    }
    $("sign-in").hidden = true;
    $("sign-out").hidden = false;
    $("scope-label").textContent = state.scope.label;
    document.body.setAttribute("data-scope", state.scope.kind);
    document.body.setAttribute("data-report-path", state.scope.path);
    setState("loading");
    status("Memuat…");
    state.partnersApi = null;
    try {
      var config = await pageConfig();
      var P = window.GotongPartners;
      if (config.partners_api && P && P.allowed(state.claims)) state.partnersApi = config.partners_api;
    } catch (e) {
      return showError(e);
    }
    var wanted = new URLSearchParams(location.search).get("view");
    state.view = state.partnersApi && window.GotongPartners.views.indexOf(wanted) >= 0 ? wanted
      : "report";
    renderTabs();
    return state.view === "report" ? openReport() : openPartners(state.view);
  }

  // --- the tabs: the report, and the partner pages ------------------------------------------

  function renderTabs() {
    $("tabs").hidden = !state.partnersApi;
    Array.prototype.forEach.call($("tabs").querySelectorAll("button"), function (b) {
      if (b.getAttribute("data-view") === state.view) {
        b.setAttribute("aria-current", "page");
      } else {
        b.removeAttribute("aria-current");
      }
    });
  }

  function switchView(view) {
    var url = new URL(location.href);
    if (view === "report") url.searchParams.delete("view"); else url.searchParams.set("view", view);
    history.replaceState(null, "", url.pathname + url.search);
    state.view = view;
    renderTabs();
    return view === "report" ? openReport() : openPartners(view);
  }

  function openPartners(view) {
    state.seq++;  // a month still loading is not drawn over the partner page
    $("content").hidden = true;
    $("month-picker").hidden = true;
    return window.GotongPartners.show(view, {
      base: state.partnersApi, token: state.token, claims: state.claims, ApiError: ApiError,
      showError: showError, hideBanner: hideBanner, setState: setState, status: status });
  }

  async function openReport() {
    $("partner-pages").hidden = true;
    document.body.setAttribute("data-view", "report");
    setState("loading");
    status("Memuat daftar bulan…");
    try {
      state.months = await api("/dashboard/months");
    } catch (e) {
      return showError(e);
    }
    var months = state.months.months.slice();
    if (!months.length) months.push(state.months.current_month);  // nothing yet: say so
    var month = new URLSearchParams(location.search).get("month");
    var chosen = month && /^\d{4}-(0[1-9]|1[0-2])$/.test(month) ? month
      : (state.months.latest || state.months.current_month);
    if (months.indexOf(chosen) < 0) months.push(chosen);
    months.sort().reverse();
    var select = $("month");
    C.clear(select);
    months.forEach(function (m) {
      C.html("option", { value: m, selected: m === chosen ? "selected" : false }, select,
        monthName(m));
    });
    select.value = chosen;
    select.disabled = false;
    $("month-picker").hidden = false;
    await loadMonth(chosen);
  }

  function periodParams(month) {
    var params = { month: month };
    // the running month: as of today, not its last day (no lateness is projected ahead)
    if (state.months && month === state.months.current_month) params.as_of = state.months.today;
    return params;
  }

  async function loadMonth(month) {
    var seq = ++state.seq;
    state.month = month;
    hideBanner();
    setState("loading");
    status("Memuat laporan " + monthName(month) + "…");
    var params = periodParams(month);
    var report, breakdown;
    try {
      report = await api(state.scope.path, params);
      breakdown = await par30Breakdown(report, params);
    } catch (e) {
      if (seq === state.seq) showError(e);
      return;
    }
    if (seq !== state.seq) return;  // a newer month was picked meanwhile
    state.report = report;
    state.breakdown = breakdown;
    document.body.setAttribute("data-month", month);
    document.body.setAttribute("data-as-of", params.as_of || "");
    try {
      render();
    } catch (e) {
      showError(e);
      throw e;
    }
    setState(report.scope.cooperatives > 0 ? "ready" : "empty");
  }

  // PAR30 by region: each region's own report (ratios are recomputed by the API from summed
  // numerators and denominators); below a regency, by cooperative from the report's rows.
  async function par30Breakdown(report, params) {
    var rows = report.cooperatives || [];
    var level = state.scope.breakdown;
    if (level === "province" || level === "regency") {
      var codes = {};
      rows.forEach(function (r) {
        var code = level === "province" ? r.province_code : r.regency_code;
        if (code) codes[code] = true;
      });
      var list = Object.keys(codes).sort();
      return inBatches(list, BREAKDOWN_CONCURRENCY, async function (code) {
        var child = await api("/regions/" + code + "/reports/monthly", params);
        return { id: code, label: placeName(child.scope.name, code), par30: child.loans.par30,
          cooperatives: child.scope.cooperatives };
      });
    }
    return rows.map(function (r) {
      return { id: r.cooperative_id, label: r.name || r.cooperative_id,
        par30: { numerator: r.par30_idr, denominator: r.gross_loan_portfolio_idr, bp: r.par30_bp },
        cooperatives: 1 };
    });
  }

  // --- rendering ---------------------------------------------------------------------------

  function render() {
    var r = state.report;
    $("sign-in").hidden = true;
    $("content").hidden = false;
    $("scope-label").textContent = scopeLabel(r);
    renderPeriod(r);
    renderUnavailable(r);
    renderTiles(r);
    var has = r.scope.cooperatives > 0;
    $("empty").hidden = has;
    $("charts").hidden = !has;
    document.querySelector(".table-card").hidden = !has;
    if (!has) {
      $("empty-detail").textContent = "Belum ada koperasi dalam cakupan ini untuk " +
        monthName(state.month) + ". Pilih bulan lain.";
      return;
    }
    drawCharts();
    renderFreshness(r);
    renderTable(r);
  }

  function drawCharts() {
    var r = state.report;
    fitTiles();
    renderOmzet(r);
    renderMembers(r);
    renderSavings(r);
    renderPar30(state.breakdown);
  }

  // What growth compares with. A month in part (the running month, as of today) is
  // compared with the same days of the month before (month to date: the API cuts the
  // previous month off on the same day, growth.previous_as_of), a whole month with the
  // whole month before; the page says which.
  function comparison(r) {
    var p = r.period, g = r.growth;
    var partial = p.as_of !== p.end;
    var day = Number(g.previous_as_of.split("-")[2]);
    return {
      partial: partial,
      short: (partial ? "1–" + day + " " : "") + shortMonth(g.previous_month),
      long: partial ? "1–" + day + " " + monthName(g.previous_month) +
        " (hari yang sama bulan lalu)" : monthName(g.previous_month),
      current: partial ? "1–" + Number(p.as_of.split("-")[2]) + " " + monthName(p.month)
        : monthName(p.month),
    };
  }

  function renderPeriod(r) {
    var p = r.period;
    var cmp = comparison(r);
    document.body.setAttribute("data-compare", cmp.partial ? "month-to-date" : "whole-month");
    $("period-label").textContent = monthName(p.month) + " · " + dayName(p.start) + " s.d. " +
      dayName(p.as_of) + " (tanggal bisnis" + (cmp.partial ? ", bulan berjalan" : "") +
      ") · pertumbuhan dibanding " + cmp.long + " · data diterima s.d. " + moment(p.known_at);
    $("table-subtitle").textContent = "Angka kunci " + cmp.current +
      " dan pertumbuhan dibanding " + cmp.long;
  }

  // Cooperatives whose figures the server could not compute: left out of every number here.
  function renderUnavailable(r) {
    var missing = r.unavailable || [];
    $("unavailable").hidden = missing.length === 0;
    $("unavailable").textContent = missing.length === 0 ? "" :
      "Angka " + missing.length + " koperasi tidak dapat dihitung dan tidak termasuk dalam " +
      "laporan ini: " + missing.map(function (u) {
        return (u.name || u.cooperative_id) + (u.trace_id ? " (kode jejak " + u.trace_id + ")" : "");
      }).join(", ") + ". Kantor federasi sudah dapat memeriksanya.";
  }

  function growthOf(r, metric) {
    var found = (r.growth.metrics || []).filter(function (m) { return m.metric === metric; })[0];
    return found ? found.growth_bp : null;
  }

  function tile(parent, key, label, value, text, cls) {
    var t = C.html("div", { "class": "tile" + (cls ? " " + cls : ""), "data-tile": key }, parent);
    C.html("span", { "class": "tile-label" }, t, label);
    C.html("strong", Object.assign({ "class": "tile-value" }, C.datum("tile." + key, null, value)),
      t, text);
    return C.html("span", { "class": "tile-sub" }, t);
  }

  function growthLine(parent, r, metric) {
    var bp = growthOf(r, metric);
    var line = C.html("span", { "class": "line" }, parent);
    var span = C.html("span", Object.assign({ "class": C.growthClass(bp) },
      C.datum("tile.growth." + metric, null, bp)), line, C.growth(bp));
    var cmp = comparison(r);
    line.title = bp === null ? "tidak ada angka bulan lalu untuk dibandingkan" : "dibanding " +
      cmp.long;
    line.appendChild(document.createTextNode(" vs " + cmp.short));
    return span;
  }

  function renderTiles(r) {
    var box = $("tiles");
    C.clear(box);
    var stale = r.freshness.stale.length;
    var idle = (r.freshness.idle || []).length;
    var sub = tile(box, "cooperatives", "Koperasi", r.scope.cooperatives,
      C.integer(r.scope.cooperatives));
    C.html("span", Object.assign({ "class": stale ? "down" : "flat" },
      C.datum("tile.stale", null, stale)), sub,
      stale ? stale + " belum sinkron" : "semua sinkron");
    C.html("span", Object.assign({ "class": idle ? "down" : "flat" },
      C.datum("tile.idle", null, idle)), sub, idle ? " · " + idle + " tanpa transaksi" : "");

    var active = r.members.active;
    sub = tile(box, "members_active", "Anggota aktif", active.total, C.integer(active.total));
    C.html("span", C.datum("tile.women_share_bp", null, r.members.women_share.bp), sub,
      C.percent(r.members.women_share.bp));
    sub.appendChild(document.createTextNode(" perempuan"));
    growthLine(sub, r, "members.active");

    var net = r.business.shop_omzet.net_idr;
    sub = tile(box, "shop_omzet_idr", "Omzet toko", net, C.rupiah(net));
    growthLine(sub, r, "sales.net_idr");

    // Orders from outside buyers (counted when shipped): their share of the net omzet.
    var online = r.business.by_channel.filter(function (c) {
      return c.channel === "online"; })[0].net_idr;
    var share = r.business.online_share_of_omzet.bp;
    sub = tile(box, "online_omzet_idr", "Omzet online", online, C.rupiah(online));
    C.html("span", C.datum("tile.online_share_bp", null, share), sub,
      share === null ? "belum ada omzet" : C.percent(share));
    sub.appendChild(document.createTextNode(" dari omzet, pesanan pembeli luar daerah"));

    var produce = r.business.produce_bought;
    sub = tile(box, "produce_bought_idr", "Hasil bumi dibeli", produce.amount_idr,
      C.rupiah(produce.amount_idr));
    C.html("span", C.datum("tile.produce_bought_kg", null, produce.net_qty_kg), sub,
      C.integer(produce.net_qty_kg) + " kg");
    sub.appendChild(document.createTextNode(" dari " + C.integer(produce.suppliers) + " anggota"));

    var savings = r.savings.balances.total_idr;
    sub = tile(box, "savings_total_idr", "Saldo simpanan", savings, C.rupiah(savings));
    growthLine(sub, r, "savings.total_idr");

    var glp = r.loans.gross_loan_portfolio_idr;
    sub = tile(box, "gross_loan_portfolio_idr", "Pinjaman beredar", glp, C.rupiah(glp));
    C.html("span", C.datum("tile.active_loans", null, r.loans.active_loans), sub,
      C.integer(r.loans.active_loans));
    sub.appendChild(document.createTextNode(" pinjaman aktif"));

    var par = r.loans.par30;
    sub = tile(box, "par30_bp", "PAR30", par.bp, C.percent(par.bp), par30Class(par.bp));
    if (par.denominator > 0) {
      C.html("span", C.datum("tile.par30_idr", null, par.numerator), sub,
        C.rupiah(par.numerator));
      sub.appendChild(document.createTextNode(" berisiko"));
    } else {
      sub.textContent = "tidak ada pinjaman beredar";
    }
  }

  function fitTiles() {
    Array.prototype.forEach.call(document.querySelectorAll(".tile-value"), function (node) {
      C.shrinkToFit(node, 11);
    });
  }

  function par30Class(bp) {
    if (bp === null || bp === undefined) return "";
    if (bp > PAR30_RISK_BP) return "risk";
    if (bp > PAR30_WATCH_BP) return "watch";
    return "ok";
  }

  function coopSublabel(row) {
    return state.scope.kind === "federation" ? placeName(row.province_name, row.province_code)
      : placeName(row.regency_name, row.regency_code);
  }

  function sortedRows(r, column) {
    return r.cooperatives.slice().sort(function (a, b) {
      return (b[column] || 0) - (a[column] || 0) || String(a.name).localeCompare(String(b.name));
    });
  }

  function renderOmzet(r) {
    var series = [{ key: "member", label: "Anggota" }, { key: "non_member", label: "Non-anggota" }];
    C.legend($("omzet-legend"), [{ cls: "member", label: "Anggota" },
      { cls: "non-member", label: "Non-anggota" }]);
    C.hbars($("chart-omzet"), {
      key: "omzet", series: series, format: C.rupiah,
      ariaLabel: "Omzet toko per koperasi, " + monthName(state.month),
      rows: sortedRows(r, "shop_omzet_idr").map(function (row) {
        return { id: row.cooperative_id, label: row.name || row.cooperative_id,
          sublabel: coopSublabel(row), total: row.shop_omzet_idr,
          segments: [{ series: "member", value: row.member_omzet_idr },
            { series: "non_member", cls: "non-member", value: row.non_member_omzet_idr }] };
      }),
    });
  }

  function renderMembers(r) {
    C.legend($("members-legend"), [{ cls: "P", label: "Perempuan" }, { cls: "L", label: "Laki-laki" },
      { cls: "unknown", label: "Belum diketahui" }]);
    C.hbars($("chart-members"), {
      key: "members", format: C.integer,
      series: [{ key: "P", label: "Perempuan" }, { key: "L", label: "Laki-laki" },
        { key: "unknown", label: "Belum diketahui" }],
      ariaLabel: "Anggota aktif per koperasi menurut jenis kelamin",
      rows: sortedRows(r, "members_active").map(function (row) {
        var unknown = row.members_active - row.members_active_l - row.members_active_p;
        return { id: row.cooperative_id, label: row.name || row.cooperative_id,
          sublabel: row.women_share_bp === null ? "" : C.percent(row.women_share_bp) +
            " perempuan",
          total: row.members_active,
          totalText: C.integer(row.members_active) + " orang",
          segments: [{ series: "P", value: row.members_active_p },
            { series: "L", value: row.members_active_l },
            { series: "unknown", value: unknown }] };
      }),
    });
  }

  function renderSavings(r) {
    var b = r.savings.balances;
    C.donut($("chart-savings"), {
      key: "savings", format: C.rupiah, total: b.total_idr, caption: "total simpanan",
      ariaLabel: "Saldo simpanan menurut jenis",
      slices: [{ key: "pokok", label: "Simpanan pokok", value: b.pokok_idr },
        { key: "wajib", label: "Simpanan wajib", value: b.wajib_idr },
        { key: "sukarela", label: "Simpanan sukarela", value: b.sukarela_idr }],
    });
  }

  function renderPar30(breakdown) {
    var level = state.scope.breakdown;
    var per = { province: "per provinsi", regency: "per kabupaten/kota",
      cooperative: "per koperasi" }[level];
    document.querySelector("#chart-par30").closest(".card").querySelector("h2").textContent =
      "PAR30 " + per;
    C.legend($("par30-legend"), [{ cls: "ok", label: "≤ 5%" }, { cls: "watch", label: "5–10%" },
      { cls: "risk", label: "> 10%" }, { cls: "threshold", label: "batas 5%" }]);
    var max = PAR30_RISK_BP;
    breakdown.forEach(function (b) {
      if (b.par30.bp !== null) max = Math.max(max, Math.ceil(b.par30.bp / 500) * 500);
    });
    var ticks = [0, max / 2, max].map(function (v) { return { value: v, label: C.percent(v) }; });
    C.hbars($("chart-par30"), {
      key: "par30", format: C.percent, max: max, axis: ticks,
      thresholds: [{ value: PAR30_WATCH_BP, label: "batas 5%" }],
      series: [{ key: "bp", label: "PAR30" }],
      ariaLabel: "PAR30 " + per,
      emptyText: "Tidak ada pinjaman.",
      rows: breakdown.slice().sort(function (a, b) {
        return (b.par30.bp === null ? -1 : b.par30.bp) - (a.par30.bp === null ? -1 : a.par30.bp);
      }).map(function (b) {
        return { id: b.id, label: b.label, total: b.par30.bp,
          sublabel: b.par30.denominator > 0 ? C.rupiah(b.par30.numerator) + " dari " +
            C.rupiah(b.par30.denominator) : "tanpa pinjaman",
          segments: [{ series: "bp", cls: par30Class(b.par30.bp) || "ok", value: b.par30.bp }],
          title: b.label + ": PAR30 " + C.percent(b.par30.bp) + " (" +
            C.rupiah(b.par30.numerator) + " / " + C.rupiah(b.par30.denominator) + ")" };
      }),
    });
  }

  // Each label follows one clock of the report (reports/freshness.py): "belum sinkron" the
  // days since the server last recorded an event (stale), "tanpa transaksi" the days from
  // the last transaction to the report's date (idle). Both can hold at once.
  function freshnessItem(list, row) {
    var li = C.html("li", Object.assign({ "class": row.stale ? "stale" : row.idle ? "idle" : "fresh",
      "data-stale": row.stale ? "true" : "false", "data-idle": row.idle ? "true" : "false" },
      C.datum("freshness.days", row.cooperative_id, row.days_since_last_event)), list);
    var head = C.html("span", { "class": "name" }, li);
    C.html("span", null, head, row.name || row.cooperative_id);
    if (row.stale) C.html("span", { "class": "badge stale" }, head, "belum sinkron");
    if (row.idle) C.html("span", { "class": "badge idle" }, head, "tanpa transaksi");
    if (!row.stale && !row.idle) C.html("span", { "class": "badge fresh" }, head, "segar");
    C.html("span", { "class": "when" }, li, row.last_recorded_at === null ?
      "Belum pernah mengirim data" : "Sinkron terakhir " + daysAgo(row.days_since_last_event) +
      ", " + moment(row.last_recorded_at, row.time_zone));
    C.html("span", { "class": "business-date" }, li, row.last_business_date === null ?
      "Belum ada data" : "Data terbaru bertanggal " + dayName(row.last_business_date));
    // A village whose tills stopped: the server hears from it, its business days stop.
    C.html("span", { "class": "activity" }, li, row.last_activity_date === null ?
      "Belum ada transaksi" : "Transaksi terakhir " + dayName(row.last_activity_date) +
      (row.days_since_last_activity > 0 ?
        " (" + row.days_since_last_activity + " hari sebelum tanggal laporan)" : ""));
  }

  // the cooperatives that have not synced or have no transactions lately first, as cards;
  // the others folded away below
  function renderFreshness(r) {
    var f = r.freshness;
    var box = $("freshness");
    C.clear(box);
    var rows = f.cooperatives.slice().sort(function (a, b) {
      var da = a.days_since_last_event === null ? Infinity : a.days_since_last_event;
      var db = b.days_since_last_event === null ? Infinity : b.days_since_last_event;
      return (db - da) || String(a.name).localeCompare(String(b.name));
    });
    var attention = rows.filter(function (row) { return row.stale || row.idle; });
    var fine = rows.filter(function (row) { return !row.stale && !row.idle; }).sort(
      function (a, b) {
        return String(a.last_business_date || "").localeCompare(String(b.last_business_date || ""))
          || String(a.name).localeCompare(String(b.name));
      });
    if (attention.length) {
      var list = C.html("ul", { "class": "freshness-list" }, box);
      attention.forEach(function (row) { freshnessItem(list, row); });
    }
    if (fine.length) {
      var details = C.html("details", { "class": "fresh-list" }, box);
      C.html("summary", null, details, fine.length + " koperasi sinkron dan bertransaksi dalam " +
        f.stale_after_days + " hari terakhir");
      var ok = C.html("ul", { "class": "freshness-list compact" }, details);
      fine.forEach(function (row) { freshnessItem(ok, row); });
    }
    var stale = f.stale.length, idle = (f.idle || []).length;
    var sub = $("freshness-subtitle");
    C.clear(sub);
    C.html("span", Object.assign({ "class": "freshness-summary" + (stale ? " warn" : "") },
      C.datum("freshness.stale_count", null, stale)), sub,
      stale ? stale + " dari " + f.cooperatives.length + " koperasi belum sinkron" :
        "Semua koperasi sudah sinkron");
    C.html("span", Object.assign({ "class": "freshness-summary" + (idle ? " warn" : "") },
      C.datum("freshness.idle_count", null, idle)), sub,
      idle ? " · " + idle + " tanpa transaksi" : "");
    sub.appendChild(document.createTextNode(" · belum sinkron: tidak ada data diterima lebih " +
      "dari " + f.stale_after_days + " hari; tanpa transaksi: tidak ada transaksi lebih dari " +
      f.stale_after_days + " hari sebelum tanggal laporan"));
  }

  var COLUMNS = [
    { key: "members_active", label: "Anggota aktif", format: C.integer,
      growth: "members_active_growth_bp" },
    { key: "women_share_bp", label: "Perempuan", format: C.percent },
    { key: "shop_omzet_idr", label: "Omzet toko", format: C.rupiah,
      growth: "sales_net_growth_bp" },
    { key: "member_share_of_omzet_bp", label: "Omzet anggota", format: C.percent },
    { key: "produce_bought_idr", label: "Hasil bumi dibeli", format: C.rupiah,
      growth: "produce_amount_growth_bp" },
    { key: "volume_usaha_idr", label: "Volume usaha", format: C.rupiah,
      growth: "volume_usaha_growth_bp" },
    { key: "savings_total_idr", label: "Simpanan", format: C.rupiah,
      growth: "savings_total_growth_bp" },
    { key: "gross_loan_portfolio_idr", label: "Pinjaman beredar", format: C.rupiah,
      growth: "loans_glp_growth_bp" },
    { key: "par30_bp", label: "PAR30", format: C.percent },
  ];

  function renderTable(r) {
    var table = $("coop-table");
    var head = table.tHead, body = table.tBodies[0];
    C.clear(head);
    C.clear(body);
    var tr = C.html("tr", null, head);
    var nameTh = C.html("th", { scope: "col" }, tr, "Koperasi");
    nameTh.setAttribute("aria-sort", state.sort.column === "name" ? "ascending" : "none");
    nameTh.addEventListener("click", function () { sortBy("name"); });
    COLUMNS.forEach(function (col) {
      var th = C.html("th", { scope: "col", "data-column": col.key }, tr, col.label);
      th.setAttribute("aria-sort", state.sort.column === col.key ?
        (state.sort.descending ? "descending" : "ascending") : "none");
      th.title = "Urutkan";
      th.addEventListener("click", function () { sortBy(col.key); });
    });
    C.html("th", { scope: "col" }, tr, "Sinkron terakhir");
    var fresh = {};
    r.freshness.cooperatives.forEach(function (f) { fresh[f.cooperative_id] = f; });
    var rows = r.cooperatives.slice().sort(function (a, b) {
      var col = state.sort.column;
      if (col === "name") return String(a.name).localeCompare(String(b.name));
      var va = a[col] === null ? -Infinity : a[col], vb = b[col] === null ? -Infinity : b[col];
      return (state.sort.descending ? vb - va : va - vb) ||
        String(a.name).localeCompare(String(b.name));
    });
    rows.forEach(function (row) {
      var id = row.cooperative_id;
      var line = C.html("tr", { "data-id": id, "class": row.stale ? "stale" : false }, body);
      var name = C.html("td", null, line);
      C.html("strong", null, name, row.name || id);
      C.html("span", { "class": "region", "data-region": row.regency_code || row.province_code },
        name, placeName(row.province_name, row.province_code) +
        (row.regency_code ? " · " + placeName(row.regency_name, row.regency_code) : ""));
      var f = fresh[id];
      if (row.stale) C.html("span", { "class": "stale-note" }, name, "belum sinkron");
      if (f && f.idle) C.html("span", { "class": "stale-note" }, name, "tanpa transaksi");
      COLUMNS.forEach(function (col) {
        var td = C.html("td", null, line);
        C.html("span", C.datum("table." + col.key, id, row[col.key]), td, col.format(row[col.key]));
        if (col.growth) {
          var bp = row[col.growth];
          C.html("span", Object.assign({ "class": "growth " + C.growthClass(bp) },
            C.datum("table." + col.growth, id, bp)), td, C.growth(bp));
        }
      });
      var days = f ? f.days_since_last_event : null;
      C.html("td", Object.assign({ "class": row.stale ? "down" : "" },
        C.datum("table.days_since_last_event", id, days)), line,
        days === null ? "belum pernah" : daysAgo(days));
    });
  }

  function sortBy(column) {
    if (state.sort.column === column) {
      state.sort.descending = !state.sort.descending;
    } else {
      state.sort = { column: column, descending: column !== "name" };
    }
    renderTable(state.report);
  }

  // --- wiring ------------------------------------------------------------------------------

  function wire() {
    $("month").addEventListener("change", function (e) {
      var month = e.target.value;
      var url = new URL(location.href);
      url.searchParams.set("month", month);
      history.replaceState(null, "", url.pathname + url.search);
      loadMonth(month);
    });
    function again() {
      if (state.view !== "report" && state.partnersApi) openPartners(state.view);
      else if (state.month && state.scope) loadMonth(state.month);
      else start();
    }
    $("refresh").addEventListener("click", again);
    $("banner-retry").addEventListener("click", again);
    Array.prototype.forEach.call($("tabs").querySelectorAll("button"), function (b) {
      b.addEventListener("click", function () {
        switchView(b.getAttribute("data-view")).catch(function (e) { showError(e); });
      });
    });
    $("sign-out").addEventListener("click", function () { showSignIn(false); });
    $("sign-in-button").addEventListener("click", function () {
      hideBanner();
      beginSignIn().catch(signInFailed);
    });
    var lastWidth = window.innerWidth, timer = null;
    window.addEventListener("resize", function () {
      if (window.innerWidth === lastWidth) return;
      lastWidth = window.innerWidth;
      clearTimeout(timer);
      timer = setTimeout(function () {
        if (state.report && state.report.scope.cooperatives > 0) drawCharts();
      }, 150);
    });
  }

  function boot() {
    wire();
    start().catch(function (e) { showError(e); });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", boot);
  } else {
    boot();
  }
})();
