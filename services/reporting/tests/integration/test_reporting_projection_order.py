"""Property: duplicated and reordered deliveries converge to the in-order read model.

Events of one stream may reach the consumer out of order (a relay re-send after
a partial failure) and more than once. Whatever the delivery order, once every
event has arrived the read model must equal the one built in stream order.
"""

from __future__ import annotations

import asyncio
import itertools
import uuid
from datetime import UTC, date, datetime, timedelta
from typing import Any

import asyncpg
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gotong_platform.consumer import ConsumedEvent
from gotong_platform.envelope import Envelope
from reporting.adapters.projection.members import apply_event
from reporting.adapters.read_model.schema import READ_MODEL_DDL

pytestmark = pytest.mark.integration

COOP = "cooperative-prop"
_schemas = itertools.count()


def _event(stream: str, version: int, event_type: str, data: dict[str, Any]) -> ConsumedEvent:
    day = date(2026, 1, 1) + timedelta(days=version)
    env = Envelope(
        event_id=uuid.uuid5(uuid.NAMESPACE_URL, f"{stream}/{version}"), event_type=event_type,
        schema_version=1, source="members", stream_id=stream, stream_version=version,
        cooperative_id=COOP, occurred_at=datetime(2026, 1, 1, tzinfo=UTC),
        business_date=day, recorded_at=datetime(2026, 1, 1, tzinfo=UTC) + timedelta(hours=version),
    )
    return ConsumedEvent(envelope=env, data={"cooperative_id": COOP, **data}, topic="t",
                         partition=0, offset=0)


def member_history(n: int, path: list[str]) -> list[ConsumedEvent]:
    stream = f"member-{n}"
    day = date(2026, 1, 1)
    events = [_event(stream, 1, "MemberApplied", {
        "member_id": stream, "gender": "P" if n % 2 else "L", "age_band": "26-35",
        "village_code": "5302012001", "applied_on": day.isoformat()})]
    for step in path:
        v = len(events) + 1
        on = (day + timedelta(days=v)).isoformat()
        data: dict[str, Any] = {"member_id": stream}
        if step == "admit":
            data |= {"member_no": f"{n:05d}", "gender": "P" if n % 2 else "L",
                     "village_code": "5302012001", "admitted_on": on}
            events.append(_event(stream, v, "MemberAdmitted", data))
        else:
            field = {"MemberSuspended": "suspended_on", "MemberReinstated": "reinstated_on",
                     "MemberExited": "exited_on", "MemberApplicationRejected": "rejected_on"}
            extra = {"reason": "moved_away"} if step == "MemberExited" else {}
            events.append(_event(stream, v, step, data | {field[step]: on} | extra))
    return events


PATHS = st.sampled_from([
    [], ["admit"], ["MemberApplicationRejected"], ["admit", "MemberSuspended"],
    ["admit", "MemberSuspended", "MemberReinstated"], ["admit", "MemberExited"],
    ["admit", "MemberSuspended", "MemberReinstated", "MemberExited"],
])
COOP_HISTORY = [
    _event(COOP, 1, "CooperativeRegistered", {
        "name": "Koperasi Uji", "legal_registration_number": "AHU-1", "coop_type": "producer",
        "province_code": "53", "regency_code": "5302", "time_zone": "WITA",
        "fiscal_year_start_month": 1, "loop": "closed", "registered_on": "2020-01-01"}),
    _event(COOP, 2, "CooperativeJoinedFederation", {"effective_date": "2020-02-01"}),
    _event(COOP, 3, "CooperativeLeftFederation", {"effective_date": "2024-02-01",
                                                  "reason": "merged"}),
    _event(COOP, 4, "CooperativeJoinedFederation", {"effective_date": "2025-02-01"}),
]


async def build(dsn: str, deliveries: list[ConsumedEvent]) -> list[list[Any]]:
    conn = await asyncpg.connect(dsn)
    schema = f"rm_prop_{next(_schemas)}"
    try:
        await conn.execute(f"CREATE SCHEMA {schema}; SET search_path TO {schema}")
        await conn.execute(READ_MODEL_DDL)
        seen: set[uuid.UUID] = set()
        for event in deliveries:  # the runner's event-id de-duplication, as it does it
            if event.envelope.event_id in seen:
                continue
            seen.add(event.envelope.event_id)
            async with conn.transaction():
                await apply_event(conn, event)
        return [
            [tuple(r) for r in await conn.fetch(f"SELECT * FROM {table} ORDER BY 1")]
            for table in ("cooperatives", "members", "freshness")
        ]
    finally:
        await conn.execute(f"DROP SCHEMA {schema} CASCADE")
        await conn.close()


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(paths=st.lists(PATHS, min_size=1, max_size=4), data=st.data())
def test_any_delivery_order_with_duplicates_converges_to_the_in_order_model(
    pg_dsn: str, paths: list[list[str]], data: st.DataObject
) -> None:
    in_order = COOP_HISTORY + [e for n, p in enumerate(paths) for e in member_history(n, p)]
    duplicates = data.draw(st.lists(st.sampled_from(in_order), max_size=6))
    delivered = data.draw(st.permutations(in_order + duplicates))
    expected = asyncio.run(build(pg_dsn, in_order))
    actual = asyncio.run(build(pg_dsn, list(delivered)))
    assert actual == expected


@pytest.fixture(scope="module")
def pg_dsn(database_factory: Any) -> str:  # type: ignore[misc]
    # A loop of its own: the thread's current loop is not guaranteed (another module's
    # fixture may have closed it), and the database outlives this call anyway.
    loop = asyncio.new_event_loop()
    try:
        return loop.run_until_complete(database_factory("prop"))  # type: ignore[no-any-return]
    finally:
        loop.close()
