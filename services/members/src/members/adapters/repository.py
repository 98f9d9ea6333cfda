"""Streams and query tables of the members service on PostgreSQL.

Saving a stream appends its new events (and outbox rows) and refreshes the
stream's query-table row in the caller's transaction.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

import asyncpg

from gotong_platform.commands import CommandMeta
from gotong_platform.db import DbConnection
from gotong_platform.domain import event_payload
from gotong_platform.eventstore import NewEvent, PostgresEventStore
from gotong_platform.provenance import Provenance, new_event
from members.application.errors import DuplicateLegalRegistration
from members.application.publishing import (
    business_date_of,
    cooperative_contract,
    member_contract,
)
from members.domain import (
    Cooperative,
    CooperativeEvent,
    FederationPeriod,
    Member,
    MemberEvent,
    cooperative_event_from_payload,
    evolve_member,
    member_event_from_payload,
    replay_cooperative,
    replay_member,
)

__all__ = ["MembersRepository"]


def _new_event(
    payload: dict[str, Any], public: dict[str, Any], event: CooperativeEvent | MemberEvent,
    cooperative_id: str, meta: CommandMeta, now: datetime,
) -> NewEvent:
    return new_event(event, payload, public, cooperative_id=cooperative_id,
                     business_date=business_date_of(event), provenance=Provenance(meta),
                     now=now)


class MembersRepository:
    def __init__(self, store: PostgresEventStore) -> None:
        self.store = store

    async def load_cooperative(
        self, conn: DbConnection, cooperative_id: str
    ) -> tuple[Cooperative | None, int]:
        if not cooperative_id.startswith("cooperative-"):
            return None, 0  # another kind of stream: "not found", not a decoding error
        recorded = await self.store.load(conn, cooperative_id)
        events = [
            cooperative_event_from_payload(
                r.envelope.event_type, r.payload, schema_version=r.envelope.schema_version)
            for r in recorded
        ]
        return replay_cooperative(events), len(events)

    async def load_member(
        self, conn: DbConnection, member_id: str
    ) -> tuple[Member | None, int]:
        if not member_id.startswith("member-"):
            return None, 0
        recorded = await self.store.load(conn, member_id)
        events = [
            member_event_from_payload(
                r.envelope.event_type, r.payload, schema_version=r.envelope.schema_version)
            for r in recorded
        ]
        return replay_member(events), len(events)

    async def save_cooperative(
        self, conn: DbConnection, state: Cooperative, version: int,
        events: Sequence[CooperativeEvent], meta: CommandMeta,
    ) -> int:
        now = self.store.clock.now()
        new = [_new_event(event_payload(e), cooperative_contract(e), e, state.cooperative_id,
                          meta, now) for e in events]
        await self.store.write(conn, state.cooperative_id, version, new)
        version += len(new)
        period = state.current_period
        try:
            await self._upsert_cooperative(conn, state, period, version)
        except asyncpg.UniqueViolationError as exc:
            # Two registrations with one legal number raced past the service's check.
            raise DuplicateLegalRegistration(
                "Another cooperative is already registered under this legal registration "
                "number.") from exc
        return version

    async def _upsert_cooperative(
        self, conn: DbConnection, state: Cooperative, period: FederationPeriod | None,
        version: int,
    ) -> None:
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

    async def save_member(
        self, conn: DbConnection, before: Member | None, version: int,
        events: Sequence[MemberEvent], meta: CommandMeta, full_name: str | None = None,
    ) -> tuple[Member, int]:
        new: list[NewEvent] = []
        state = before
        now = self.store.clock.now()
        for e in events:
            state = evolve_member(state, e)
            new.append(_new_event(event_payload(e), member_contract(e, state), e,
                                  state.cooperative_id, meta, now))
        if state is None:
            raise ValueError("save_member needs at least one event for a new member")
        await self.store.write(conn, state.member_id, version, new)
        version += len(new)
        await conn.execute(
            """
            INSERT INTO members (member_id, cooperative_id, member_no, full_name, status,
                status_since, gender, village_code, applied_on, admitted_on, version)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
            ON CONFLICT (member_id) DO UPDATE SET member_no = EXCLUDED.member_no,
                status = EXCLUDED.status, status_since = EXCLUDED.status_since,
                admitted_on = EXCLUDED.admitted_on, version = EXCLUDED.version
            """,
            state.member_id, state.cooperative_id, state.member_no, full_name or "",
            state.status.value, state.status_since, state.gender.value, state.village_code,
            state.applied_on, state.admitted_on, version,
        )
        if state.status.value in ("rejected", "exited"):
            # A closed membership no longer blocks a new application with this NIK.
            await conn.execute("UPDATE member_nik SET open = false WHERE member_id = $1",
                               state.member_id)
        return state, version

    async def next_member_no(self, conn: DbConnection, cooperative_id: str) -> str:
        """The cooperative's next member number; the row lock serialises admissions."""
        number: int = await conn.fetchval(
            """
            INSERT INTO member_numbers (cooperative_id, last_no) VALUES ($1, 1)
            ON CONFLICT (cooperative_id) DO UPDATE SET last_no = member_numbers.last_no + 1
            RETURNING last_no
            """,
            cooperative_id,
        )
        return f"{number:05d}"

    async def store_nik(
        self, conn: DbConnection, member_id: str, cooperative_id: str, nik_hash: str,
        cipher: bytes,
    ) -> bool:
        """False when an open membership of this cooperative already has the NIK."""
        try:
            async with conn.transaction():  # a savepoint: the violation must not abort us
                await conn.execute(
                    "INSERT INTO member_nik (member_id, cooperative_id, nik_hash, nik_cipher) "
                    "VALUES ($1, $2, $3, $4)", member_id, cooperative_id, nik_hash, cipher)
        except asyncpg.UniqueViolationError:
            return False
        return True

    async def legal_number_taken(self, conn: DbConnection, number: str) -> bool:
        return bool(await conn.fetchval(
            "SELECT 1 FROM cooperatives WHERE legal_registration_number = $1", number))
