"""``python -m payments api|relay|consumer|migrate|rebuild-savings``: one process per role,
as in production, and the operator's commands."""

from __future__ import annotations

import argparse
import asyncio

from payments.settings import PaymentsSettings


def _api(host: str, port: int, workers: int) -> None:
    from gotong_platform.http.serve import serve_api

    serve_api("payments.main:app_from_environment", host=host, port=port, workers=workers)


async def _relay(settings: PaymentsSettings) -> None:
    """Publish the outbox to Kafka (one active relay per service)."""
    from gotong_platform.outbox.process import run_relay_process

    await run_relay_process("payments", settings)


async def _consumer(settings: PaymentsSettings) -> None:
    """The reactions: members and inventory events into payments' own store and outbox."""
    from gotong_platform.consumer.process import run_consumer_process
    from gotong_platform.migrations import upgrade
    from gotong_platform.telemetry import configure_logging, configure_tracing
    from payments.main import build_services

    configure_logging(settings.log_level)
    configure_tracing("payments-consumer", otlp_endpoint=settings.otlp_endpoint)
    await upgrade(settings.database_url, settings.migrations_dir)
    await run_consumer_process(
        dsn=settings.database_url, bootstrap=settings.kafka_bootstrap,
        topics=settings.consumed_topics, group_id=settings.consumer_group,
        consumer="payments-reactions", handler=build_services(settings).reactions.handler(),
        partitions=settings.topic_partitions, metrics_port=settings.consumer_metrics_port,
        metrics_host=settings.consumer_metrics_host, auth=settings.kafka_auth(),
    )


async def _migrate(settings: PaymentsSettings) -> None:
    from gotong_platform.migrations import upgrade

    await upgrade(settings.database_url, settings.migrations_dir)


async def _rebuild_savings(settings: PaymentsSettings, accounts: list[str]) -> None:
    """Rewrite savings query rows and snapshots from the events (all accounts by default)."""
    from gotong_platform.db import create_pool
    from gotong_platform.migrations import upgrade
    from payments.main import build_services

    await upgrade(settings.database_url, settings.migrations_dir)
    repo = build_services(settings).savings.repo
    pool = await create_pool(settings.database_url, max_size=2)
    try:
        async with pool.acquire() as conn:
            ids = accounts or await repo.account_ids(conn)
            for account_id in ids:
                # One transaction per account; a concurrent writer waits on the row.
                async with conn.transaction():
                    await conn.execute("SELECT 1 FROM savings_accounts WHERE account_id = $1 "
                                       "FOR UPDATE", account_id)
                    await repo.rebuild(conn, account_id)
        print(f"rebuilt {len(ids)} savings accounts")
    finally:
        await pool.close()


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m payments")
    sub = parser.add_subparsers(dest="command", required=True)
    api = sub.add_parser("api", help="serve the HTTP API")
    api.add_argument("--host", default="127.0.0.1")
    api.add_argument("--port", type=int, default=8003)
    api.add_argument("--workers", type=int, default=1,
                     help="uvicorn worker processes (one per core on a host of its own)")
    sub.add_parser("relay", help="publish the outbox to Kafka")
    sub.add_parser("consumer", help="react to members and inventory events")
    sub.add_parser("migrate", help="apply database migrations and exit")
    rebuild = sub.add_parser(
        "rebuild-savings",
        help="rewrite savings query rows and snapshots from the events, then exit")
    rebuild.add_argument("accounts", nargs="*", help="account ids (default: every account)")
    args = parser.parse_args()
    settings = PaymentsSettings()  # values come from the environment
    if args.command == "api":
        _api(args.host, args.port, args.workers)
    elif args.command == "relay":
        asyncio.run(_relay(settings))
    elif args.command == "consumer":
        from gotong_platform.consumer.process import run  # asyncio.run on uvloop

        run(_consumer(settings))
    elif args.command == "rebuild-savings":
        asyncio.run(_rebuild_savings(settings, args.accounts))
    else:
        asyncio.run(_migrate(settings))


if __name__ == "__main__":
    main()
