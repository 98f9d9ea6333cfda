"""End to end: the member's own page in a real headless Chromium at phone size.

Members, inventory and payments run with their relays and consumers on the real stack,
and reporting with its read-model consumer; payments serves the page (``/anggota/``), the
members API its sign-in and the reporting API her SHU and her cooperative, each on a real
port of its own (members and reporting allow the page's origin). Maria, seeded through the
public APIs with savings, a loan and a coffee payout (``member_window``), has her phone
recorded by the clerk. In the page she asks for a code, which the development sender
writes to the log, types it in, and sees her statement: every drawn figure is compared
with the statement the payments API answers; no RAT has adopted an SHU yet, and the page
says so. Then the year ends (the clock moves to the 5th of January): the treasurer drafts
the year's SHU and another pengurus approves it at the RAT; reloaded, the page shows her
share (jasa modal, jasa usaha, how they were computed) and her cooperative's last closed
month and last RAT, every figure compared with the reporting API (her own answers, the
approved calculation's member table, the cooperative's monthly report). Then the servers
stop (the connection is gone) and the page is reloaded: the service worker answers the
page and her last figures, and the page says it is offline and as of when. Screenshots
(and the printed statement as PDF) are kept in ``artifacts/member-page-*``.
"""

from __future__ import annotations

import asyncio
import base64
import logging
import re
import socket
import uuid
from collections.abc import AsyncIterator, Iterator
from contextlib import AsyncExitStack, asynccontextmanager
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn
from e2e_support import JWT_KEY, Federation, eventually, federation_running, reporting_running
from fastapi import FastAPI
from headless_chromium import PHONE, Chromium
from member_window import MemberWindow, a_member_window

from gotong_platform.calendar import FixedClock
from reporting.main import create_app as create_reporting_app
from reporting.settings import ReportingSettings

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(600)]

ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts"
PHONE_NUMBER = "0813 5555 0142"
CODE_LINE = re.compile(r"sign-in code for …(\d{4}): .*: (\d{6})")


class Codes(logging.Handler):
    """The codes the members service's log sender wrote."""

    def __init__(self) -> None:
        super().__init__()
        self.codes: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        found = CODE_LINE.search(record.getMessage())
        if found and found[1] == PHONE_NUMBER[-4:]:
            self.codes.append(found[2])


@pytest.fixture
def codes() -> Iterator[Codes]:
    handler = Codes()
    logger = logging.getLogger("members.sign_in.codes")
    logger.addHandler(handler)
    try:
        yield handler
    finally:
        logger.removeHandler(handler)


def bound() -> socket.socket:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    return sock


def origin(sock: socket.socket) -> str:
    return f"http://127.0.0.1:{sock.getsockname()[1]}"


@asynccontextmanager
async def served(app: FastAPI, sock: socket.socket) -> AsyncIterator[str]:
    """``app`` (its lifespan already running) on ``sock``, by uvicorn, until the block ends."""
    server = uvicorn.Server(uvicorn.Config(app, lifespan="off", log_config=None,
                                           access_log=False))
    task = asyncio.create_task(server.serve(sockets=[sock]))
    try:
        async with asyncio.timeout(20):
            while not server.started:
                if task.done():
                    task.result()
                await asyncio.sleep(0.05)
        yield origin(sock)
    finally:
        server.should_exit = True
        await task
        sock.close()


async def js(browser: Chromium, expression: str) -> Any:
    return await browser.evaluate(expression)


async def figures(browser: Chromium) -> dict[str, Any]:
    """Every figure the page drew, read from the data attributes beside the text."""
    return await js(browser, """(() => {
      const all = (attr) => [...document.querySelectorAll(`[${attr}]`)]
        .map(e => Number(e.getAttribute(attr)));
      const savings = {};
      for (const card of document.querySelectorAll('[data-savings]'))
        savings[card.dataset.savings] = Number(
          card.querySelector('[data-balance]').dataset.balance);
      const banner = document.getElementById('net');
      return {savings, outstanding: all('data-outstanding'), next_due: all('data-next-due'),
              net: all('data-net'),
              months: [...document.querySelectorAll('#wajib-months li')].map(li => li.className),
              current: document.getElementById('current').textContent,
              net_banner: banner.hidden ? null : banner.textContent};
    })()""")


def expected(statement: dict[str, Any]) -> dict[str, Any]:
    return {
        "savings": {s["savings_type"]: s["closing_idr"] for s in statement["savings"]},
        "outstanding": [loan["outstanding_idr"] for loan in statement["loans"]],
        "next_due": [loan["next_due"]["owed_idr"] for loan in statement["loans"]
                     if loan["next_due"]],
        "net": [p["net_paid_idr"] for p in statement["payouts"]],
        "months": ["paid" if m["paid_idr"] >= m["amount_idr"] else "unpaid"
                   for m in statement["wajib"]["months"]],
    }


async def test_a_member_signs_in_on_her_phone_reads_her_statement_and_keeps_it_offline(
        database_factory: Any, topic_factory: Any, kafka_bootstrap: str, clock: FixedClock,
        codes: Codes) -> None:
    page_sock, members_sock, reporting_sock = bound(), bound(), bound()
    async with federation_running(
            database_factory, topic_factory, kafka_bootstrap, clock,
            members_settings={"sign_in_sender": "log", "cors_origins": (origin(page_sock),)},
            payments_settings={"members_api_url": origin(members_sock),
                               "reporting_api_url": origin(reporting_sock)}) as f:
        settings = ReportingSettings(
            database_url=await database_factory("mpr"), kafka_bootstrap=f.bootstrap,
            topics=tuple(f.topics[s] for s in ("members", "inventory", "payments")),
            jwt_key=JWT_KEY, cors_origins=(origin(page_sock),))
        app = create_reporting_app(settings, clock=f.clock)
        async with reporting_running(app, settings, client_id="e2e-member-page") as reporting:
            await run_the_page(f, Sockets(page_sock, members_sock, reporting_sock),
                               Reporting(app, reporting), codes)


class Sockets:
    def __init__(self, page: socket.socket, members: socket.socket,
                 reporting: socket.socket) -> None:
        self.page, self.members, self.reporting = page, members, reporting


class Reporting:
    def __init__(self, app: FastAPI, client: httpx.AsyncClient) -> None:
        self.app, self.client = app, client


async def run_the_page(f: Federation, socks: Sockets, reporting: Reporting,
                       codes: Codes) -> None:
    w = await a_member_window(f)
    await f.post(f.members, w.coop.path(f"/members/{w.maria}/phone"), {"phone": PHONE_NUMBER},
                 w.coop.clerk)
    token = f.auth("member", w.maria, cooperative_id=w.coop.cooperative_id)
    servers = AsyncExitStack()
    async with Chromium.launch() as browser:
        page = await servers.enter_async_context(served(f.apps["payments"], socks.page))
        await servers.enter_async_context(served(f.apps["members"], socks.members))
        await servers.enter_async_context(served(reporting.app, socks.reporting))
        await browser.set_viewport(PHONE)
        await browser.open(f"{page}/anggota/")
        await browser.wait_for("document.body.dataset.state === 'sign-in'")
        # The worker controls the page before she signs in, so her statement passes it.
        await browser.wait_for("navigator.serviceWorker.controller !== null")
        await browser.screenshot(ARTIFACTS / "member-page-sign-in.png")

        await js(browser, f"document.getElementById('phone').value = '{PHONE_NUMBER}'; "
                          "document.getElementById('send-code').click(); true")
        await browser.wait_for("!document.getElementById('code-form').hidden")
        assert len(codes.codes) == 1
        await js(browser, f"document.getElementById('code').value = '{codes.codes[0]}'; "
                          "document.getElementById('verify-code').click(); true")
        await browser.wait_for("document.body.dataset.state === 'ready'")
        period = await js(browser, "[document.getElementById('from').value, "
                                   "document.getElementById('to').value]")
        answer = await f.get(f.payments, f"/member-portal/members/{w.maria}/statement"
                                         f"?from={period[0]}&to={period[1]}", token)
        statement = answer.json()
        drawn = await figures(browser)
        assert {k: drawn[k] for k in expected(statement)} == expected(statement)
        assert drawn["savings"]["sukarela"] == 150_000
        assert drawn["net_banner"] is None
        # nothing wider than the phone: no sideways scrolling
        assert await wider_than_the_phone(browser) == []
        text = await js(browser, "document.body.innerText")
        for words in ("Simpanan wajib", "Angsuran berikutnya", "Potongan angsuran pinjaman",
                      "Potongan simpanan wajib", "Diterima bersih", "52 kg, mutu A",
                      "Data per"):
            assert words in text, words
        # No RAT has adopted an SHU yet: the page says so beside her cooperative's month.
        await browser.wait_for("document.body.dataset.reporting !== 'loading'")
        assert await js(browser, "document.body.dataset.reporting") == "ready"
        assert "Belum ada SHU yang disahkan RAT." in await js(browser, "document.body.innerText")
        assert browser.exceptions == []
        assert browser.console_errors == []
        await browser.screenshot(ARTIFACTS / "member-page-statement.png")
        await printed(browser)

        # The year ends; its SHU is drafted and approved at the RAT; she opens the page.
        calc = await the_year_adopted(f, w, reporting.client)
        await browser.open(f"{page}/anggota/")
        await browser.wait_for("document.body.dataset.state === 'ready' && "
                               "document.body.dataset.reporting === 'ready'")
        shu = (await f.get(reporting.client, f"/member-portal/members/{w.maria}/shu",
                           token)).json()
        summary = (await f.get(reporting.client, f"/member-portal/cooperatives/"
                               f"{w.coop.cooperative_id}/summary", token)).json()
        mine = next(m for m in calc["members"] if m["member_id"] == w.maria)
        shown = await shu_and_coop(browser)
        assert shown == expected_shu_and_coop(shu, summary)
        assert shown["shu"] == [{"year": calc["fiscal_year"], "total": mine["total_idr"],
                                 "modal": mine["jasa_modal_idr"], "usaha": mine["jasa_usaha_idr"]}]
        assert mine["total_idr"] > 0
        report = (await f.get(reporting.client, f"/cooperatives/{w.coop.cooperative_id}"
                              f"/reports/monthly?month={summary['month']['month']}",
                              w.coop.admin)).json()
        assert shown["coop"]["savings.total_idr"] == report["savings"]["balances"]["total_idr"]
        assert shown["coop"]["loans.outstanding_idr"] == (
            report["loans"]["gross_loan_portfolio_idr"])
        assert shown["rat"]["total"] == calc["shu_total_idr"]
        assert shown["rat"]["pools"] == calc["pools_idr"]
        text = await js(browser, "document.body.innerText")
        for words in ("SHU Anda", "Cara menghitungnya", "Jasa modal: 20% dari SHU",
                      "Koperasi Anda", "Anggota aktif", "PAR30", "Laporan RAT terakhir",
                      "Dana cadangan"):
            assert words in text, words
        assert await wider_than_the_phone(browser) == []
        assert browser.exceptions == []
        assert browser.console_errors == []
        await browser.screenshot(ARTIFACTS / "member-page-shu-and-cooperative.png")
        answer = await f.get(f.payments, f"/member-portal/members/{w.maria}/statement", token)
        statement = answer.json()  # the statement of the new default period, cached now

        # The connection is gone: the servers stop, the page is reloaded.
        await servers.aclose()
        await browser.send("Network.emulateNetworkConditions", offline=True, latency=0,
                           downloadThroughput=-1, uploadThroughput=-1)
        await browser.open(f"{page}/anggota/")
        await browser.wait_for("document.body.dataset.state === 'offline' && "
                               "document.body.dataset.reporting === 'offline'")
        offline = await figures(browser)
        assert {k: offline[k] for k in expected(statement)} == expected(statement)
        assert offline["net_banner"].startswith("Anda sedang offline")
        assert await shu_and_coop(browser) == shown
        assert "(tersimpan di HP ini)" in await js(
            browser, "document.getElementById('shu-current').textContent")
        await browser.screenshot(ARTIFACTS / "member-page-offline.png")


async def wider_than_the_phone(browser: Chromium) -> Any:
    return await js(browser, """[...document.querySelectorAll('body *')]
      .filter(e => e.getBoundingClientRect().right > 360.5)
      .map(e => e.tagName + '.' + e.className + ':' + e.textContent.slice(0, 30))""")


async def the_year_adopted(f: Federation, w: MemberWindow, reporting: httpx.AsyncClient
                           ) -> dict[str, Any]:
    """The 5th of January of the next year: once the read model holds Maria's payout,
    the treasurer drafts the year's SHU (the handbook's percentages) and the ketua
    approves it at the RAT held that day."""
    coop = w.coop
    year = f.today.year

    async def produce_known() -> bool:
        answer = await f.get(reporting, f"/cooperatives/{coop.cooperative_id}/reports/monthly"
                                        f"?month={f.today:%Y-%m}", coop.admin)
        return answer.status_code == 200 and bool(
            answer.json()["business"]["produce_bought"]["amount_idr"])
    await eventually(produce_known)
    f.clock.set(datetime(year + 1, 1, 5, 2, 0, tzinfo=UTC))  # 10:00 WITA
    base = f"/cooperatives/{coop.cooperative_id}/shu"
    await post(reporting, f"{base}/policies", {
        "effective_fiscal_year": year, "pools_bp": {
            "cadangan": 4000, "jasa_modal": 2000, "jasa_usaha": 2500, "pengurus_pengawas": 500,
            "karyawan": 500, "pendidikan": 250, "sosial": 250}}, coop.checker, 201)
    calc = await post(reporting, f"{base}/calculations", {
        "fiscal_year": year, "shu_total_idr": 12_000_000, "policy_version": 1},
        coop.checker, 201)
    return await post(reporting, f"{base}/calculations/{calc['calc_id']}/approve",
                      {"rat_date": date(year + 1, 1, 5).isoformat()}, coop.admin, 200)


async def post(client: httpx.AsyncClient, path: str, body: dict[str, Any],
               headers: dict[str, str], expect: int) -> dict[str, Any]:
    answer = await client.post(path, json=body,
                               headers={**headers, "Idempotency-Key": uuid.uuid4().hex})
    assert answer.status_code == expect, answer.text
    result: dict[str, Any] = answer.json()
    return result


async def shu_and_coop(browser: Chromium) -> Any:
    """Every SHU and cooperative figure the page drew, from the data attributes."""
    return await js(browser, """(() => {
      const num = (e, attr) => Number(e.getAttribute(attr));
      const shu = [...document.querySelectorAll('[data-shu-year]')].map(card => ({
        year: num(card, 'data-shu-year'),
        total: num(card.querySelector('[data-shu-total]'), 'data-shu-total'),
        modal: num(card.querySelector('[data-jasa-modal]'), 'data-jasa-modal'),
        usaha: num(card.querySelector('[data-jasa-usaha]'), 'data-jasa-usaha')}));
      const coop = {};
      for (const e of document.querySelectorAll('[data-figure]'))
        coop[e.dataset.figure] = e.dataset.value === 'null' ? null : Number(e.dataset.value);
      const card = document.querySelector('[data-rat-year]');
      const pools = {};
      for (const e of card.querySelectorAll('[data-pool]'))
        pools[e.dataset.pool] = Number(e.dataset.amount);
      return {shu, coop, month: document.querySelector('[data-month]').dataset.month,
              rat: {year: num(card, 'data-rat-year'),
                    total: num(card.querySelector('[data-rat-total]'), 'data-rat-total'),
                    members: num(card.querySelector('[data-members-total]'),
                                 'data-members-total'), pools}};
    })()""")


def expected_shu_and_coop(shu: dict[str, Any], summary: dict[str, Any]) -> dict[str, Any]:
    m, rat = summary["month"], summary["rat"]
    return {
        "shu": [{"year": y["fiscal_year"], "total": y["total_idr"],
                 "modal": y["jasa_modal"]["amount_idr"], "usaha": y["jasa_usaha"]["amount_idr"]}
                for y in shu["years"]],
        "coop": {"members.active": m["members"]["active"],
                 "savings.total_idr": m["savings"]["total_idr"],
                 "savings.pokok_idr": m["savings"]["pokok_idr"],
                 "savings.wajib_idr": m["savings"]["wajib_idr"],
                 "savings.sukarela_idr": m["savings"]["sukarela_idr"],
                 "loans.outstanding_idr": m["loans"]["outstanding_idr"],
                 "loans.par30_bp": m["loans"]["par30"]["bp"],
                 "business.shop_omzet_idr": m["business"]["shop_omzet_idr"],
                 "business.produce_bought_idr": m["business"]["produce_bought_idr"]},
        "month": m["month"],
        "rat": {"year": rat["fiscal_year"], "total": rat["shu_total_idr"],
                "members": rat["members_total_idr"],
                "pools": {p["pool"]: p["amount_idr"] for p in rat["pools"]}},
    }


async def printed(browser: Chromium) -> None:
    """The statement as printed: the print stylesheet hides the controls."""
    await browser.send("Emulation.setEmulatedMedia", media="print")
    hidden = await js(browser, "getComputedStyle(document.getElementById('period')).display")
    assert hidden == "none"
    assert await js(browser, "getComputedStyle(document.getElementById('print-period'))"
                             ".display") == "block"
    await browser.screenshot(ARTIFACTS / "member-page-print.png")
    await browser.send("Emulation.setEmulatedMedia", media="")
    pdf = await browser.send("Page.printToPDF", printBackground=False, preferCSSPageSize=True)
    (ARTIFACTS / "member-page-statement.pdf").write_bytes(base64.b64decode(pdf["data"]))
