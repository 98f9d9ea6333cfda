"""The read model's sums survive the largest values every cooperative can record.

Two thousand cooperatives each record, through the projection, the largest fact the
contracts allow (Rp 999.999.999.999) of every kind a report sums: a savings deposit,
a loan, a sale, a produce receipt, a goods receipt. One more cooperative holds read-
model rows at bigint's own maximum (2^63 - 1), which stands for the nine million
largest facts it would take to push one cooperative's sum past bigint (or rows a read
model kept from before the limit): its sums and every group's exceed what a bigint
holds (written directly, its maintained sums are then derived from them). The
federation, region and cooperative reports, JSON and CSV, answer with every
figure exact and nobody unavailable. Before, the sums were cast back to bigint and the
three reports answered 500 to every caller.
"""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime
from typing import Any

import pytest
import pytest_asyncio
from reporting_harness import Reporting

from gotong_platform.consumer import ConsumedEvent
from gotong_platform.contracts import EventContract
from gotong_platform.contracts import inventory as i
from gotong_platform.contracts import members as m
from gotong_platform.contracts import payments as p
from gotong_platform.money import MAX_AMOUNT_IDR
from reporting.adapters.projection.dispatch import read_model_handler
from reporting.adapters.read_model.derive import derive

pytestmark = pytest.mark.integration

COOPERATIVES = 2_000
BIGGEST_ROW = 2**63 - 1  # the largest a bigint column holds
GIANT = "coop-giant"
JAN = {"month": "2026-01", "known_at": "2026-02-01T00:00:00+00:00"}
DAY = date(2026, 1, 10)


def coop_id(n: int) -> str:
    return f"coop-{n:05d}"


def regency(n: int) -> str:
    return f"53{n % 20 + 1:02d}"


def largest_facts(cooperative_id: str) -> list[EventContract]:
    """One fact of every kind a report sums, each at the contracts' maximum."""
    largest = MAX_AMOUNT_IDR
    return [
        p.SavingsDepositedV1(cooperative_id=cooperative_id, account_id=f"{cooperative_id}-s",
                             member_id=f"{cooperative_id}-m", savings_type="sukarela",
                             amount_idr=largest, channel="transfer", business_date=DAY),
        p.LoanDisbursedV1(cooperative_id=cooperative_id, loan_id=f"{cooperative_id}-l",
                          member_id=f"{cooperative_id}-m", principal_idr=largest,
                          business_date=DAY, schedule=(p.Instalment(
                              number=1, due_date=date(2026, 2, 10), principal_idr=largest,
                              interest_idr=0),)),
        i.SaleRecordedV1(cooperative_id=cooperative_id, sale_id=f"{cooperative_id}-sale",
                         warehouse_id="w", buyer_type="non_member",
                         lines=(i.SaleLine(product_id="beras", category="staple_goods", qty=1,
                                           price_idr=largest, per_qty=1,
                                           line_total_idr=largest),),
                         discount_idr=0, total_idr=largest,
                         payments=(i.SalePayment(method="transfer", amount_idr=largest),),
                         business_date=DAY),
        i.ProduceReceivedFromMemberV1(
            cooperative_id=cooperative_id, receipt_id=f"{cooperative_id}-r", warehouse_id="w",
            product_id="kopi", member_id=f"{cooperative_id}-m", gross_qty_g=1, net_qty_g=1,
            grade="A", lot_id="L1", price_idr=largest, per_qty=1, amount_idr=largest,
            business_date=DAY),
        i.GoodsReceivedV1(cooperative_id=cooperative_id, warehouse_id="w", product_id="beras",
                          qty=1, cost_idr=largest, business_date=DAY),
    ]


def joined(cooperative_id: str, regency_code: str) -> list[EventContract]:
    return [m.CooperativeRegisteredV1(
        cooperative_id=cooperative_id, name=f"Koperasi {cooperative_id}",
        legal_registration_number=f"AHU-{cooperative_id}", coop_type="multi_purpose",
        province_code=regency_code[:2], regency_code=regency_code, time_zone="WITA",
        fiscal_year_start_month=1, loop="closed", registered_on=date(2020, 1, 1)),
        m.CooperativeJoinedFederationV1(cooperative_id=cooperative_id,
                                        effective_date=date(2020, 2, 1))]


async def _apply(r: Reporting, events: list[ConsumedEvent]) -> None:
    """As the consumer applies a poll batch: set-wise, in one transaction."""
    async with r.pool.acquire() as conn, conn.transaction():
        await read_model_handler.apply_batch(conn, events)


async def _giant_rows(r: Reporting) -> None:
    """Two rows at bigint's maximum in every fact table a report sums."""
    at = datetime(2026, 1, 10, 12, tzinfo=UTC)
    for n in (1, 2):
        await r.pool.execute(
            "INSERT INTO fact_savings (event_id, cooperative_id, member_id, savings_type, "
            "kind, channel, business_date, recorded_at, delta_idr, account_id) VALUES "
            "(gen_random_uuid(), $1, 'm', 'sukarela', 'deposit', 'cash', $2, $3, $4, 'a')",
            GIANT, DAY, at, BIGGEST_ROW)
        await r.pool.execute(
            "INSERT INTO fact_sale_lines (sale_id, line_no, cooperative_id, business_date, "
            "recorded_at, buyer_type, product_id, category, qty, amount_idr, warehouse_id) "
            "VALUES ($1, 1, $2, $3, $4, 'non_member', 'beras', 'staple_goods', 1, $5, 'w')",
            f"giant-sale-{n}", GIANT, DAY, at, BIGGEST_ROW)
        await r.pool.execute(
            "INSERT INTO fact_produce (receipt_id, cooperative_id, business_date, recorded_at, "
            "member_id, product_id, net_qty_g, amount_idr) "
            "VALUES ($1, $2, $3, $4, 'm', 'kopi', 1, $5)",
            f"giant-receipt-{n}", GIANT, DAY, at, BIGGEST_ROW)
        await r.pool.execute(
            "INSERT INTO fact_stock (event_id, cooperative_id, warehouse_id, product_id, "
            "business_date, recorded_at, kind, qty_delta, value_delta_idr) VALUES "
            "(gen_random_uuid(), $1, 'w', $2, $3, $4, 'receipt', 1, $5)",
            GIANT, f"beras-{n}", DAY, at, BIGGEST_ROW)
        await r.pool.execute(
            "INSERT INTO fact_loans (loan_id, cooperative_id, member_id, principal_idr, "
            "business_date, recorded_at) VALUES ($1, $2, 'm', $3, $4, $5)",
            f"giant-loan-{n}", GIANT, BIGGEST_ROW, DAY, at)


@pytest_asyncio.fixture
async def federation(reporting: Reporting) -> Reporting:
    r = reporting
    events: list[ConsumedEvent] = []
    for n in range(1, COOPERATIVES + 1):
        coop = coop_id(n)
        events += [r.event(c, stream=coop, on=date(2020, 1, 1)) for c in joined(coop,
                                                                              regency(n))]
        events += [r.event(c, stream=f"{coop}-{k}", on=DAY)
                   for k, c in enumerate(largest_facts(coop))]
    events += [r.event(c, stream=GIANT, on=date(2020, 1, 1)) for c in joined(GIANT, "5399")]
    for start in range(0, len(events), 1_000):
        await _apply(r, events[start:start + 1_000])
    await _giant_rows(r)
    async with r.pool.acquire() as conn, conn.transaction():
        await derive(conn, [GIANT])  # the rows came round the consumer
    return r


def _figures(report: dict[str, Any]) -> dict[str, int]:
    return {"savings": report["savings"]["balances"]["sukarela_idr"],
            "omzet": report["business"]["shop_omzet"]["net_idr"],
            "produce": report["business"]["produce_bought"]["amount_idr"],
            "loans": report["loans"]["gross_loan_portfolio_idr"],
            "stock": report["stock"]["value_on_hand_idr"]}


def _each(per_cooperative: int, cooperatives: int = 1, giant: int = 0) -> dict[str, int]:
    """The figures of ``cooperatives`` that recorded the largest facts (a produce receipt
    is also stock: two facts of stock each), and of the giant's rows."""
    figures = dict.fromkeys(("savings", "omzet", "produce", "loans"), per_cooperative)
    figures["stock"] = 2 * per_cooperative
    return {key: cooperatives * value + giant for key, value in figures.items()}


async def _report(r: Reporting, path: str) -> dict[str, Any]:
    body = await r.report(path, r.auth("federation_admin"), **JAN)
    assert body["unavailable"] == []
    return body


async def test_the_largest_values_of_thousands_of_cooperatives_add_up_exactly(
    federation: Reporting,
) -> None:
    r = federation
    giant = 2 * BIGGEST_ROW  # beyond bigint: 2^64 - 2
    everyone = await _report(r, "/federation/reports/monthly")
    assert everyone["scope"]["cooperatives"] == COOPERATIVES + 1
    assert _figures(everyone) == _each(MAX_AMOUNT_IDR, COOPERATIVES, giant)
    assert everyone["business"]["volume_usaha"]["amount_idr"] == (
        2 * COOPERATIVES * MAX_AMOUNT_IDR + 2 * giant)  # retail omzet + loans disbursed

    province = await _report(r, "/regions/53/reports/monthly")
    assert _figures(province) == _figures(everyone)
    regency_report = await _report(r, f"/regions/{regency(1)}/reports/monthly")
    in_regency = sum(1 for n in range(1, COOPERATIVES + 1) if regency(n) == regency(1))
    assert _figures(regency_report) == _each(MAX_AMOUNT_IDR, in_regency)
    assert _figures(await _report(r, f"/cooperatives/{coop_id(1)}/reports/monthly")) == _each(
        MAX_AMOUNT_IDR)
    assert _figures(await _report(r, f"/cooperatives/{GIANT}/reports/monthly")) == _each(
        0, giant=giant)

    response = await r.get("/regions/5399/reports/monthly.csv", r.auth("federation_admin"),
                           table="cooperatives", **JAN)
    assert response.status_code == 200, response.text
    (row,) = csv.DictReader(io.StringIO(response.text))
    assert (row["cooperative_id"], row["savings_total_idr"], row["stock_value_idr"]) == (
        GIANT, str(giant), str(giant))
