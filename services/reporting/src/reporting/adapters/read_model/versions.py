"""Read-model versions: build a new schema from offset 0 while the old one serves.

``read_models`` (public schema) names each version and which one is live. Each
version records the fingerprint of the DDL that built it: when the code's read
model changes, the first process to start (API or consumer) replaces a live version
of another shape by a fresh, empty one, which the consumer then fills from offset 0
(``python -m reporting rebuild --switch`` beforehand avoids serving it half-built).
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime

import asyncpg

from gotong_platform.db import DbConnection
from reporting.adapters.read_model.schema import (
    READ_MODEL_DDL,
    READ_MODEL_FINGERPRINT,
    checked_schema_name,
)

__all__ = ["PostgresReadModelVersions", "create_version", "ensure_live", "live_schema",
           "live_schema_at",
           "switch_live"]

# Kept from before this module moved into the adapters (``reporting.projection``).
log = logging.getLogger("reporting.projection.versions")


async def live_schema(conn: DbConnection | asyncpg.Pool) -> str | None:
    name: str | None = await conn.fetchval(
        "SELECT schema_name FROM read_models WHERE status = 'live'")
    return name


async def live_schema_at(dsn: str) -> str | None:
    """The live schema of the database at ``dsn`` (for an operator's command)."""
    conn = await asyncpg.connect(dsn)
    try:
        return await live_schema(conn)
    finally:
        await conn.close()


async def _build(conn: DbConnection, status: str) -> str:
    """Create and register a fresh version inside the caller's transaction."""
    name = checked_schema_name("rm_" + datetime.now(UTC).strftime("%Y%m%d%H%M%S%f"))
    await conn.execute(f"CREATE SCHEMA {name}")
    await conn.execute(f"SET LOCAL search_path TO {name}")
    await conn.execute(READ_MODEL_DDL)
    await conn.execute("INSERT INTO read_model_meta (ddl_sha256) VALUES ($1)",
                       READ_MODEL_FINGERPRINT)
    if status == "live":
        await conn.execute(
            "UPDATE public.read_models SET status = 'retired' WHERE status = 'live'")
    await conn.execute(
        "INSERT INTO public.read_models (schema_name, status, live_since) "
        "VALUES ($1, $2, CASE WHEN $2 = 'live' THEN now() END)", name, status)
    return name


async def create_version(pool: asyncpg.Pool, *, status: str = "building") -> str:
    """A fresh, empty read-model schema registered as ``status``."""
    async with pool.acquire() as conn, conn.transaction():
        return await _build(conn, status)


async def _same_shape(conn: DbConnection, schema: str) -> bool:
    meta = f"{checked_schema_name(schema)}.read_model_meta"
    if await conn.fetchval("SELECT to_regclass($1)", meta) is None:
        return False  # built before versions recorded their DDL
    found: str | None = await conn.fetchval(f"SELECT ddl_sha256 FROM {meta}")
    return found == READ_MODEL_FINGERPRINT


async def ensure_live(pool: asyncpg.Pool) -> str:
    """The live schema; a new one on a new database, or when the live one has another
    shape than this code's read model."""
    async with pool.acquire() as conn, conn.transaction():
        # Serialise first starts of the consumer and the API.
        await conn.execute("SELECT pg_advisory_xact_lock(7203)")
        existing = await live_schema(conn)
        if existing is not None and await _same_shape(conn, existing):
            return existing
        name = await _build(conn, "live")
    if existing is not None:
        log.warning("the live read model %s has another shape; %s replaces it and is "
                    "filled from offset 0", existing, name)
    return name


async def switch_live(pool: asyncpg.Pool, new: str) -> str | None:
    """Make ``new`` the live version; returns the one it replaced."""
    checked_schema_name(new)
    async with pool.acquire() as conn, conn.transaction():
        old = await live_schema(conn)
        await conn.execute("UPDATE read_models SET status = 'retired' WHERE status = 'live'")
        await conn.execute(
            "UPDATE read_models SET status = 'live', live_since = now() WHERE schema_name = $1",
            new)
    return old


class PostgresReadModelVersions:
    """The rebuild's ``ReadModelVersions`` port over ``read_models`` (public schema)."""

    def __init__(self, pool: asyncpg.Pool) -> None:
        self._pool = pool

    async def create(self) -> str:
        return await create_version(self._pool)

    async def live(self) -> str | None:
        return await live_schema(self._pool)

    async def switch(self, schema: str) -> None:
        await switch_live(self._pool, schema)
