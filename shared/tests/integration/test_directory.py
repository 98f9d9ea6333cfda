"""The local members directory converges whatever the delivery order."""

from __future__ import annotations

import itertools
import uuid
from datetime import date
from typing import Any

import asyncpg
import pytest

from gotong_platform.consumer import ConsumedEvent
from gotong_platform.directory import DIRECTORY_DDL, Directory, apply_members_event
from gotong_platform.envelope import Envelope
from gotong_testing import business_now

pytestmark = pytest.mark.integration


def event(stream: str, version: int, event_type: str, **data: Any) -> ConsumedEvent:
    env = Envelope(event_id=uuid.uuid4(), event_type=event_type, schema_version=1,
                   source="members", stream_id=stream, stream_version=version,
                   cooperative_id="cooperative-d", occurred_at=business_now(),
                   business_date=date(2026, 1, version), recorded_at=business_now())
    return ConsumedEvent(envelope=env, data={"cooperative_id": "cooperative-d", **data},
                         topic="t", partition=0, offset=0)


HISTORY = [
    event("cooperative-d", 1, "CooperativeRegistered", name="Koperasi D",
          legal_registration_number="AHU-D", coop_type="consumer", province_code="81",
          regency_code="8107", time_zone="WIT", fiscal_year_start_month=1, loop="closed",
          registered_on="2020-01-01"),
    event("cooperative-d", 2, "CooperativeJoinedFederation", effective_date="2020-02-01"),
    event("member-d", 1, "MemberApplied", member_id="member-d", gender="P", age_band="26-35",
          village_code="8107012001", applied_on="2026-01-01"),
    event("member-d", 2, "MemberAdmitted", member_id="member-d", member_no="00007",
          gender="P", village_code="8107012001", admitted_on="2026-01-02"),
    event("member-d", 3, "MemberSuspended", member_id="member-d", suspended_on="2026-01-03"),
]


@pytest.mark.parametrize("order", list(itertools.permutations(range(len(HISTORY))))[::17])
async def test_directory_converges_for_any_delivery_order(
    database_factory: Any, order: tuple[int, ...]
) -> None:
    conn = await asyncpg.connect(await database_factory("dir"))
    try:
        await conn.execute(DIRECTORY_DDL)
        for i in order:
            await apply_members_event(conn, HISTORY[i])
        directory = Directory(conn)
        member = await directory.member("member-d")
        coop = await directory.cooperative("cooperative-d")
        assert member is not None
        assert coop is not None
        assert (member.status, member.member_no, member.is_active) == ("suspended", "00007",
                                                                       False)
        assert (coop.time_zone, coop.closed_loop, coop.in_federation) == ("WIT", True, True)
        assert await directory.regency_of("cooperative-d") == "8107"
    finally:
        await conn.close()


async def test_the_cached_place_serves_known_cooperatives_only(database_factory: Any) -> None:
    conn = await asyncpg.connect(await database_factory("dir"))
    try:
        await conn.execute(DIRECTORY_DDL)
        cached, fresh = Directory(conn, cache_ttl=60), Directory(conn)
        # Unknown: None, and not remembered, so its registration is seen at once.
        assert await cached.regency_of("cooperative-d") is None
        await apply_members_event(conn, HISTORY[0])
        place = await cached.place_of("cooperative-d")
        assert place is not None
        assert (place.regency_code, place.time_zone) == ("8107", "WIT")
        # Known: served from the cache (the row changing underneath is not seen) ...
        await conn.execute("UPDATE directory_cooperatives SET time_zone = 'WIB'")
        assert (await cached.place_of("cooperative-d")) == place
        # ... and a directory without a TTL reads every time.
        fresh_place = await fresh.place_of("cooperative-d")
        assert fresh_place is not None
        assert fresh_place.time_zone == "WIB"
        expired = Directory(conn, cache_ttl=1e-9)
        assert await expired.place_of("cooperative-d") == fresh_place
        assert (await expired.place_of("cooperative-d")) == fresh_place
    finally:
        await conn.close()
