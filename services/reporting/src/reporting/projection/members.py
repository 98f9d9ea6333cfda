"""Applies members events (by their published contracts) to the read model.

Reporting never imports the members service: it reads the contracts in
``gotong_platform.contracts``. Unknown event types are skipped, so a producer
may add new events without breaking this consumer.
"""

from __future__ import annotations

from pydantic import ValidationError

from gotong_platform.consumer import ConsumedEvent
from gotong_platform.contracts import contract_for
from gotong_platform.contracts import members as c
from gotong_platform.db import DbConnection

__all__ = ["apply_event"]


async def apply_event(conn: DbConnection, event: ConsumedEvent) -> None:
    env = event.envelope
    cls = contract_for(env.source, env.event_type, env.schema_version)
    await conn.execute(
        """
        INSERT INTO freshness (cooperative_id, last_recorded_at, last_business_date, events)
        VALUES ($1, $2, $3, 1)
        ON CONFLICT (cooperative_id) DO UPDATE SET
            last_recorded_at = greatest(freshness.last_recorded_at, EXCLUDED.last_recorded_at),
            last_business_date = greatest(freshness.last_business_date,
                                          EXCLUDED.last_business_date),
            events = freshness.events + 1
        """,
        env.cooperative_id, env.recorded_at, env.business_date,
    )
    if cls is None:
        return
    try:
        contract = cls.model_validate(event.data)
    except ValidationError as exc:
        # A payload that breaks its own contract is a poison event: raising
        # sends it to the dead-letter topic after the runner's retries.
        raise ValueError(f"{env.event_type} does not match its contract: {exc}") from exc
    await _apply(conn, contract)


async def _apply(conn: DbConnection, e: object) -> None:
    match e:
        case c.CooperativeRegisteredV1():
            await conn.execute(
                """INSERT INTO cooperatives (cooperative_id, name, coop_type, province_code,
                       regency_code, time_zone) VALUES ($1, $2, $3, $4, $5, $6)
                   ON CONFLICT (cooperative_id) DO NOTHING""",
                e.cooperative_id, e.name, e.coop_type, e.province_code, e.regency_code,
                e.time_zone)
        case c.CooperativeJoinedFederationV1():
            await conn.execute(
                """UPDATE cooperatives SET in_federation = true, joined_on = $2, left_on = NULL
                   WHERE cooperative_id = $1""", e.cooperative_id, e.effective_date)
        case c.CooperativeLeftFederationV1():
            await conn.execute(
                """UPDATE cooperatives SET in_federation = false, left_on = $2
                   WHERE cooperative_id = $1""", e.cooperative_id, e.effective_date)
        case c.MemberAppliedV1():
            await conn.execute(
                """INSERT INTO members (member_id, cooperative_id, status, gender, village_code,
                       age_band, applied_on, status_since)
                   VALUES ($1, $2, 'applied', $3, $4, $5, $6, $6)
                   ON CONFLICT (member_id) DO NOTHING""",
                e.member_id, e.cooperative_id, e.gender, e.village_code, e.age_band,
                e.applied_on)
        case c.MemberAdmittedV1():
            await _status(conn, e.member_id, "admitted", e.admitted_on, admitted=True)
        case c.MemberApplicationRejectedV1():
            await _status(conn, e.member_id, "rejected", e.rejected_on)
        case c.MemberSuspendedV1():
            await _status(conn, e.member_id, "suspended", e.suspended_on)
        case c.MemberReinstatedV1():
            await _status(conn, e.member_id, "admitted", e.reinstated_on)
        case c.MemberExitedV1():
            await _status(conn, e.member_id, "exited", e.exited_on)


async def _status(conn: DbConnection, member_id: str, status: str, since: object,
                  *, admitted: bool = False) -> None:
    await conn.execute(
        """UPDATE members SET status = $2, status_since = $3,
               admitted_on = CASE WHEN $4 THEN $3 ELSE admitted_on END
           WHERE member_id = $1""",
        member_id, status, since, admitted)
