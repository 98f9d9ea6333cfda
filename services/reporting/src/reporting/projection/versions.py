"""Read-model versions: build a new schema from offset 0 while the old one serves.

``read_models`` (public schema) names each version and which one is live.
"""

from __future__ import annotations

from datetime import UTC, datetime

import asyncpg

from gotong_platform.db import DbConnection
from reporting.projection.schema import READ_MODEL_DDL, checked_schema_name

__all__ = ["create_version", "ensure_live", "live_schema", "switch_live"]


async def live_schema(conn: DbConnection | asyncpg.Pool) -> str | None:
    name: str | None = await conn.fetchval(
        "SELECT schema_name FROM read_models WHERE status = 'live'")
    return name


async def create_version(pool: asyncpg.Pool, *, status: str = "building") -> str:
    """A fresh, empty read-model schema registered as ``status``."""
    name = checked_schema_name("rm_" + datetime.now(UTC).strftime("%Y%m%d%H%M%S%f"))
    async with pool.acquire() as conn, conn.transaction():
        await conn.execute(f"CREATE SCHEMA {name}")
        await conn.execute(f"SET LOCAL search_path TO {name}")
        await conn.execute(READ_MODEL_DDL)
        await conn.execute(
            "INSERT INTO public.read_models (schema_name, status, live_since) "
            "VALUES ($1, $2, CASE WHEN $2 = 'live' THEN now() END)", name, status)
    return name


async def ensure_live(pool: asyncpg.Pool) -> str:
    """The live schema, creating the first one on a new database."""
    async with pool.acquire() as conn, conn.transaction():
        # Serialise first starts of the consumer and the API.
        await conn.execute("SELECT pg_advisory_xact_lock(7203)")
        existing = await live_schema(conn)
    if existing is not None:
        return existing
    try:
        return await create_version(pool, status="live")
    except asyncpg.UniqueViolationError:  # another process made it first
        name = await live_schema(pool)
        if name is None:
            raise
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
