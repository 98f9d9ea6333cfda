"""One cooperative whose figures cannot be computed never breaks a report for everyone.

The scenario of ``reporting_scenario`` is seeded, then one of cooperative A's
read-model rows is corrupted in the real database: once so that PostgreSQL cannot
compute with it (a kasbon share of -2^63 on a voided sale: negating it is out of
bigint's range), once so that the report's own vocabulary does not know it (a sale
line of an unknown category). The federation, region and cooperative reports, JSON
and CSV, still answer 200: A is left out of every figure and named in ``unavailable``
with the request's trace id, and every other cooperative shows exactly what it
showed before.
"""

from __future__ import annotations

import csv
import io
import logging
from typing import Any

import pytest
import pytest_asyncio
from reporting_harness import Reporting
from reporting_scenario import A, B, C, seed

from reporting.adapters.read_model.derive import derive

pytestmark = pytest.mark.integration

FED = "/federation/reports/monthly"
JAN = {"month": "2026-01"}
TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736"
TRACED = {"traceparent": f"00-{TRACE_ID}-00f067aa0ba902b7-01"}
# Each corruption hits the rows both ways of computing a report read: the facts (the
# reference queries, ``ReadModelReader(reference=True)``) and the maintained tables the
# API reads. The maintained sums are numeric and never overflow, so where PostgreSQL
# cannot negate the fact's kasbon share, A's maintained sale sums hold what no rupiah
# amount is (NaN); an unknown category is what the consumer would have kept for it
# (``derive``: the maintained rows written again from the corrupted facts).
CORRUPTIONS = {
    "postgres cannot compute it": [
        "UPDATE fact_sale_lines SET credit_idr = -9223372036854775808 WHERE sale_id = 's3'",
        f"UPDATE sales_by_day SET credit = 'NaN' WHERE cooperative_id = '{A}'",
        f"UPDATE sales_by_month SET credit = 'NaN' WHERE cooperative_id = '{A}'"],
    "the report does not know it": [
        "UPDATE fact_sale_lines SET category = 'contraband' WHERE sale_id = 's1'"],
}


async def corrupt(r: Reporting, corruption: str) -> None:
    async with r.pool.acquire() as conn, conn.transaction():
        for statement in CORRUPTIONS[corruption]:
            await conn.execute(statement)
        if len(CORRUPTIONS[corruption]) == 1:
            await derive(conn, [A])  # rewrites A's ``changes`` rows: the kept stamps move
            return
    # Maintained rows corrupted behind the consumer's back move no stamp of the figures the
    # API keeps (``reports.kept``): the reports after this are those of an API started now.
    r.kept.clear()


@pytest_asyncio.fixture
async def seeded(reporting: Reporting) -> Reporting:
    await seed(reporting)
    return reporting


def _rows(report: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {row["cooperative_id"]: row for row in report["cooperatives"]}


def _csv(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


async def _get(r: Reporting, path: str, **params: str) -> Any:
    response = await r.client.get(path, params=params,
                                  headers=r.auth("federation_admin") | TRACED)
    assert response.status_code == 200, response.text
    return response


@pytest.mark.parametrize("corruption", sorted(CORRUPTIONS))
async def test_the_federation_and_region_reports_answer_without_the_broken_cooperative(
    seeded: Reporting, corruption: str, caplog: pytest.LogCaptureFixture,
) -> None:
    r = seeded
    before = (await _get(r, FED, **JAN)).json()
    region_before = (await _get(r, "/regions/53/reports/monthly", **JAN)).json()
    assert before["unavailable"] == []
    assert before["scope"]["cooperatives"] == 3

    await corrupt(r, corruption)
    caplog.set_level(logging.ERROR, logger="reporting.reports.isolation")
    after = (await _get(r, FED, **JAN)).json()

    (flagged,) = after["unavailable"]
    assert flagged | {"error": "?"} == {
        "cooperative_id": A, "name": "Koperasi A", "regency_code": "5302",
        "reason": "figures-not-computable", "step": "figures of 2026-01", "error": "?",
        "trace_id": TRACE_ID}
    assert after["scope"]["cooperatives"] == 2
    assert _rows(after) == {B: _rows(before)[B], C: _rows(before)[C]}
    # every figure is the others' alone: B and C's loans, A's sales gone
    assert after["loans"]["gross_loan_portfolio_idr"] == 2_000_000 + 1_000_000
    assert after["business"]["shop_omzet"]["net_idr"] == 0
    assert all(entry["cooperative_id"] != A
               for ratio in after["spread"].values() for entry in ratio["ranking"])

    logged = [rec for rec in caplog.records if rec.name == "reporting.reports.isolation"]
    assert logged
    assert all(rec.exc_info for rec in logged)  # the traceback is in the log
    assert {(rec.fields["cooperative_id"], rec.fields["trace_id"])  # type: ignore[attr-defined]
            for rec in logged} == {(A, TRACE_ID)}

    region = (await _get(r, "/regions/53/reports/monthly", **JAN)).json()
    assert [u["cooperative_id"] for u in region["unavailable"]] == [A]
    assert _rows(region) == {B: _rows(region_before)[B]}
    own = (await _get(r, f"/cooperatives/{A}/reports/monthly", **JAN)).json()
    assert [u["cooperative_id"] for u in own["unavailable"]] == [A]
    assert own["scope"]["cooperatives"] == 0
    other = (await _get(r, f"/cooperatives/{B}/reports/monthly", **JAN)).json()
    assert other["unavailable"] == []


async def test_the_csv_tables_name_the_broken_cooperative(seeded: Reporting) -> None:
    r = seeded
    await corrupt(r, "postgres cannot compute it")
    coops = _csv((await _get(r, f"{FED}.csv", table="cooperatives", **JAN)).text)
    assert [(x["cooperative_id"], x["figures_unavailable"], x["shop_omzet_idr"])
            for x in coops] == [(B, "false", "0"), (C, "false", "0"), (A, "true", "")]
    (unavailable,) = _csv((await _get(r, f"{FED}.csv", table="unavailable", **JAN)).text)
    assert (unavailable["cooperative_id"], unavailable["reason"], unavailable["trace_id"]) == (
        A, "figures-not-computable", TRACE_ID)
    summary = {x["metric"]: x["value"] for x in _csv(
        (await _get(r, "/regions/53/reports/monthly.csv", table="summary", **JAN)).text)}
    assert summary["unavailable.cooperatives"] == "1"
    negotiated = await r.client.get(FED, params=JAN | {"table": "unavailable"},
                                    headers=r.auth("federation_admin") | {"Accept": "text/csv"})
    assert A in negotiated.text
