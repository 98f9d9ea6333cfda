"""``python -m reporting api|consumer|rebuild``."""

from __future__ import annotations

import argparse
import asyncio
import signal

from reporting.settings import ReportingSettings


def _api(settings: ReportingSettings, host: str, port: int) -> None:
    import uvicorn

    from reporting.main import create_app

    uvicorn.run(create_app(settings), host=host, port=port, log_level="warning",
                access_log=False)


async def _consume(settings: ReportingSettings) -> None:
    from gotong_platform.db import create_pool
    from gotong_platform.migrations import upgrade
    from gotong_platform.telemetry import configure_logging, configure_tracing
    from reporting.consumer import build_runner, schema_pool
    from reporting.projection.versions import ensure_live

    configure_logging(settings.log_level)
    configure_tracing("reporting-consumer", otlp_endpoint=settings.otlp_endpoint)
    await upgrade(settings.database_url, settings.migrations_dir)
    admin = await create_pool(settings.database_url, max_size=2)
    try:
        schema = await ensure_live(admin)
    finally:
        await admin.close()
    pool = await schema_pool(settings, schema)
    try:
        runner = await build_runner(settings, pool, group_id=settings.consumer_group)
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, runner.stop)
        await runner.run()
    finally:
        await pool.close()


async def _rebuild(settings: ReportingSettings, switch: bool) -> int:
    from reporting.rebuild import rebuild

    result = await rebuild(settings, switch=switch)
    rate = result.events / result.seconds if result.seconds else 0.0
    print(f"rebuilt {result.schema}: {result.events} events in {result.seconds:.2f} s "
          f"({rate:,.0f} events/s); identical to live: {result.identical_to_live}; "
          f"switched: {result.switched}")
    return 0 if result.identical_to_live is not False else 1


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m reporting")
    sub = parser.add_subparsers(dest="command", required=True)
    api = sub.add_parser("api", help="serve the report API")
    api.add_argument("--host", default="127.0.0.1")
    api.add_argument("--port", type=int, default=8004)
    sub.add_parser("consumer", help="keep the live read model up to date")
    rb = sub.add_parser("rebuild", help="replay from offset 0 into a new read-model version")
    rb.add_argument("--switch", action="store_true", help="make the new version live")
    args = parser.parse_args()
    settings = ReportingSettings()
    if args.command == "api":
        _api(settings, args.host, args.port)
    elif args.command == "consumer":
        asyncio.run(_consume(settings))
    else:
        raise SystemExit(asyncio.run(_rebuild(settings, args.switch)))


if __name__ == "__main__":
    main()
