"""The read-model consumer: builds the live version, or a new one for a rebuild."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import asyncpg
import orjson

from gotong_platform.consumer import ConsumerRunner, RunnerConfig
from gotong_platform.db import create_pool
from gotong_platform.kafka import create_topics, make_consumer, make_producer
from gotong_platform.telemetry import PlatformMetrics
from reporting import queries
from reporting.projection.dispatch import read_model_handler
from reporting.projection.schema import checked_schema_name
from reporting.reports.figures import DEFAULT_OPTIONS, ReportOptions
from reporting.reports.snapshot import monthly_snapshot
from reporting.settings import ReportingSettings

__all__ = ["CONSUMER_NAME", "build_runner", "report_snapshot", "schema_pool"]

CONSUMER_NAME = "readmodel"


async def schema_pool(settings: ReportingSettings, schema: str) -> asyncpg.Pool:
    """Connections writing (or reading) one read-model version.

    Commits do not wait for their WAL flush (``synchronous_commit = off``): the read
    model is disposable (a rebuild from Kafka makes it again), and effects, event ids
    and positions still commit together, so a crash can only lose the last few
    batches as a whole, which the consumer then reads again from its older position.
    Not waiting shortens every batch and the time its freshness row locks are held.
    """
    return await create_pool(settings.database_url, max_size=5,
                             server_settings={"search_path": checked_schema_name(schema),
                                              "synchronous_commit": "off"})


async def build_runner(
    settings: ReportingSettings, pool: asyncpg.Pool, *, group_id: str | None,
    metrics: PlatformMetrics | None = None, client_id: str = "reporting",
    share: tuple[int, int] | None = None,
) -> ConsumerRunner:
    auth = settings.kafka_auth()
    await create_topics(settings.kafka_bootstrap, settings.topics,
                        partitions=settings.topic_partitions, auth=auth)
    return ConsumerRunner(
        pool=pool,
        consumer=make_consumer(settings.kafka_bootstrap, group_id=group_id, client_id=client_id,
                               auth=auth),
        dlq_producer=make_producer(settings.kafka_bootstrap, client_id=f"{client_id}-dlq",
                                   auth=auth),
        handler=read_model_handler,
        # The projection's writes on different partitions never conflict (rows are keyed
        # by stream or event; freshness rows are locked in order at the end of a batch),
        # so the partitions of a poll are applied at once, up to the pool's size.
        config=RunnerConfig(consumer=CONSUMER_NAME, topics=settings.topics, group_id=group_id,
                            partition_concurrency=4, share=share),
        metrics=metrics,
    )


async def report_snapshot(pool: asyncpg.Pool, *, known_at: datetime | None = None,
                          options: ReportOptions = DEFAULT_OPTIONS) -> bytes:
    """Every report the API can show, serialised canonically (for rebuild == live).

    The monthly reports cover every month with data, as known at ``known_at``: give
    the same moment for both sides of a comparison (freshness depends on it).
    """
    known = known_at or datetime.now(UTC)
    async with pool.acquire() as conn, conn.transaction(isolation="repeatable_read",
                                                        readonly=True):
        coops = [r["cooperative_id"] for r in
                 await conn.fetch("SELECT cooperative_id FROM cooperatives ORDER BY 1")]
        regions = sorted({r["regency_code"][:n] for r in
                          await conn.fetch("SELECT regency_code FROM cooperatives "
                                           "WHERE regency_code IS NOT NULL")
                          for n in (2, 4)})
        snapshot: dict[str, Any] = {
            "federation": await queries.federation_summary(conn),
            "regions": {r: await queries.region_summary(conn, r) for r in regions},
            "cooperatives": {c: await queries.cooperative_summary(conn, c) for c in coops},
            "monthly": await monthly_snapshot(conn, known, options),
        }
    return orjson.dumps(snapshot, option=orjson.OPT_SORT_KEYS)
