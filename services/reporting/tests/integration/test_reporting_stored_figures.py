"""A closed month as known at a past moment is computed once, stored, and served from
storage until a fact that can change it arrives.

Cooperative A's January as known at its end (A's s4 was uploaded on 3 February, so the
moment lies inside A's history): the first request computes it and keeps one row of
all its figures. To prove the next answer is read from that row and not computed
again, the row's gross omzet is overwritten: the report shows the overwritten value.
Then a January fact recorded before the moment arrives (out of order, as Kafka may
deliver it): the row is stale, and the report is computed again from the ledgers, with
the new fact. (The API's own kept figures are dropped before the second request, as if
it had just started: they would answer before the stored row is read.)
"""

from __future__ import annotations

from datetime import UTC, datetime

import orjson
import pytest
import pytest_asyncio
from reporting_harness import Reporting
from reporting_scenario import A, a_sale, d, line, seed

pytestmark = pytest.mark.integration

MOMENT = datetime(2026, 1, 31, 16, 0, tzinfo=UTC)  # 1 February 00:00 in WITA
AT_MONTH_END = {"month": "2026-01", "known_at": MOMENT.isoformat()}
PATH = f"/cooperatives/{A}/reports/monthly"


@pytest_asyncio.fixture
async def seeded(reporting: Reporting) -> Reporting:
    await seed(reporting)
    return reporting


async def _gross(r: Reporting) -> int:
    body = await r.report(PATH, r.auth("federation_admin"), **AT_MONTH_END)
    gross: int = body["business"]["shop_omzet"]["gross_idr"]
    return gross


async def test_a_closed_month_known_at_its_end_is_stored_until_a_fact_changes_it(
    seeded: Reporting,
) -> None:
    r = seeded
    computed = await _gross(r)
    assert computed == 209_000 - 40_000  # s4 was not known yet
    rows = await r.pool.fetch(
        "SELECT cooperative_id, grp, payload FROM stored_figures "
        "WHERE known_at = $1 AND month = '2026-01-01'", MOMENT)
    assert [(x["cooperative_id"], x["grp"]) for x in rows] == [(A, "all")]

    payload = orjson.loads(rows[0]["payload"])
    assert payload["a"]["sales.gross_idr"] == computed
    payload["a"]["sales.gross_idr"] = 1
    await r.pool.execute("UPDATE stored_figures SET payload = $1 WHERE known_at = $2 "
                         "AND month = '2026-01-01'", orjson.dumps(payload).decode(), MOMENT)
    # The API also keeps what it computed (``reports.kept``); an API started now has
    # nothing kept and reads the stored row.
    r.kept.clear()
    assert await _gross(r) == 1  # read from the stored row

    await r.record(a_sale("s5", d(1, 25), [line("rice", "staple_goods", 7_000)]),
                   stream="s5", on=d(1, 25), recorded_at=datetime(2026, 1, 25, 3, tzinfo=UTC))
    assert await _gross(r) == computed + 7_000  # the stale row is computed again
    (seen,) = await r.pool.fetch(
        "SELECT payload FROM stored_figures WHERE known_at = $1 AND month = '2026-01-01'",
        MOMENT)
    assert orjson.loads(seen["payload"])["a"]["sales.gross_idr"] == computed + 7_000
