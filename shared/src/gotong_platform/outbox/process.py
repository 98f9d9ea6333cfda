"""A relay process as every publishing service runs it: ``python -m <service> relay``."""

from __future__ import annotations

import asyncio
import signal
from pathlib import Path
from typing import Protocol

from gotong_platform.kafka import KafkaAuth, create_topics, make_producer
from gotong_platform.migrations import upgrade
from gotong_platform.outbox.relay import OutboxRelay, RelayConfig
from gotong_platform.supervise import ProcessHealth, keep_running
from gotong_platform.telemetry import configure_logging, configure_tracing

__all__ = ["PublisherSettings", "run_relay_process"]


class PublisherSettings(Protocol):
    """What a relay needs from a service's settings (every service has these fields)."""

    database_url: str
    migrations_dir: Path
    kafka_bootstrap: str
    topic: str
    topic_partitions: int
    otlp_endpoint: str | None
    log_level: str

    def kafka_auth(self) -> KafkaAuth: ...


async def run_relay_process(source: str, settings: PublisherSettings) -> None:
    """Migrate, make sure the topic exists, then publish the outbox until SIGTERM/SIGINT;
    all of it again after an outage of the database or the broker."""
    configure_logging(settings.log_level)
    configure_tracing(f"{source}-relay", otlp_endpoint=settings.otlp_endpoint)
    auth = settings.kafka_auth()
    relay = OutboxRelay(
        dsn=settings.database_url,
        producer_factory=lambda: make_producer(settings.kafka_bootstrap,
                                               client_id=f"{source}-relay", auth=auth),
        config=RelayConfig(source=source),
    )
    stopping = asyncio.Event()

    def stop() -> None:
        stopping.set()
        relay.stop()

    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop)
    # A lost database (or a broker that will not even start a producer) is waited out
    # here: the relay reconnects, takes the leader lock again and drains the outbox.
    async def work() -> None:
        await upgrade(settings.database_url, settings.migrations_dir)
        await create_topics(settings.kafka_bootstrap, [settings.topic],
                            partitions=settings.topic_partitions, auth=auth)
        await relay.run()

    await keep_running(work, health=ProcessHealth(process=f"{source}-relay"),
                       stopping=stopping)
