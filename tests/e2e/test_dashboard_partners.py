"""End to end: the dashboard's partner pages in a real headless Chromium.

The members API (with its relay on real Kafka), the partner gateway (its API and its
consumer, which learns the cooperatives from the members topic) and reporting (which
serves the page) run on real local ports: the page is served by reporting and reads the
gateway's API on the gateway's own origin, with the same token (CORS: the gateway allows
the dashboard's origin; the page's Content Security Policy allows the gateway's).

Seeded through the public APIs: two cooperatives, two partners, three consents, a member
admitted in the first cooperative (a ``members_aggregate`` event for the bank), and the
bank's webhook, which refuses that event once (the dispatcher's pass, as ``python -m
partners webhooks`` runs it). The federation office sees every partner, consent and
delivery; the second cooperative's admin sees only the bank and its own consent; the
first cooperative's admin revokes its consent to the buyer in the page (a confirmation,
then a POST with an Idempotency-Key). Screenshots: ``artifacts/dashboard-partners-*.png``.
"""

from __future__ import annotations

import asyncio
import base64
import os
import socket
import uuid
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
import pytest_asyncio
import uvicorn
from e2e_support import JWT_KEY, Consumer, eventually, members_running, reporting_running
from fastapi import FastAPI
from headless_chromium import LAPTOP, PHONE, Chromium, Viewport, require_chromium

from gotong_platform.auth import Principal, Role, TokenIssuer
from gotong_platform.calendar import FixedClock
from gotong_testing.api import serving
from members.main import create_app as create_members_app
from members.settings import MembersSettings
from partners.adapters.webhooks import PostgresWebhookStore
from partners.entrypoints.consumer import GATEWAY_CONSUMER
from partners.main import build_consumer, build_dispatch
from partners.main import create_app as create_partners_app
from partners.settings import PartnersSettings
from reporting.main import create_app as create_reporting_app
from reporting.settings import ReportingSettings

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(600)]

ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts"
ISSUER = TokenIssuer(JWT_KEY.encode())
SINK = "https://bank-ntt.example/gotong/webhook"


def bound() -> socket.socket:
    """A listening address picked now, so each app can be told the other's origin."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    return sock


def origin(sock: socket.socket) -> str:
    return f"http://127.0.0.1:{sock.getsockname()[1]}"


@asynccontextmanager
async def served(app: FastAPI, sock: socket.socket) -> AsyncIterator[str]:
    """``app`` (its lifespan already running) on ``sock``, by uvicorn."""
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


def token(role: Role, subject: str, **claims: Any) -> str:
    return ISSUER.issue(Principal(subject=subject, role=role, **claims))


def bearer(value: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {value}"}


async def post(client: httpx.AsyncClient, path: str, body: dict[str, Any], auth: str
               ) -> dict[str, Any]:
    answer = await client.post(path, json=body, headers={
        **bearer(auth), "Idempotency-Key": uuid.uuid4().hex})
    assert answer.status_code in (200, 201), answer.text
    found: dict[str, Any] = answer.json()
    return found


@dataclass
class Stack:
    dashboard: str  # reporting's origin, which serves the page
    gateway: str  # the partner gateway's origin
    members: httpx.AsyncClient
    partners: httpx.AsyncClient
    partners_app: FastAPI
    partners_settings: PartnersSettings
    clock: FixedClock


@pytest_asyncio.fixture
async def partner_pages(database_factory: Any, topic_factory: Any, kafka_bootstrap: str,
                clock: FixedClock) -> AsyncIterator[Stack]:
    members_topic = await topic_factory("members")
    page_sock, gateway_sock = bound(), bound()
    members = MembersSettings(database_url=await database_factory("pd_members"),
                              kafka_bootstrap=kafka_bootstrap, topic=members_topic,
                              nik_key=base64.b64encode(os.urandom(32)).decode(),
                              jwt_key=JWT_KEY)
    gateway = PartnersSettings(database_url=await database_factory("pd_partners"),
                               kafka_bootstrap=kafka_bootstrap,
                               consumed_topics=(members_topic,), jwt_key=JWT_KEY,
                               pseudonym_key=base64.b64encode(os.urandom(32)).decode(),
                               cors_origins=(origin(page_sock),))
    reporting = ReportingSettings(database_url=await database_factory("pd_reporting"),
                                  kafka_bootstrap=kafka_bootstrap, topics=(members_topic,),
                                  jwt_key=JWT_KEY, partners_api_url=origin(gateway_sock))
    partners_app = create_partners_app(gateway, clock=clock)
    reporting_app = create_reporting_app(reporting, clock=clock)
    async with AsyncExitStack() as exits:
        members_client = await exits.enter_async_context(
            members_running(create_members_app(members, clock=clock), members,
                            relay_client_id="pd-relay"))
        await exits.enter_async_context(reporting_running(reporting_app, reporting,
                                                          client_id="pd-reporting"))
        partners_client = await exits.enter_async_context(
            _serving_partners(partners_app, gateway, kafka_bootstrap, clock))
        dashboard = await exits.enter_async_context(served(reporting_app, page_sock))
        gateway_url = await exits.enter_async_context(served(partners_app, gateway_sock))
        yield Stack(dashboard, gateway_url, members_client, partners_client, partners_app,
                    gateway, clock)


@asynccontextmanager
async def _serving_partners(app: FastAPI, settings: PartnersSettings, bootstrap: str,
                            clock: FixedClock) -> AsyncIterator[httpx.AsyncClient]:
    async with serving(app, "partners") as client:
        consumer = Consumer(GATEWAY_CONSUMER, settings.database_url, bootstrap,
                            settings.consumed_topics, build_consumer(settings, clock).handler())
        await consumer.start()
        try:
            yield client
        finally:
            await consumer.close()


@dataclass
class Seeded:
    coop_a: str
    coop_b: str
    bank: str
    buyer: str
    a_to_bank: str
    a_to_buyer: str
    b_to_bank: str
    admin_a: str
    admin_b: str
    office: str


async def seed(s: Stack) -> Seeded:
    office = token(Role.FEDERATION_ADMIN, "kantor-federasi")
    coops = []
    for name, regency in (("Koperasi Kopi Bajawa", "5309"), ("Koperasi Tenun Sumba", "5302")):
        coop = await post(s.members, "/cooperatives", {
            "name": name, "coop_type": "producer",
            "legal_registration_number": f"AHU-{uuid.uuid4().hex[:12]}",
            "province_code": "53", "regency_code": regency, "time_zone": "WITA",
            "registered_on": "2019-03-01"}, office)
        await post(s.members, f"/cooperatives/{coop['cooperative_id']}/join-federation",
                   {"effective_date": "2019-04-01"}, office)
        coops.append(coop["cooperative_id"])
    coop_a, coop_b = coops
    admin_a = token(Role.COOP_ADMIN, "pengurus-bajawa", cooperative_id=coop_a)
    admin_b = token(Role.COOP_ADMIN, "pengurus-sumba", cooperative_id=coop_b)

    async def known() -> bool:  # the gateway's directory learnt both from Kafka
        answers = [await s.partners.get(f"/cooperatives/{c}/consents", headers=bearer(t))
                   for c, t in ((coop_a, admin_a), (coop_b, admin_b))]
        return all(a.status_code == 200 for a in answers)

    await eventually(known, timeout_s=60)
    bank = (await post(s.partners, "/partners", {"name": "Bank NTT", "kind": "bank"},
                       office))["partner_id"]
    buyer = (await post(s.partners, "/partners", {"name": "PT Kopi Flores", "kind": "buyer"},
                        office))["partner_id"]

    async def consent(coop: str, admin: str, partner: str, categories: list[str]) -> str:
        found = await post(s.partners, f"/cooperatives/{coop}/consents", {
            "partner_id": partner, "categories": categories, "from_date": "2025-01-01"}, admin)
        consent_id: str = found["consent_id"]
        return consent_id

    a_to_bank = await consent(coop_a, admin_a, bank, ["savings", "members_aggregate"])
    a_to_buyer = await consent(coop_a, admin_a, buyer, ["produce"])
    b_to_bank = await consent(coop_b, admin_b, bank, ["savings"])
    await post(s.partners, "/partner/webhook", {"url": SINK},
               token(Role.PARTNER, bank))

    # A member admitted in A: the bank's feed gets its membership change.
    applied = await post(s.members, f"/cooperatives/{coop_a}/members", {
        "full_name": "Maria Goreti Lowa", "nik": "5309014503900001", "gender": "P",
        "birth_date": "1990-03-05", "village_code": "5309012001",
        "applied_on": "2025-01-06"}, admin_a)
    await post(s.members, f"/cooperatives/{coop_a}/members/{applied['member_id']}/admit",
               {"admitted_on": "2025-01-07"}, admin_a)

    async def in_the_feed() -> bool:
        page = await s.partners.get("/partner/feed", headers=bearer(token(Role.PARTNER, bank)))
        return len(page.json()["items"]) == 1

    await eventually(in_the_feed, timeout_s=60)
    # The bank's endpoint is down: one pass of the dispatcher, one refused attempt.
    refusing = httpx.MockTransport(lambda request: httpx.Response(503))
    async with httpx.AsyncClient(transport=refusing) as client:
        dispatch = build_dispatch(s.partners_settings,
                                  PostgresWebhookStore(s.partners_app.state.partners_pool),
                                  client, s.clock)
        assert await dispatch.run_once() == 0
    return Seeded(coop_a, coop_b, bank, buyer, a_to_bank, a_to_buyer, b_to_bank, admin_a,
                  admin_b, office)


# --- what the page shows --------------------------------------------------------------

COLLECT = """(() => {
  const pane = document.querySelector('#partner-pages section:not([hidden])');
  const rows = pane ? [...pane.querySelectorAll('tbody tr[data-id]')] : [];
  return {
    state: document.body.dataset.state, view: document.body.dataset.view || null,
    banner: document.getElementById('banner').hidden ? null
      : document.getElementById('banner').innerText,
    tabs: document.getElementById('tabs').hidden ? [] : [...document.querySelectorAll(
      '#tabs button')].map((b) => [b.dataset.view, b.innerText, b.hasAttribute('aria-current')]),
    heading: pane ? pane.querySelector('h2').innerText : null,
    headers: pane ? [...pane.querySelectorAll('thead th')].map((t) => t.innerText) : [],
    rows: rows.map((r) => ({id: r.dataset.id, state: r.dataset.state || null,
      status: r.dataset.status || null, delivery: r.dataset.delivery || null,
      partner: r.dataset.partner || null, cooperative: r.dataset.cooperative || null,
      text: r.innerText, revoke: !!r.querySelector('[data-revoke]'),
      enable: !!r.querySelector('[data-enable]'),
      sink: r.querySelector('.sink') ? r.querySelector('.sink').innerText : null,
      values: Object.fromEntries([...r.querySelectorAll('[data-key]')].map(
        (n) => [n.dataset.key, n.dataset.value === '' ? null : Number(n.dataset.value)]))})),
    total: (document.querySelector('#pager [data-key="page.total"]') || {dataset: {}})
      .dataset.value,
    location: location.href, scrollWidth: document.documentElement.scrollWidth,
  };
})()"""


async def show(browser: Chromium, url: str, viewport: Viewport, view: str
               ) -> dict[str, Any]:
    await browser.set_viewport(viewport)
    await browser.open(url)
    await browser.wait_for(f"(document.body.dataset.state === 'ready' && "
                           f"document.body.dataset.view === '{view}') || "
                           "['error', 'signin'].includes(document.body.dataset.state)",
                           timeout_s=60)
    await asyncio.sleep(0.3)  # a last layout pass before the picture
    shown: dict[str, Any] = await browser.evaluate(COLLECT)
    return shown


def page(s: Stack, auth: str, view: str) -> str:
    return f"{s.dashboard}/dashboard?view={view}#token={auth}"


def assert_clean(browser: Chromium, s: Stack, shown: dict[str, Any], viewport: Viewport
                 ) -> None:
    assert browser.exceptions == [], browser.exceptions
    assert browser.console_errors == [], browser.console_errors
    assert browser.failed_requests == [], browser.failed_requests
    outside = [u for u in browser.requests if not u.startswith(
        (f"{s.dashboard}/", f"{s.gateway}/", "about:", "data:"))]
    assert outside == [], f"the page asked for something outside the two services: {outside}"
    assert shown["scrollWidth"] <= viewport.width, "the page is wider than the screen"
    assert "token=" not in shown["location"]


def rows(shown: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {r["id"]: r for r in shown["rows"]}


async def api_page(s: Stack, path: str, auth: str) -> dict[str, Any]:
    answer = await s.partners.get(path, headers=bearer(auth))
    assert answer.status_code == 200, answer.text
    found: dict[str, Any] = answer.json()
    return found


# --- the test ---------------------------------------------------------------------------


async def test_partner_pages_for_the_federation_office_and_each_cooperative_admin(
    partner_pages: Stack,
) -> None:
    require_chromium()  # first: without the browser the test fails (never skips)
    s = partner_pages
    seeded = await seed(s)
    config = (await httpx.AsyncClient(trust_env=False).get(
        f"{s.dashboard}/dashboard/config")).json()
    assert config == {"partners_api": s.gateway, "sign_in": None}
    csp = (await httpx.AsyncClient(trust_env=False).get(f"{s.dashboard}/dashboard")
           ).headers["content-security-policy"]
    assert f"connect-src 'self' {s.gateway};" in csp

    async with Chromium.launch() as browser:
        # --- the federation office: every partner, consent and delivery ----------------
        for viewport in (LAPTOP, PHONE):
            shown = await show(browser, page(s, seeded.office, "partners"), viewport,
                               "partners")
            await browser.screenshot(ARTIFACTS / f"dashboard-partners-federation-"
                                                 f"{viewport.name}.png")
            assert shown["state"] == "ready", shown["banner"]
            assert [t[1] for t in shown["tabs"]] == [
                "Laporan", "Mitra", "Persetujuan", "Kesehatan pengiriman"]
            assert [t[0] for t in shown["tabs"] if t[2]] == ["partners"]
            listed = rows(shown)
            assert set(listed) == {seeded.bank, seeded.buyer}
            assert listed[seeded.bank]["values"] == {
                "partners.consents_in_force": 2, "partners.consents_revoked": 0,
                "partners.cooperatives_in_force": 2}
            assert listed[seeded.bank]["delivery"] == "failing"
            assert "Gagal" in listed[seeded.bank]["text"]
            assert (listed[seeded.buyer]["status"], listed[seeded.buyer]["delivery"]) == (
                "active", "pull")
            assert_clean(browser, s, shown, viewport)

        shown = await show(browser, page(s, seeded.office, "consents"), LAPTOP, "consents")
        await browser.screenshot(ARTIFACTS / "dashboard-partners-federation-consents-laptop.png")
        assert shown["heading"] == "Persetujuan"
        assert set(rows(shown)) == {seeded.a_to_bank, seeded.a_to_buyer, seeded.b_to_bank}
        assert "Koperasi" in shown["headers"]
        assert not any(r["revoke"] for r in shown["rows"])  # the office grants nothing
        assert "Koperasi Tenun Sumba" in rows(shown)[seeded.b_to_bank]["text"]
        assert "Simpanan, Agregat anggota" in rows(shown)[seeded.a_to_bank]["text"]
        assert_clean(browser, s, shown, LAPTOP)

        shown = await show(browser, page(s, seeded.office, "deliveries"), LAPTOP,
                           "deliveries")
        await browser.screenshot(ARTIFACTS /
                                 "dashboard-partners-federation-deliveries-laptop.png")
        (hook,) = shown["rows"]
        api = (await api_page(s, "/oversight/deliveries", seeded.office))["items"][0]
        assert (hook["partner"], hook["status"], hook["sink"]) == (seeded.bank, "failing", SINK)
        assert hook["values"] == {"deliveries.last_position": None, "deliveries.pending": 1,
                                  "deliveries.failed_24h": 1}
        assert (api["pending"], api["failed_24h"], api["last_error"]) == (1, 1, "HTTP 503")
        assert "HTTP 503" in hook["text"]
        assert_clean(browser, s, shown, LAPTOP)

        # --- the second cooperative's admin: the bank and its own consent only -------
        shown = await show(browser, page(s, seeded.admin_b, "partners"), PHONE, "partners")
        await browser.screenshot(ARTIFACTS / "dashboard-partners-cooperative-b-phone.png")
        assert set(rows(shown)) == {seeded.bank}  # never the buyer, A's partner only
        assert rows(shown)[seeded.bank]["values"] == {"partners.consents_in_force": 1,
                                                      "partners.consents_revoked": 0}
        assert "Koperasi" not in shown["headers"]
        assert_clean(browser, s, shown, PHONE)
        shown = await show(browser, page(s, seeded.admin_b, "consents"), PHONE, "consents")
        assert set(rows(shown)) == {seeded.b_to_bank}
        assert {r["cooperative"] for r in shown["rows"]} == {seeded.coop_b}
        assert "Koperasi Kopi Bajawa" not in str(shown)
        shown = await show(browser, page(s, seeded.admin_b, "deliveries"), PHONE,
                           "deliveries")
        (hook,) = shown["rows"]
        assert hook["sink"] is None  # the partner's URL is the federation office's
        assert hook["values"] == {"deliveries.last_position": None, "deliveries.pending": 0,
                                  "deliveries.failed_24h": 0}  # A's event is not B's
        assert_clean(browser, s, shown, PHONE)

        # --- the first cooperative's admin revokes its consent to the buyer ----------
        shown = await show(browser, page(s, seeded.admin_a, "consents"), LAPTOP, "consents")
        assert set(rows(shown)) == {seeded.a_to_bank, seeded.a_to_buyer}
        assert all(r["revoke"] for r in shown["rows"])
        await browser.evaluate(f"document.querySelector('[data-revoke=\"{seeded.a_to_buyer}\"]')"
                               ".click()")
        await browser.wait_for("document.getElementById('revoke-dialog').open")
        assert "PT Kopi Flores" in await browser.evaluate(
            "document.getElementById('revoke-what').innerText")
        await browser.evaluate("document.getElementById('revoke-reason').value = "
                               "'kontrak pembelian selesai'")
        await browser.screenshot(ARTIFACTS / "dashboard-partners-revoke-confirm-laptop.png")
        await browser.evaluate("document.getElementById('revoke-confirm').click()")
        await browser.wait_for(f"document.body.dataset.revoked === '{seeded.a_to_buyer}' && "
                               "document.body.dataset.state === 'ready'")
        shown = await browser.evaluate(COLLECT)
        await browser.screenshot(ARTIFACTS / "dashboard-partners-revoked-laptop.png")
        after = rows(shown)
        assert after[seeded.a_to_buyer]["state"] == "revoked"
        assert not after[seeded.a_to_buyer]["revoke"]
        assert "pengurus-bajawa" in after[seeded.a_to_buyer]["text"]
        assert after[seeded.a_to_bank]["state"] == "in_force"
        assert_clean(browser, s, shown, LAPTOP)

        # the gateway has it, said by whom, once
        revoked = (await api_page(s, f"/cooperatives/{seeded.coop_a}/consents/"
                                     f"{seeded.a_to_buyer}", seeded.admin_a))
        assert (revoked["revoked_by"], revoked["revoke_reason"]) == (
            "pengurus-bajawa", "kontrak pembelian selesai")
        assert revoked["version"] == 2

        shown = await show(browser, page(s, seeded.admin_a, "deliveries"), LAPTOP,
                           "deliveries")
        (hook,) = shown["rows"]
        assert (hook["sink"], hook["status"]) == (None, "failing")
        assert hook["values"] == {"deliveries.last_position": None, "deliveries.pending": 1,
                                  "deliveries.failed_24h": 1}  # its own member's event

        # --- the office sees the buyer without a consent in force now ----------------
        shown = await show(browser, page(s, seeded.office, "partners"), LAPTOP, "partners")
        assert rows(shown)[seeded.buyer]["status"] == "inactive"
        assert rows(shown)[seeded.buyer]["values"]["partners.consents_revoked"] == 1

        # --- disabled after persistent failures: the office re-enables it here --------
        await s.partners_app.state.partners_pool.execute(
            "UPDATE webhook_endpoints SET enabled = false WHERE partner_id = $1", seeded.bank)
        shown = await show(browser, page(s, seeded.admin_a, "deliveries"), LAPTOP,
                           "deliveries")
        (hook,) = shown["rows"]
        assert (hook["status"], hook["enable"]) == ("disabled", False)  # the office's button
        shown = await show(browser, page(s, seeded.office, "deliveries"), LAPTOP,
                           "deliveries")
        (hook,) = shown["rows"]
        assert (hook["status"], hook["enable"]) == ("disabled", True)
        assert "Aktifkan lagi" in hook["text"]
        await browser.screenshot(ARTIFACTS / "dashboard-partners-disabled-laptop.png")
        await browser.evaluate(
            f"document.querySelector('[data-enable=\"{hook['id']}\"]').click()")
        await browser.wait_for(f"document.body.dataset.enabled === '{hook['id']}' && "
                               "document.body.dataset.state === 'ready'", timeout_s=30)
        await asyncio.sleep(0.3)
        shown = await browser.evaluate(COLLECT)
        (hook,) = shown["rows"]
        assert (hook["status"], hook["enable"]) == ("healthy", False)
        await browser.screenshot(ARTIFACTS / "dashboard-partners-re-enabled-laptop.png")
        assert_clean(browser, s, shown, LAPTOP)
        (api,) = (await api_page(s, "/oversight/deliveries", seeded.office))["items"]
        assert (api["enabled"], api["failures"]) == (True, 0)

        # --- a regional officer has no partner pages: the report, without tabs -------
        officer = token(Role.REGIONAL_OFFICER, "dinas-ntt", region="53")
        await browser.open(page(s, officer, "partners"))
        await browser.wait_for("['ready', 'empty', 'error'].includes("
                               "document.body.dataset.state)", timeout_s=60)
        assert await browser.evaluate("document.getElementById('tabs').hidden")
        assert await browser.evaluate("document.getElementById('partner-pages').hidden")
        assert await browser.evaluate("document.body.dataset.view") == "report"
        assert browser.exceptions == []
