"""The live read-model version: what the API reads (reports, summaries, SHU facts)."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import asyncpg

from gotong_platform.db import DbConnection
from reporting.adapters.read_model.schema import checked_schema_name
from reporting.adapters.read_model.versions import live_schema
from reporting.adapters.reports.kept import KeptFigures
from reporting.adapters.reports.maintained import Keeping
from reporting.adapters.reports.reader import ReadModelReader, store

__all__ = ["LiveReadModel", "ReadModelNotReady"]

log = logging.getLogger("reporting.reports.stored")


async def _on_live(conn: DbConnection) -> str:
    """Point ``conn``'s transaction at the live version; its schema name."""
    schema = await live_schema(conn)
    if schema is None:
        raise ReadModelNotReady("the read model is being built")
    name = checked_schema_name(schema)
    await conn.execute(f"SET LOCAL search_path TO {name}")
    return name


class ReadModelNotReady(Exception):
    """No read-model version is live yet (answered 503 ``read-model-not-ready``)."""


class LiveReadModel:
    """Connections pointed at whichever read-model version is live right now."""

    def __init__(self, pool: asyncpg.Pool, kept: KeptFigures | None = None) -> None:
        self.pool = pool
        # each cooperative's known-now figures, used again while its facts stand
        self.kept = kept if kept is not None else KeptFigures()

    @asynccontextmanager
    async def connection(self) -> AsyncIterator[DbConnection]:
        # Repeatable read: a report's many queries see one state of the model.
        async with self.pool.acquire() as conn, conn.transaction(
                isolation="repeatable_read", readonly=True):
            await _on_live(conn)
            yield conn

    @asynccontextmanager
    async def reader(self) -> AsyncIterator[ReadModelReader]:
        """Every read of a report or summary, in one state of the live version; then, in
        a short transaction of its own, what it computed from the facts is kept."""
        async with self.pool.acquire() as conn:
            async with conn.transaction(isolation="repeatable_read", readonly=True):
                schema = await _on_live(conn)
                reader = ReadModelReader(conn, keeping=Keeping(self.kept, schema))
                yield reader
            if reader.to_store:
                try:
                    async with conn.transaction():
                        await conn.execute(f"SET LOCAL search_path TO {schema}")
                        await store(conn, reader)
                except Exception:  # kept figures are only a shortcut: the answer stands
                    log.warning("figures computed from the facts were not kept",
                                exc_info=True)

    async def regency_of(self, cooperative_id: str) -> str | None:
        """The tenancy check's question (``CooperativeDirectory``)."""
        async with self.connection() as conn:
            regency: str | None = await conn.fetchval(
                "SELECT regency_code FROM cooperatives WHERE cooperative_id = $1",
                cooperative_id)
            return regency
