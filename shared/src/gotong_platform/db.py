"""asyncpg pools with the codecs every service needs.

JSON goes through orjson both ways: the handbook measured JSON handling as a
large share of the write path, and the stdlib encoder is several times slower.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import asyncpg
import orjson

__all__ = ["DbConnection", "close_pool", "create_pool", "init_connection", "json_dumps"]

if TYPE_CHECKING:
    from asyncpg.pool import PoolConnectionProxy

    # What handlers receive: a plain connection or one borrowed from a pool.
    DbConnection = asyncpg.Connection[asyncpg.Record] | PoolConnectionProxy[asyncpg.Record]
else:
    DbConnection = Any


def json_dumps(value: Any) -> str:
    """Serialise to JSON text; ``str`` passes through (it is already JSON)."""
    if isinstance(value, str):
        return value
    return orjson.dumps(value).decode()


async def init_connection(conn: asyncpg.Connection) -> None:
    for typename in ("json", "jsonb"):
        await conn.set_type_codec(
            typename, encoder=json_dumps, decoder=orjson.loads, schema="pg_catalog"
        )


async def create_pool(
    dsn: str,
    *,
    min_size: int = 2,
    max_size: int = 20,
    server_settings: Mapping[str, str] | None = None,
) -> asyncpg.Pool:
    """A pool whose connections decode JSON with orjson and carry ``server_settings``.

    ``server_settings`` is how a read model selects its schema (``search_path``)
    so that a blue/green rebuild can write the same SQL into a fresh schema.
    """
    pool = await asyncpg.create_pool(
        dsn,
        min_size=min_size,
        max_size=max_size,
        init=init_connection,
        server_settings=dict(server_settings or {}),
    )
    if pool is None:  # the stub allows None only for a pool that was never awaited
        raise RuntimeError("asyncpg returned no pool")
    return pool


async def close_pool(pool: asyncpg.Pool, timeout_s: float = 5.0) -> None:
    """Close ``pool`` gracefully, or terminate it when its server no longer answers (a
    graceful close waits on connections a partition left hanging)."""
    try:
        await asyncio.wait_for(pool.close(), timeout=timeout_s)
    except Exception:  # timed out, or the connections are already broken
        pool.terminate()
