"""Reads of the query tables for the API (rows as dicts, shaped as the API schemas).

What the read routes answer, each one statement on the pool (or the caller's
connection); the write side keeps these tables in the transactions of the events
they follow. None, or an empty list, is "nothing here": the route says how it is
not found.
"""

from __future__ import annotations

import dataclasses
from datetime import date
from typing import Any

import asyncpg

from gotong_platform.db import DbConnection
from gotong_platform.eventstore import PostgresEventStore
from payments.adapters.events import from_stored
from payments.domain import (
    Loan,
    LoanEvent,
    SavingsEvent,
    SavingsType,
    loan_event_from_payload,
    replay_loan,
    savings_event_from_payload,
)

__all__ = [
    "MemberRecords",
    "MemberRecordsReader",
    "Pool",
    "exit_refund",
    "list_loans",
    "list_payouts",
    "member_savings",
    "sale_payment",
]

Pool = asyncpg.Pool  # the API's pool, as the routes hold it
Db = DbConnection | Pool


async def member_savings(db: Db, cooperative_id: str, member_id: str) -> list[dict[str, Any]]:
    """The member's savings accounts here: pokok, wajib, sukarela (in that order)."""
    return await _rows(
        db, "SELECT * FROM savings_accounts WHERE cooperative_id = $1 AND member_id = $2 "
        "ORDER BY array_position(ARRAY['pokok', 'wajib', 'sukarela'], savings_type)",
        cooperative_id, member_id)


async def list_loans(db: Db, cooperative_id: str, member_id: str | None = None
                     ) -> list[dict[str, Any]]:
    """The cooperative's loans (or one member's), oldest application first."""
    return await _rows(
        db, "SELECT * FROM loans WHERE cooperative_id = $1 "
        "AND ($2::text IS NULL OR member_id = $2) ORDER BY applied_on, loan_id",
        cooperative_id, member_id)


async def sale_payment(db: Db, cooperative_id: str, sale_id: str) -> dict[str, Any] | None:
    """The payment recorded (or refused) for the sale."""
    return await _row(
        db, "SELECT * FROM sale_payments WHERE cooperative_id = $1 AND sale_id = $2",
        cooperative_id, sale_id)


async def list_payouts(db: Db, cooperative_id: str, member_id: str | None = None
                       ) -> list[dict[str, Any]]:
    """Produce payouts with their deductions (or one member's), newest business date first."""
    return await _rows(
        db, "SELECT * FROM payouts WHERE cooperative_id = $1 "
        "AND ($2::text IS NULL OR member_id = $2) ORDER BY business_date DESC, receipt_id",
        cooperative_id, member_id)


async def exit_refund(db: Db, cooperative_id: str, member_id: str) -> dict[str, Any] | None:
    """The member's exit refund, pending or approved."""
    return await _row(
        db, "SELECT * FROM exit_refunds WHERE cooperative_id = $1 AND member_id = $2",
        cooperative_id, member_id)


async def _rows(db: Db, sql: str, *args: Any) -> list[dict[str, Any]]:
    return [dict(r) for r in await db.fetch(sql, *args)]


async def _row(db: Db, sql: str, *args: Any) -> dict[str, Any] | None:
    row = await db.fetchrow(sql, *args)
    return None if row is None else dict(row)


# --- one member's own records, for her statement ---------------------------------------
#
# Her three savings streams and each of her loans' streams are read whole (a member's
# streams are short: a few hundred events in years), decoded with the domain's codecs and
# folded with its ``replay_*``: her statement shows what the commands decide on, not a
# copy of it. Her payouts come from their query table.

_SAVINGS = from_stored(savings_event_from_payload)
_LOANS = from_stored(loan_event_from_payload)


@dataclasses.dataclass(frozen=True, kw_only=True)
class MemberRecords:
    savings: dict[SavingsType, list[SavingsEvent]]
    loans: list[tuple[Loan, list[LoanEvent]]]
    payouts: list[dict[str, Any]]


class MemberRecordsReader:
    def __init__(self, store: PostgresEventStore) -> None:
        self._store = store

    async def read(self, conn: DbConnection, cooperative_id: str, member_id: str,
                   payouts_from: date, payouts_to: date) -> MemberRecords:
        savings = {t: [_SAVINGS(r.envelope.event_type, r.payload,
                                schema_version=r.envelope.schema_version)
                       for r in await self._store.load(conn, f"savings-{member_id}-{t.value}")]
                   for t in SavingsType}
        loans = []
        for row in await conn.fetch(
                "SELECT loan_id FROM loans WHERE cooperative_id = $1 AND member_id = $2 "
                "ORDER BY applied_on, loan_id", cooperative_id, member_id):
            events = [_LOANS(r.envelope.event_type, r.payload,
                             schema_version=r.envelope.schema_version)
                      for r in await self._store.load(conn, row["loan_id"])]
            loan = replay_loan(events)
            if loan is not None and loan.cooperative_id == cooperative_id:
                loans.append((loan, events))
        payouts = [dict(r) for r in await conn.fetch(
            """SELECT receipt_id, business_date, product_id, net_qty_g, grade, gross_idr,
                      deductions, net_paid_idr
               FROM payouts WHERE cooperative_id = $1 AND member_id = $2
               AND business_date BETWEEN $3 AND $4 ORDER BY business_date, receipt_id""",
            cooperative_id, member_id, payouts_from, payouts_to)]
        # Only her own cooperative's accounts (a stream id names the member, not the tenant).
        mine = {t: [e for e in events if e.cooperative_id == cooperative_id]
                for t, events in savings.items()}
        return MemberRecords(savings=mine, loans=loans, payouts=payouts)
