"""The read-model consumer: the projection fed from Kafka into one read-model version.

The consumer process (``python -m reporting consumer``) keeps the live version
current; a rebuild (``reporting.adapters.replay``) fills a new one from offset 0.
"""

from __future__ import annotations

import asyncpg

from gotong_platform.consumer import ConsumerRunner, RunnerConfig
from gotong_platform.db import create_pool
from gotong_platform.kafka import create_topics, make_consumer, make_producer
from gotong_platform.telemetry import PlatformMetrics
from reporting.adapters.projection.dispatch import ReadModelHandler, read_model_handler
from reporting.adapters.read_model.schema import checked_schema_name
from reporting.settings import ReportingSettings

__all__ = ["CONSUMER_NAME", "build_runner", "schema_pool"]

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
    share: tuple[int, int] | None = None, handler: ReadModelHandler = read_model_handler,
    max_records: int = 500,
) -> ConsumerRunner:
    """``handler`` and ``max_records`` (per poll): a rebuild's are its own (``replay``)."""
    auth = settings.kafka_auth()
    await create_topics(settings.kafka_bootstrap, settings.topics,
                        partitions=settings.topic_partitions, auth=auth)
    return ConsumerRunner(
        pool=pool,
        consumer=make_consumer(settings.kafka_bootstrap, group_id=group_id, client_id=client_id,
                               auth=auth),
        dlq_producer=make_producer(settings.kafka_bootstrap, client_id=f"{client_id}-dlq",
                                   auth=auth),
        handler=handler,
        # The projection's writes on different partitions never conflict (rows are keyed
        # by stream or event; freshness rows are locked in order at the end of a batch),
        # so the partitions of a poll are applied at once, up to the pool's size.
        config=RunnerConfig(consumer=CONSUMER_NAME, topics=settings.topics, group_id=group_id,
                            partition_concurrency=4, share=share, max_records=max_records),
        metrics=metrics,
    )
