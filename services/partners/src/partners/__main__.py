"""``python -m partners api|relay|migrate|consumer|webhooks|dead-letters``: one process per
role, and the operator's commands."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from gotong_platform.cli import Command, run_service_cli
from gotong_platform.consumer.operator import consumer_command, dead_letters_command
from partners.settings import PartnersSettings

if TYPE_CHECKING:
    from gotong_platform.consumer import Handler

# The consumer's name (``partners.entrypoints.consumer.GATEWAY_CONSUMER``, which a test
# holds equal): its positions, claims and dead letters are kept under it.
CONSUMER = "partners-gateway"


def _gateway(settings: PartnersSettings) -> Handler:
    """The domain topics into the partners' feeds, and the members directory."""
    from partners.main import build_consumer

    return build_consumer(settings).handler()


async def _webhooks(settings: PartnersSettings, args: argparse.Namespace) -> None:
    """Push the partners' feeds to their signed webhooks and their Kafka topics until
    SIGTERM/SIGINT."""
    import asyncio
    import signal

    import httpx

    from gotong_platform.db import create_pool
    from gotong_platform.kafka import make_producer
    from gotong_platform.migrations import upgrade
    from gotong_platform.telemetry import configure_logging, configure_tracing
    from partners.adapters.webhooks import PostgresWebhookStore, run_dispatcher
    from partners.main import build_dispatch

    configure_logging(settings.log_level)
    configure_tracing("partners-webhooks", otlp_endpoint=settings.otlp_endpoint)
    await upgrade(settings.database_url, settings.migrations_dir)
    stopping = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stopping.set)
    # A connection per subscription served at once, one for the single-active lock, one
    # for the pass's own reads.
    pool = await create_pool(settings.database_url, max_size=settings.webhook_concurrency + 2)
    # KAFKA subscriptions: idempotent, acks=all (a record counts once the broker has it).
    producer = make_producer(settings.kafka_bootstrap, client_id="partners-webhooks",
                             auth=settings.kafka_auth())
    await producer.start()
    # trust_env: the requests leave through the cluster's egress proxy (HTTPS_PROXY).
    async with httpx.AsyncClient(timeout=settings.webhook_timeout_s, trust_env=True,
                                 follow_redirects=False) as client:
        try:
            dispatch = build_dispatch(settings, PostgresWebhookStore(pool), client,
                                      producer=producer)
            await run_dispatcher(pool, dispatch.run_once, stopping, poll_s=settings.webhook_poll_s)
        finally:
            await producer.stop()
            await pool.close()


def main() -> None:
    raise SystemExit(run_service_cli(service="partners", port=8005, settings=PartnersSettings,
                                     commands=[
        consumer_command("partners", CONSUMER, _gateway,
                         "turn the domain topics into the partners' feeds"),
        Command("webhooks", "push the partners' feeds to their signed webhooks and topics",
                _webhooks),
        dead_letters_command(CONSUMER),
    ]))


if __name__ == "__main__":
    main()
