"""Reads of the query tables for the API (rows as dicts, shaped as the API schemas).

What the read routes answer, each one statement on the pool (or the caller's
connection); the write side keeps these tables in the transactions of the events
they follow. None, or an empty list, is "nothing here": the route says how it is
not found.
"""

from __future__ import annotations

from typing import Any

import asyncpg

from gotong_platform.db import DbConnection

__all__ = ["Pool", "exit_refund", "list_loans", "list_payouts", "member_savings", "sale_payment"]

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
