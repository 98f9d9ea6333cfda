"""Rebuild: a new read-model version from Kafka offset 0, compared with the live one.

The new version is built while the live one keeps serving. When it has caught
up with the end offsets taken at the start, its report output (the summaries and
every monthly report of every month with data, as known at one moment) is
compared with the live version's; ``switch=True`` then makes it live.
"""

from __future__ import annotations

import dataclasses
import time
from datetime import UTC, datetime

from gotong_platform.db import create_pool
from gotong_platform.migrations import upgrade
from reporting.consumer import build_runner, report_snapshot, schema_pool
from reporting.projection.versions import create_version, live_schema, switch_live
from reporting.settings import ReportingSettings

__all__ = ["RebuildResult", "rebuild"]


@dataclasses.dataclass(frozen=True)
class RebuildResult:
    schema: str
    events: int
    seconds: float
    identical_to_live: bool | None  # None when there was no live version
    switched: bool


async def rebuild(settings: ReportingSettings, *, switch: bool = False) -> RebuildResult:
    await upgrade(settings.database_url, settings.migrations_dir)
    admin = await create_pool(settings.database_url, max_size=2)
    try:
        schema = await create_version(admin)
        pool = await schema_pool(settings, schema)
        try:
            runner = await build_runner(settings, pool, group_id=None,
                                        client_id=f"reporting-rebuild-{schema}")
            started = time.perf_counter()
            await runner.start()
            try:
                await runner.run_until_caught_up(await runner.end_offsets())
            finally:
                await runner.close()
            seconds = time.perf_counter() - started
            # One "known at" for both sides, so freshness compares equal.
            known_at = datetime.now(UTC)
            options = settings.report_options()
            rebuilt = await report_snapshot(pool, known_at=known_at, options=options)
        finally:
            await pool.close()
        live = await live_schema(admin)
        identical: bool | None = None
        if live is not None:
            live_pool = await schema_pool(settings, live)
            try:
                identical = rebuilt == await report_snapshot(
                    live_pool, known_at=known_at, options=options)
            finally:
                await live_pool.close()
        switched = False
        if switch:
            await switch_live(admin, schema)
            switched = True
        return RebuildResult(schema=schema, events=runner.processed + runner.dead_lettered,
                             seconds=seconds, identical_to_live=identical, switched=switched)
    finally:
        await admin.close()
