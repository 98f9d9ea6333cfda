/* Gotong dashboard: the partner pages ("Mitra", "Persetujuan", "Kesehatan pengiriman").
 *
 * They read the partner gateway's own API (its origin comes from /dashboard/config; the
 * services never call each other) with the signed-in user's bearer token: the federation
 * office sees every partner, consent and delivery, a cooperative's admin the partners of
 * its own consents, its own consents and each delivery as far as its own events go (the
 * gateway decides; the page only shows). A cooperative admin revokes a consent here
 * (POST with an Idempotency-Key, after a confirmation). A disabled delivery is re-enabled
 * by its partner setting it again, or here by the federation office ("Aktifkan lagi":
 * POST /oversight/deliveries/{id}/enable; the gateway records who did it).
 * Every number shown carries data-key/data-id/data-value, as the report's do.
 */
(function () {
  "use strict";

  var C = window.GotongCharts;
  var PAGE = 50;
  var CATEGORIES = { savings: "Simpanan", loans: "Pinjaman", sales: "Penjualan",
    produce: "Hasil bumi", stock: "Stok", members_aggregate: "Agregat anggota",
    monthly_kpis: "KPI bulanan" };
  var KINDS = { bank: "Bank", buyer: "Pembeli", government: "Pemerintah", other: "Lainnya" };
  var DELIVERY = { healthy: "Sehat", failing: "Gagal", disabled: "Nonaktif",
    pull: "Ditarik mitra" };
  var PARTNER_STATUS = { active: "Aktif", inactive: "Tidak aktif" };
  var VIEWS = {
    partners: { path: "/oversight/partners", title: "Mitra" },
    consents: { path: "/oversight/consents", title: "Persetujuan" },
    deliveries: { path: "/oversight/deliveries", title: "Kesehatan pengiriman" },
  };

  var ctx = null;   // from dashboard.js: base, token, claims, ApiError, showError, ...
  var view = null;
  var offset = 0;
  var seq = 0;
  var revoking = null;  // the consent the dialog asks about, and its Idempotency-Key

  function $(id) { return document.getElementById(id); }

  function federation() { return ctx.claims.role === "federation_admin"; }

  // The federation office and a cooperative's admin oversee partners; nobody else.
  function allowed(claims) {
    return claims.role === "federation_admin" || (claims.role === "coop_admin" && !!claims.coop);
  }

  // --- the gateway's API ---------------------------------------------------------------

  function idempotencyKey() {
    var bytes = new Uint8Array(16);
    crypto.getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) {
      return ("0" + b.toString(16)).slice(-2);
    }).join("");
  }

  async function call(method, path, params, body, key) {
    var query = params ? "?" + new URLSearchParams(params).toString() : "";
    var headers = { Authorization: "Bearer " + ctx.token, Accept: "application/json" };
    if (body !== undefined) {
      headers["Content-Type"] = "application/json";
      headers["Idempotency-Key"] = key;
    }
    var response;
    try {
      response = await fetch(ctx.base + path + query, { method: method, mode: "cors",
        cache: "no-store", credentials: "omit", headers: headers,
        body: body === undefined ? undefined : JSON.stringify(body) });
    } catch (e) {
      throw new ctx.ApiError(0, { detail: String(e && e.message || e) });
    }
    if (!response.ok) {
      var problem = null;
      try { problem = await response.json(); } catch (e) { problem = null; }
      throw new ctx.ApiError(response.status, problem);
    }
    return response.json();
  }

  // --- formatting -------------------------------------------------------------------------

  function when(iso) {
    if (!iso) return "—";
    var d = new Date(iso);
    if (isNaN(d.getTime())) return iso;
    return new Intl.DateTimeFormat("id-ID", { day: "numeric", month: "short", year: "numeric",
      hour: "2-digit", minute: "2-digit" }).format(d);
  }

  function day(iso) {
    if (!iso) return "—";
    var p = iso.split("-");
    return new Intl.DateTimeFormat("id-ID", { day: "numeric", month: "short", year: "numeric",
      timeZone: "UTC" }).format(new Date(Date.UTC(+p[0], +p[1] - 1, +p[2])));
  }

  function badge(parent, cls, text) {
    return C.html("span", { "class": "badge " + cls }, parent, text);
  }

  function cell(row, key, id, value, text, cls) {
    var td = C.html("td", cls ? { "class": cls } : null, row);
    C.html("span", C.datum(key, id, value), td, text);
    return td;
  }

  function textCell(row, text, cls) {
    return C.html("td", { "class": "text" + (cls ? " " + cls : "") }, row, text);
  }

  function head(table, labels) {
    C.clear(table.tHead);
    var tr = C.html("tr", null, table.tHead);
    labels.forEach(function (label) { C.html("th", { scope: "col" }, tr, label); });
  }

  // --- the pages ----------------------------------------------------------------------------

  async function show(name, context) {
    ctx = context;
    if (view !== name) offset = 0;
    view = name;
    var mine = ++seq;
    document.body.setAttribute("data-view", name);
    Object.keys(VIEWS).forEach(function (v) { $("pane-" + v).hidden = v !== name; });
    ctx.hideBanner();
    ctx.setState("loading");
    ctx.status("Memuat " + VIEWS[name].title.toLowerCase() + "…");
    var params = { offset: String(offset), limit: String(PAGE) };
    if (name === "consents" && $("consent-state").value !== "all") {
      params.state = $("consent-state").value;
    }
    var page;
    try {
      page = await call("GET", VIEWS[name].path, params);
    } catch (e) {
      if (mine === seq) ctx.showError(e);
      return;
    }
    if (mine !== seq) return;  // another page was opened meanwhile
    $("partner-pages").hidden = false;
    ({ partners: renderPartners, consents: renderConsents,
      deliveries: renderDeliveries })[name](page);
    renderPager(page);
    ctx.setState("ready");
  }

  function subtitle(id, federationText, cooperativeText) {
    $(id).textContent = federation() ? federationText : cooperativeText;
  }

  function renderPartners(page) {
    subtitle("partners-subtitle", "Semua mitra terdaftar, persetujuan dari semua koperasi, " +
      "dan kesehatan pengiriman webhook mereka.", "Mitra yang memegang atau pernah memegang " +
      "persetujuan koperasi Anda; jumlah persetujuan hanya milik koperasi Anda.");
    var table = $("partners-table");
    var labels = ["Mitra", "Status", "Persetujuan berlaku", "Dicabut"];
    if (federation()) labels.push("Koperasi");
    labels.push("Pengiriman");
    head(table, labels);
    var body = table.tBodies[0];
    C.clear(body);
    page.items.forEach(function (p) {
      var id = p.partner_id;
      var tr = C.html("tr", { "data-id": id, "data-status": p.status,
        "data-delivery": p.delivery }, body);
      var name = C.html("td", null, tr);
      C.html("strong", null, name, p.name);
      C.html("span", { "class": "region" }, name, (KINDS[p.kind] || p.kind) + " · terdaftar " +
        day(p.registered_at.slice(0, 10)));
      var st = C.html("td", { "class": "text" }, tr);
      badge(st, p.status === "active" ? "fresh" : "muted", PARTNER_STATUS[p.status]);
      cell(tr, "partners.consents_in_force", id, p.consents_in_force,
        C.integer(p.consents_in_force));
      cell(tr, "partners.consents_revoked", id, p.consents_revoked,
        C.integer(p.consents_revoked));
      if (federation()) {
        cell(tr, "partners.cooperatives_in_force", id, p.cooperatives_in_force,
          C.integer(p.cooperatives_in_force));
      }
      var dl = C.html("td", { "class": "text" }, tr);
      badge(dl, "delivery-" + p.delivery, DELIVERY[p.delivery]);
      if (p.webhooks > 0) {
        C.html("span", { "class": "region" }, dl, p.webhooks + " webhook" +
          (p.webhooks_disabled ? ", " + p.webhooks_disabled + " nonaktif" : "") +
          (p.webhooks_failing ? ", " + p.webhooks_failing + " gagal" : ""));
      }
    });
    empty(body, labels.length, page, "Belum ada mitra." + (federation() ? "" :
      " Koperasi Anda belum memberi persetujuan kepada mitra mana pun."));
  }

  function windowText(c) {
    return day(c.from_date) + " s.d. " + (c.until_date ? day(c.until_date) : "seterusnya") +
      (c.include_history ? " · termasuk riwayat" : "");
  }

  function renderConsents(page) {
    subtitle("consents-subtitle", "Persetujuan semua koperasi, yang terbaru dahulu: siapa " +
      "memberi dan mencabutnya, dan kapan.", "Persetujuan koperasi Anda, yang terbaru " +
      "dahulu. Pengurus dapat mencabut persetujuan yang masih berlaku.");
    var table = $("consents-table");
    var labels = ["Mitra"];
    if (federation()) labels.push("Koperasi");
    labels = labels.concat(["Kategori data", "Periode data", "Diberikan", "Status"]);
    if (!federation()) labels.push("Tindakan");
    head(table, labels);
    var body = table.tBodies[0];
    C.clear(body);
    page.items.forEach(function (c) {
      var id = c.consent_id;
      var inForce = c.revoked_at === null;
      var tr = C.html("tr", { "data-id": id, "data-partner": c.partner_id,
        "data-cooperative": c.cooperative_id, "data-state": inForce ? "in_force" : "revoked" },
        body);
      var name = C.html("td", null, tr);
      C.html("strong", null, name, c.partner_name);
      C.html("span", { "class": "region" }, name, KINDS[c.partner_kind] || c.partner_kind);
      if (federation()) textCell(tr, c.cooperative_name || c.cooperative_id);
      textCell(tr, c.categories.map(function (k) { return CATEGORIES[k] || k; }).join(", "));
      textCell(tr, windowText(c));
      var granted = textCell(tr, when(c.granted_at));
      C.html("span", { "class": "region" }, granted, "oleh " + c.granted_by);
      var st = C.html("td", { "class": "text" }, tr);
      badge(st, inForce ? "fresh" : "stale", inForce ? "Berlaku" : "Dicabut");
      if (!inForce) {
        C.html("span", { "class": "region" }, st, when(c.revoked_at) + " oleh " + c.revoked_by);
        if (c.revoke_reason) C.html("span", { "class": "region" }, st, "“" + c.revoke_reason + "”");
      }
      if (!federation()) {
        var act = C.html("td", { "class": "text" }, tr);
        if (inForce) {
          var button = C.html("button", { type: "button", "class": "danger small",
            "data-revoke": id }, act, "Cabut");
          button.addEventListener("click", function () { askRevoke(c); });
        }
      }
    });
    empty(body, labels.length, page, "Tidak ada persetujuan.");
  }

  function lastDelivered(d) {
    if (!d.last_delivered) return d.protocol === "HTTP" ? "Belum ada" : "—";
    return "#" + d.last_delivered.position + " · " + when(d.last_delivered.attempted_at);
  }

  function renderDeliveries(page) {
    subtitle("deliveries-subtitle", "Setiap langganan mitra: webhook aktif atau nonaktif, " +
      "kegagalan, galat terakhir, kejadian terakhir terkirim dan yang masih menunggu.",
      "Pengiriman data koperasi Anda kepada mitranya: angka hanya menghitung kejadian " +
      "koperasi Anda.");
    var table = $("deliveries-table");
    var labels = ["Mitra", "Langganan", "Status", "Terakhir terkirim", "Menunggu",
      "Gagal 24 jam", "Galat terakhir"];
    head(table, labels);
    var body = table.tBodies[0];
    C.clear(body);
    page.items.forEach(function (d) {
      var id = d.subscription_id;
      var tr = C.html("tr", { "data-id": id, "data-partner": d.partner_id,
        "data-status": d.status, "class": d.status === "disabled" ? "stale" : false }, body);
      var name = C.html("td", null, tr);
      C.html("strong", null, name, d.partner_name);
      C.html("span", { "class": "region" }, name, KINDS[d.partner_kind] || d.partner_kind);
      var sub = textCell(tr, d.protocol === "HTTP" ? "Webhook" + (d.default_webhook ?
        " (utama)" : "") : d.protocol === "KAFKA" ? "Topik Kafka" : "Ditarik mitra (pull)");
      if (d.sink) C.html("span", { "class": "region sink" }, sub, d.sink);
      var st = C.html("td", { "class": "text" }, tr);
      badge(st, "delivery-" + d.status, DELIVERY[d.status] +
        (d.status === "failing" ? " (" + d.failures + "×)" : ""));
      if (d.status === "failing" && d.next_attempt_at) {
        C.html("span", { "class": "region" }, st, "coba lagi " + when(d.next_attempt_at));
      }
      if (d.status === "disabled") {
        C.html("span", { "class": "region" }, st, "gagal sejak " + when(d.failing_since) +
          (federation() ? "; mitra juga dapat mengaktifkannya lagi dengan mengatur " +
            "langganannya kembali" : "; mitra atau kantor federasi dapat mengaktifkannya lagi"));
        if (federation()) {
          var again = C.html("button", { type: "button", "class": "enable",
            "data-enable": id }, st, "Aktifkan lagi");
          again.addEventListener("click", function () { enable(d, again, st); });
        }
      }
      var last = textCell(tr, "");
      C.html("span", C.datum("deliveries.last_position", id,
        d.last_delivered ? d.last_delivered.position : null), last, lastDelivered(d));
      cell(tr, "deliveries.pending", id, d.pending, d.pending === null ? "—" :
        C.integer(d.pending) + (d.pending_capped ? "+" : ""));
      cell(tr, "deliveries.failed_24h", id, d.failed_24h, d.failed_24h === null ? "—" :
        C.integer(d.failed_24h), d.failed_24h ? "down" : "");
      textCell(tr, d.last_error || "—", "error-text");
    });
    empty(body, labels.length, page, "Belum ada langganan mitra.");
  }

  function empty(body, columns, page, text) {
    if (page.items.length) return;
    var tr = C.html("tr", { "class": "empty-row" }, body);
    C.html("td", { colspan: columns, "class": "text" }, tr, text);
  }

  function renderPager(page) {
    var box = $("pager");
    C.clear(box);
    if (page.total <= page.limit && page.offset === 0) {
      C.html("span", C.datum("page.total", null, page.total), box, page.total + " baris");
      return;
    }
    var last = Math.min(page.offset + page.items.length, page.total);
    C.html("span", C.datum("page.total", null, page.total), box,
      (page.offset + 1) + "–" + last + " dari " + page.total);
    var prev = C.html("button", { type: "button", "class": "link-button" }, box, "Sebelumnya");
    prev.disabled = page.offset === 0;
    prev.addEventListener("click", function () {
      offset = Math.max(0, page.offset - page.limit);
      show(view, ctx);
    });
    var next = C.html("button", { type: "button", "class": "link-button" }, box, "Berikutnya");
    next.disabled = last >= page.total;
    next.addEventListener("click", function () {
      offset = page.offset + page.limit;
      show(view, ctx);
    });
  }

  // --- re-enabling a disabled delivery (the federation office) ----------------------------

  async function enable(d, button, cellNode) {
    button.disabled = true;
    try {
      // A key per click: a second click after a lost answer finds it enabled (409) and
      // the page shows the list again.
      await call("POST", "/oversight/deliveries/" + encodeURIComponent(d.subscription_id) +
        "/enable", null, {}, idempotencyKey());
    } catch (e) {
      if (!(e.status === 409 && e.problem && e.problem.code === "delivery-not-disabled")) {
        button.disabled = false;
        C.html("span", { "class": "region error-text", role: "alert" }, cellNode,
          "Gagal mengaktifkan (" + (e.status || "jaringan") + "): " +
          ((e.problem && (e.problem.detail || e.problem.title)) || "coba lagi") + ".");
        return;
      }
    }
    document.body.setAttribute("data-enabled", d.subscription_id);
    await show("deliveries", ctx);
  }

  // --- revoking a consent (the cooperative's admin) ---------------------------------------

  function askRevoke(consent) {
    // One key per question: a retry after a lost answer is the same revocation.
    revoking = { consent: consent, key: idempotencyKey() };
    $("revoke-what").textContent = consent.partner_name + " tidak akan menerima data " +
      consent.categories.map(function (k) { return CATEGORIES[k] || k; }).join(", ") +
      " koperasi Anda lagi. Data yang belum diambilnya juga tidak diberikan.";
    $("revoke-reason").value = "";
    $("revoke-error").hidden = true;
    $("revoke-confirm").disabled = false;
    $("revoke-dialog").showModal();
  }

  async function confirmRevoke() {
    if (!revoking) return;
    var c = revoking.consent;
    var reason = $("revoke-reason").value.trim();
    $("revoke-confirm").disabled = true;
    try {
      await call("POST", "/cooperatives/" + encodeURIComponent(c.cooperative_id) +
        "/consents/" + encodeURIComponent(c.consent_id) + "/revoke", null,
        reason ? { reason: reason } : {}, revoking.key);
    } catch (e) {
      $("revoke-confirm").disabled = false;
      $("revoke-error").hidden = false;
      $("revoke-error").textContent = "Gagal mencabut (" + (e.status || "jaringan") + "): " +
        ((e.problem && (e.problem.detail || e.problem.title)) || "coba lagi") + ".";
      return;
    }
    revoking = null;
    $("revoke-dialog").close();
    document.body.setAttribute("data-revoked", c.consent_id);
    await show("consents", ctx);
  }

  function wire() {
    $("revoke-cancel").addEventListener("click", function () {
      revoking = null;
      $("revoke-dialog").close();
    });
    $("revoke-confirm").addEventListener("click", function () { confirmRevoke(); });
    $("consent-state").addEventListener("change", function () {
      offset = 0;
      if (ctx) show("consents", ctx);
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", wire);
  } else {
    wire();
  }

  window.GotongPartners = { views: Object.keys(VIEWS), allowed: allowed, show: show };
})();
