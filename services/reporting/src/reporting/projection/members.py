"""Applies members events (by their published contracts) to the read model.

Reporting never imports the members service: it reads the contracts in
``gotong_platform.contracts``. Unknown event types are skipped, so a producer
may add new events without breaking this consumer.

Every effect is order-tolerant: a row is created by whichever event of its
stream arrives first, facts carried by an event (gender, dates) are filled in
whenever it arrives, and the status follows the highest stream version seen.
Duplicated and reordered deliveries therefore converge to the in-order state
(a property test checks this).
"""

from __future__ import annotations

from datetime import date

from pydantic import ValidationError

from gotong_platform.consumer import ConsumedEvent
from gotong_platform.contracts import EventContract, contract_for
from gotong_platform.contracts import members as c
from gotong_platform.db import DbConnection

__all__ = ["apply_event"]

_FRESHNESS = """
INSERT INTO freshness (cooperative_id, last_recorded_at, last_business_date, events)
VALUES ($1, $2, $3, 1)
ON CONFLICT (cooperative_id) DO UPDATE SET
    last_recorded_at = greatest(freshness.last_recorded_at, EXCLUDED.last_recorded_at),
    last_business_date = greatest(freshness.last_business_date, EXCLUDED.last_business_date),
    events = freshness.events + 1
"""

_MEMBER = """
INSERT INTO members (member_id, cooperative_id, status, status_since, version, gender,
                     village_code, age_band, applied_on, admitted_on)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
ON CONFLICT (member_id) DO UPDATE SET
    status = CASE WHEN EXCLUDED.version > members.version THEN EXCLUDED.status
                  ELSE members.status END,
    status_since = CASE WHEN EXCLUDED.version > members.version THEN EXCLUDED.status_since
                        ELSE members.status_since END,
    version = greatest(members.version, EXCLUDED.version),
    gender = coalesce(members.gender, EXCLUDED.gender),
    village_code = coalesce(members.village_code, EXCLUDED.village_code),
    age_band = coalesce(members.age_band, EXCLUDED.age_band),
    applied_on = coalesce(members.applied_on, EXCLUDED.applied_on),
    admitted_on = coalesce(members.admitted_on, EXCLUDED.admitted_on)
"""

_COOPERATIVE = """
INSERT INTO cooperatives (cooperative_id, name, coop_type, province_code, regency_code,
                          time_zone)
VALUES ($1, $2, $3, $4, $5, $6)
ON CONFLICT (cooperative_id) DO UPDATE SET
    name = EXCLUDED.name, coop_type = EXCLUDED.coop_type,
    province_code = EXCLUDED.province_code, regency_code = EXCLUDED.regency_code,
    time_zone = EXCLUDED.time_zone
"""

_FEDERATION = """
INSERT INTO cooperatives (cooperative_id, in_federation, joined_on, left_on, federation_version)
VALUES ($1, $2, $3, $4, $5)
ON CONFLICT (cooperative_id) DO UPDATE SET
    in_federation = CASE WHEN EXCLUDED.federation_version > cooperatives.federation_version
                         THEN EXCLUDED.in_federation ELSE cooperatives.in_federation END,
    joined_on = CASE WHEN EXCLUDED.federation_version > cooperatives.federation_version
                     THEN coalesce(EXCLUDED.joined_on, cooperatives.joined_on)
                     ELSE cooperatives.joined_on END,
    left_on = CASE WHEN EXCLUDED.federation_version > cooperatives.federation_version
                   THEN EXCLUDED.left_on ELSE cooperatives.left_on END,
    federation_version = greatest(cooperatives.federation_version,
                                  EXCLUDED.federation_version)
"""


async def apply_event(conn: DbConnection, event: ConsumedEvent) -> None:
    env = event.envelope
    await conn.execute(_FRESHNESS, env.cooperative_id, env.recorded_at, env.business_date)
    cls = contract_for(env.source, env.event_type, env.schema_version)
    if cls is None:
        return
    try:
        contract = cls.model_validate(event.data)
    except ValidationError as exc:
        # A payload that breaks its own contract is a poison event: raising
        # sends it to the dead-letter topic after the runner's retries.
        raise ValueError(f"{env.event_type} does not match its contract: {exc}") from exc
    await _apply(conn, contract, env.stream_version)


async def _member(conn: DbConnection, e: c.MemberAppliedV1 | c.MemberAdmittedV1 | None,
                  member_id: str, cooperative_id: str, status: str, since: date,
                  version: int) -> None:
    gender = village = age_band = None
    applied_on = admitted_on = None
    if isinstance(e, c.MemberAppliedV1):
        gender, village, age_band, applied_on = e.gender, e.village_code, e.age_band, e.applied_on
    elif isinstance(e, c.MemberAdmittedV1):
        gender, village, admitted_on = e.gender, e.village_code, e.admitted_on
    await conn.execute(_MEMBER, member_id, cooperative_id, status, since, version, gender,
                       village, age_band, applied_on, admitted_on)


async def _apply(conn: DbConnection, e: EventContract, version: int) -> None:
    match e:
        case c.CooperativeRegisteredV1():
            await conn.execute(_COOPERATIVE, e.cooperative_id, e.name, e.coop_type,
                               e.province_code, e.regency_code, e.time_zone)
        case c.CooperativeJoinedFederationV1():
            await conn.execute(_FEDERATION, e.cooperative_id, True, e.effective_date, None,
                               version)
        case c.CooperativeLeftFederationV1():
            await conn.execute(_FEDERATION, e.cooperative_id, False, None, e.effective_date,
                               version)
        case c.MemberAppliedV1():
            await _member(conn, e, e.member_id, e.cooperative_id, "applied", e.applied_on,
                          version)
        case c.MemberAdmittedV1():
            await _member(conn, e, e.member_id, e.cooperative_id, "admitted", e.admitted_on,
                          version)
        case c.MemberApplicationRejectedV1():
            await _member(conn, None, e.member_id, e.cooperative_id, "rejected", e.rejected_on,
                          version)
        case c.MemberSuspendedV1():
            await _member(conn, None, e.member_id, e.cooperative_id, "suspended",
                          e.suspended_on, version)
        case c.MemberReinstatedV1():
            await _member(conn, None, e.member_id, e.cooperative_id, "admitted",
                          e.reinstated_on, version)
        case c.MemberExitedV1():
            await _member(conn, None, e.member_id, e.cooperative_id, "exited", e.exited_on,
                          version)


