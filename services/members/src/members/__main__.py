"""``python -m members api|relay|migrate``: one process per role, as in production."""

from __future__ import annotations

import argparse
import asyncio

from members.settings import MembersSettings


def _api(host: str, port: int, workers: int) -> None:
    from gotong_platform.http.serve import serve_api

    serve_api("members.main:app_from_environment", host=host, port=port, workers=workers)


async def _relay(settings: MembersSettings) -> None:
    """Publish the outbox to Kafka (one active relay per service)."""
    from gotong_platform.outbox.process import run_relay_process

    await run_relay_process("members", settings)


async def _migrate(settings: MembersSettings) -> None:
    from gotong_platform.migrations import upgrade

    await upgrade(settings.database_url, settings.migrations_dir)


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m members")
    sub = parser.add_subparsers(dest="command", required=True)
    api = sub.add_parser("api", help="serve the HTTP API")
    api.add_argument("--host", default="127.0.0.1")
    api.add_argument("--port", type=int, default=8001)
    api.add_argument("--workers", type=int, default=1,
                     help="uvicorn worker processes (one per core on a host of its own)")
    sub.add_parser("relay", help="publish the outbox to Kafka")
    sub.add_parser("migrate", help="apply database migrations and exit")
    args = parser.parse_args()
    settings = MembersSettings()  # values come from the environment
    if args.command == "api":
        _api(args.host, args.port, args.workers)
    elif args.command == "relay":
        asyncio.run(_relay(settings))
    else:
        asyncio.run(_migrate(settings))


if __name__ == "__main__":
    main()
