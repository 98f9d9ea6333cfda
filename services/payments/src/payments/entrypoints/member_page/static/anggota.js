/* The member's own page: sign in with her phone and a code, then her statement.
 *
 * No framework and no outside file. The sign-in talks to the members service (its
 * origin from /anggota/config.json); the statement comes from this service with her
 * member token. The token and her membership stay in localStorage on her own phone, so
 * a reload (online or not) opens her statement; "Keluar" forgets them and the cached
 * statement. Below it, her SHU share and her cooperative's last closed month and last
 * RAT come from the reporting service (its origin from config.json too), with the same
 * token. The service worker (sw.js) keeps the page, her last statement and the last of
 * those two answers for when the connection is gone, each with the time it was current.
 */
"use strict";

const KEY = "gotong-anggota";
const $ = (id) => document.getElementById(id);
let config = { members_api: null };
let phone = "";

const rupiah = (n) => "Rp " + Math.abs(n).toLocaleString("id-ID");
// In tables the header says "(Rp)": a phone's narrow screen keeps the digits only.
const angka = (n) => Math.abs(n).toLocaleString("id-ID");
const signed = (n) => (n < 0 ? "−" : "+") + angka(n);
const MONTHS = ["Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus",
                "September", "Oktober", "November", "Desember"];
function tanggal(iso) {
  const [y, m, d] = iso.split("-").map(Number);
  return `${d} ${MONTHS[m - 1]} ${y}`;
}
function tgl(iso) {  // short, for tables: 18 Nov 2026
  const [y, m, d] = iso.split("-").map(Number);
  return `${d} ${MONTHS[m - 1].slice(0, 3)} ${y}`;
}
function bulan(period) {
  const [y, m] = period.split("-").map(Number);
  return `${MONTHS[m - 1].slice(0, 3)} ${y}`;
}
function waktu(isoInstant) {
  return new Date(isoInstant).toLocaleString("id-ID", {
    day: "numeric", month: "long", year: "numeric", hour: "2-digit", minute: "2-digit"});
}
const kg = (g) => (g / 1000).toLocaleString("id-ID", { maximumFractionDigits: 1 }) + " kg";
const SAVINGS = { pokok: "Simpanan pokok", wajib: "Simpanan wajib", sukarela: "Simpanan sukarela" };
const KIND = { deposit: "Setor", withdrawal: "Tarik", refund: "Dikembalikan (keluar)" };
const CHANNEL = { cash: "tunai", transfer: "transfer", qris: "QRIS",
                  produce_deduction: "potongan hasil panen", refund_offset: "potongan pengembalian" };
const DEDUCTION = { loan_instalment: "Potongan angsuran pinjaman",
                    simpanan_wajib: "Potongan simpanan wajib", advance: "Potongan panjar" };
const STATUS = { admitted: "Anggota aktif", suspended: "Anggota dibekukan",
                 exited: "Sudah keluar — riwayat tetap bisa dilihat" };
const LOAN = { active: "berjalan", repaid: "lunas", closed: "ditutup", written_off: "dihapusbukukan",
               approved: "disetujui", applied: "diajukan", rejected: "ditolak" };

const POOL = { cadangan: "Dana cadangan", jasa_modal: "Jasa modal anggota",
               jasa_usaha: "Jasa usaha anggota", pengurus_pengawas: "Dana pengurus & pengawas",
               karyawan: "Dana karyawan", pendidikan: "Dana pendidikan", sosial: "Dana sosial",
               pembangunan_daerah_kerja: "Dana pembangunan daerah kerja" };
const persen = (bp) => (bp / 100).toLocaleString("id-ID", { maximumFractionDigits: 2 }) + "%";
const rasio = (r) => (r.bp === null ? "—" : persen(r.bp));

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (name === "class") node.className = value; else node.setAttribute(name, value);
  }
  for (const child of children) node.append(child);
  return node;
}
function table(head, rows, numeric = []) {
  const t = el("table");
  t.append(el("tr", {}, ...head.map((h, i) => el("th", numeric.includes(i) ? { class: "num" } : {}, h))));
  for (const row of rows) {
    t.append(el("tr", {}, ...row.map((c, i) => el("td", numeric.includes(i) ? { class: "num" } : {}, c))));
  }
  return t;
}
function show(section) {
  for (const id of ["sign-in", "statement"]) $(id).hidden = id !== section;
  $("sign-out").hidden = section !== "statement";
}
function saved() {
  try { return JSON.parse(localStorage.getItem(KEY) || "null"); } catch { return null; }
}
function fail(id, message) { $(id).textContent = message; $(id).hidden = false; }

async function post(path, body) {
  const answer = await fetch(config.members_api + path, {
    method: "POST",
    headers: { "Content-Type": "application/json", "Idempotency-Key": crypto.randomUUID() },
    body: JSON.stringify(body) });
  const data = await answer.json().catch(() => ({}));
  return { status: answer.status, data, retry: answer.headers.get("Retry-After") };
}

async function sendCode(event) {
  event.preventDefault();
  $("sign-in-error").hidden = true;
  phone = $("phone").value;
  try {
    const answer = await post("/member-sign-in/codes", { phone });
    if (answer.status === 202) {
      $("phone-form").hidden = true; $("code-form").hidden = false; $("code").focus();
    } else if (answer.status === 429) {
      fail("sign-in-error", `Terlalu sering meminta kode. Coba lagi dalam ${answer.retry} detik.`);
    } else if (answer.status === 422) {
      fail("sign-in-error", "Nomor HP tidak dikenali sebagai nomor Indonesia. Contoh: 0812 3456 7890.");
    } else {
      fail("sign-in-error", "Kode belum bisa dikirim. Coba lagi nanti.");
    }
  } catch { fail("sign-in-error", "Tidak ada sambungan internet. Coba lagi nanti."); }
}

async function verifyCode(event) {
  event.preventDefault();
  $("sign-in-error").hidden = true;
  try {
    const answer = await post("/member-sign-in/tokens", { phone, code: $("code").value });
    if (answer.status !== 200) {
      fail("sign-in-error", "Kode salah atau sudah tidak berlaku. Periksa kodenya, atau minta kode baru.");
      return;
    }
    const memberships = answer.data.memberships;
    if (memberships.length === 1) return open(memberships[0]);
    $("code-form").hidden = true;
    const list = $("choose");
    list.replaceChildren(...memberships.map((m) => el("li", {}, Object.assign(
      el("button", { type: "button" }, `${m.full_name} — ${m.cooperative_name}`),
      { onclick: () => open(m) }))));
    list.hidden = false;
  } catch { fail("sign-in-error", "Tidak ada sambungan internet. Coba lagi nanti."); }
}

function open(membership) {
  localStorage.setItem(KEY, JSON.stringify(membership));
  start();
}

function signOut() {
  localStorage.removeItem(KEY);
  navigator.serviceWorker?.controller?.postMessage("forget");
  location.reload();
}

async function loadStatement(query) {
  const me = saved();
  $("statement-error").hidden = true;
  let answer;
  try {
    answer = await fetch(`/member-portal/members/${encodeURIComponent(me.member_id)}/statement${query}`,
                         { headers: { Authorization: `Bearer ${me.token}` } });
  } catch {
    fail("statement-error", "Tidak ada sambungan dan belum ada data tersimpan di HP ini.");
    document.body.dataset.state = "offline-empty";
    return;
  }
  if (answer.status === 401) {
    localStorage.removeItem(KEY);
    return start("Sesi sudah habis. Silakan masuk lagi.");
  }
  if (!answer.ok) {
    fail("statement-error", answer.status === 422 ? "Periode tidak bisa dipakai: tanggal awal harus sebelum tanggal akhir, dan tidak lewat hari ini."
                                                 : "Data belum bisa dimuat. Coba lagi nanti.");
    document.body.dataset.state = "error";
    return;
  }
  const offline = answer.headers.get("X-Gotong-Offline") === "1";
  render(await answer.json(), me, offline);
}

function render(s, me, offline) {
  $("who-name").textContent = me.full_name;
  $("who-detail").textContent = `No. anggota ${s.member_no || "—"} · ${me.cooperative_name}`;
  $("who-status").textContent = STATUS[s.member_status] || s.member_status;
  $("from").value = s.period_start; $("to").value = s.period_end;
  $("print-period").textContent = `Rekening anggota ${tanggal(s.period_start)} – ${tanggal(s.period_end)}`;
  $("current").textContent = `Data per ${waktu(s.current_at)}`;
  $("net").hidden = !offline;
  $("net").textContent = offline
    ? `Anda sedang offline. Ini data terakhir yang tersimpan, per ${waktu(s.current_at)}.` : "";

  $("savings").replaceChildren(...s.savings.map((line) => el("div", { class: "card", "data-savings": line.savings_type },
    el("div", { class: "row" }, el("strong", {}, SAVINGS[line.savings_type]),
       el("span", { class: "big", "data-balance": line.closing_idr }, rupiah(line.closing_idr))),
    el("div", { class: "muted" }, `Saldo awal ${rupiah(line.opening_idr)}`),
    line.movements.length ? table(["Tanggal", "Keterangan", "Jumlah (Rp)", "Saldo (Rp)"], line.movements.map((m) => [
      tgl(m.business_date), KIND[m.kind] + (m.channel ? ` (${CHANNEL[m.channel] || m.channel})` : ""),
      signed(m.amount_idr), angka(m.balance_after_idr)]), [2, 3])
      : el("div", { class: "muted" }, "Tidak ada transaksi pada periode ini."))));

  $("arrears").textContent = s.wajib.arrears_idr > 0
    ? `Tunggakan simpanan wajib: ${rupiah(s.wajib.arrears_idr)}` : "Tidak ada tunggakan simpanan wajib.";
  $("wajib-months").replaceChildren(...s.wajib.months.map((m) => {
    const paid = m.paid_idr >= m.amount_idr;
    return el("li", { class: paid ? "paid" : "unpaid" },
              `${bulan(m.period)} ${paid ? "✓ lunas" : "belum lunas " + rupiah(m.amount_idr - m.paid_idr)}`);
  }));

  $("loans").replaceChildren(...(s.loans.length ? s.loans.map((loan) => el("div", { class: "card", "data-loan": loan.loan_id },
    el("div", { class: "row" }, el("strong", {}, `Pinjaman ${rupiah(loan.principal_idr)}`),
       el("span", {}, LOAN[loan.status] || loan.status)),
    el("div", { class: "muted" }, `${loan.term_months} bulan, jasa ${(loan.interest_rate_bp_per_month / 100).toLocaleString("id-ID")}% per bulan` +
       (loan.disbursed_on ? `, cair ${tanggal(loan.disbursed_on)}` : "")),
    el("div", { class: "row" }, "Sudah dibayar", el("span", {}, rupiah(loan.principal_paid_idr + loan.interest_paid_idr + loan.penalty_paid_idr))),
    el("div", { class: "row" }, "Sisa utang", el("strong", { "data-outstanding": loan.outstanding_idr }, rupiah(loan.outstanding_idr))),
    loan.next_due ? el("div", { class: "row next" }, `Angsuran berikutnya (ke-${loan.next_due.n}), ${tanggal(loan.next_due.due_date)}`,
                       el("strong", { "data-next-due": loan.next_due.owed_idr }, rupiah(loan.next_due.owed_idr)))
                  : el("div", {}, "Tidak ada angsuran yang tersisa."),
    el("h3", {}, "Jadwal angsuran"),
    table(["Ke", "Jatuh tempo", "Angsuran (Rp)", "Dibayar (Rp)", "Sisa (Rp)"], loan.schedule.map((i) => [
      String(i.n), tgl(i.due_date), angka(i.principal_idr + i.interest_idr + i.penalty_idr),
      angka(i.paid_idr), angka(i.owed_idr)]), [2, 3, 4]),
    loan.repayments.length ? el("h3", {}, "Pembayaran pada periode ini") : "",
    loan.repayments.length ? table(["Tanggal", "Cara", "Jumlah (Rp)"], loan.repayments.map((r) => [
      tgl(r.paid_on), CHANNEL[r.channel] || r.channel, angka(r.amount_idr)]), [2]) : ""))
    : [el("p", { class: "muted" }, "Tidak ada pinjaman.")]));

  $("payouts").replaceChildren(...(s.payouts.length ? s.payouts.map((p) => el("div", { class: "card", "data-payout": p.receipt_id },
    el("div", { class: "row" }, el("strong", {}, tanggal(p.business_date)),
       el("span", {}, (p.net_qty_g ? kg(p.net_qty_g) : "") + (p.grade ? `, mutu ${p.grade}` : ""))),
    table(["Rincian", "Jumlah"], [
      ["Nilai hasil panen", rupiah(p.gross_idr)],
      ...p.deductions.filter((d) => d.amount_idr > 0).map((d) => [DEDUCTION[d.type] || d.type, "− " + rupiah(d.amount_idr)]),
      [el("strong", {}, "Diterima bersih"), el("strong", { "data-net": p.net_paid_idr }, rupiah(p.net_paid_idr))]], [1])))
    : [el("p", { class: "muted" }, "Tidak ada setoran pada periode ini.")]));

  show("statement");
  document.body.dataset.state = offline ? "offline" : "ready";
  loadReporting(me);
}

/* Her SHU and her cooperative, from the reporting service. The statement is drawn
 * first; these follow, and a failure here leaves the statement standing. */
async function fromReporting(path, me) {
  let answer;
  try {
    answer = await fetch(config.reporting_api + path, { headers: { Authorization: `Bearer ${me.token}` } });
  } catch {
    return { failed: "Tidak ada sambungan dan belum ada data SHU dan koperasi tersimpan di HP ini." };
  }
  if (answer.status === 404) return { failed: "Data SHU dan koperasi Anda belum tersedia. Coba lagi nanti." };
  if (!answer.ok) return { failed: "Data SHU dan koperasi belum bisa dimuat. Coba lagi nanti." };
  return { body: await answer.json(), offline: answer.headers.get("X-Gotong-Offline") === "1" };
}

async function loadReporting(me) {
  $("reporting-error").hidden = true;
  if (!config.reporting_api) { document.body.dataset.reporting = "none"; return; }
  document.body.dataset.reporting = "loading";
  const [shu, coop] = await Promise.all([
    fromReporting(`/member-portal/members/${encodeURIComponent(me.member_id)}/shu`, me),
    fromReporting(`/member-portal/cooperatives/${encodeURIComponent(me.cooperative_id)}/summary`, me)]);
  const failed = shu.failed || coop.failed;
  if (shu.body) renderShu(shu.body, shu.offline);
  if (coop.body) renderCoop(coop.body, coop.offline);
  if (failed) fail("reporting-error", failed);
  document.body.dataset.reporting = failed ? "error" : (shu.offline || coop.offline ? "offline" : "ready");
}

function dataPer(iso, offline) {
  return `Data per ${waktu(iso)}` + (offline ? " (tersimpan di HP ini)" : "");
}

function renderShu(s, offline) {
  $("shu-current").textContent = dataPer(s.current_at, offline);
  $("shu").replaceChildren(...(s.years.length ? s.years.map((y) => el("div", { class: "card", "data-shu-year": y.fiscal_year },
    el("div", { class: "row" }, el("strong", {}, `Tahun buku ${y.fiscal_year}`),
       el("span", { class: "big", "data-shu-total": y.total_idr }, rupiah(y.total_idr))),
    el("div", { class: "muted" }, `Disahkan RAT ${tanggal(y.rat_date)}`),
    table(["Bagian", "Dana (Rp)", "Dasar Anda (Rp)", "Untuk Anda (Rp)"], [
      ["Jasa modal", angka(y.jasa_modal.pool_idr), angka(y.jasa_modal.your_basis_idr),
       el("span", { "data-jasa-modal": y.jasa_modal.amount_idr }, angka(y.jasa_modal.amount_idr))],
      ["Jasa usaha", angka(y.jasa_usaha.pool_idr), angka(y.jasa_usaha.your_basis_idr),
       el("span", { "data-jasa-usaha": y.jasa_usaha.amount_idr }, angka(y.jasa_usaha.amount_idr))]], [1, 2, 3]),
    el("h3", {}, "Cara menghitungnya"),
    el("ul", { class: "explain" }, ...y.explanation.map((line) => el("li", {}, line)))))
    : [el("p", { class: "muted" }, "Belum ada SHU yang disahkan RAT.")]));
  $("shu-part").hidden = false;
}

function figure(key, value, text) {
  return el("span", { "data-figure": key, "data-value": value }, text);
}

function renderCoop(c, offline) {
  const m = c.month;
  $("coop-current").textContent = dataPer(c.current_at, offline);
  $("coop-month").replaceChildren(el("div", { class: "card", "data-month": m.month },
    el("div", { class: "row" }, el("strong", {}, c.name || "Koperasi"), el("span", {}, bulan(m.month))),
    el("div", { class: "muted" }, `Ringkasan ${tanggal(m.start)} – ${tanggal(m.end)}` +
       (c.regency_name ? ` · ${c.regency_name}` : "")),
    m.figures_available ? "" : el("p", { class: "error" }, "Angka bulan ini belum bisa dihitung; tanyakan kepada pengurus."),
    table(["", "Jumlah"], [
      ["Anggota aktif", figure("members.active", m.members.active,
        `${m.members.active} orang (${m.members.women} perempuan, ${m.members.men} laki-laki)`)],
      ["Anggota masuk / keluar", `${m.members.admitted} / ${m.members.exited}`],
      ["Simpanan seluruh anggota", figure("savings.total_idr", m.savings.total_idr, rupiah(m.savings.total_idr))],
      ["· pokok", figure("savings.pokok_idr", m.savings.pokok_idr, rupiah(m.savings.pokok_idr))],
      ["· wajib", figure("savings.wajib_idr", m.savings.wajib_idr, rupiah(m.savings.wajib_idr))],
      ["· sukarela", figure("savings.sukarela_idr", m.savings.sukarela_idr, rupiah(m.savings.sukarela_idr))],
      ["Pinjaman beredar", figure("loans.outstanding_idr", m.loans.outstanding_idr,
        `${rupiah(m.loans.outstanding_idr)} (${m.loans.active_loans} pinjaman)`)],
      ["Pinjaman menunggak > 30 hari (PAR30)", figure("loans.par30_bp", m.loans.par30.bp, rasio(m.loans.par30))],
      ["Penjualan toko (omzet)", figure("business.shop_omzet_idr", m.business.shop_omzet_idr, rupiah(m.business.shop_omzet_idr))],
      ["Hasil panen dibeli dari anggota", figure("business.produce_bought_idr", m.business.produce_bought_idr,
        `${rupiah(m.business.produce_bought_idr)} (${m.business.produce_bought_kg.toLocaleString("id-ID")} kg)`)]], [1])));
  const r = c.rat;
  $("coop-rat").replaceChildren(r ? el("div", { class: "card", "data-rat-year": r.fiscal_year },
    el("div", { class: "row" }, el("strong", {}, `SHU tahun buku ${r.fiscal_year}`),
       el("span", { class: "big", "data-rat-total": r.shu_total_idr }, rupiah(r.shu_total_idr))),
    el("div", { class: "muted" }, `Disahkan RAT ${tanggal(r.rat_date)}; dibagikan kepada ${r.member_count} anggota.`),
    table(["Pembagian", "Persen", "Jumlah (Rp)"], r.pools.map((p) => [
      POOL[p.pool] || p.pool, p.share_bp === null ? "—" : persen(p.share_bp),
      el("span", { "data-pool": p.pool, "data-amount": p.amount_idr }, angka(p.amount_idr))]), [1, 2]),
    el("div", { class: "row" }, "Untuk anggota (jasa modal + jasa usaha)",
       el("strong", { "data-members-total": r.members_total_idr }, rupiah(r.members_total_idr))),
    r.shu_member_sourced_idr < r.shu_total_idr
      ? el("p", { class: "muted" }, `Yang dibagikan kepada anggota dihitung dari SHU usaha dengan anggota (${rupiah(r.shu_member_sourced_idr)}); sisanya masuk dana cadangan.`)
      : "")
    : el("p", { class: "muted" }, "Belum ada laporan RAT dengan pembagian SHU."));
  $("coop-part").hidden = false;
}

async function start(message) {
  const me = saved();
  if (!me) {
    show("sign-in");
    $("phone-form").hidden = false; $("code-form").hidden = true; $("choose").hidden = true;
    if (message) fail("sign-in-error", message);
    document.body.dataset.state = "sign-in";
    return;
  }
  // No dates: the server's default period, up to the cooperative's own today (this
  // phone's clock may be wrong, and its date may not be the cooperative's).
  await loadStatement("");
}

async function boot() {
  if ("serviceWorker" in navigator) {
    try { await navigator.serviceWorker.register("/anggota/sw.js", { scope: "/anggota/" }); } catch { /* no offline copy */ }
  }
  try { config = await (await fetch("/anggota/config.json")).json(); } catch { /* offline: the cache answers */ }
  $("phone-form").addEventListener("submit", sendCode);
  $("code-form").addEventListener("submit", verifyCode);
  $("again").addEventListener("click", () => { $("code-form").hidden = true; $("phone-form").hidden = false; });
  $("sign-out").addEventListener("click", signOut);
  $("print").addEventListener("click", () => window.print());
  $("period").addEventListener("submit", (event) => {
    event.preventDefault();
    loadStatement(`?from=${$("from").value}&to=${$("to").value}`);
  });
  await start();
}

boot();
