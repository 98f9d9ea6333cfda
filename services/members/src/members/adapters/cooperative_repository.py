"""The cooperatives' streams on PostgreSQL, with their query table ``cooperatives``.

Saving appends the new events (and their outbox rows) and refreshes the cooperative's
row in the caller's transaction.
"""

from __future__ import annotations

from collections.abc import Sequence

import asyncpg

from gotong_platform.db import DbConnection
from gotong_platform.eventstore import PostgresEventStore
from gotong_platform.provenance import Provenance
from members.adapters.publishing import cooperative_new_event
from members.domain import (
    Cooperative,
    CooperativeEvent,
    DuplicateLegalRegistration,
    cooperative_event_from_payload,
    evolve_cooperative,
    replay_cooperative,
)

__all__ = ["PostgresCooperativeRepository"]


class PostgresCooperativeRepository:
    """``CooperativeRepository`` on the members database's event store."""

    def __init__(self, store: PostgresEventStore) -> None:
        self._store = store

    async def load(
        self, conn: DbConnection, cooperative_id: str
    ) -> tuple[Cooperative | None, int]:
        if not cooperative_id.startswith("cooperative-"):
            return None, 0  # another kind of stream: "not found", not a decoding error
        return await self._store.replay(
            conn, cooperative_id, cooperative_event_from_payload, replay_cooperative)

    async def save(
        self, conn: DbConnection, before: Cooperative | None, version: int,
        events: Sequence[CooperativeEvent], provenance: Provenance,
    ) -> tuple[Cooperative, int]:
        state = before
        for e in events:
            state = evolve_cooperative(state, e)
        if state is None:
            raise ValueError("saving a new cooperative needs at least one event")
        now = self._store.clock.now()
        await self._store.write(conn, state.cooperative_id, version,
                                [cooperative_new_event(e, provenance, now) for e in events])
        version += len(events)
        try:
            await self._upsert(conn, state, version)
        except asyncpg.UniqueViolationError as exc:
            # Two registrations with one legal number raced past the use case's check.
            raise DuplicateLegalRegistration(
                "Another cooperative is already registered under this legal registration "
                "number.") from exc
        return state, version

    async def legal_number_taken(self, conn: DbConnection, number: str) -> bool:
        return bool(await conn.fetchval(
            "SELECT 1 FROM cooperatives WHERE legal_registration_number = $1", number))

    async def _upsert(self, conn: DbConnection, state: Cooperative, version: int) -> None:
        period = state.current_period
        await conn.execute(
            """
            INSERT INTO cooperatives (cooperative_id, name, legal_registration_number,
                coop_type, province_code, regency_code, time_zone, fiscal_year_start_month,
                loop, registered_on, in_federation, joined_on, left_on, version)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)
            ON CONFLICT (cooperative_id) DO UPDATE SET in_federation = EXCLUDED.in_federation,
                joined_on = EXCLUDED.joined_on, left_on = EXCLUDED.left_on,
                version = EXCLUDED.version
            """,
            state.cooperative_id, state.name, state.legal_registration_number,
            state.coop_type.value, state.province_code, state.regency_code,
            state.time_zone.value, state.fiscal_year_start_month, state.loop.value,
            state.registered_on, period is not None,
            period.joined_on if period else None, state.last_left_on, version,
        )
