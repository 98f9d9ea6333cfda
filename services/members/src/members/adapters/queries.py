"""Every read of the members API: the query tables, as JSON-ready dicts.

The rows are shaped as the API's schemas (``members.entrypoints.schemas``). The same
object answers the tenancy check (``gotong_platform.http.cooperative_scope``): where a
cooperative is, read from the registry this service keeps.
"""

from __future__ import annotations

from typing import Any

import asyncpg

__all__ = ["MembersQueries"]


class MembersQueries:
    """The API's reads, on the API's pool (no transaction: each is one statement)."""

    def __init__(self, pool: asyncpg.Pool) -> None:
        self._pool = pool

    @property
    def pool(self) -> asyncpg.Pool:
        """The API's pool, for the routes that run a command of their own (the sign-in)."""
        return self._pool

    async def regency_of(self, cooperative_id: str) -> str | None:
        """The cooperative's regency code; None when no cooperative has this id."""
        regency: str | None = await self._pool.fetchval(
            "SELECT regency_code FROM cooperatives WHERE cooperative_id = $1", cooperative_id)
        return regency

    async def cooperatives(self) -> list[dict[str, Any]]:
        """Every cooperative, by name (the caller keeps those it may see)."""
        rows = await self._pool.fetch("SELECT * FROM cooperatives ORDER BY name")
        return [dict(r) for r in rows]

    async def cooperative(self, cooperative_id: str) -> dict[str, Any] | None:
        row = await self._pool.fetchrow("SELECT * FROM cooperatives WHERE cooperative_id = $1",
                                        cooperative_id)
        return dict(row) if row else None

    async def members(
        self, cooperative_id: str, *, status: str | None, after: str | None, limit: int
    ) -> list[dict[str, Any]]:
        """A page of the cooperative's members by id: those after ``after``, at most ``limit``."""
        rows = await self._pool.fetch(
            """SELECT * FROM members WHERE cooperative_id = $1
               AND ($2::text IS NULL OR status = $2) AND ($3::text IS NULL OR member_id > $3)
               ORDER BY member_id LIMIT $4""",
            cooperative_id, status, after, limit)
        return [dict(r) for r in rows]

    async def member(self, cooperative_id: str, member_id: str) -> dict[str, Any] | None:
        row = await self._pool.fetchrow(
            "SELECT * FROM members WHERE cooperative_id = $1 AND member_id = $2",
            cooperative_id, member_id)
        return dict(row) if row else None
