"""Applies members events (by their published contracts) to the read model.

Reporting never imports the members service: it reads the contracts in
``gotong_platform.contracts``. Unknown event types are skipped, so a producer
may add new events without breaking this consumer.

Every effect is order-tolerant: a row is created by whichever event of its
stream arrives first, facts carried by an event (gender, dates) are filled in
whenever it arrives, and the status follows the highest stream version seen.
Duplicated and reordered deliveries therefore converge to the in-order state
(a property test checks this). Federation membership is derived from all its
facts by a statement that reads ``fact_federation``: it is recorded as a barrier,
so the facts recorded before it are written before it runs.
"""

from __future__ import annotations

from datetime import date

from gotong_platform.consumer import ConsumedEvent
from gotong_platform.contracts import EventContract
from gotong_platform.contracts import members as c
from gotong_platform.db import DbConnection
from gotong_platform.envelope import Envelope
from reporting.adapters.projection.common import apply_events
from reporting.adapters.projection.statements import InsertNew, Statements

__all__ = ["apply_contract", "apply_event"]

_MEMBER = """
INSERT INTO members (member_id, cooperative_id, status, status_since, version, gender,
                     village_code, age_band, applied_on, admitted_on, member_no)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
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
    admitted_on = coalesce(members.admitted_on, EXCLUDED.admitted_on),
    member_no = coalesce(members.member_no, EXCLUDED.member_no)
"""

_COOPERATIVE = """
INSERT INTO cooperatives (cooperative_id, name, coop_type, province_code, regency_code,
                          time_zone, fiscal_year_start_month)
VALUES ($1, $2, $3, $4, $5, $6, $7)
ON CONFLICT (cooperative_id) DO UPDATE SET
    name = EXCLUDED.name, coop_type = EXCLUDED.coop_type,
    province_code = EXCLUDED.province_code, regency_code = EXCLUDED.regency_code,
    time_zone = EXCLUDED.time_zone, fiscal_year_start_month = EXCLUDED.fiscal_year_start_month
"""

# Federation membership is derived from all its facts, so any delivery order gives
# the in-order state: the latest event says in or out, joined_on is the latest join.
_FEDERATION = """
UPDATE cooperatives c SET
    in_federation = l.in_federation,
    federation_version = l.version,
    left_on = CASE WHEN l.in_federation THEN NULL ELSE l.effective_date END,
    joined_on = (SELECT j.effective_date FROM fact_federation j
                 WHERE j.cooperative_id = c.cooperative_id AND j.in_federation
                 ORDER BY j.version DESC LIMIT 1)
FROM (SELECT DISTINCT ON (cooperative_id) cooperative_id, in_federation, version,
             effective_date
      FROM fact_federation WHERE cooperative_id = $1
      ORDER BY cooperative_id, version DESC) l
WHERE c.cooperative_id = l.cooperative_id
"""
_COOPERATIVE_ROW = InsertNew("cooperatives", "cooperative_id text", "(cooperative_id)")


_STATUS_FACT = InsertNew("fact_member_status", """
    member_id text, version integer, cooperative_id text, status text, gender text,
    village_code text, business_date date, recorded_at timestamptz, change text""",
                         "(member_id, version)")
_FEDERATION_FACT = InsertNew("fact_federation", """
    cooperative_id text, version integer, in_federation boolean, effective_date date,
    recorded_at timestamptz""", "(cooperative_id, version)")


async def apply_event(conn: DbConnection, event: ConsumedEvent) -> None:
    """One members event alone (the other sources ignored), as the consumer applies it."""
    await apply_events(conn, [event], {"members": apply_contract})


def _member(out: Statements, e: c.MemberAppliedV1 | c.MemberAdmittedV1 | None,
            ids: tuple[str, str], change: str, since: date, env: Envelope) -> None:
    member_id, cooperative_id = ids
    status = {"reinstated": "admitted"}.get(change, change)
    gender = village = age_band = member_no = None
    applied_on = admitted_on = None
    if isinstance(e, c.MemberAppliedV1):
        gender, village, age_band, applied_on = e.gender, e.village_code, e.age_band, e.applied_on
    elif isinstance(e, c.MemberAdmittedV1):
        gender, village, admitted_on = e.gender, e.village_code, e.admitted_on
        member_no = e.member_no
    version = env.stream_version
    out.add(_MEMBER, member_id, cooperative_id, status, since, version, gender,
            village, age_band, applied_on, admitted_on, member_no)
    out.add(_STATUS_FACT, member_id, version, cooperative_id, status, gender,
            village, since, env.recorded_at, change)


def _federation(out: Statements, cooperative_id: str, joined: bool, on: date,
                env: Envelope) -> None:
    out.add(_FEDERATION_FACT, cooperative_id, env.stream_version, joined, on,
            env.recorded_at)
    out.add(_COOPERATIVE_ROW, cooperative_id)
    out.barrier(_FEDERATION, cooperative_id)


def apply_contract(out: Statements, e: EventContract, env: Envelope) -> None:
    match e:
        case c.CooperativeRegisteredV1():
            out.add(_COOPERATIVE, e.cooperative_id, e.name, e.coop_type,
                    e.province_code, e.regency_code, e.time_zone,
                    e.fiscal_year_start_month)
        case c.CooperativeJoinedFederationV1():
            _federation(out, e.cooperative_id, True, e.effective_date, env)
        case c.CooperativeLeftFederationV1():
            _federation(out, e.cooperative_id, False, e.effective_date, env)
        case c.MemberAppliedV1():
            _member(out, e, (e.member_id, e.cooperative_id), "applied", e.applied_on,
                    env)
        case c.MemberAdmittedV1():
            _member(out, e, (e.member_id, e.cooperative_id), "admitted",
                    e.admitted_on, env)
        case c.MemberApplicationRejectedV1():
            _member(out, None, (e.member_id, e.cooperative_id), "rejected",
                    e.rejected_on, env)
        case c.MemberSuspendedV1():
            _member(out, None, (e.member_id, e.cooperative_id), "suspended",
                    e.suspended_on, env)
        case c.MemberReinstatedV1():
            _member(out, None, (e.member_id, e.cooperative_id), "reinstated",
                    e.reinstated_on, env)
        case c.MemberExitedV1():
            _member(out, None, (e.member_id, e.cooperative_id), "exited", e.exited_on,
                    env)
