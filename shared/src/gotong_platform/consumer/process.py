"""A consumer process as every service runs it: ``python -m <service> consumer``.

The effects of each event are written with its position in the service's own
database, so a service's consumer writes its own event store and outbox in the
same transaction as the position: a reaction to another service's event is
itself published exactly once per consumed event.

``run`` starts such a process on uvloop (as uvicorn runs the APIs): the consumer
spends much of its time in socket reads and writes, where uvloop's event loop
is several times cheaper than asyncio's default one. It also runs the cyclic
garbage collector less often: a batch of 500 records allocates tens of thousands of
short-lived objects (envelopes, UUIDs, datetimes, dicts) that reference counting
frees anyway, and with CPython's default threshold (700) the collector walked the
young objects every few dozen records.
"""

from __future__ import annotations

import asyncio
import gc
import signal
from collections.abc import Coroutine, Mapping, Sequence
from typing import Any, TypeVar

import uvloop

from gotong_platform.consumer.events import ConsumedEvent
from gotong_platform.consumer.handlers import Handler
from gotong_platform.consumer.runner import ConsumerRunner, RunnerConfig
from gotong_platform.db import DbConnection, create_pool
from gotong_platform.kafka import KafkaAuth, create_topics, make_consumer, make_producer
from gotong_platform.telemetry import PlatformMetrics

__all__ = ["by_source", "run", "run_consumer_process", "tune_gc"]

T = TypeVar("T")

# The collector's first threshold in a consumer process (as in the APIs).
_GC_THRESHOLD_0 = 100_000


def tune_gc() -> None:
    """Objects alive at start-up frozen out of the collector's walks, young
    collections 1/140 as often."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(_GC_THRESHOLD_0, *gc.get_threshold()[1:])


def run(main: Coroutine[Any, Any, T]) -> T:
    """``asyncio.run`` on a uvloop event loop, the collector tuned (``tune_gc``): the
    entry point of consumer processes."""
    tune_gc()
    with asyncio.Runner(loop_factory=uvloop.new_event_loop) as runner:
        return runner.run(main)


def by_source(handlers: Mapping[str, Handler]) -> Handler:
    """One handler per producing service (the envelope's source); others are ignored."""

    async def route(conn: DbConnection, event: ConsumedEvent) -> None:
        handler = handlers.get(event.envelope.source)
        if handler is not None:
            await handler(conn, event)

    return route


async def run_consumer_process(
    *, dsn: str, bootstrap: str, topics: Sequence[str], group_id: str, consumer: str,
    handler: Handler, partitions: int = 3, metrics_port: int | None = None,
    metrics_host: str = "127.0.0.1", auth: KafkaAuth | None = None,
) -> None:
    """Consume ``topics`` into the database at ``dsn`` until SIGTERM/SIGINT."""
    metrics = PlatformMetrics()
    if metrics_port is not None:
        from prometheus_client import start_http_server

        start_http_server(metrics_port, addr=metrics_host, registry=metrics.registry)
    await create_topics(bootstrap, topics, partitions=partitions, auth=auth)
    pool = await create_pool(dsn, max_size=5)
    try:
        runner = ConsumerRunner(
            pool=pool,
            consumer=make_consumer(bootstrap, group_id=group_id, client_id=consumer, auth=auth),
            dlq_producer=make_producer(bootstrap, client_id=f"{consumer}-dlq", auth=auth),
            handler=handler,
            config=RunnerConfig(consumer=consumer, topics=tuple(topics), group_id=group_id),
            metrics=metrics,
        )
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, runner.stop)
        await runner.run()
    finally:
        await pool.close()
