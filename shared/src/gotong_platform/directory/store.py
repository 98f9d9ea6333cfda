"""Tables and handler of the local members directory (order-tolerant, idempotent)."""

from __future__ import annotations

import dataclasses
import time
from datetime import date

import asyncpg

from gotong_platform.consumer import ConsumedEvent
from gotong_platform.contracts import contract_for
from gotong_platform.contracts import members as c
from gotong_platform.db import DbConnection

__all__ = [
    "DIRECTORY_DDL",
    "CooperativeFacts",
    "CooperativePlace",
    "Directory",
    "MemberFacts",
    "apply_members_event",
]

DIRECTORY_DDL = """
CREATE TABLE directory_cooperatives (
    cooperative_id      text PRIMARY KEY,
    name                text,
    regency_code        text,
    time_zone           text,
    loop                text,
    in_federation       boolean NOT NULL DEFAULT false,
    federation_version  integer NOT NULL DEFAULT 0
);
CREATE TABLE directory_members (
    member_id       text PRIMARY KEY,
    cooperative_id  text NOT NULL,
    member_no       text,
    status          text NOT NULL,
    status_since    date NOT NULL,
    version         integer NOT NULL
);
"""

_COOP = """
INSERT INTO directory_cooperatives (cooperative_id, name, regency_code, time_zone, loop)
VALUES ($1, $2, $3, $4, $5)
ON CONFLICT (cooperative_id) DO UPDATE SET name = EXCLUDED.name,
    regency_code = EXCLUDED.regency_code, time_zone = EXCLUDED.time_zone, loop = EXCLUDED.loop
"""
_FEDERATION = """
INSERT INTO directory_cooperatives (cooperative_id, in_federation, federation_version)
VALUES ($1, $2, $3)
ON CONFLICT (cooperative_id) DO UPDATE SET
    in_federation = CASE WHEN EXCLUDED.federation_version
        > directory_cooperatives.federation_version THEN EXCLUDED.in_federation
        ELSE directory_cooperatives.in_federation END,
    federation_version = greatest(directory_cooperatives.federation_version,
                                  EXCLUDED.federation_version)
"""
# The status follows the highest stream version seen, so a late or repeated
# delivery never moves a member back to an older status.
_MEMBER = """
INSERT INTO directory_members (member_id, cooperative_id, member_no, status, status_since,
                               version)
VALUES ($1, $2, $3, $4, $5, $6)
ON CONFLICT (member_id) DO UPDATE SET
    member_no = coalesce(directory_members.member_no, EXCLUDED.member_no),
    status = CASE WHEN EXCLUDED.version > directory_members.version THEN EXCLUDED.status
                  ELSE directory_members.status END,
    status_since = CASE WHEN EXCLUDED.version > directory_members.version
                        THEN EXCLUDED.status_since ELSE directory_members.status_since END,
    version = greatest(directory_members.version, EXCLUDED.version)
"""


@dataclasses.dataclass(frozen=True, slots=True)
class CooperativeFacts:
    cooperative_id: str
    regency_code: str | None
    time_zone: str | None
    closed_loop: bool
    in_federation: bool


@dataclasses.dataclass(frozen=True, slots=True)
class MemberFacts:
    member_id: str
    cooperative_id: str
    member_no: str | None
    status: str

    @property
    def is_active(self) -> bool:
        """Admitted and not suspended or gone: may buy as a member, save, borrow."""
        return self.status == "admitted"


async def apply_members_event(conn: DbConnection, event: ConsumedEvent) -> None:
    """Handler for ``gotong.members.events``; unknown event types are ignored."""
    env = event.envelope
    cls = contract_for(env.source, env.event_type, env.schema_version)
    if cls is None:
        return
    e = cls.model_validate(event.data)
    v = env.stream_version
    match e:
        case c.CooperativeRegisteredV1():
            await conn.execute(_COOP, e.cooperative_id, e.name, e.regency_code, e.time_zone,
                               e.loop)
        case c.CooperativeJoinedFederationV1():
            await conn.execute(_FEDERATION, e.cooperative_id, True, v)
        case c.CooperativeLeftFederationV1():
            await conn.execute(_FEDERATION, e.cooperative_id, False, v)
        case c.MemberAppliedV1():
            await _member(conn, e.member_id, e.cooperative_id, None, "applied", e.applied_on, v)
        case c.MemberAdmittedV1():
            await _member(conn, e.member_id, e.cooperative_id, e.member_no, "admitted",
                          e.admitted_on, v)
        case c.MemberApplicationRejectedV1():
            await _member(conn, e.member_id, e.cooperative_id, None, "rejected", e.rejected_on,
                          v)
        case c.MemberSuspendedV1():
            await _member(conn, e.member_id, e.cooperative_id, None, "suspended",
                          e.suspended_on, v)
        case c.MemberReinstatedV1():
            await _member(conn, e.member_id, e.cooperative_id, None, "admitted",
                          e.reinstated_on, v)
        case c.MemberExitedV1():
            await _member(conn, e.member_id, e.cooperative_id, None, "exited", e.exited_on, v)


async def _member(conn: DbConnection, member_id: str, cooperative_id: str,
                  member_no: str | None, status: str, since: date, version: int) -> None:
    await conn.execute(_MEMBER, member_id, cooperative_id, member_no, status, since, version)


@dataclasses.dataclass(frozen=True, slots=True)
class CooperativePlace:
    """Where a registered cooperative is: what tenancy and the business date need."""

    regency_code: str
    time_zone: str | None


_PLACE = """
SELECT regency_code, time_zone FROM directory_cooperatives WHERE cooperative_id = $1
"""


class Directory:
    """Reads of the local copy (also the HTTP edge's ``CooperativeDirectory``).

    ``cache_ttl`` (seconds, 0 = off) keeps each cooperative's place (regency and time zone)
    in this process for that long, so the tenancy check and the business date of a
    command cost no query. Only registered cooperatives are kept (a regency is known), so
    a cooperative registered a moment ago is found at once and an unknown id is asked
    again every time. Both facts come from the cooperative's registration and do not
    change after it; the TTL bounds how long a corrected registration could be missed.
    Everything else (members, federation membership, loop) is read fresh.
    """

    _MAX_CACHED = 50_000

    def __init__(self, db: DbConnection | asyncpg.Pool, *, cache_ttl: float = 0.0) -> None:
        self._db = db
        self._ttl = cache_ttl
        self._places: dict[str, tuple[float, CooperativePlace]] = {}

    async def place_of(self, cooperative_id: str) -> CooperativePlace | None:
        """The registered cooperative's regency and time zone; None when unknown."""
        if self._ttl > 0:
            cached = self._places.get(cooperative_id)
            if cached is not None and cached[0] > time.monotonic():
                return cached[1]
        row = await self._db.fetchrow(_PLACE, cooperative_id)
        if row is None or row["regency_code"] is None:
            return None
        place = CooperativePlace(regency_code=row["regency_code"], time_zone=row["time_zone"])
        if self._ttl > 0:
            if len(self._places) >= self._MAX_CACHED:
                self._places.clear()
            self._places[cooperative_id] = (time.monotonic() + self._ttl, place)
        return place

    async def regency_of(self, cooperative_id: str) -> str | None:
        place = await self.place_of(cooperative_id)
        return None if place is None else place.regency_code

    async def cooperative(self, cooperative_id: str) -> CooperativeFacts | None:
        row = await self._db.fetchrow(
            "SELECT * FROM directory_cooperatives WHERE cooperative_id = $1", cooperative_id)
        if row is None:
            return None
        return CooperativeFacts(cooperative_id=row["cooperative_id"],
                                regency_code=row["regency_code"], time_zone=row["time_zone"],
                                closed_loop=row["loop"] != "open",
                                in_federation=row["in_federation"])

    async def member(self, member_id: str) -> MemberFacts | None:
        row = await self._db.fetchrow(
            "SELECT * FROM directory_members WHERE member_id = $1", member_id)
        if row is None:
            return None
        return MemberFacts(member_id=row["member_id"], cooperative_id=row["cooperative_id"],
                           member_no=row["member_no"], status=row["status"])
