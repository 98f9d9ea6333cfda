"""End to end: the member's own page in a real headless Chromium at phone size.

Members, inventory and payments run with their relays and consumers on the real stack;
payments serves the page (``/anggota/``) and the members API its sign-in, each on a real
port of its own (the members API allows the page's origin). Maria, seeded through the
public APIs with savings, a loan and a coffee payout (``member_window``), has her phone
recorded by the clerk. In the page she asks for a code, which the development sender
writes to the log, types it in, and sees her statement: every drawn figure is compared
with the statement the payments API answers. Then both servers stop (the connection is
gone) and the page is reloaded: the service worker answers the page and her last
statement, and the page says it is offline and as of when. Screenshots (and the printed
statement as PDF) are kept in ``artifacts/member-page-*``.
"""

from __future__ import annotations

import asyncio
import base64
import logging
import re
import socket
from collections.abc import AsyncIterator, Iterator
from contextlib import AsyncExitStack, asynccontextmanager
from pathlib import Path
from typing import Any

import pytest
import uvicorn
from e2e_support import Federation, federation_running
from fastapi import FastAPI
from headless_chromium import PHONE, Chromium
from member_window import a_member_window

from gotong_platform.calendar import FixedClock

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
    page_sock, members_sock = bound(), bound()
    async with federation_running(
            database_factory, topic_factory, kafka_bootstrap, clock,
            members_settings={"sign_in_sender": "log", "cors_origins": (origin(page_sock),)},
            payments_settings={"members_api_url": origin(members_sock)}) as f:
        await run_the_page(f, page_sock, members_sock, codes)


async def run_the_page(f: Federation, page_sock: socket.socket, members_sock: socket.socket,
                       codes: Codes) -> None:
    w = await a_member_window(f)
    await f.post(f.members, w.coop.path(f"/members/{w.maria}/phone"), {"phone": PHONE_NUMBER},
                 w.coop.clerk)
    token = f.auth("member", w.maria, cooperative_id=w.coop.cooperative_id)
    servers = AsyncExitStack()
    async with Chromium.launch() as browser:
        page = await servers.enter_async_context(served(f.apps["payments"], page_sock))
        await servers.enter_async_context(served(f.apps["members"], members_sock))
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
        wide = await js(browser, """[...document.querySelectorAll('body *')]
          .filter(e => e.getBoundingClientRect().right > 360.5)
          .map(e => e.tagName + '.' + e.className + ':' + e.textContent.slice(0, 30))""")
        assert wide == []  # nothing wider than the phone: no sideways scrolling
        text = await js(browser, "document.body.innerText")
        for words in ("Simpanan wajib", "Angsuran berikutnya", "Potongan angsuran pinjaman",
                      "Potongan simpanan wajib", "Diterima bersih", "52 kg, mutu A",
                      "Data per"):
            assert words in text, words
        assert browser.exceptions == []
        assert browser.console_errors == []
        await browser.screenshot(ARTIFACTS / "member-page-statement.png")
        await printed(browser)

        # The connection is gone: both servers stop, the page is reloaded.
        await servers.aclose()
        await browser.send("Network.emulateNetworkConditions", offline=True, latency=0,
                           downloadThroughput=-1, uploadThroughput=-1)
        await browser.open(f"{page}/anggota/")
        await browser.wait_for("document.body.dataset.state === 'offline'")
        offline = await figures(browser)
        assert {k: offline[k] for k in expected(statement)} == expected(statement)
        assert offline["net_banner"].startswith("Anda sedang offline")
        assert offline["current"] == drawn["current"]  # the time the figures were current
        await browser.screenshot(ARTIFACTS / "member-page-offline.png")


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
