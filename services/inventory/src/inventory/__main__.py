"""``python -m inventory api|relay|consumer|migrate|rebuild-snapshots``: one process per role."""

from __future__ import annotations

import argparse
import asyncio

from inventory.settings import InventorySettings


def _api(host: str, port: int, workers: int) -> None:
    from gotong_platform.http.serve import serve_api

    serve_api("inventory.main:app_from_environment", host=host, port=port, workers=workers)


async def _relay(settings: InventorySettings) -> None:
    """Publish the outbox to Kafka (one active relay per service)."""
    from gotong_platform.outbox.process import run_relay_process

    await run_relay_process("inventory", settings)


async def _consume(settings: InventorySettings) -> None:
    """The members directory and the reactions to sale payments, in one consumer."""
    from gotong_platform.consumer.process import run_consumer_process
    from gotong_platform.migrations import upgrade
    from gotong_platform.telemetry import configure_logging, configure_tracing
    from inventory.adapters.repository import InventoryRepository
    from inventory.application.reactions import consumer_handler
    from inventory.main import event_store

    configure_logging(settings.log_level)
    configure_tracing("inventory-consumer", otlp_endpoint=settings.otlp_endpoint)
    await upgrade(settings.database_url, settings.migrations_dir)
    await run_consumer_process(
        dsn=settings.database_url, bootstrap=settings.kafka_bootstrap,
        topics=settings.consumed_topics, group_id=settings.consumer_group,
        consumer="inventory-reactions",
        handler=consumer_handler(InventoryRepository(event_store(settings))),
        partitions=settings.topic_partitions, metrics_port=settings.consumer_metrics_port,
        metrics_host=settings.consumer_metrics_host, auth=settings.kafka_auth())


async def _migrate(settings: InventorySettings) -> None:
    from gotong_platform.migrations import upgrade

    await upgrade(settings.database_url, settings.migrations_dir)


async def _rebuild_snapshots(settings: InventorySettings) -> None:
    """Replay every product and ledger stream and rewrite its snapshot and query rows."""
    import asyncpg

    from gotong_platform.db import init_connection
    from gotong_platform.migrations import upgrade
    from inventory.adapters.repository import InventoryRepository
    from inventory.main import event_store

    await upgrade(settings.database_url, settings.migrations_dir)
    conn = await asyncpg.connect(settings.database_url)
    try:
        await init_connection(conn)
        count = await InventoryRepository(event_store(settings)).rebuild_snapshots(conn)
    finally:
        await conn.close()
    print(f"rebuilt the snapshots of {count} streams")


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m inventory")
    sub = parser.add_subparsers(dest="command", required=True)
    api = sub.add_parser("api", help="serve the HTTP API")
    api.add_argument("--host", default="127.0.0.1")
    api.add_argument("--port", type=int, default=8002)
    api.add_argument("--workers", type=int, default=1,
                     help="uvicorn worker processes (one per core on a host of its own)")
    sub.add_parser("relay", help="publish the outbox to Kafka")
    sub.add_parser("consumer", help="keep the members directory; react to sale payments")
    sub.add_parser("migrate", help="apply database migrations and exit")
    sub.add_parser("rebuild-snapshots",
                   help="replay product and ledger streams; rewrite snapshots and query rows")
    args = parser.parse_args()
    settings = InventorySettings()  # values come from the environment
    if args.command == "api":
        _api(args.host, args.port, args.workers)
    elif args.command == "relay":
        asyncio.run(_relay(settings))
    elif args.command == "consumer":
        from gotong_platform.consumer.process import run  # asyncio.run on uvloop

        run(_consume(settings))
    elif args.command == "rebuild-snapshots":
        asyncio.run(_rebuild_snapshots(settings))
    else:
        asyncio.run(_migrate(settings))


if __name__ == "__main__":
    main()
