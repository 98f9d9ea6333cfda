"""Rebuild: a new read-model version from Kafka offset 0, compared with the live one.

The new version is built while the live one keeps serving. When it has caught
up with the end offsets taken at the start and been completed (a replay may leave
work for its end: the bulk path builds indexes and maintained tables then, and the
timing includes it), its report output (the summaries and
every monthly report of every month with data, as known at one moment) is
compared with the live version's; ``switch=True`` then makes it live.

A backlog of ``PARALLEL_FROM`` events or more is replayed by several processes (up
to one per core, at most ``MAX_WORKERS``): the consumer is CPU-bound, and spawning a
worker costs about a second, so a small backlog is consumed in this process.
"""

from __future__ import annotations

import dataclasses
import os
import time

from gotong_platform.calendar import Clock
from reporting.application.ports import ReadModelVersions, Replays, VersionReaders
from reporting.application.snapshot import report_snapshot
from reporting.domain.reports.figures import ReportOptions

__all__ = ["MAX_WORKERS", "PARALLEL_FROM", "RebuildResult", "rebuild", "workers_for"]

# Below this many events one process finishes before workers would have started.
PARALLEL_FROM = 200_000
MAX_WORKERS = 4


@dataclasses.dataclass(frozen=True)
class RebuildResult:
    schema: str
    events: int
    seconds: float
    identical_to_live: bool | None  # None when there was no live version
    switched: bool
    workers: int = 1
    completing: float = 0.0  # of ``seconds``: the replay's work at its end


def workers_for(backlog: int, cores: int | None = None) -> int:
    """Processes for a rebuild of ``backlog`` events on ``cores`` cores."""
    if backlog < PARALLEL_FROM:
        return 1
    return max(1, min(cores or os.cpu_count() or 1, MAX_WORKERS))


async def rebuild(versions: ReadModelVersions, replays: Replays, readers: VersionReaders,
                  clock: Clock, options: ReportOptions, *, switch: bool = False,
                  workers: int | None = None) -> RebuildResult:
    """``workers``: replay processes (default: by the backlog and the cores)."""
    schema = await versions.create()
    async with replays.into(schema) as replay:
        started = time.perf_counter()
        backlog = await replay.start()
        n = workers if workers is not None else workers_for(backlog)
        events = await replay.here() if n <= 1 else await replay.in_processes(n)
        consumed = time.perf_counter()
        await replay.complete()
    seconds = time.perf_counter() - started
    identical = await _identical_to_live(versions, readers, schema, clock, options)
    if switch:
        await versions.switch(schema)
    return RebuildResult(schema=schema, events=events, seconds=seconds,
                         identical_to_live=identical, switched=switch, workers=max(n, 1),
                         completing=started + seconds - consumed)


async def _identical_to_live(versions: ReadModelVersions, readers: VersionReaders,
                             schema: str, clock: Clock, options: ReportOptions
                             ) -> bool | None:
    """Whether ``schema`` shows every report as the live version does (None: no live)."""
    known_at = clock.now()  # one "known at" for both sides, so freshness compares equal
    async with readers.reading(schema) as reader:
        rebuilt = await report_snapshot(reader, known_at, options)
    live = await versions.live()
    if live is None:
        return None
    async with readers.reading(live) as reader:
        return rebuilt == await report_snapshot(reader, known_at, options)
