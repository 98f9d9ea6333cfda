"""The API's connection pool (JSON codecs as ``gotong_platform.db.create_pool``)."""

from __future__ import annotations

import asyncpg

from gotong_platform.db import init_connection

__all__ = ["create_api_pool"]


async def _keep_session(conn: asyncpg.Connection) -> None:
    """Nothing to reset when a connection goes back to the API's pool."""


async def create_api_pool(database_url: str, *, max_size: int) -> asyncpg.Pool:
    """The API's pool of at most ``max_size`` connections.

    On release asyncpg still rolls back a transaction left open, but skips its default
    reset query (``pg_advisory_unlock_all(); CLOSE ALL; UNLISTEN *; RESET ALL``): one round
    trip per command, and the API never takes session advisory locks, opens cursors,
    listens or changes session settings on these connections.

    Statements run on generic plans (``plan_cache_mode``): the big per-command statements
    (a sale's load, the append with its query rows) were re-planned on every execution,
    about 0.1-0.25 ms of PostgreSQL CPU per sale on a probe. Their per-key reads are
    written so a generic plan probes indexes whatever the table sizes when it was made
    (``test_inventory_pool`` checks the sale's load)."""
    pool = await asyncpg.create_pool(database_url, min_size=min(2, max_size),
                                     max_size=max_size, init=init_connection,
                                     reset=_keep_session,
                                     server_settings={"plan_cache_mode": "force_generic_plan"})
    if pool is None:  # the stub allows None only for a pool that was never awaited
        raise RuntimeError("asyncpg returned no pool")
    return pool
