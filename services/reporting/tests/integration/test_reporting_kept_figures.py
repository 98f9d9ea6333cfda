"""The API keeps each cooperative's known-now figures and uses them again while the facts
they depend on stand (``reports.kept``); a fact that can change them, or maintained rows
written again from the facts (``derive``), makes the next report compute them afresh.

To prove a report was answered from the kept figures and not computed again, cooperative
A's maintained sale sums are overwritten behind the consumer's back (which moves no
stamp): the report still shows what it showed. Then a January sale of A arrives, and the
report shows the sale on top of the sums as they now are.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
import pytest_asyncio
from reporting_harness import Reporting
from reporting_scenario import A, B, a_sale, d, line, seed

from reporting.adapters.read_model.derive import derive

pytestmark = pytest.mark.integration

FED = "/federation/reports/monthly"
JAN = {"month": "2026-01"}
TAMPER = (f"UPDATE sales_by_month SET gross = gross + $1 "
          f"WHERE cooperative_id = '{A}' AND month = '2026-01-01' AND NOT late")


@pytest_asyncio.fixture
async def seeded(reporting: Reporting) -> Reporting:
    await seed(reporting)
    return reporting


def gross_of(report: dict[str, Any], coop: str) -> int:
    (row,) = [r for r in report["cooperatives"] if r["cooperative_id"] == coop]
    gross: int = row["shop_omzet_idr"]  # sales.net_idr: gross less voided
    return gross


async def test_kept_figures_answer_until_a_fact_or_a_derive_moves_their_stamp(
    seeded: Reporting,
) -> None:
    r = seeded
    admin = r.auth("federation_admin")
    first = await r.report(FED, admin, **JAN)
    assert len(r.kept) > 0  # the month and the month before, per cooperative
    before_a, before_b = gross_of(first, A), gross_of(first, B)

    assert await r.pool.execute(TAMPER, 1_000_000) == "UPDATE 1"
    assert await r.report(FED, admin, **JAN) == first  # kept: nothing was computed

    await r.record(a_sale("s9", d(1, 27), [line("rice", "staple_goods", 7_000)]),
                   stream="s9", on=d(1, 27), recorded_at=datetime(2026, 1, 27, 3, tzinfo=UTC))
    after_fact = await r.report(FED, admin, **JAN)
    # A computed again from its sums as they now are; B, which recorded nothing, kept
    assert gross_of(after_fact, A) == before_a + 1_000_000 + 7_000
    assert gross_of(after_fact, B) == before_b

    # Maintained rows written again from the facts (the tampering gone) move the stamp too.
    async with r.pool.acquire() as conn, conn.transaction():
        await derive(conn, [A])
    assert gross_of(await r.report(FED, admin, **JAN), A) == before_a + 7_000


async def test_a_report_never_changes_what_is_kept(seeded: Reporting) -> None:
    r = seeded
    admin = r.auth("federation_admin")
    first = await r.report(FED, admin, **JAN)
    for _ in range(3):  # each answer adds clocks and totals to its own copies
        assert await r.report(FED, admin, **JAN) == first


async def test_a_month_as_known_at_a_past_moment_is_kept_too(seeded: Reporting) -> None:
    r = seeded
    admin = r.auth("federation_admin")
    moment = datetime(2026, 1, 31, 16, 0, tzinfo=UTC)  # 1 February 00:00 in WITA
    at_end = {**JAN, "known_at": moment.isoformat()}
    first = await r.report(FED, admin, **at_end)
    # Its stored rows emptied: the kept figures answer, not the rows.
    saved = await r.pool.fetch(
        "SELECT cooperative_id, month, as_of, threshold, grp, payload FROM stored_figures "
        "WHERE known_at = $1", moment)
    assert saved
    await r.pool.execute("UPDATE stored_figures SET payload = '{}' WHERE known_at = $1", moment)
    assert await r.report(FED, admin, **at_end) == first
    await r.pool.executemany(
        "UPDATE stored_figures SET payload = $6 WHERE known_at = $7 AND cooperative_id = $1 "
        "AND month = $2 AND as_of = $3 AND threshold = $4 AND grp = $5",
        [(*row.values(), moment) for row in saved])  # as they were
    # A January sale recorded before the moment (delivered late) changes what was known.
    await r.record(a_sale("s8", d(1, 26), [line("rice", "staple_goods", 5_000)]),
                   stream="s8", on=d(1, 26), recorded_at=datetime(2026, 1, 26, 3, tzinfo=UTC))
    assert gross_of(await r.report(FED, admin, **at_end), A) == gross_of(first, A) + 5_000
