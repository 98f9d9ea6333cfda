"""``python -m partners api|relay|migrate|consumer|webhooks|dead-letters``: one process per
role, and the operator's commands."""

from __future__ import annotations

import argparse

from gotong_platform.cli import Command, run_service_cli
from gotong_platform.consumer.operator import dead_letters_command
from partners.settings import PartnersSettings


async def _consume(settings: PartnersSettings, args: argparse.Namespace) -> None:
    """The domain topics into the partners' feeds, and the members directory."""
    from gotong_platform.consumer.process import run_consumer_process
    from gotong_platform.migrations import upgrade
    from gotong_platform.telemetry import configure_logging, configure_tracing
    from partners.entrypoints.consumer import GATEWAY_CONSUMER
    from partners.main import build_consumer

    configure_logging(settings.log_level)
    configure_tracing("partners-consumer", otlp_endpoint=settings.otlp_endpoint)
    await upgrade(settings.database_url, settings.migrations_dir)
    await run_consumer_process(
        dsn=settings.database_url, bootstrap=settings.kafka_bootstrap,
        topics=settings.consumed_topics, group_id=settings.consumer_group,
        consumer=GATEWAY_CONSUMER, handler=build_consumer(settings).handler(),
        partitions=settings.topic_partitions, metrics_port=settings.consumer_metrics_port,
        metrics_host=settings.consumer_metrics_host, auth=settings.kafka_auth())


async def _webhooks(settings: PartnersSettings, args: argparse.Namespace) -> None:
    """Push the partners' feeds to their signed webhooks until SIGTERM/SIGINT."""
    import asyncio
    import signal

    import httpx

    from gotong_platform.db import create_pool
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
    pool = await create_pool(settings.database_url, max_size=3)
    # trust_env: the requests leave through the cluster's egress proxy (HTTPS_PROXY).
    async with httpx.AsyncClient(timeout=settings.webhook_timeout_s, trust_env=True,
                                 follow_redirects=False) as client:
        try:
            dispatch = build_dispatch(settings, PostgresWebhookStore(pool), client)
            await run_dispatcher(pool, dispatch.run_once, stopping, poll_s=settings.webhook_poll_s)
        finally:
            await pool.close()


def main() -> None:
    raise SystemExit(run_service_cli(service="partners", port=8005, settings=PartnersSettings,
                                     commands=[
        Command("consumer", "turn the domain topics into the partners' feeds", _consume,
                on_uvloop=True),
        Command("webhooks", "push the partners' feeds to their signed webhooks", _webhooks),
        dead_letters_command("partners-gateway"),
    ]))


if __name__ == "__main__":
    main()
