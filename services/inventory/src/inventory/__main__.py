"""``python -m inventory api|relay|consumer|migrate|rebuild-snapshots|dead-letters``: one
process per role, and the operator's commands."""

from __future__ import annotations

import argparse

from gotong_platform.cli import Command, run_service_cli
from gotong_platform.consumer.operator import dead_letters_command
from inventory.settings import InventorySettings

CONSUMER = "inventory-reactions"


async def _consume(settings: InventorySettings, args: argparse.Namespace) -> None:
    """The members directory and the reactions to sale payments, in one consumer."""
    from gotong_platform.consumer.process import run_consumer_process
    from gotong_platform.migrations import upgrade
    from gotong_platform.telemetry import configure_logging, configure_tracing
    from inventory.main import build_services

    configure_logging(settings.log_level)
    configure_tracing("inventory-consumer", otlp_endpoint=settings.otlp_endpoint)
    await upgrade(settings.database_url, settings.migrations_dir)
    await run_consumer_process(
        dsn=settings.database_url, bootstrap=settings.kafka_bootstrap,
        topics=settings.consumed_topics, group_id=settings.consumer_group,
        consumer=CONSUMER,
        handler=build_services(settings).reactions.handler(),
        partitions=settings.topic_partitions, metrics_port=settings.consumer_metrics_port,
        metrics_host=settings.consumer_metrics_host, auth=settings.kafka_auth())


async def _rebuild_snapshots(settings: InventorySettings, args: argparse.Namespace) -> None:
    """Replay every product and ledger stream and rewrite its snapshot and query rows."""
    from gotong_platform.db import create_pool
    from gotong_platform.migrations import upgrade
    from inventory.main import rebuild

    await upgrade(settings.database_url, settings.migrations_dir)
    pool = await create_pool(settings.database_url, min_size=1, max_size=1)
    try:
        async with pool.acquire() as conn:
            count = await rebuild(settings, conn)
    finally:
        await pool.close()
    print(f"rebuilt the snapshots of {count} streams")


def main() -> None:
    raise SystemExit(run_service_cli(service="inventory", port=8002, settings=InventorySettings,
                                     commands=[
        Command("consumer", "keep the members directory; react to sale payments", _consume,
                on_uvloop=True),
        Command("rebuild-snapshots",
                "replay product and ledger streams; rewrite snapshots and query rows",
                _rebuild_snapshots),
        dead_letters_command(CONSUMER),
    ]))


if __name__ == "__main__":
    main()
