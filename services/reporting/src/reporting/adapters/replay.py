"""A rebuild's replay: every topic from offset 0 into a new read-model version.

A large backlog is consumed by several processes, each taking every n-th of the
topics' partitions into the same new version (the consumer is CPU-bound: one
process reaches about half of what the database takes). Partitions are
independent (own positions, rows keyed by stream or event, freshness aggregated
by max and sum), so the result is the same as one process's. How many processes
a backlog gets is the rebuild's decision (``reporting.application.rebuild``).

A replay writes the facts alone, in polls of ``REPLAY_POLL_RECORDS``, into tables
whose secondary indexes wait for its end; ``complete`` then builds them and derives
the maintained tables once (``reporting.adapters.read_model.bulk``).
"""

from __future__ import annotations

import asyncio
import multiprocessing
import os
from collections.abc import AsyncIterator, Mapping
from concurrent.futures import ProcessPoolExecutor
from contextlib import asynccontextmanager

import asyncpg
from aiokafka import TopicPartition

from gotong_platform.consumer import ConsumerRunner
from gotong_platform.consumer.process import run
from reporting.adapters.consumer import build_runner, schema_pool
from reporting.adapters.projection.dispatch import facts_only_handler
from reporting.adapters.read_model.bulk import complete, defer_indexes
from reporting.settings import ReportingSettings

__all__ = ["REPLAY_POLL_RECORDS", "KafkaReplay", "KafkaReplays"]

# Records per poll (the live consumer's 500 keeps a batch's locks short; a replay has
# no reader to wait for it): each partition's share of a poll is one transaction, and
# fewer, larger ones cost less per event (freshness upserts, positions, commits).
REPLAY_POLL_RECORDS = 4_000


class KafkaReplay:
    """One replay into one version: a runner that has not joined yet."""

    def __init__(self, settings: ReportingSettings, schema: str, runner: ConsumerRunner,
                 pool: asyncpg.Pool) -> None:
        self._settings = settings
        self._schema = schema
        self._runner = runner
        self._pool = pool
        self._targets: Mapping[TopicPartition, int] = {}
        self._deferred: list[str] = []

    async def start(self) -> int:
        """Join, and take the topics' end offsets: the backlog to replay (events)."""
        async with self._pool.acquire() as conn:
            self._deferred = await defer_indexes(conn)
        await self._runner.start()
        self._targets = await self._runner.end_offsets()
        return sum(self._targets.values())

    async def here(self) -> int:
        """Consume up to the end offsets in this process; the events consumed."""
        await self._runner.run_until_caught_up(self._targets)
        return self._runner.processed + self._runner.dead_lettered

    async def in_processes(self, n: int) -> int:
        """Leave the partitions to ``n`` worker processes; the events they consumed."""
        await self._runner.close()
        loop = asyncio.get_running_loop()
        with ProcessPoolExecutor(max_workers=n,
                                 mp_context=multiprocessing.get_context("spawn")) as executor:
            counts = await asyncio.gather(*(
                loop.run_in_executor(executor, _worker, self._settings, self._schema, (i, n))
                for i in range(n)))
        return sum(counts)

    async def complete(self) -> None:
        """The deferred indexes, then the maintained tables from the facts."""
        await complete(self._pool, self._deferred, at_once=os.cpu_count() or 1)


class KafkaReplays:
    """The ``Replays`` port: replays from Kafka, one consumer per version."""

    def __init__(self, settings: ReportingSettings) -> None:
        self._settings = settings

    @asynccontextmanager
    async def into(self, schema: str) -> AsyncIterator[KafkaReplay]:
        pool = await schema_pool(self._settings, schema)
        try:
            runner = await build_runner(self._settings, pool, group_id=None,
                                        client_id=f"reporting-rebuild-{schema}",
                                        handler=facts_only_handler,
                                        max_records=REPLAY_POLL_RECORDS)
            try:
                yield KafkaReplay(self._settings, schema, runner, pool)
            finally:
                await runner.close()
        finally:
            await pool.close()


def _worker(settings: ReportingSettings, schema: str, share: tuple[int, int]) -> int:
    return run(_consume_share(settings, schema, share))


async def _consume_share(settings: ReportingSettings, schema: str,
                         share: tuple[int, int]) -> int:
    pool = await schema_pool(settings, schema)
    try:
        runner = await build_runner(settings, pool, group_id=None, share=share,
                                    client_id=f"reporting-rebuild-{schema}-{share[0]}",
                                    handler=facts_only_handler,
                                    max_records=REPLAY_POLL_RECORDS)
        await runner.start()
        try:
            await runner.run_until_caught_up(await runner.end_offsets())
        finally:
            await runner.close()
        return runner.processed + runner.dead_lettered
    finally:
        await pool.close()
