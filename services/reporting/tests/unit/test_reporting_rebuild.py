"""The rebuild use case against in-memory fakes of its ports: no database, no Kafka.

A rebuild makes a version, replays into it (here or in processes, by the backlog),
compares its reports with the live version's as known at one moment, and switches
only when asked. The fakes record what the use case asked of them.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from typing import Any

import pytest

from gotong_platform.calendar import FixedClock
from reporting.application.rebuild import PARALLEL_FROM, rebuild, workers_for
from reporting.domain.reports.cooperatives import CoopInfo
from reporting.domain.reports.figures import DEFAULT_OPTIONS, CoopFigures

pytestmark = pytest.mark.unit

NOW = datetime(2026, 11, 18, 2, 0, tzinfo=UTC)


class Versions:
    """The ``ReadModelVersions`` port: names handed out in order, one live or none."""

    def __init__(self, live: str | None) -> None:
        self.live_name = live
        self.created: list[str] = []

    async def create(self) -> str:
        self.created.append(f"rm_new{len(self.created)}")
        return self.created[-1]

    async def live(self) -> str | None:
        return self.live_name

    async def switch(self, schema: str) -> None:
        self.live_name = schema


class Replay:
    def __init__(self, backlog: int) -> None:
        self.backlog = backlog
        self.where: str | int | None = None  # "here", or the number of processes
        self.completed = False

    async def start(self) -> int:
        return self.backlog

    async def here(self) -> int:
        self.where = "here"
        return self.backlog

    async def in_processes(self, n: int) -> int:
        self.where = n
        return self.backlog

    async def complete(self) -> None:
        assert self.where is not None, "completed before the backlog was consumed"
        self.completed = True


class Replays:
    """The ``Replays`` port: one replay per version, kept to be looked at."""

    def __init__(self, backlog: int) -> None:
        self.backlog = backlog
        self.into_versions: dict[str, Replay] = {}

    @asynccontextmanager
    async def into(self, schema: str) -> AsyncIterator[Replay]:
        self.into_versions[schema] = Replay(self.backlog)
        yield self.into_versions[schema]


class Summaries:
    """A ``ReportReader`` of a version without cooperatives: its reports are its
    federation summary (what differs between the fake versions)."""

    def __init__(self, federation: dict[str, Any]) -> None:
        self.federation = federation

    async def cooperatives(self, *, region: str | None = None,
                           cooperative_id: str | None = None) -> list[CoopInfo]:
        return []

    async def months_with_data(self) -> list[str]:
        return []

    async def figures(self, *args: Any) -> dict[str, CoopFigures]:
        raise AssertionError("no month, no figures")

    async def late_uploads(self, *args: Any) -> list[dict[str, Any]]:
        raise AssertionError("no month, no late uploads")

    async def in_federation(self, *args: Any) -> set[str]:
        raise AssertionError("no month, no federation")

    async def federation_summary(self) -> dict[str, Any]:
        return self.federation

    async def region_summary(self, region: str) -> dict[str, Any]:
        raise AssertionError("no cooperative, no region")

    async def cooperative_summary(self, cooperative_id: str) -> dict[str, Any] | None:
        raise AssertionError("no cooperative")


class Readers:
    """The ``VersionReaders`` port over fixed summaries per version."""

    def __init__(self, by_version: dict[str, dict[str, Any]]) -> None:
        self.by_version = by_version
        self.read: list[str] = []

    @asynccontextmanager
    async def reading(self, schema: str) -> AsyncIterator[Summaries]:
        self.read.append(schema)
        yield Summaries(self.by_version[schema])


SAME = {"cooperatives": 2}


async def test_a_small_backlog_is_replayed_here_and_compared_with_the_live_version() -> None:
    versions, replays = Versions(live="rm_live"), Replays(backlog=1_000)
    readers = Readers({"rm_new0": SAME, "rm_live": SAME})

    result = await rebuild(versions, replays, readers, FixedClock(NOW), DEFAULT_OPTIONS)

    assert (result.schema, result.events, result.workers) == ("rm_new0", 1_000, 1)
    assert replays.into_versions["rm_new0"].where == "here"
    assert replays.into_versions["rm_new0"].completed  # the version was completed
    assert readers.read == ["rm_new0", "rm_live"]
    assert (result.identical_to_live, result.switched) == (True, False)
    assert versions.live_name == "rm_live"


async def test_a_version_that_reports_otherwise_is_not_identical_and_switches_if_asked(
) -> None:
    versions = Versions(live="rm_live")
    readers = Readers({"rm_new0": {"cooperatives": 3}, "rm_live": SAME})

    result = await rebuild(versions, Replays(backlog=10), readers, FixedClock(NOW),
                           DEFAULT_OPTIONS, switch=True)

    assert (result.identical_to_live, result.switched) == (False, True)
    assert versions.live_name == "rm_new0"


async def test_without_a_live_version_there_is_nothing_to_compare() -> None:
    readers = Readers({"rm_new0": SAME})

    result = await rebuild(Versions(live=None), Replays(backlog=10), readers,
                           FixedClock(NOW), DEFAULT_OPTIONS)

    assert result.identical_to_live is None
    assert readers.read == ["rm_new0"]


async def test_a_large_backlog_goes_to_as_many_processes_as_the_cores_allow() -> None:
    replays = Replays(backlog=PARALLEL_FROM)

    result = await rebuild(Versions(live=None), replays, Readers({"rm_new0": SAME}),
                           FixedClock(NOW), DEFAULT_OPTIONS)

    assert result.workers == workers_for(PARALLEL_FROM)
    expected = "here" if result.workers == 1 else result.workers
    assert replays.into_versions["rm_new0"].where == expected


async def test_workers_asked_for_are_used_whatever_the_backlog() -> None:
    replays = Replays(backlog=5)

    result = await rebuild(Versions(live=None), replays, Readers({"rm_new0": SAME}),
                           FixedClock(NOW), DEFAULT_OPTIONS, workers=3)

    assert (result.workers, replays.into_versions["rm_new0"].where) == (3, 3)

