/* The member's own page: sign in with her phone and a code, then her statement.
 *
 * No framework and no outside file. The sign-in talks to the members service (its
 * origin from /anggota/config.json); the statement comes from this service with her
 * member token. The token and her membership stay in localStorage on her own phone, so
 * a reload (online or not) opens her statement; "Keluar" forgets them and the cached
 * statement. The service worker (sw.js) keeps the page and her last statement for when
 * the connection is gone.
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
