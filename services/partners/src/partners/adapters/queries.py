"""Every read of the partner gateway's API, as JSON-ready dicts.

The same object answers the tenancy check (``gotong_platform.http.cooperative_scope``):
where a cooperative is, read from the local members directory the consumer keeps.
"""

from __future__ import annotations

import asyncpg

from gotong_platform.directory import Directory

__all__ = ["PartnersQueries"]


class PartnersQueries:
    """The API's reads, on the API's pool (no transaction: each is one statement)."""

    def __init__(self, pool: asyncpg.Pool) -> None:
        self._pool = pool

    async def regency_of(self, cooperative_id: str) -> str | None:
        """The cooperative's regency code; None when the directory does not know it."""
        return await Directory(self._pool).regency_of(cooperative_id)
