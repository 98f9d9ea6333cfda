"""``python -m members api|relay|migrate``: one process per role, as in production."""

from __future__ import annotations

import argparse
import asyncio
import signal

from members.settings import MembersSettings


def _api(settings: MembersSettings, host: str, port: int) -> None:
    import uvicorn

    from members.main import create_app

    uvicorn.run(create_app(settings), host=host, port=port, log_level="warning",
                access_log=False)


async def _relay(settings: MembersSettings) -> None:
    from gotong_platform.kafka import create_topics, make_producer
    from gotong_platform.migrations import upgrade
    from gotong_platform.outbox import OutboxRelay, RelayConfig
    from gotong_platform.telemetry import configure_logging, configure_tracing

    configure_logging(settings.log_level)
    configure_tracing("members-relay", otlp_endpoint=settings.otlp_endpoint)
    await upgrade(settings.database_url, settings.migrations_dir)
    await create_topics(settings.kafka_bootstrap, [settings.topic],
                        partitions=settings.topic_partitions, auth=settings.kafka_auth())
    relay = OutboxRelay(
        dsn=settings.database_url,
        producer_factory=lambda: make_producer(settings.kafka_bootstrap,
                                               client_id="members-relay",
                                               auth=settings.kafka_auth()),
        config=RelayConfig(source="members"),
    )
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, relay.stop)
    await relay.run()


async def _migrate(settings: MembersSettings) -> None:
    from gotong_platform.migrations import upgrade

    await upgrade(settings.database_url, settings.migrations_dir)


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m members")
    sub = parser.add_subparsers(dest="command", required=True)
    api = sub.add_parser("api", help="serve the HTTP API")
    api.add_argument("--host", default="127.0.0.1")
    api.add_argument("--port", type=int, default=8001)
    sub.add_parser("relay", help="publish the outbox to Kafka")
    sub.add_parser("migrate", help="apply database migrations and exit")
    args = parser.parse_args()
    settings = MembersSettings()  # values come from the environment
    if args.command == "api":
        _api(settings, args.host, args.port)
    elif args.command == "relay":
        asyncio.run(_relay(settings))
    else:
        asyncio.run(_migrate(settings))


if __name__ == "__main__":
    main()
