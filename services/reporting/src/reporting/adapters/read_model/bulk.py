"""A rebuild's bulk path: the facts first, then their indexes and the maintained tables
once, from the facts.

The live consumer keeps the maintained tables batch by batch (``ledgers.rm_apply``)
and every fact table's secondary indexes row by row. A rebuild replays the whole
history into an empty version that nothing reads until it is complete, so neither
has to be kept along the way: its workers write the facts alone
(``ReadModelHandler(maintain=False)``) into tables whose secondary indexes were
dropped (``defer_indexes``), and ``complete`` then builds those indexes (a sort
per index instead of one insertion per row), analyzes the tables and derives the
maintained tables from the facts with the contributions the consumer itself uses
(``derive``: one definition, so the reports are the same; the rebuild compares them
with the live version's before a switch). The primary keys stay: they are how a
re-sent event is applied once.

The handler alone, 50,000 deposits in batches of 2,000: facts only 54,000 events/s
against 35,000 maintained for one cooperative and day, and 52,000 against 12,000 when
the batches span 100 cooperatives and 28 days, where every maintained table takes a
row per cooperative and day (``docs/performance.md``, "The rebuild in bulk").
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import asyncpg

from gotong_platform.db import DbConnection
from reporting.adapters.read_model.derive import DERIVED_FROM, derive_statements

__all__ = ["DERIVE_EVENTS", "chunks", "complete", "defer_indexes"]

log = logging.getLogger(__name__)

# Events' worth of cooperatives derived per statement (by their events in the freshness
# clocks): ``derive`` hands a chunk's contributions to ``rm_apply`` as one jsonb value,
# which must stay far below PostgreSQL's 255 MB (a row per cooperative, day and kind,
# and per exact time for late facts), while a statement per few small cooperatives
# pays ``rm_apply``'s fixed cost for each.
DERIVE_EVENTS = 100_000

# The fact tables' indexes that are not unique: nothing in a replay reads them.
_DEFERRABLE = """
SELECT i.relname AS name, pg_get_indexdef(i.oid) AS ddl
FROM pg_index x
JOIN pg_class i ON i.oid = x.indexrelid
JOIN pg_class t ON t.oid = x.indrelid
JOIN pg_namespace n ON n.oid = t.relnamespace
WHERE n.nspname = current_schema() AND t.relname LIKE 'fact\\_%'
  AND NOT x.indisunique AND NOT x.indisprimary
ORDER BY t.relname, i.relname
"""
# The distinct cooperatives of a fact table, by its index leading with
# ``cooperative_id`` (a skip scan: one index probe per cooperative, not a pass over
# every row); the catalogue tables are small and read whole.
_COOPERATIVES = """
WITH RECURSIVE c(id) AS (
    (SELECT cooperative_id FROM {table} ORDER BY cooperative_id LIMIT 1)
    UNION ALL
    SELECT (SELECT cooperative_id FROM {table} WHERE cooperative_id > c.id
            ORDER BY cooperative_id LIMIT 1)
    FROM c WHERE c.id IS NOT NULL
)
SELECT id FROM c WHERE id IS NOT NULL
"""
_SMALL = "SELECT DISTINCT cooperative_id FROM {table}"
_TABLES = "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() ORDER BY 1"
_EVENTS = "SELECT cooperative_id, sum(events)::bigint FROM freshness_by_partition GROUP BY 1"


async def defer_indexes(conn: DbConnection) -> list[str]:
    """Drop the fact tables' secondary indexes of the version on ``conn``'s search
    path; their DDL, for ``complete``. Call it before anything is written."""
    deferred = await conn.fetch(_DEFERRABLE)
    async with conn.transaction():
        for row in deferred:
            await conn.execute(f'DROP INDEX "{row["name"]}"')
    return [row["ddl"] for row in deferred]


async def complete(pool: asyncpg.Pool, deferred: Sequence[str], *, at_once: int = 2) -> None:
    """Build the ``deferred`` indexes, analyze, and derive the maintained tables of
    every cooperative with facts, ``DERIVE_EVENTS`` at a time, on ``at_once``
    connections of ``pool`` (the version's): the replay's processes are done, and
    PostgreSQL builds and aggregates on as many cores as it is given work."""
    started = time.perf_counter()
    await _each(pool, [(ddl, ()) for ddl in deferred], at_once)
    indexed = time.perf_counter()
    async with pool.acquire() as conn:
        # This version's tables only: a bare ANALYZE would also go through every other
        # version in the database (the live one included).
        await _analyze(conn, DERIVED_FROM)
        cooperatives: set[str] = set()
        for table in DERIVED_FROM:
            query = (_COOPERATIVES if table.startswith("fact_") else _SMALL).format(table=table)
            cooperatives.update(row[0] for row in await conn.fetch(query))
        weights = {row[0]: row[1] for row in await conn.fetch(_EVENTS)}
    analyzed = time.perf_counter()
    # The version is new: its maintained tables are empty, so the statements only add.
    await _each(pool, [(statement, (chunk,))
                       for chunk in chunks(cooperatives, weights, DERIVE_EVENTS)
                       for statement in derive_statements(chunk)], at_once)
    derived = time.perf_counter()
    async with pool.acquire() as conn:  # the rest: what the reports will read
        await _analyze(conn, [row[0] for row in await conn.fetch(_TABLES)
                              if row[0] not in DERIVED_FROM])
    # Where a rebuild's end goes, for an operator comparing runs (docs/performance.md).
    log.info("rebuild end: %d indexes %.2f s, analyze %.2f s, %d cooperatives derived "
             "%.2f s, analyze %.2f s", len(deferred), indexed - started, analyzed - indexed,
             len(cooperatives), derived - analyzed, time.perf_counter() - derived)


async def _analyze(conn: DbConnection, tables: Sequence[str]) -> None:
    """Statistics of ``tables`` in the version on ``conn``'s search path."""
    quoted = ['"' + table.replace('"', '""') + '"' for table in tables]
    if quoted:
        await conn.execute(f"ANALYZE {', '.join(quoted)}")


def chunks(cooperatives: Iterable[str], weights: Mapping[str, int], limit: int
           ) -> list[list[str]]:
    """The cooperatives in order, cut into runs of at most ``limit`` weight (a heavier
    cooperative alone); one without a weight weighs 1."""
    out: list[list[str]] = []
    current: list[str] = []
    total = 0
    for cooperative in sorted(cooperatives):
        weight = max(1, weights.get(cooperative, 1))
        if current and total + weight > limit:
            out.append(current)
            current, total = [], 0
        current.append(cooperative)
        total += weight
    if current:
        out.append(current)
    return out


async def _each(pool: asyncpg.Pool, work: Sequence[tuple[str, tuple[Any, ...]]],
                at_once: int) -> None:
    """Every (statement, args) of ``work``, in order, on up to ``at_once`` connections."""
    queue = list(reversed(work))

    async def worker() -> None:
        async with pool.acquire() as conn:
            # Memory for the index sorts, and for hashing the contributions' groups:
            # with the default 4 MB the planner sorts a whole table's facts to group them.
            await conn.execute("SET maintenance_work_mem = '256MB'; SET work_mem = '256MB'")
            while queue:
                statement, args = queue.pop()
                await conn.execute(statement, *args)

    async with asyncio.TaskGroup() as group:
        for _ in range(max(1, min(at_once, len(work)))):
            group.create_task(worker())
