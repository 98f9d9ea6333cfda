"""Reads of one read-model version, in one consistent state: the ``ReportReader`` port.

A ``ReadModelReader`` wraps a connection whose ``search_path`` names the version and
which is in a repeatable-read transaction, so a report's many queries see one state of
the model. ``LiveReadModel.reader`` opens one on the live version (the API);
``VersionReaders.reading`` on any version (a rebuild compares two).

The figures come from the maintained tables (``maintained``, ``late_uploads``); with
``reference=True`` they are recomputed from the facts by the report's original queries
(``collect``), which the property tests and the rebuild's check compare them with.
Figures computed from the facts for the first time are kept afterwards, in a
transaction of their own (``store``): the reader's is read-only.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable, Mapping, Sequence
from contextlib import asynccontextmanager
from datetime import date, datetime
from typing import Any

from gotong_platform.db import DbConnection
from reporting.adapters import queries
from reporting.adapters.consumer import schema_pool
from reporting.adapters.reports import directory, maintained, stored
from reporting.adapters.reports.collect import collect, collect_late_uploads
from reporting.adapters.reports.late_uploads import maintained_late_uploads
from reporting.domain.reports.cooperatives import CoopInfo
from reporting.domain.reports.figures import CoopFigures
from reporting.domain.reports.query import FigureSet, Query
from reporting.domain.reports.unavailable import Unavailables
from reporting.settings import ReportingSettings

__all__ = ["ReadModelReader", "VersionReaders", "store"]


class ReadModelReader:
    """Every read a report or a summary makes, on one connection (see the module)."""

    __slots__ = ("_conn", "_custom_plans", "_keeping", "_reference", "_state", "to_store")

    def __init__(self, conn: DbConnection, *, reference: bool = False,
                 keeping: maintained.Keeping | None = None) -> None:
        self._conn = conn
        self._custom_plans = False
        self._reference = reference
        self._keeping = keeping  # known-now figures kept between requests (the API's)
        self.to_store: list[stored.StoredRow] = []
        self._state: maintained.CoopState | None = None  # as the figures read it

    async def cooperatives(self, *, region: str | None = None,
                           cooperative_id: str | None = None) -> list[CoopInfo]:
        return await directory.cooperatives(self._conn, region=region,
                                            cooperative_id=cooperative_id)

    async def months_with_data(self) -> list[str]:
        if self._reference:
            return await directory.months_with_data(self._conn)
        return await directory.maintained_months(self._conn)

    async def figure_sets(self, sets: Sequence[FigureSet]
                          ) -> list[tuple[dict[str, CoopFigures], Unavailables]]:
        await self._plan_each_query()
        if self._reference:
            out = []
            for s in sets:
                failed: Unavailables = {}
                out.append((await collect(self._conn, s.query, s.step, failed), failed))
            return out
        result = await maintained.figure_sets(self._conn, sets, self._keeping)
        self.to_store += result.to_store
        self._state = result.state
        return result.figures

    async def late_uploads(self, q: Query, month_end_at: Mapping[str, datetime],
                           unavailable: Unavailables) -> list[dict[str, Any]]:
        await self._plan_each_query()
        if self._reference:
            return await collect_late_uploads(self._conn, q, month_end_at, unavailable)
        if self._state is not None and self._state.covers(q.known_at):
            last, irregular = self._state.latest, self._state.irregular  # same snapshot
        else:
            last, irregular = await maintained.cooperative_state(self._conn, q.known_at)
        regular = [c for c in q.known_at if c not in irregular and c not in unavailable]
        rows = await maintained_late_uploads(self._conn, q.only(regular), month_end_at, last,
                                             unavailable)
        odd = [c for c in sorted(irregular & set(q.known_at)) if c not in unavailable]
        if odd:
            rows += await collect_late_uploads(self._conn, q.only(odd),
                                               {c: month_end_at[c] for c in odd},
                                               unavailable)
            rows.sort(key=lambda r: r["cooperative_id"])
        return rows

    async def in_federation(self, ids: Iterable[str], as_of: date, known_at: datetime
                            ) -> set[str]:
        await self._plan_each_query()
        return await directory.in_federation(self._conn, ids, as_of, known_at)

    async def federation_summary(self) -> dict[str, Any]:
        return await queries.federation_summary(self._conn)

    async def region_summary(self, region: str) -> dict[str, Any]:
        return await queries.region_summary(self._conn, region)

    async def cooperative_summary(self, cooperative_id: str) -> dict[str, Any] | None:
        return await queries.cooperative_summary(self._conn, cooperative_id)

    async def member(self, member_id: str) -> dict[str, Any] | None:
        return await queries.member(self._conn, member_id)

    async def _plan_each_query(self) -> None:
        # Plan every report query for its own dates and cooperatives: the generic plan
        # PostgreSQL switches to after five runs of a prepared statement was measured 50x
        # slower on a year of data. Transaction-local, and set before any savepoint of
        # ``isolation`` (a rolled-back savepoint would undo it); once per transaction.
        if not self._custom_plans:
            await self._conn.execute(
                "SELECT set_config('plan_cache_mode', 'force_custom_plan', true)")
            self._custom_plans = True


async def store(conn: DbConnection, reader: ReadModelReader) -> None:
    """Keep what ``reader`` computed from the facts (``conn``: writable, on the version
    it read). A failure only means computing them again next time."""
    await stored.save(conn, reader.to_store)
    reader.to_store.clear()


class VersionReaders:
    """Readers of any read-model version by its schema name (a rebuild's and the live)."""

    def __init__(self, settings: ReportingSettings, *, reference: bool = False) -> None:
        self._settings = settings
        self._reference = reference

    @asynccontextmanager
    async def reading(self, schema: str) -> AsyncIterator[ReadModelReader]:
        pool = await schema_pool(self._settings, schema)
        try:
            async with pool.acquire() as conn:
                async with conn.transaction(isolation="repeatable_read", readonly=True):
                    reader = ReadModelReader(conn, reference=self._reference)
                    yield reader
                async with conn.transaction():
                    await store(conn, reader)
        finally:
            await pool.close()
