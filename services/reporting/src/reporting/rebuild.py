"""Rebuild: a new read-model version from Kafka offset 0, compared with the live one.

The new version is built while the live one keeps serving. When it has caught
up with the end offsets taken at the start, its report output (the summaries and
every monthly report of every month with data, as known at one moment) is
compared with the live version's; ``switch=True`` then makes it live.

A large backlog is consumed by several processes, each taking every n-th of the
topics' partitions into the same new version (the consumer is CPU-bound: one
process reaches about half of what the database takes). Partitions are
independent (own positions, rows keyed by stream or event, freshness aggregated
by max and sum), so the result is the same as one process's. Spawning a worker
costs about a second, so a small backlog is consumed in this process.
"""

from __future__ import annotations

import asyncio
import dataclasses
import multiprocessing
import os
import time
from concurrent.futures import ProcessPoolExecutor
from datetime import UTC, datetime

from gotong_platform.consumer.process import run
from gotong_platform.db import create_pool
from gotong_platform.migrations import upgrade
from reporting.consumer import build_runner, report_snapshot, schema_pool
from reporting.projection.versions import create_version, live_schema, switch_live
from reporting.settings import ReportingSettings

__all__ = ["RebuildResult", "rebuild", "workers_for"]

# Below this many events one process finishes before workers would have started.
PARALLEL_FROM = 200_000
MAX_WORKERS = 4


@dataclasses.dataclass(frozen=True)
class RebuildResult:
    schema: str
    events: int
    seconds: float
    identical_to_live: bool | None  # None when there was no live version
    switched: bool
    workers: int = 1


def workers_for(backlog: int, cores: int | None = None) -> int:
    """Processes for a rebuild of ``backlog`` events on ``cores`` cores."""
    if backlog < PARALLEL_FROM:
        return 1
    return max(1, min(cores or os.cpu_count() or 1, MAX_WORKERS))


async def rebuild(settings: ReportingSettings, *, switch: bool = False,
                  workers: int | None = None) -> RebuildResult:
    """``workers``: consumer processes (default: by the backlog and the cores)."""
    await upgrade(settings.database_url, settings.migrations_dir)
    admin = await create_pool(settings.database_url, max_size=2)
    try:
        schema = await create_version(admin)
        pool = await schema_pool(settings, schema)
        try:
            runner = await build_runner(settings, pool, group_id=None,
                                        client_id=f"reporting-rebuild-{schema}")
            started = time.perf_counter()
            await runner.start()
            try:
                targets = await runner.end_offsets()
                n = workers if workers is not None else workers_for(sum(targets.values()))
                if n <= 1:
                    await runner.run_until_caught_up(targets)
                    events = runner.processed + runner.dead_lettered
                else:
                    await runner.close()
                    events = await _in_processes(settings, schema, n)
            finally:
                await runner.close()
            seconds = time.perf_counter() - started
            # One "known at" for both sides, so freshness compares equal.
            known_at = datetime.now(UTC)
            options = settings.report_options()
            rebuilt = await report_snapshot(pool, known_at=known_at, options=options)
        finally:
            await pool.close()
        live = await live_schema(admin)
        identical: bool | None = None
        if live is not None:
            live_pool = await schema_pool(settings, live)
            try:
                identical = rebuilt == await report_snapshot(
                    live_pool, known_at=known_at, options=options)
            finally:
                await live_pool.close()
        switched = False
        if switch:
            await switch_live(admin, schema)
            switched = True
        return RebuildResult(schema=schema, events=events, seconds=seconds,
                             identical_to_live=identical, switched=switched,
                             workers=max(n, 1))
    finally:
        await admin.close()


async def _in_processes(settings: ReportingSettings, schema: str, n: int) -> int:
    """Consume into ``schema`` with ``n`` processes; the events they consumed."""
    loop = asyncio.get_running_loop()
    with ProcessPoolExecutor(max_workers=n,
                             mp_context=multiprocessing.get_context("spawn")) as executor:
        counts = await asyncio.gather(*(
            loop.run_in_executor(executor, _worker, settings, schema, (i, n))
            for i in range(n)))
    return sum(counts)


def _worker(settings: ReportingSettings, schema: str, share: tuple[int, int]) -> int:
    return run(_consume_share(settings, schema, share))


async def _consume_share(settings: ReportingSettings, schema: str,
                         share: tuple[int, int]) -> int:
    pool = await schema_pool(settings, schema)
    try:
        runner = await build_runner(settings, pool, group_id=None, share=share,
                                    client_id=f"reporting-rebuild-{schema}-{share[0]}")
        await runner.start()
        try:
            await runner.run_until_caught_up(await runner.end_offsets())
        finally:
            await runner.close()
        return runner.processed + runner.dead_lettered
    finally:
        await pool.close()
