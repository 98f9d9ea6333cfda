"""A relay process as every publishing service runs it: ``python -m <service> relay``;
and its one-shot sibling ``python -m <service> republish`` (``run_republish``).

Besides publishing, the process serves ``/metrics``, ``/health`` and ``/ready`` on a port
of its own (``relay_metrics_host``/``relay_metrics_port`` of the service's settings), as
the consumers do: events published, send errors, the backlog and its oldest age, and
whether the relay is connected and working (a standby is).
"""

from __future__ import annotations

import asyncio
import signal
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Protocol

from gotong_platform.kafka import KafkaAuth, create_topics, make_producer
from gotong_platform.migrations import upgrade
from gotong_platform.outbox.relay import OutboxRelay, ProducerFactory, RelayConfig
from gotong_platform.supervise import ProcessHealth, keep_running
from gotong_platform.telemetry import PlatformMetrics, configure_logging, configure_tracing
from gotong_platform.telemetry.endpoint import serve_process_endpoint

__all__ = ["PublisherSettings", "RelayProcess", "run_relay_process", "run_republish"]


class PublisherSettings(Protocol):
    """What a relay needs from a service's settings (every service has these fields)."""

    database_url: str
    migrations_dir: Path
    kafka_bootstrap: str
    topic: str
    topic_partitions: int
    otlp_endpoint: str | None
    log_level: str
    relay_metrics_host: str
    relay_metrics_port: int | None

    def kafka_auth(self) -> KafkaAuth: ...


class RelayProcess:
    """One service's relay, its metrics and health, riding out outages (``supervise``).

    ``prepare`` runs before each start (after an outage too): the process migrates and
    creates its topic there.
    """

    def __init__(
        self, *, source: str, dsn: str, producer_factory: ProducerFactory,
        prepare: Callable[[], Awaitable[None]] | None = None,
        config: RelayConfig | None = None,
    ) -> None:
        self.metrics = PlatformMetrics()
        self.health = ProcessHealth(process=f"{source}-relay", metrics=self.metrics)
        self.relay = OutboxRelay(dsn=dsn, producer_factory=producer_factory,
                                 config=config or RelayConfig(source=source),
                                 metrics=self.metrics, health=self.health)
        self.prepare = prepare
        self.stopping = asyncio.Event()

    def stop(self) -> None:
        self.stopping.set()
        self.relay.stop()

    async def serve_endpoint(self, host: str, port: int) -> asyncio.Server:
        """``/metrics``, ``/health``, ``/ready`` on ``host:port`` until the server is closed."""
        return await serve_process_endpoint(host, port, self.metrics, self.health)

    async def run(self) -> None:
        """Publish until ``stop()``; all of it again after an outage of the database or
        the broker (the relay reconnects, takes the leader lock again and drains)."""

        async def work() -> None:
            if self.prepare is not None:
                await self.prepare()
            await self.relay.run()

        await keep_running(work, health=self.health, stopping=self.stopping)


async def run_relay_process(source: str, settings: PublisherSettings) -> None:
    """Migrate, make sure the topic exists, then publish the outbox until SIGTERM/SIGINT;
    all of it again after an outage of the database or the broker."""
    configure_logging(settings.log_level)
    configure_tracing(f"{source}-relay", otlp_endpoint=settings.otlp_endpoint)
    auth = settings.kafka_auth()

    async def prepare() -> None:
        await upgrade(settings.database_url, settings.migrations_dir)
        await create_topics(settings.kafka_bootstrap, [settings.topic],
                            partitions=settings.topic_partitions, auth=auth)

    process = RelayProcess(
        source=source, dsn=settings.database_url, prepare=prepare,
        producer_factory=lambda: make_producer(settings.kafka_bootstrap,
                                               client_id=f"{source}-relay", auth=auth),
    )
    endpoint = None
    if settings.relay_metrics_port is not None:
        endpoint = await process.serve_endpoint(settings.relay_metrics_host,
                                                settings.relay_metrics_port)
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, process.stop)
    try:
        await process.run()
    finally:
        if endpoint is not None:
            endpoint.close()


async def run_republish(source: str, settings: PublisherSettings, *, from_position: int,
                        to_position: int | None, dry_run: bool, batch_size: int) -> int:
    """``python -m <service> republish``: migrate, create the topic where it is missing (as
    the relay does when it starts), send the events again (``republish``), printing each
    acknowledged batch and the total. The exit status: 0 done, 1 a send failed (rerun
    from the position printed), 2 refused (nothing sent)."""
    from gotong_platform.outbox.republish import RepublishProgress, RepublishRefused, republish

    await upgrade(settings.database_url, settings.migrations_dir)
    auth = settings.kafka_auth()
    acknowledged = RepublishProgress(events=0, position=from_position - 1)

    async def report(p: RepublishProgress) -> None:
        nonlocal acknowledged
        acknowledged = p
        print(f"{source}: {p.events} events republished, up to position {p.position}",
              flush=True)

    async def create_topic() -> None:
        await create_topics(settings.kafka_bootstrap, [settings.topic],
                            partitions=settings.topic_partitions, auth=auth)

    try:
        result = await republish(
            dsn=settings.database_url, source=source, topic=settings.topic,
            producer_factory=lambda: make_producer(settings.kafka_bootstrap,
                                                   client_id=f"{source}-republish", auth=auth),
            from_position=from_position, to_position=to_position, batch_size=batch_size,
            dry_run=dry_run, before_sending=create_topic, progress=report)
    except RepublishRefused as refused:
        print(f"{source}: republish refused, nothing sent: {refused}", file=sys.stderr)
        return 2
    except Exception as exc:
        from gotong_platform.outages import database_unavailable

        if database_unavailable(exc):
            raise  # the command line's one line about the database
        print(f"{source}: republish failed after {acknowledged.events} acknowledged events "
              f"(up to position {acknowledged.position}): {type(exc).__name__}: {exc}; "
              f"run again with --from-position {acknowledged.position + 1}", file=sys.stderr)
        return 1
    span = "" if result.first is None else f", positions {result.first} to {result.last}"
    verb = "would republish" if result.dry_run else "republished"
    print(f"{source}: {verb} {result.events} events to {result.topic}{span}")
    return 0
