"""The live read-model version: what the API reads (reports, summaries, SHU facts)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import asyncpg

from gotong_platform.db import DbConnection
from reporting.adapters.read_model.schema import checked_schema_name
from reporting.adapters.read_model.versions import live_schema
from reporting.adapters.reports.reader import ReadModelReader

__all__ = ["LiveReadModel", "ReadModelNotReady"]


class ReadModelNotReady(Exception):
    """No read-model version is live yet (answered 503 ``read-model-not-ready``)."""


class LiveReadModel:
    """Connections pointed at whichever read-model version is live right now."""

    def __init__(self, pool: asyncpg.Pool) -> None:
        self.pool = pool

    @asynccontextmanager
    async def connection(self) -> AsyncIterator[DbConnection]:
        # Repeatable read: a report's many queries see one state of the model.
        async with self.pool.acquire() as conn, conn.transaction(
                isolation="repeatable_read", readonly=True):
            schema = await live_schema(conn)
            if schema is None:
                raise ReadModelNotReady("the read model is being built")
            await conn.execute(f"SET LOCAL search_path TO {checked_schema_name(schema)}")
            yield conn

    @asynccontextmanager
    async def reader(self) -> AsyncIterator[ReadModelReader]:
        """Every read of a report or summary, in one state of the live version."""
        async with self.connection() as conn:
            yield ReadModelReader(conn)

    async def regency_of(self, cooperative_id: str) -> str | None:
        """The tenancy check's question (``CooperativeDirectory``)."""
        async with self.connection() as conn:
            regency: str | None = await conn.fetchval(
                "SELECT regency_code FROM cooperatives WHERE cooperative_id = $1",
                cooperative_id)
            return regency
