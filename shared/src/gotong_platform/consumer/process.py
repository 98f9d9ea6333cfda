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
from gotong_platform.db import DbConnection, close_pool, create_pool
from gotong_platform.kafka import KafkaAuth, create_topics, make_consumer, make_producer
from gotong_platform.supervise import ProcessHealth, keep_running
from gotong_platform.telemetry import PlatformMetrics
from gotong_platform.telemetry.endpoint import serve_process_endpoint

__all__ = ["ConsumerProcess", "by_source", "run", "run_consumer_process", "tune_gc"]

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
    """Consume ``topics`` into the database at ``dsn`` until SIGTERM/SIGINT, riding out
    outages of either; ``/metrics``, ``/health`` and ``/ready`` on ``metrics_port``."""
    process = ConsumerProcess(dsn=dsn, bootstrap=bootstrap, topics=topics, group_id=group_id,
                              consumer=consumer, handler=handler, partitions=partitions,
                              auth=auth)
    endpoint = None
    if metrics_port is not None:
        endpoint = await serve_process_endpoint(metrics_host, metrics_port, process.metrics,
                                                process.health)
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, process.stop)
    try:
        await process.run()
    finally:
        if endpoint is not None:
            endpoint.close()


class ConsumerProcess:
    """One consumer (``consumer``'s effects in the database at ``dsn``) that reconnects
    after an outage of PostgreSQL or Kafka instead of exiting (``supervise``)."""

    def __init__(
        self, *, dsn: str, bootstrap: str, topics: Sequence[str], group_id: str | None,
        consumer: str, handler: Handler, partitions: int = 3, auth: KafkaAuth | None = None,
        config: Mapping[str, Any] | None = None,
    ) -> None:
        self.dsn, self.bootstrap, self.topics = dsn, bootstrap, tuple(topics)
        self.group_id, self.consumer, self.handler = group_id, consumer, handler
        self.partitions, self.auth = partitions, auth
        self.config = dict(config or {})
        self.metrics = PlatformMetrics()
        self.health = ProcessHealth(process=consumer, metrics=self.metrics)
        self.stopping = asyncio.Event()
        self.runner: ConsumerRunner | None = None

    def stop(self) -> None:
        self.stopping.set()
        if self.runner is not None:
            self.runner.stop()

    async def run(self) -> None:
        await keep_running(self._once, health=self.health, stopping=self.stopping)

    async def _once(self) -> None:
        await create_topics(self.bootstrap, self.topics, partitions=self.partitions,
                            auth=self.auth)
        pool = await create_pool(self.dsn, max_size=5)
        try:
            self.runner = ConsumerRunner(
                pool=pool,
                consumer=make_consumer(self.bootstrap, group_id=self.group_id,
                                       client_id=self.consumer, auth=self.auth),
                dlq_producer=make_producer(self.bootstrap, client_id=f"{self.consumer}-dlq",
                                           auth=self.auth),
                handler=self.handler,
                config=RunnerConfig(consumer=self.consumer, topics=self.topics,
                                    group_id=self.group_id, **self.config),
                metrics=self.metrics,
            )
            if self.stopping.is_set():
                return
            await self.runner.run(on_started=lambda: self.health.mark(True))
        finally:
            self.health.mark(False)
            await close_pool(pool)
