"""SHU streams and query tables in the reporting database's public schema.

Saving appends the new events (and their outbox rows) and refreshes the query
tables in the caller's transaction, so the API reads its own writes and the
tables never disagree with the events.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

import asyncpg

from gotong_platform.db import DbConnection
from gotong_platform.domain import event_payload
from gotong_platform.eventstore import NewEvent, PostgresEventStore
from gotong_platform.provenance import Provenance, new_event
from reporting.adapters.shu import tables
from reporting.adapters.shu.publishing import (
    business_date_of,
    calculation_contract,
    policy_contract,
)
from reporting.domain.shu import (
    CalculationEvent,
    FiscalYearAlreadyApproved,
    ShuCalculation,
    ShuCalculationDrafted,
    ShuPolicy,
    ShuPolicyAdopted,
    calculation_event_from_payload,
    evolve_calculation,
    policy_event_from_payload,
)

__all__ = ["PostgresShuRepository", "policy_stream_id"]


def policy_stream_id(cooperative_id: str) -> str:
    """One stream per cooperative: stream version n is policy version n."""
    return f"shu-policy-{cooperative_id}"


def _new_event(event: ShuPolicyAdopted | CalculationEvent, public: dict[str, Any],
               cooperative_id: str, provenance: Provenance, now: datetime) -> NewEvent:
    return new_event(event, event_payload(event), public, cooperative_id=cooperative_id,
                     business_date=business_date_of(event), provenance=provenance, now=now)


class PostgresShuRepository:
    """The ``ShuRepository`` port: the SHU streams in the event store, and their tables."""

    def __init__(self, store: PostgresEventStore) -> None:
        self.store = store

    async def load_policies(self, conn: DbConnection, cooperative_id: str) -> list[ShuPolicy]:
        recorded = await self.store.load(conn, policy_stream_id(cooperative_id))
        return [policy_event_from_payload(r.envelope.event_type, r.payload,
                                          schema_version=r.envelope.schema_version).policy
                for r in recorded]

    async def save_policy(self, conn: DbConnection, versions_so_far: int,
                          events: Sequence[ShuPolicyAdopted], provenance: Provenance
                          ) -> None:
        for event in events:
            policy = event.policy
            await self.store.write(
                conn, policy_stream_id(policy.cooperative_id), versions_so_far,
                [_new_event(event, policy_contract(event), policy.cooperative_id, provenance,
                            self.store.clock.now())])
            versions_so_far += 1
            await tables.insert_policy(conn, policy, policy_contract(event)["policy"],
                                       provenance.meta.actor)

    async def load_calculation(self, conn: DbConnection, calc_id: str
                               ) -> tuple[ShuCalculation | None, int]:
        if not calc_id.startswith("shu-calculation-"):
            return None, 0  # another kind of stream: "not found", not a decoding error
        recorded = await self.store.load(conn, calc_id)
        state: ShuCalculation | None = None
        for r in recorded:
            state = evolve_calculation(state, calculation_event_from_payload(
                r.envelope.event_type, r.payload, schema_version=r.envelope.schema_version))
        return state, len(recorded)

    async def approved_in_year(self, conn: DbConnection, cooperative_id: str,
                               fiscal_year: int) -> str | None:
        calc_id: str | None = await conn.fetchval(
            "SELECT calc_id FROM shu_calculations WHERE cooperative_id = $1 "
            "AND fiscal_year = $2 AND status = 'approved'", cooperative_id, fiscal_year)
        return calc_id

    async def save_calculation(self, conn: DbConnection, before: ShuCalculation | None,
                               version: int, events: Sequence[CalculationEvent],
                               provenance: Provenance) -> ShuCalculation:
        state, new = before, []
        for event in events:
            state = evolve_calculation(state, event)
            new.append(_new_event(event, calculation_contract(event, state),
                                  state.cooperative_id, provenance, self.store.clock.now()))
        if state is None:
            raise ValueError("save_calculation needs at least one event")
        await self.store.write(conn, state.calc_id, version, new)
        try:
            await tables.upsert_calculation(conn, state, version + len(new))
        except asyncpg.UniqueViolationError as exc:
            if exc.constraint_name != tables.ONE_APPROVED_PER_YEAR:
                raise
            raise FiscalYearAlreadyApproved(  # a concurrent approval of another version won
                "Another calculation of this fiscal year was already approved at the RAT."
            ) from exc
        if any(isinstance(e, ShuCalculationDrafted) for e in events):
            await tables.replace_allocations(conn, state)
        return state
