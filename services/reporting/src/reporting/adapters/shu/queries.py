"""Read side of the SHU engine: what the API shows, from the query tables.

One representation for a calculation, used by the POST answers (on the command's
connection, inside its transaction) and the GETs alike (``ShuQueries``, on a pooled
connection), so a client sees the same document whichever way it asked.
"""

from __future__ import annotations

from typing import Any

import asyncpg

from gotong_platform.db import DbConnection

__all__ = ["ALLOCATION_COLUMNS", "ShuQueries", "allocations", "approved_with_share", "calculation",
           "calculations", "policies"]

ALLOCATION_COLUMNS = ("member_no", "member_id", "capital_basis_idr", "transaction_basis_idr",
                      "jasa_modal_idr", "jasa_usaha_idr", "total_idr")

_SUMMARY = """
SELECT calc_id, cooperative_id, fiscal_year, period_start, period_end, policy_version, status,
       calc_version, shu_total_idr, shu_member_sourced_idr,
       shu_total_idr - shu_member_sourced_idr AS shu_non_member_idr, member_gross_idr,
       total_gross_idr, pools_idr, capital_basis_total_idr, transaction_basis_total_idr,
       member_count, policy, drafted_by, drafted_on, rat_date, approved_by
FROM shu_calculations
"""
# Members in member-number order (numbers are zero-padded text), unnumbered last.
_ORDER = " ORDER BY member_no NULLS LAST, member_id"


async def policies(conn: DbConnection, cooperative_id: str, version: int | None = None
                   ) -> list[dict[str, Any]]:
    """Every adopted version, oldest first (or only ``version``)."""
    rows = await conn.fetch(
        "SELECT terms, adopted_on, adopted_by FROM shu_policies WHERE cooperative_id = $1 "
        "AND ($2::int IS NULL OR policy_version = $2) ORDER BY policy_version",
        cooperative_id, version)
    return [{**r["terms"], "cooperative_id": cooperative_id,
             "adopted_on": r["adopted_on"].isoformat(), "adopted_by": r["adopted_by"]}
            for r in rows]


async def calculations(conn: DbConnection, cooperative_id: str) -> list[dict[str, Any]]:
    rows = await conn.fetch(_SUMMARY + " WHERE cooperative_id = $1 "
                            "ORDER BY fiscal_year DESC, policy_version DESC", cooperative_id)
    return [_summary(r) for r in rows]


async def calculation(conn: DbConnection, cooperative_id: str, calc_id: str
                      ) -> dict[str, Any] | None:
    row = await conn.fetchrow(_SUMMARY + " WHERE cooperative_id = $1 AND calc_id = $2",
                              cooperative_id, calc_id)
    if row is None:
        return None
    return {**_summary(row), "members": await allocations(conn, calc_id)}


async def allocations(conn: DbConnection, calc_id: str) -> list[dict[str, Any]]:
    rows = await conn.fetch(
        f"SELECT {', '.join(ALLOCATION_COLUMNS)} FROM shu_allocations WHERE calc_id = $1"
        + _ORDER, calc_id)
    return [dict(r) for r in rows]


def _summary(row: Any) -> dict[str, Any]:
    out = dict(row)
    for day in ("period_start", "period_end", "drafted_on", "rat_date"):
        out[day] = out[day].isoformat() if out[day] is not None else None
    return out


class ShuQueries:
    """The GET routes' reads, each on a connection of the reporting database's pool."""

    def __init__(self, pool: asyncpg.Pool) -> None:
        self._pool = pool

    async def policies(self, cooperative_id: str) -> list[dict[str, Any]]:
        async with self._pool.acquire() as conn:
            return await policies(conn, cooperative_id)

    async def calculations(self, cooperative_id: str) -> list[dict[str, Any]]:
        async with self._pool.acquire() as conn:
            return await calculations(conn, cooperative_id)

    async def calculation(self, cooperative_id: str, calc_id: str) -> dict[str, Any] | None:
        async with self._pool.acquire() as conn:
            return await calculation(conn, cooperative_id, calc_id)

    async def approved_with_share(self, cooperative_id: str, member_id: str
                                  ) -> list[tuple[dict[str, Any], dict[str, Any] | None]]:
        async with self._pool.acquire() as conn:
            return await approved_with_share(conn, cooperative_id, member_id)


# --- the member's own window (``/member-portal/...``) --------------------------------

_APPROVED = _SUMMARY + " WHERE cooperative_id = $1 AND status = 'approved'"


async def approved_with_share(conn: DbConnection, cooperative_id: str, member_id: str
                              ) -> list[tuple[dict[str, Any], dict[str, Any] | None]]:
    """Every calculation the RAT approved, newest fiscal year first, each with the
    member's own row of its member table (None: she was not among its members). Only her
    row is read: no other member's share leaves the database."""
    rows = await conn.fetch(
        "SELECT c.*, a.capital_basis_idr, a.transaction_basis_idr, a.jasa_modal_idr, "
        "a.jasa_usaha_idr, a.member_id IS NOT NULL AS included "
        f"FROM ({_APPROVED}) c LEFT JOIN shu_allocations a "
        "ON a.calc_id = c.calc_id AND a.member_id = $2 "
        "ORDER BY c.fiscal_year DESC", cooperative_id, member_id)
    out: list[tuple[dict[str, Any], dict[str, Any] | None]] = []
    for r in rows:
        row = dict(r)
        share = {k: row.pop(k) for k in ("capital_basis_idr", "transaction_basis_idr",
                                         "jasa_modal_idr", "jasa_usaha_idr")}
        out.append((row, share if row.pop("included") else None))
    return out
