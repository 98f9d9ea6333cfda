"""End to end: the dashboard page in a real headless Chromium against a seeded stack.

Members, inventory and payments run with their relays and consumers on real Kafka and
PostgreSQL (``e2e_support.federation``); a reporting API and its read-model consumer run
beside them. The test seeds four cooperatives in two provinces through the HTTP APIs
(members of both genders, shop sales to members and non-members, a produce purchase,
savings, three loans of which one is 40 days late) and one village cooperative whose
last upload is 12 days old (its events published with that recorded time, as a late
device would have them). Once the reporting API shows the month, the reporting app is
served by uvicorn on a real local port and Debian's Chromium loads
``/dashboard#token=...`` at a phone (360x740) and a laptop (1366x768) viewport.

Every number the page draws carries ``data-key``/``data-id``/``data-value``; the test
checks them against what it seeded and against the API's answer for the same period,
checks that the SVG charts are drawn to scale, that the page makes no request outside
the service, throws nothing and does not overflow the phone's width. Screenshots:
``artifacts/dashboard-*.png``.
"""

from __future__ import annotations

import asyncio
import socket
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import orjson
import pytest
import uvicorn
from builders import (
    Coop,
    a_cooperative,
    a_deposit,
    a_loan,
    a_member,
    a_product,
    a_sale,
    a_stocked_shop,
    a_warehouse,
)
from e2e_support import JWT_KEY, Federation, ReportingStack, bp, eventually
from fastapi import FastAPI
from headless_chromium import LAPTOP, PHONE, Chromium, Viewport, require_chromium

from gotong_platform.auth import Principal, Role, TokenIssuer
from gotong_platform.contracts.base import EventContract
from gotong_platform.contracts.members import (
    CooperativeJoinedFederationV1,
    CooperativeRegisteredV1,
)
from gotong_platform.envelope import Envelope, encode_kafka_headers
from gotong_testing import business_today

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(600)]

TODAY = business_today("WITA")  # every cooperative here is in WITA
MONTH = f"{TODAY:%Y-%m}"
ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts"
STALE_DAYS = 12


def rupiah(amount: int) -> str:
    return ("-" if amount < 0 else "") + "Rp " + f"{abs(amount):,}".replace(",", ".")


def percent(value: int) -> str:
    return f"{value // 100},{value % 100:02d}%"


# --- the reporting app on a real port ---------------------------------------------------


@asynccontextmanager
async def served(app: FastAPI) -> AsyncIterator[str]:
    """``app`` on a real local port (its lifespan already runs in the fixture)."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, lifespan="off", log_config=None,
                                           access_log=False))
    task = asyncio.create_task(server.serve(sockets=[sock]))
    try:
        async with asyncio.timeout(20):
            while not server.started:
                if task.done():
                    task.result()
                await asyncio.sleep(0.05)
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        await task
        sock.close()


# --- seeding through the APIs ------------------------------------------------------------


async def sold(f: Federation, c: Coop, shop: str, product: str, qty: int, price: int,
               member_id: str | None) -> int:
    """``qty`` of one product sold at ``price`` a piece, in cash: the sale's total."""
    sale = await a_sale(f, c, shop, [(product, qty, price)], member_id)
    total: int = sale["total_idr"]
    return total


async def a_village_that_stopped_syncing(f: Federation, name: str, regency: str) -> str:
    """A cooperative whose last events reached the server ``STALE_DAYS`` days ago: its
    registration and joining, published as the members service publishes them, with
    that recorded time (what a village with no signal for two weeks looks like)."""
    cid = f"cooperative-{uuid.uuid4()}"
    # Noon of its own day: days since a sync are days of the cooperative's calendar.
    recorded = datetime.combine(TODAY - timedelta(days=STALE_DAYS), time(12),
                                ZoneInfo("Asia/Makassar"))
    events: list[EventContract] = [
        CooperativeRegisteredV1(cooperative_id=cid, name=name,
                                legal_registration_number=f"AHU-{uuid.uuid4().hex[:12]}",
                                coop_type="producer", province_code=regency[:2],
                                regency_code=regency, time_zone="WITA",
                                fiscal_year_start_month=1, loop="closed",
                                registered_on=date(2018, 7, 1)),
        CooperativeJoinedFederationV1(cooperative_id=cid, effective_date=date(2018, 8, 1)),
    ]
    for version, event in enumerate(events, start=1):
        at = recorded + timedelta(seconds=version)
        env = Envelope(event_id=uuid.uuid4(), event_type=event.event_type,
                       schema_version=event.schema_version, source="members", stream_id=cid,
                       stream_version=version, cooperative_id=cid, occurred_at=at,
                       business_date=at.astimezone(ZoneInfo("Asia/Makassar")).date(),
                       recorded_at=at, actor="federation-office")
        await f.producer.send_and_wait(f.topics["members"], key=cid.encode(),
                                       value=orjson.dumps(event.model_dump(mode="json")),
                                       headers=encode_kafka_headers(env))
    return cid


@dataclass
class Seeded:
    coops: dict[str, Coop]  # "A", "B", "C" by their letter
    stale_id: str
    stale_name: str
    expected: dict[str, Any]  # the federation's figures, from what was sent
    per_coop: dict[str, dict[str, int | None]]  # cooperative id -> its figures
    par30_by_province: dict[str, int | None]
    par30_by_regency_53: dict[str, int | None]


async def seed(f: Federation) -> Seeded:
    a = await a_cooperative(f, "Koperasi Serba Usaha Kambera", "5311")
    b = await a_cooperative(f, "Koperasi Tani Maju Sumbawa", "5204")
    c = await a_cooperative(f, "Koperasi Tenun Ikat Lambanapu", "5302")
    a1, a2, a3 = [await a_member(f, a, n, g) for n, g in ((1, "P"), (2, "L"), (3, "P"))]
    b1, b2 = [await a_member(f, b, n, g) for n, g in ((4, "L"), (5, "P"))]
    (c1,) = [await a_member(f, c, n, g) for n, g in ((6, "P"),)]

    # the shops: members pay the member price
    shop_a, rice_a = await a_stocked_shop(f, a, "Gerai", "BRS-5KG", "staple_goods",
                                          (70_000, 75_000), (100, 6_200_000))
    shop_b, rice_b = await a_stocked_shop(f, b, "Gerai", "BRS-5KG", "staple_goods",
                                          (72_000, 78_000), (50, 3_100_000))
    shop_c, tenun = await a_stocked_shop(f, c, "Gerai", "TENUN-IKAT", "handicraft",
                                         (300_000, 350_000), (5, 1_000_000))
    sales = {
        "A": (await sold(f, a, shop_a, rice_a, 2, 70_000, a1),
              await sold(f, a, shop_a, rice_a, 1, 75_000, None)),
        "B": (await sold(f, b, shop_b, rice_b, 1, 72_000, b1),
              await sold(f, b, shop_b, rice_b, 2, 78_000, None)),
        "C": (await sold(f, c, shop_c, tenun, 1, 300_000, c1),
              await sold(f, c, shop_c, tenun, 1, 350_000, None)),
    }

    # coffee bought from a2
    store = await a_warehouse(f, a, "Gudang Kopi", "warehouse")
    coffee = await a_product(f, a, "KOPI-GB", "farm_produce", "g", {"buy_from_member": 45_000},
                             per_qty=1000, name="Kopi gabah")
    receipt = await f.post(f.inventory, a.path(f"/warehouses/{store}/produce-receipts"), {
        "member_id": a2, "product_id": coffee, "gross_qty_g": 52_300,
        "tare_g": 300, "grade": "A", "lot_id": "KOPI-1", "harvest_date": TODAY.isoformat()},
        a.clerk, expect=201)
    assert receipt["amount_idr"] == 52_000 * 45_000 // 1000

    # savings
    await a_deposit(f, a, a1, "pokok", 100_000)
    await a_deposit(f, a, a1, "sukarela", 50_000)
    await a_deposit(f, b, b2, "pokok", 100_000)
    await f.post(f.payments, b.path("/wajib-billing"), {"period": MONTH}, b.admin)
    await a_deposit(f, b, b1, "wajib", 25_000)
    await a_deposit(f, c, c1, "sukarela", 75_000)

    # loans: a3's is 40 days late; b1's and c1's are new, b1's paid ahead
    await a_loan(f, a, a3, 400_000, applied=TODAY - timedelta(days=75),
                 first_due=TODAY - timedelta(days=40))
    fresh = await a_loan(f, b, b1, 500_000, applied=TODAY - timedelta(days=2),
                         first_due=TODAY + timedelta(days=30))
    repaid = await f.post(f.payments, b.path(f"/loans/{fresh}/repayments"),
                          {"amount_idr": 57_500, "channel": "cash"}, b.clerk)
    await a_loan(f, c, c1, 2_000_000, applied=TODAY - timedelta(days=2),
                 first_due=TODAY + timedelta(days=30))

    stale_name = "Koperasi Desa Lunyuk"
    stale_id = await a_village_that_stopped_syncing(f, stale_name, "5204")

    glp = {"A": 400_000, "B": 500_000 - repaid["principal_idr"], "C": 2_000_000}
    par30 = {"A": 400_000, "B": 0, "C": 0}
    savings = {"A": (100_000, 0, 50_000), "B": (100_000, 25_000, 0), "C": (0, 0, 75_000)}
    genders = {"A": (1, 2), "B": (1, 1), "C": (0, 1)}  # (L, P)
    coops = {"A": a, "B": b, "C": c}
    per_coop: dict[str, dict[str, int | None]] = {}
    for letter, coop in coops.items():
        member, non_member = sales[letter]
        male, female = genders[letter]
        pokok, wajib, sukarela = savings[letter]
        per_coop[coop.cooperative_id] = {
            "members_active": male + female, "members_active_l": male,
            "members_active_p": female, "women_share_bp": bp(female, male + female),
            "shop_omzet_idr": member + non_member, "member_omzet_idr": member,
            "non_member_omzet_idr": non_member,
            "produce_bought_idr": receipt["amount_idr"] if letter == "A" else 0,
            "savings_pokok_idr": pokok, "savings_wajib_idr": wajib,
            "savings_sukarela_idr": sukarela, "savings_total_idr": pokok + wajib + sukarela,
            "gross_loan_portfolio_idr": glp[letter], "par30_idr": par30[letter],
            "par30_bp": bp(par30[letter], glp[letter]),
        }
    per_coop[stale_id] = {
        "members_active": 0, "members_active_l": 0, "members_active_p": 0,
        "women_share_bp": None, "shop_omzet_idr": 0, "member_omzet_idr": 0,
        "non_member_omzet_idr": 0, "produce_bought_idr": 0, "savings_pokok_idr": 0,
        "savings_wajib_idr": 0, "savings_sukarela_idr": 0, "savings_total_idr": 0,
        "gross_loan_portfolio_idr": 0, "par30_idr": 0, "par30_bp": None,
    }

    def total(column: str, ids: list[str] | None = None) -> int:
        return sum(int(v[column] or 0) for k, v in per_coop.items() if ids is None or k in ids)

    ntt = [a.cooperative_id, c.cooperative_id]
    ntb = [b.cooperative_id, stale_id]
    expected = {
        "cooperatives": 4, "members_active": 6, "women_share_bp": bp(4, 6),
        "shop_omzet_idr": total("shop_omzet_idr"), "member_idr": total("member_omzet_idr"),
        "non_member_idr": total("non_member_omzet_idr"),
        "produce_bought_idr": receipt["amount_idr"], "produce_bought_kg": 52,
        "savings": {"pokok_idr": 200_000, "wajib_idr": 25_000, "sukarela_idr": 125_000,
                    "total_idr": 350_000},
        "glp": total("gross_loan_portfolio_idr"), "par30_idr": 400_000,
        "par30_bp": bp(400_000, total("gross_loan_portfolio_idr")),
        "stale": [stale_id],
    }
    return Seeded(
        coops=coops, stale_id=stale_id, stale_name=stale_name, expected=expected,
        per_coop=per_coop,
        par30_by_province={
            "53": bp(total("par30_idr", ntt), total("gross_loan_portfolio_idr", ntt)),
            "52": bp(total("par30_idr", ntb), total("gross_loan_portfolio_idr", ntb))},
        par30_by_regency_53={"5311": bp(400_000, glp["A"]), "5302": bp(0, glp["C"])},
    )


def headline(report: dict[str, Any]) -> dict[str, Any]:
    """The parts of a report the seeding predicts, in the shape of ``Seeded.expected``."""
    business, loans = report["business"], report["loans"]
    return {
        "cooperatives": report["scope"]["cooperatives"],
        "members_active": report["members"]["active"]["total"],
        "women_share_bp": report["members"]["women_share"]["bp"],
        "shop_omzet_idr": business["shop_omzet"]["net_idr"],
        "member_idr": business["member_idr"], "non_member_idr": business["non_member_idr"],
        "produce_bought_idr": business["produce_bought"]["amount_idr"],
        "produce_bought_kg": business["produce_bought"]["net_qty_kg"],
        "savings": report["savings"]["balances"],
        "glp": loans["gross_loan_portfolio_idr"], "par30_idr": loans["par30"]["numerator"],
        "par30_bp": loans["par30"]["bp"], "stale": report["freshness"]["stale"],
    }


# --- what the page shows -------------------------------------------------------------------

COLLECT = """(() => {
  const visible = (e) => !!(e.offsetWidth || e.offsetHeight || e.getClientRects().length);
  const banner = document.getElementById('banner');
  return {
    state: document.body.dataset.state, month: document.body.dataset.month || null,
    asOf: document.body.dataset.asOf || null, scope: document.body.dataset.scope || null,
    reportPath: document.body.dataset.reportPath || null,
    errorStatus: document.body.dataset.errorStatus || null,
    banner: banner.hidden ? null : banner.innerText,
    location: location.href, token: sessionStorage.getItem('gotong.dashboard.token'),
    scopeLabel: document.getElementById('scope-label').textContent,
    compare: document.body.dataset.compare || null,
    periodLabel: document.getElementById('period-label').textContent,
    tableSubtitle: document.getElementById('table-subtitle').textContent,
    growthLines: [...document.querySelectorAll('.tile .line')].map((e) => e.textContent),
    pageText: document.body.innerText,
    regions: [...document.querySelectorAll('[data-region]')].map((e) => ({
      code: e.dataset.region, text: e.textContent })),
    innerWidth: window.innerWidth, scrollWidth: document.documentElement.scrollWidth,
    items: [...document.querySelectorAll('[data-key]')].map((e) => ({
      key: e.dataset.key, id: e.dataset.id ?? null, value: e.dataset.value,
      text: [...e.childNodes].filter((n) => n.nodeName !== 'title')
        .map((n) => n.textContent).join(''),
      tag: e.tagName.toLowerCase(),
      width: e.tagName.toLowerCase() === 'rect' ? Number(e.getAttribute('width')) : null,
      visible: visible(e) || e instanceof SVGElement,
      stale: e.dataset.stale ?? null, idle: e.dataset.idle ?? null,
      cls: e.getAttribute('class'),
    })),
    charts: [...document.querySelectorAll('svg[data-chart]')].map((s) => ({
      chart: s.dataset.chart, width: s.getBoundingClientRect().width,
      right: s.getBoundingClientRect().right,
      shapes: s.querySelectorAll('rect.segment, path.slice').length,
    })),
  };
})()"""


@dataclass
class Shown:
    raw: dict[str, Any]

    def items(self, key: str) -> list[dict[str, Any]]:
        return [i for i in self.raw["items"] if i["key"] == key]

    def value(self, key: str, id_: str | None = None) -> int | None:
        found = [i for i in self.items(key) if i["id"] == id_]
        assert len(found) == 1, (key, id_, found)
        raw = found[0]["value"]
        return None if raw == "" else int(raw)

    def by_id(self, key: str) -> dict[str, int | None]:
        return {i["id"]: (None if i["value"] == "" else int(i["value"]))
                for i in self.items(key)}

    def text(self, key: str, id_: str | None = None) -> str:
        return str(next(i["text"] for i in self.items(key) if i["id"] == id_))

    def chart(self, name: str) -> dict[str, Any]:
        return next(c for c in self.raw["charts"] if c["chart"] == name)


async def show(browser: Chromium, url: str, viewport: Viewport) -> Shown:
    await browser.set_viewport(viewport)
    await browser.open(url)
    await browser.wait_for("['ready', 'empty', 'error', 'signin']"
                           ".includes(document.body.dataset.state)", timeout_s=60)
    await asyncio.sleep(0.3)  # a last layout pass before the picture
    return Shown(await browser.evaluate(COLLECT))


def assert_page_is_clean(browser: Chromium, base: str, shown: Shown, viewport: Viewport) -> None:
    assert browser.exceptions == [], browser.exceptions
    assert browser.console_errors == [], browser.console_errors
    outside = [u for u in browser.requests
               if not (u.startswith(f"{base}/") or u.startswith(("about:", "data:")))]
    assert outside == [], f"the page asked for something outside the service: {outside}"
    assert shown.raw["scrollWidth"] <= viewport.width, "the page is wider than the screen"
    for chart in shown.raw["charts"]:
        assert chart["right"] <= viewport.width, chart
    assert "token=" not in shown.raw["location"], "the token stays in the address bar"


def assert_charts_to_scale(shown: Shown) -> None:
    for name in ("omzet", "members", "savings", "par30"):
        chart = shown.chart(name)
        assert chart["width"] > 100, chart
        assert chart["shapes"] > 0, chart
    # omzet: a longer bar for a larger total, member + non-member segments side by side
    widths: dict[str, float] = {}
    for series in ("member", "non_member"):
        for item in shown.items(f"omzet.{series}"):
            widths[item["id"]] = widths.get(item["id"], 0) + item["width"]
    totals = shown.by_id("omzet.total")
    biggest = max(totals, key=lambda k: totals[k] or 0)
    for coop_id, amount in totals.items():
        expected = widths[biggest] * (amount or 0) / (totals[biggest] or 1)
        assert abs(widths[coop_id] - expected) < 1.0, (coop_id, widths, totals)


def assert_freshness_labels_agree(shown: Shown, report: dict[str, Any]) -> None:
    """Each card says what its clock says (issue 9: "belum sinkron" stood beside "Sinkron
    terakhir hari ini"): "belum sinkron" exactly when the last sync is more than
    stale_after_days days old, "tanpa transaksi" exactly for the idle, "segar" otherwise."""
    after = report["freshness"]["stale_after_days"]
    rows = {r["cooperative_id"]: r for r in report["freshness"]["cooperatives"]}
    for item in shown.items("freshness.days"):
        row, text = rows[item["id"]], item["text"]
        days = row["days_since_last_event"]
        assert row["stale"] is (days is None or days > after), row
        assert ("belum sinkron" in text) is row["stale"], text
        assert ("tanpa transaksi" in text) is row["idle"], text
        assert ("segar" in text) is (not row["stale"] and not row["idle"]), text
        assert ("Sinkron terakhir hari ini" in text) is (days == 0), text


EN_DASH = "\u2013"  # the page writes a range of days as 1, an en dash, then 7
MONTH_NAMES = ("Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus",
               "September", "Oktober", "November", "Desember")


def assert_comparison_said(shown: Shown, report: dict[str, Any]) -> None:
    """A month in part is compared with the same days of the month before (month to date),
    a whole month with the whole month before, and the page says which (issue 9)."""
    period, growth = report["period"], report["growth"]
    as_of, end = date.fromisoformat(period["as_of"]), date.fromisoformat(period["end"])
    previous = date.fromisoformat(growth["previous_as_of"])
    previous_end = date.fromisoformat(period["start"]) - timedelta(days=1)
    month = MONTH_NAMES[previous.month - 1]
    if as_of < end:
        assert previous == previous_end.replace(day=min(as_of.day, previous_end.day))
        assert shown.raw["compare"] == "month-to-date"
        suffix = f" vs 1{EN_DASH}{previous.day} {month}"
        assert "hari yang sama bulan lalu" in shown.raw["periodLabel"]
        assert f"dibanding 1{EN_DASH}{previous.day} {month} {previous.year}" in (
            shown.raw["tableSubtitle"])
    else:
        assert previous == previous_end
        assert shown.raw["compare"] == "whole-month"
        suffix = f" vs {month}"
        assert f"dibanding {month} {previous.year}" in shown.raw["tableSubtitle"]
    assert shown.raw["growthLines"]
    assert all(line.endswith(suffix) for line in shown.raw["growthLines"]), (
        suffix, shown.raw["growthLines"])


def assert_region_names(shown: Shown, report: dict[str, Any]) -> None:
    """Regions by their Kemendagri names (the API's), never "Kab./Kota 5311"."""
    rows = {r["regency_code"]: r for r in report["cooperatives"]}
    assert sorted(r["code"] for r in shown.raw["regions"]) == sorted(
        r["regency_code"] for r in report["cooperatives"])
    for region in shown.raw["regions"]:
        row = rows[region["code"]]
        assert region["text"] == f"{row['province_name']} · {row['regency_name']}"
        assert row["regency_name"].startswith(("Kabupaten ", "Kota "))
    assert "Kab./Kota" not in shown.raw["pageText"]
    assert "Open Database License" in shown.raw["pageText"]  # the names' licence (ODbL)


def assert_numbers(shown: Shown, report: dict[str, Any], seeded: Seeded | None) -> None:
    """Every drawn number equals the API's (and, for the federation, the seeding's)."""
    h = headline(report)
    tiles = {
        "tile.cooperatives": h["cooperatives"], "tile.members_active": h["members_active"],
        "tile.women_share_bp": h["women_share_bp"], "tile.shop_omzet_idr": h["shop_omzet_idr"],
        "tile.produce_bought_idr": h["produce_bought_idr"],
        "tile.produce_bought_kg": h["produce_bought_kg"],
        "tile.savings_total_idr": h["savings"]["total_idr"],
        "tile.gross_loan_portfolio_idr": h["glp"], "tile.par30_bp": h["par30_bp"],
        "tile.stale": len(h["stale"]), "tile.idle": len(report["freshness"]["idle"]),
        "tile.active_loans": report["loans"]["active_loans"],
        "tile.online_omzet_idr": next(c["net_idr"] for c in report["business"]["by_channel"]
                                      if c["channel"] == "online"),
        "tile.online_share_bp": report["business"]["online_share_of_omzet"]["bp"],
    }
    if h["glp"] > 0:
        tiles["tile.par30_idr"] = h["par30_idr"]
    for metric in report["growth"]["metrics"]:
        if shown.items(f"tile.growth.{metric['metric']}"):
            tiles[f"tile.growth.{metric['metric']}"] = metric["growth_bp"]
    assert {k: shown.value(k) for k in tiles} == tiles
    assert shown.text("tile.shop_omzet_idr") == rupiah(h["shop_omzet_idr"])
    assert shown.text("tile.savings_total_idr") == rupiah(h["savings"]["total_idr"])
    if h["par30_bp"] is not None:
        assert shown.text("tile.par30_bp") == percent(h["par30_bp"])

    rows = {r["cooperative_id"]: r for r in report["cooperatives"]}
    assert shown.by_id("omzet.total") == {i: r["shop_omzet_idr"] for i, r in rows.items()}
    assert shown.by_id("omzet.member") == {i: r["member_omzet_idr"] for i, r in rows.items()}
    assert shown.by_id("omzet.non_member") == {i: r["non_member_omzet_idr"]
                                               for i, r in rows.items()}
    for coop_id, row in rows.items():
        assert shown.text("omzet.total", coop_id) == rupiah(row["shop_omzet_idr"])
    assert shown.by_id("members.total") == {i: r["members_active"] for i, r in rows.items()}
    assert shown.by_id("members.L") == {i: r["members_active_l"] for i, r in rows.items()}
    assert shown.by_id("members.P") == {i: r["members_active_p"] for i, r in rows.items()}
    balances = report["savings"]["balances"]
    for kind in ("pokok", "wajib", "sukarela"):
        assert shown.value(f"savings.{kind}") == balances[f"{kind}_idr"]
        assert shown.value(f"savings.legend.{kind}") == balances[f"{kind}_idr"]
        assert shown.text(f"savings.legend.{kind}") == rupiah(balances[f"{kind}_idr"])
    assert shown.value("savings.total") == balances["total_idr"]

    fresh = {r["cooperative_id"]: r for r in report["freshness"]["cooperatives"]}
    assert shown.by_id("freshness.days") == {i: r["days_since_last_event"]
                                             for i, r in fresh.items()}
    stale_shown = {i["id"] for i in shown.items("freshness.days") if i["stale"] == "true"}
    assert stale_shown == set(report["freshness"]["stale"])
    assert shown.value("freshness.stale_count") == len(report["freshness"]["stale"])
    idle_shown = {i["id"] for i in shown.items("freshness.days") if i["idle"] == "true"}
    assert idle_shown == set(report["freshness"]["idle"])
    assert shown.value("freshness.idle_count") == len(report["freshness"]["idle"])
    assert_freshness_labels_agree(shown, report)

    columns = ("members_active", "women_share_bp", "shop_omzet_idr", "member_share_of_omzet_bp",
               "produce_bought_idr", "volume_usaha_idr", "savings_total_idr",
               "gross_loan_portfolio_idr", "par30_bp", "members_active_growth_bp",
               "sales_net_growth_bp", "produce_amount_growth_bp", "volume_usaha_growth_bp",
               "savings_total_growth_bp", "loans_glp_growth_bp")
    for column in columns:
        assert shown.by_id(f"table.{column}") == {i: r[column] for i, r in rows.items()}, column
    assert shown.by_id("table.days_since_last_event") == {
        i: r["days_since_last_event"] for i, r in fresh.items()}

    if seeded is not None:
        assert h == seeded.expected
        for coop_id, figures in seeded.per_coop.items():
            assert {k: rows[coop_id][k] for k in figures} == figures, coop_id


# --- the test ------------------------------------------------------------------------------


async def test_the_dashboard_shows_the_seeded_month_in_headless_chromium(
    reporting_stack: ReportingStack,
) -> None:
    require_chromium()  # first: without the browser the test fails (never skips)
    stack = reporting_stack
    f = stack.f
    seeded = await seed(f)
    issuer = TokenIssuer(JWT_KEY.encode())
    admin_token = issuer.issue(Principal(subject="kantor-wilayah", role=Role.FEDERATION_ADMIN))
    admin = {"Authorization": f"Bearer {admin_token}"}

    async def monthly(path: str, params: dict[str, str], headers: dict[str, str]
                      ) -> dict[str, Any]:
        response = await stack.reporting.get(path, params=params, headers=headers)
        assert response.status_code == 200, response.text
        report: dict[str, Any] = response.json()
        return report

    async def caught_up() -> bool:
        report = await monthly("/federation/reports/monthly",
                               {"month": MONTH, "as_of": TODAY.isoformat()}, admin)
        return headline(report) == seeded.expected
    try:
        await eventually(caught_up, timeout_s=90)
    finally:
        report = await monthly("/federation/reports/monthly",
                               {"month": MONTH, "as_of": TODAY.isoformat()}, admin)
        assert headline(report) == seeded.expected

    # the page is public and static; what it offers needs a token
    page = await stack.reporting.get("/dashboard")
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    assert "default-src 'none'" in page.headers["content-security-policy"]
    again = await stack.reporting.get("/dashboard",
                                      headers={"If-None-Match": page.headers["etag"]})
    assert again.status_code == 304
    assert (await stack.reporting.get("/dashboard/assets/routes.py")).status_code == 404
    assert (await stack.reporting.get("/dashboard/months")).status_code == 401
    offered = (await stack.reporting.get("/dashboard/months", headers=admin)).json()
    assert offered["latest"] == MONTH
    assert MONTH in offered["months"]

    async with served(stack.app) as base, Chromium.launch() as browser:
        # --- the federation office, on a phone and on a laptop ---------------------------
        for viewport in (PHONE, LAPTOP):
            shown = await show(browser, f"{base}/dashboard#token={admin_token}", viewport)
            await browser.screenshot(ARTIFACTS / f"dashboard-federation-{viewport.name}.png")
            assert shown.raw["state"] == "ready", shown.raw["banner"]
            assert shown.raw["month"] == MONTH  # the latest month with data
            assert shown.raw["scope"] == "federation"
            assert shown.raw["token"] == admin_token  # kept for this tab only
            params = {"month": MONTH} | ({"as_of": shown.raw["asOf"]} if shown.raw["asOf"]
                                         else {})
            report = await monthly("/federation/reports/monthly", params, admin)
            assert_numbers(shown, report, seeded)
            provinces = {code: (await monthly(f"/regions/{code}/reports/monthly", params,
                                              admin))["loans"]["par30"]["bp"]
                         for code in ("52", "53")}
            assert provinces == seeded.par30_by_province
            assert shown.by_id("par30.total") == provinces
            assert_charts_to_scale(shown)
            assert_region_names(shown, report)
            assert_comparison_said(shown, report)
            assert "Kabupaten Sumba Timur" in [r["text"].split(" · ")[1]
                                               for r in shown.raw["regions"]]
            assert_page_is_clean(browser, base, shown, viewport)
            stale_item = next(i for i in shown.items("freshness.days")
                              if i["id"] == seeded.stale_id)
            assert stale_item["value"] == str(STALE_DAYS)
            assert "stale" in stale_item["cls"]

        # --- a regional officer of Nusa Tenggara Timur sees that province only -----------
        officer = issuer.issue(Principal(subject="dinas-ntt", role=Role.REGIONAL_OFFICER,
                                         region="53"))
        shown = await show(browser, f"{base}/dashboard#token={officer}", LAPTOP)
        await browser.screenshot(ARTIFACTS / "dashboard-region-53-laptop.png")
        assert shown.raw["state"] == "ready", shown.raw["banner"]
        assert shown.raw["scope"] == "region"
        assert shown.raw["scopeLabel"] == "Provinsi Nusa Tenggara Timur (53)"
        assert shown.raw["reportPath"] == "/regions/53/reports/monthly"
        params = {"month": MONTH} | ({"as_of": shown.raw["asOf"]} if shown.raw["asOf"] else {})
        region = await monthly("/regions/53/reports/monthly", params,
                               {"Authorization": f"Bearer {officer}"})
        assert_numbers(shown, region, None)
        ntt = {seeded.coops["A"].cooperative_id, seeded.coops["C"].cooperative_id}
        assert set(shown.by_id("table.shop_omzet_idr")) == ntt
        assert shown.by_id("par30.total") == seeded.par30_by_regency_53
        assert_region_names(shown, region)
        assert_page_is_clean(browser, base, shown, LAPTOP)

        # --- the month picker: the month before, as the API has it ----------------------
        months = await browser.evaluate(
            "[...document.querySelectorAll('#month option')].map((o) => o.value)")
        assert months[0] == MONTH
        assert months == sorted(months, reverse=True)
        earlier = months[1]
        await browser.evaluate(f"(() => {{ const s = document.getElementById('month'); "
                               f"s.value = '{earlier}'; "
                               f"s.dispatchEvent(new Event('change')); }})()")
        await browser.wait_for(f"document.body.dataset.month === '{earlier}' && "
                               "document.body.dataset.state === 'ready'")
        shown = Shown(await browser.evaluate(COLLECT))
        await browser.screenshot(ARTIFACTS / "dashboard-region-53-earlier-month-laptop.png")
        assert shown.raw["asOf"] is None  # a past month: to its last day
        assert "month=" + earlier in shown.raw["location"]
        earlier_report = await monthly("/regions/53/reports/monthly", {"month": earlier},
                                       {"Authorization": f"Bearer {officer}"})
        assert_numbers(shown, earlier_report, None)
        assert_comparison_said(shown, earlier_report)  # a whole month, the whole one before
        assert_page_is_clean(browser, base, shown, LAPTOP)

        # --- a region without cooperatives: an empty month, said so ---------------------
        maluku = issuer.issue(Principal(subject="dinas-maluku", role=Role.REGIONAL_OFFICER,
                                        region="81"))
        shown = await show(browser, f"{base}/dashboard#token={maluku}", PHONE)
        assert shown.raw["state"] == "empty", shown.raw["banner"]
        assert shown.value("tile.cooperatives") == 0
        assert await browser.evaluate("!document.getElementById('empty').hidden")
        assert shown.raw["charts"] == []
        assert_page_is_clean(browser, base, shown, PHONE)

        # --- a token the API refuses: a visible 401, and the sign-in form ---------------
        forged = TokenIssuer(b"k" * 48).issue(Principal(subject="x", role=Role.FEDERATION_ADMIN))
        shown = await show(browser, f"{base}/dashboard#token={forged}", PHONE)
        await browser.screenshot(ARTIFACTS / "dashboard-unauthorized-phone.png")
        assert shown.raw["state"] == "error"
        assert shown.raw["errorStatus"] == "401"
        assert "401" in shown.raw["banner"]
        assert await browser.evaluate("!document.getElementById('sign-in').hidden")
        assert shown.raw["token"] is None  # a refused token is forgotten
        assert browser.exceptions == []
