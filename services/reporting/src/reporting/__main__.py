"""``python -m reporting api|relay|migrate|consumer|rebuild|dead-letters``: the process
entry points."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import signal
from typing import TYPE_CHECKING

from gotong_platform.cli import Argument, Command, run_service_cli
from gotong_platform.consumer.operator import dead_letters_command
from reporting.adapters.consumer import CONSUMER_NAME
from reporting.settings import ReportingSettings

if TYPE_CHECKING:
    from reporting.application.ports import ReadModelVersions


async def _consume(settings: ReportingSettings, args: argparse.Namespace) -> None:
    from gotong_platform.db import create_pool
    from gotong_platform.migrations import upgrade
    from gotong_platform.telemetry import configure_logging, configure_tracing
    from reporting.adapters.consumer import build_runner, schema_pool
    from reporting.adapters.read_model.versions import PostgresReadModelVersions, ensure_live

    configure_logging(settings.log_level)
    configure_tracing("reporting-consumer", otlp_endpoint=settings.otlp_endpoint)
    from prometheus_client import start_http_server

    from gotong_platform.telemetry import PlatformMetrics

    await upgrade(settings.database_url, settings.migrations_dir)
    metrics = PlatformMetrics()
    start_http_server(settings.consumer_metrics_port, addr=settings.consumer_metrics_host,
                      registry=metrics.registry)
    admin = await create_pool(settings.database_url, max_size=2)
    versions = PostgresReadModelVersions(admin)
    stopping = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stopping.set)
    try:
        # Follow the live version: after a rebuild is switched live, this process
        # moves its writes to the new schema (which continues from its own positions).
        while not stopping.is_set():
            schema = await ensure_live(admin)
            pool = await schema_pool(settings, schema)
            try:
                runner = await build_runner(settings, pool, group_id=settings.consumer_group,
                                            metrics=metrics)
                task = asyncio.create_task(runner.run())
                while not task.done():
                    done = await _wait_change(versions, schema, stopping)
                    if done:
                        runner.stop()
                        break
                await task
            finally:
                await pool.close()
    finally:
        await admin.close()


async def _wait_change(versions: ReadModelVersions, schema: str, stopping: asyncio.Event
                       ) -> bool:
    """True once the process should stop or the live version is no longer ``schema``."""
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(stopping.wait(), timeout=2.0)
    if stopping.is_set():
        return True
    return await versions.live() != schema


async def _rebuild(settings: ReportingSettings, args: argparse.Namespace) -> int:
    from reporting.main import rebuild

    result = await rebuild(settings, switch=args.switch, workers=args.workers)
    rate = result.events / result.seconds if result.seconds else 0.0
    print(f"rebuilt {result.schema}: {result.events} events in {result.seconds:.2f} s "
          f"({rate:,.0f} events/s); identical to live: {result.identical_to_live}; "
          f"switched: {result.switched}; processes: {result.workers}")
    return 0 if result.identical_to_live is not False else 1


async def _live_schema(settings: ReportingSettings) -> str | None:
    """The live read model's schema: where the consumer keeps its dead letters."""
    from reporting.adapters.read_model.versions import live_schema_at

    return await live_schema_at(settings.database_url)


def main() -> None:
    raise SystemExit(run_service_cli(
        service="reporting", port=8004, settings=ReportingSettings,
        relay_help="publish the outbox (SHU events) to Kafka", commands=[
            Command("consumer", "keep the live read model up to date", _consume,
                    on_uvloop=True),
            Command("rebuild", "replay from offset 0 into a new read-model version", _rebuild,
                    [Argument(("--switch",), {"action": "store_true",
                                              "help": "make the new version live"}),
                     Argument(("--workers",), {
                         "type": int, "default": None,
                         "help": "consumer processes (default: several for a large backlog)"})],
                    on_uvloop=True),
            dead_letters_command(CONSUMER_NAME, schema=_live_schema),
        ]))


if __name__ == "__main__":
    main()
