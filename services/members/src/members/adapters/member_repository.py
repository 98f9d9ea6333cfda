"""The members' streams on PostgreSQL, with their query table, numbers and NIK register.

Saving appends the new events (and their outbox rows) and refreshes the member's row
in the caller's transaction.
"""

from __future__ import annotations

from collections.abc import Sequence

import asyncpg

from gotong_platform.db import DbConnection
from gotong_platform.eventstore import NewEvent, PostgresEventStore
from gotong_platform.provenance import Provenance
from members.adapters.publishing import member_new_event
from members.domain import (
    Member,
    MemberApplied,
    MemberEvent,
    MemberStatus,
    evolve_member,
    member_event_from_payload,
    replay_member,
)

__all__ = ["PostgresMemberRepository"]

_CLOSED = frozenset({MemberStatus.REJECTED, MemberStatus.EXITED})


class PostgresMemberRepository:
    """``MemberRepository`` on the members database's event store."""

    def __init__(self, store: PostgresEventStore) -> None:
        self._store = store

    async def load(self, conn: DbConnection, member_id: str) -> tuple[Member | None, int]:
        if not member_id.startswith("member-"):
            return None, 0  # another kind of stream: "not found", not a decoding error
        return await self._store.replay(conn, member_id, member_event_from_payload, replay_member)

    async def save(
        self, conn: DbConnection, before: Member | None, version: int,
        events: Sequence[MemberEvent], provenance: Provenance,
    ) -> tuple[Member, int]:
        new: list[NewEvent] = []
        state = before
        now = self._store.clock.now()
        for e in events:
            state = evolve_member(state, e)
            new.append(member_new_event(e, state, provenance, now))
        if state is None:
            raise ValueError("saving a new member needs at least one event")
        await self._store.write(conn, state.member_id, version, new)
        version += len(new)
        # The name lives only in the application event and this row (never published).
        full_name = next((e.full_name for e in events if isinstance(e, MemberApplied)), "")
        await conn.execute(
            """
            INSERT INTO members (member_id, cooperative_id, member_no, full_name, status,
                status_since, gender, village_code, applied_on, admitted_on, version)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
            ON CONFLICT (member_id) DO UPDATE SET member_no = EXCLUDED.member_no,
                status = EXCLUDED.status, status_since = EXCLUDED.status_since,
                admitted_on = EXCLUDED.admitted_on, version = EXCLUDED.version
            """,
            state.member_id, state.cooperative_id, state.member_no, full_name,
            state.status.value, state.status_since, state.gender.value, state.village_code,
            state.applied_on, state.admitted_on, version,
        )
        if state.status in _CLOSED:
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
        try:
            async with conn.transaction():  # a savepoint: the violation must not abort us
                await conn.execute(
                    "INSERT INTO member_nik (member_id, cooperative_id, nik_hash, nik_cipher) "
                    "VALUES ($1, $2, $3, $4)", member_id, cooperative_id, nik_hash, cipher)
        except asyncpg.UniqueViolationError:
            return False
        return True
