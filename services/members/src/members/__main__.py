"""``python -m members api|relay|migrate``: one process per role, as in production."""

from __future__ import annotations

import argparse
import asyncio

from members.settings import MembersSettings


def _api(settings: MembersSettings, host: str, port: int) -> None:
    import uvicorn

    from members.main import create_app

    uvicorn.run(create_app(settings), host=host, port=port, log_level="warning",
                access_log=False)


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
