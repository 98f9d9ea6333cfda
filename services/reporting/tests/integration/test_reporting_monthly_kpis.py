"""Publishing a finished month's key figures for the lenders, on a real database.

The scenario's January 2026 (``reporting_scenario``): the federation office publishes
it; each cooperative in the federation gets revision 1 with the figures its own monthly
report shows; publishing again publishes nothing; a late upload makes revision 2 of
that cooperative only; bad requests are problem+json and publish nothing.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
import pytest_asyncio
from reporting_harness import Reporting
from reporting_scenario import A, B, C, a_sale, d, line, seed

from gotong_platform.calendar import FixedClock
from gotong_platform.contracts import parse

pytestmark = pytest.mark.integration

PUBLISH = "/federation/monthly-kpis"


@pytest_asyncio.fixture
async def seeded(reporting: Reporting) -> Reporting:
    await seed(reporting)
    return reporting


CLAIMS: dict[str, dict[str, str]] = {"regional_officer": {"region": "53"},
                                     "coop_admin": {"cooperative_id": A}}


async def publish(r: Reporting, month: str, role: str = "federation_admin") -> httpx.Response:
    headers = r.auth(role, subject="federation-office", **CLAIMS.get(role, {})) | {
        "Idempotency-Key": str(uuid.uuid4())}
    return await r.client.post(PUBLISH, json={"month": month}, headers=headers)


async def outbox(r: Reporting) -> list[dict[str, Any]]:
    rows = await r.pool.fetch(
        "SELECT e.event_type, e.business_date, e.stream_id, e.stream_version, o.payload, "
        "o.topic FROM public.outbox o JOIN public.events e USING (event_id) "
        "WHERE e.event_type = 'MonthlyKpisPublished' ORDER BY o.position")
    assert {row["topic"] for row in rows} <= {"gotong.reporting.events"}
    return [dict(row) for row in rows]


async def test_a_month_is_published_once_per_revision(seeded: Reporting) -> None:
    r = seeded
    answer = await publish(r, "2026-01")
    assert answer.status_code == 200, answer.text
    body = answer.json()
    # D left the federation in December: not published.
    assert body["published"] == [{"cooperative_id": c, "revision": 1} for c in (A, B, C)]
    assert (body["unchanged"], body["unavailable"]) == ([], [])
    events = await outbox(r)
    assert [e["stream_id"] for e in events] == [f"monthly-kpis-{c}-2026-01" for c in (A, B, C)]
    assert {e["business_date"] for e in events} == {d(1, 31)}

    # Each cooperative's figures are its own monthly report's, as known now.
    for event in events:
        assert parse("reporting", "MonthlyKpisPublished", 1, event["payload"])
        coop = event["payload"]["cooperative_id"]
        report = await r.report(f"/cooperatives/{coop}/reports/monthly",
                                r.auth("federation_admin"), month="2026-01")
        fresh = report["freshness"]["cooperatives"][0]
        assert {k: event["payload"][k] for k in (
            "month", "revision", "month_end", "omzet_idr", "savings_balance_idr",
            "loans_outstanding_idr", "par30_bp", "active_members", "last_recorded_at",
            "last_activity_date", "stale", "idle")} == {
            "month": "2026-01", "revision": 1, "month_end": "2026-01-31",
            "omzet_idr": report["business"]["shop_omzet"]["net_idr"],
            "savings_balance_idr": report["savings"]["balances"]["total_idr"],
            "loans_outstanding_idr": report["loans"]["gross_loan_portfolio_idr"],
            "par30_bp": report["loans"]["par30"]["bp"],
            "active_members": report["members"]["active"]["total"],
            "last_recorded_at": fresh["last_recorded_at"],
            "last_activity_date": fresh["last_activity_date"],
            "stale": fresh["stale"], "idle": fresh["idle"]}
    a = next(e["payload"] for e in events if e["payload"]["cooperative_id"] == A)
    assert (a["omzet_idr"], a["savings_balance_idr"], a["active_members"]) == (
        189_000, 125_000, 2)
    # LA1's 900.000 of a portfolio of 1.400.000 (LA2's 500.000 is current)
    assert (a["par30_idr"], a["loans_outstanding_idr"], a["par30_bp"]) == (
        900_000, 1_400_000, 6_429)

    # The same figures again: nothing is published.
    again = (await publish(r, "2026-01")).json()
    assert again["published"] == []
    assert again["unchanged"] == [{"cooperative_id": c, "revision": 1} for c in (A, B, C)]
    assert len(await outbox(r)) == 3

    # A late upload of B's January: B's revision 2, the others stand.
    late = a_sale("late-b", d(1, 28), [line("urea", "farm_inputs", 75_000)])
    await r.record(late.model_copy(update={"cooperative_id": B, "warehouse_id": "wb"}),
                   stream="late-b", on=d(1, 28),
                   recorded_at=datetime(2026, 11, 18, 1, 0, tzinfo=UTC))
    third = (await publish(r, "2026-01")).json()
    assert third["published"] == [{"cooperative_id": B, "revision": 2}]
    assert third["unchanged"] == [{"cooperative_id": A, "revision": 1},
                                  {"cooperative_id": C, "revision": 1}]
    events = await outbox(r)
    assert (events[-1]["stream_id"], events[-1]["stream_version"]) == (
        f"monthly-kpis-{B}-2026-01", 2)
    before = next(e["payload"] for e in events if e["payload"]["cooperative_id"] == B)
    assert events[-1]["payload"]["omzet_idr"] == before["omzet_idr"] + 75_000


async def test_a_bad_request_is_a_problem_and_publishes_nothing(seeded: Reporting,
                                                                clock: FixedClock) -> None:
    r = seeded
    clock.set(datetime(2026, 1, 31, 16, 30, tzinfo=UTC))  # 1 Feb in WIT, still 31 Jan in WIB
    for month, role, status, code in (
            ("2026-01", "federation_admin", 422, "month-not-publishable"),
            ("2026-02", "federation_admin", 422, "month-not-publishable"),
            ("2026-13", "federation_admin", 422, None),
            ("0001-01", "federation_admin", 422, "month-not-publishable"),
            ("2026-01", "regional_officer", 403, "forbidden"),
            ("2026-01", "coop_admin", 403, "forbidden")):
        answer = await publish(r, month, role)
        assert answer.status_code == status, (month, role, answer.text)
        assert answer.headers["content-type"].startswith("application/problem+json")
        if code is not None:
            assert answer.json()["code"] == code
    no_key = await r.client.post(PUBLISH, json={"month": "2026-01"},
                                 headers=r.auth("federation_admin"))
    assert no_key.status_code in (400, 422, 428)
    extra = await r.client.post(PUBLISH, json={"month": "2026-01", "revision": 3},
                                headers=r.auth("federation_admin") | {
                                    "Idempotency-Key": "k-extra"})
    assert extra.status_code == 422
    assert await outbox(r) == []
    assert await r.pool.fetchval("SELECT count(*) FROM public.monthly_kpis") == 0

    clock.set(datetime(2026, 1, 31, 17, 0, tzinfo=UTC))  # 1 Feb 00:00 WIB: January ended
    assert (await publish(r, "2026-01")).status_code == 200
    assert len(await outbox(r)) == 3
