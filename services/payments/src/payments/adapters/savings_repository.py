"""Savings account streams (``savings-<member_id>-<type>``) and their query table."""

from __future__ import annotations

from collections.abc import Sequence

from gotong_platform.db import DbConnection
from gotong_platform.eventstore import NewEvent, PostgresEventStore
from payments.adapters.events import Origin, domain_type, new_event
from payments.adapters.streams import create_stream
from payments.application.publishing import business_date_of, savings_contract
from payments.domain import (
    SavingsAccount,
    SavingsEvent,
    SavingsType,
    event_to_payload,
    evolve_savings,
    replay_savings,
    savings_event_from_payload,
)

__all__ = ["SavingsRepository"]

_UPSERT = """
INSERT INTO savings_accounts (account_id, cooperative_id, member_id, savings_type, balance_idr,
    arrears_idr, unpaid_periods, opened_on, version)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
ON CONFLICT (account_id) DO UPDATE SET balance_idr = EXCLUDED.balance_idr,
    arrears_idr = EXCLUDED.arrears_idr, unpaid_periods = EXCLUDED.unpaid_periods,
    version = EXCLUDED.version
"""


class SavingsRepository:
    def __init__(self, store: PostgresEventStore) -> None:
        self.store = store

    async def load(
        self, conn: DbConnection, account_id: str
    ) -> tuple[SavingsAccount | None, int]:
        if not account_id.startswith("savings-"):
            return None, 0  # another kind of stream: "not found", not a decoding error
        recorded = await self.store.load(conn, account_id)
        events = [savings_event_from_payload(domain_type(r.envelope.event_type), r.payload,
                                             schema_version=r.envelope.schema_version)
                  for r in recorded]
        return replay_savings(events), len(events)

    async def save(
        self, conn: DbConnection, before: SavingsAccount | None, version: int,
        events: Sequence[SavingsEvent], origin: Origin,
    ) -> tuple[SavingsAccount, int]:
        state, new = self._stored(before, events, origin)
        await self.store.append(conn, state.account_id, version, new)
        version += len(new)
        await self._upsert(conn, state, version)
        return state, version

    async def create(
        self, conn: DbConnection, events: Sequence[SavingsEvent], origin: Origin
    ) -> SavingsAccount | None:
        """Open an account stream; None when it is already open (a repeated reaction)."""
        state, new = self._stored(None, events, origin)
        if not await create_stream(self.store, conn, state.account_id, new):
            return None
        await self._upsert(conn, state, len(new))
        return state

    def _stored(
        self, before: SavingsAccount | None, events: Sequence[SavingsEvent], origin: Origin
    ) -> tuple[SavingsAccount, list[NewEvent]]:
        state = before
        new: list[NewEvent] = []
        for e in events:
            state = evolve_savings(state, e)
            new.append(new_event(e, event_to_payload(e), savings_contract(e, state),
                                 cooperative_id=e.cooperative_id,
                                 business_date=business_date_of(e), origin=origin))
        if state is None:
            raise ValueError("saving an account needs at least one event")
        return state, new

    async def _upsert(self, conn: DbConnection, a: SavingsAccount, version: int) -> None:
        await conn.execute(
            _UPSERT, a.account_id, a.cooperative_id, a.member_id, a.savings_type.value,
            a.balance_idr, a.arrears_idr, list(a.unpaid_periods), a.opened_on, version)

    async def account_id_of(
        self, conn: DbConnection, cooperative_id: str, member_id: str, savings_type: SavingsType
    ) -> str | None:
        account_id: str | None = await conn.fetchval(
            "SELECT account_id FROM savings_accounts WHERE cooperative_id = $1 "
            "AND member_id = $2 AND savings_type = $3",
            cooperative_id, member_id, savings_type.value)
        return account_id

    async def wajib_accounts_of_active_members(
        self, conn: DbConnection, cooperative_id: str
    ) -> list[str]:
        """Wajib accounts of the cooperative's admitted members (per the local directory)."""
        rows = await conn.fetch(
            """SELECT a.account_id FROM savings_accounts a
               JOIN directory_members m ON m.member_id = a.member_id
               WHERE a.cooperative_id = $1 AND m.cooperative_id = $1
                 AND a.savings_type = 'wajib' AND m.status = 'admitted'
               ORDER BY a.account_id""",
            cooperative_id)
        return [r["account_id"] for r in rows]
