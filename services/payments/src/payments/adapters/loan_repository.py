"""Loan streams (``loan-<uuid>``) and the ``loans`` query table."""

from __future__ import annotations

from collections.abc import Sequence

from gotong_platform.db import DbConnection
from gotong_platform.eventstore import NewEvent, PostgresEventStore
from gotong_platform.provenance import Provenance, new_event
from payments.adapters.events import from_stored, stored_type
from payments.adapters.publishing import business_date_of, loan_contract
from payments.domain import (
    Loan,
    LoanEvent,
    LoanStatus,
    event_to_payload,
    evolve_loan,
    loan_event_from_payload,
    replay_loan,
)

__all__ = ["LoanRepository"]

_DECODE = from_stored(loan_event_from_payload)  # its stored events, under their domain names

_UPSERT = """
INSERT INTO loans (loan_id, cooperative_id, member_id, status, principal_idr,
    outstanding_principal_idr, restructured, applied_on, disbursed_on, version)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
ON CONFLICT (loan_id) DO UPDATE SET status = EXCLUDED.status,
    outstanding_principal_idr = EXCLUDED.outstanding_principal_idr,
    restructured = EXCLUDED.restructured, disbursed_on = EXCLUDED.disbursed_on,
    version = EXCLUDED.version
"""


class LoanRepository:
    def __init__(self, store: PostgresEventStore) -> None:
        self.store = store

    async def load(self, conn: DbConnection, loan_id: str) -> tuple[Loan | None, int]:
        if not loan_id.startswith("loan-"):
            return None, 0  # another kind of stream: "not found", not a decoding error
        return await self.store.replay(conn, loan_id, _DECODE, replay_loan)

    async def save(
        self, conn: DbConnection, before: Loan | None, version: int,
        events: Sequence[LoanEvent], origin: Provenance,
    ) -> tuple[Loan, int]:
        state = before
        new: list[NewEvent] = []
        for e in events:
            state = evolve_loan(state, e)
            new.append(new_event(e, event_to_payload(e), loan_contract(e),
                                 cooperative_id=e.cooperative_id,
                                 business_date=business_date_of(e), provenance=origin,
                                 now=self.store.clock.now(),
                                 event_type=stored_type(e.event_type)))
        if state is None:
            raise ValueError("saving a loan needs at least one event")
        await self.store.write(conn, state.loan_id, version, new)
        version += len(new)
        await conn.execute(
            _UPSERT, state.loan_id, state.cooperative_id, state.member_id, state.status.value,
            state.principal_idr, state.outstanding_principal_idr, state.restructured,
            state.applied_on, state.disbursed_on, version)
        return state, version

    async def active_loans_of(
        self, conn: DbConnection, cooperative_id: str, member_id: str
    ) -> list[str]:
        """The member's disbursed loans with money outstanding, oldest disbursement first."""
        rows = await conn.fetch(
            "SELECT loan_id FROM loans WHERE cooperative_id = $1 AND member_id = $2 "
            "AND status = $3 ORDER BY disbursed_on, loan_id",
            cooperative_id, member_id, LoanStatus.ACTIVE.value)
        return [r["loan_id"] for r in rows]
