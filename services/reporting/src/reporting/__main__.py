"""``python -m reporting api|relay|migrate|consumer|rebuild|dead-letters``: the process
entry points."""

from __future__ import annotations

import argparse
import asyncio
import signal
from typing import TYPE_CHECKING

from gotong_platform.cli import Argument, Command, run_service_cli
from gotong_platform.consumer.operator import dead_letters_command
from reporting.adapters.consumer import CONSUMER_NAME
from reporting.settings import ReportingSettings

if TYPE_CHECKING:
    from gotong_platform.supervise import ProcessHealth
    from gotong_platform.telemetry import PlatformMetrics
    from reporting.application.ports import ReadModelVersions


async def _consume(settings: ReportingSettings, args: argparse.Namespace) -> None:
    from gotong_platform.supervise import ProcessHealth, keep_running
    from gotong_platform.telemetry import PlatformMetrics, configure_logging, configure_tracing
    from gotong_platform.telemetry.endpoint import serve_process_endpoint
    from reporting.adapters.consumer import CONSUMER_NAME

    configure_logging(settings.log_level)
    configure_tracing("reporting-consumer", otlp_endpoint=settings.otlp_endpoint)
    metrics = PlatformMetrics()
    health = ProcessHealth(process=CONSUMER_NAME, metrics=metrics)
    endpoint = await serve_process_endpoint(settings.consumer_metrics_host,
                                            settings.consumer_metrics_port, metrics, health)
    stopping = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stopping.set)
    try:
        # A lost database or broker is waited out and the consumer starts again; a
        # fault of the consumer itself still ends the process (it is raised).
        await keep_running(lambda: _follow_live(settings, metrics, health, stopping),
                           health=health, stopping=stopping)
    finally:
        endpoint.close()


async def _follow_live(settings: ReportingSettings, metrics: PlatformMetrics,
                       health: ProcessHealth, stopping: asyncio.Event) -> None:
    """Consume into the live version; after a rebuild is switched live, this process
    moves its writes to the new schema (which continues from its own positions)."""
    from gotong_platform.db import close_pool, create_pool
    from gotong_platform.migrations import upgrade
    from reporting.adapters.consumer import build_runner, schema_pool
    from reporting.adapters.read_model.versions import PostgresReadModelVersions, ensure_live

    await upgrade(settings.database_url, settings.migrations_dir)
    admin = await create_pool(settings.database_url, max_size=2)
    versions = PostgresReadModelVersions(admin)
    try:
        while not stopping.is_set():
            schema = await ensure_live(admin)
            pool = await schema_pool(settings, schema)
            try:
                runner = await build_runner(settings, pool, group_id=settings.consumer_group,
                                            metrics=metrics)
                task = asyncio.create_task(runner.run(on_started=lambda: health.mark(True)))
                while not task.done():
                    # A failed consuming task ends this wait at once (``await task``
                    # raises it), never a process that is alive but idle.
                    if await _wait_change(versions, schema, stopping, task):
                        runner.stop()
                        break
                await task
            finally:
                health.mark(False)
                await close_pool(pool)
    finally:
        await close_pool(admin)


async def _wait_change(versions: ReadModelVersions, schema: str, stopping: asyncio.Event,
                       task: asyncio.Task[None]) -> bool:
    """True once the process should stop or the live version is no longer ``schema``;
    False after about two seconds, or as soon as the consuming ``task`` ends."""
    waiter = asyncio.ensure_future(stopping.wait())
    try:
        await asyncio.wait({waiter, task}, timeout=2.0, return_when=asyncio.FIRST_COMPLETED)
    finally:
        waiter.cancel()
    if stopping.is_set():
        return True
    if task.done():
        return False
    return await versions.live() != schema


async def _rebuild(settings: ReportingSettings, args: argparse.Namespace) -> int:
    from gotong_platform.telemetry import configure_logging
    from reporting.main import rebuild

    configure_logging(settings.log_level)  # the end's phases are logged (read_model.bulk)
    result = await rebuild(settings, switch=args.switch, workers=args.workers)
    rate = result.events / result.seconds if result.seconds else 0.0
    print(f"rebuilt {result.schema}: {result.events} events in {result.seconds:.2f} s "
          f"({rate:,.0f} events/s; the last {result.completing:.2f} s building indexes "
          f"and maintained tables); identical to live: {result.identical_to_live}; "
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
