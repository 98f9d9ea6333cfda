"""Reads of one read-model version, in one consistent state: the ``ReportReader`` port.

A ``ReadModelReader`` wraps a connection whose ``search_path`` names the version and
which is in a repeatable-read transaction, so a report's many queries see one state of
the model. ``LiveReadModel.reader`` opens one on the live version (the API);
``VersionReaders.reading`` on any version (a rebuild compares two).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable, Mapping
from contextlib import asynccontextmanager
from datetime import date, datetime
from typing import Any

from gotong_platform.db import DbConnection
from reporting.adapters import queries
from reporting.adapters.consumer import schema_pool
from reporting.adapters.reports import directory
from reporting.adapters.reports.collect import collect, collect_late_uploads
from reporting.domain.reports.cooperatives import CoopInfo
from reporting.domain.reports.figures import CoopFigures
from reporting.domain.reports.query import Query
from reporting.domain.reports.unavailable import Unavailables
from reporting.settings import ReportingSettings

__all__ = ["ReadModelReader", "VersionReaders"]


class ReadModelReader:
    """Every read a report or a summary makes, on one connection (see the module)."""

    __slots__ = ("_conn", "_custom_plans")

    def __init__(self, conn: DbConnection) -> None:
        self._conn = conn
        self._custom_plans = False

    async def cooperatives(self, *, region: str | None = None,
                           cooperative_id: str | None = None) -> list[CoopInfo]:
        return await directory.cooperatives(self._conn, region=region,
                                            cooperative_id=cooperative_id)

    async def months_with_data(self) -> list[str]:
        return await directory.months_with_data(self._conn)

    async def figures(self, q: Query, step: str, unavailable: Unavailables
                      ) -> dict[str, CoopFigures]:
        await self._plan_each_query()
        return await collect(self._conn, q, step, unavailable)

    async def late_uploads(self, q: Query, month_end_at: Mapping[str, datetime],
                           unavailable: Unavailables) -> list[dict[str, Any]]:
        await self._plan_each_query()
        return await collect_late_uploads(self._conn, q, month_end_at, unavailable)

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

    async def _plan_each_query(self) -> None:
        # Plan every report query for its own dates: the generic plan PostgreSQL switches
        # to after five runs of a prepared statement was measured 50x slower on a year of
        # data. Transaction-local, and set before any savepoint of ``isolation`` (a
        # rolled-back savepoint would undo it); once per transaction is enough.
        if not self._custom_plans:
            await self._conn.execute(
                "SELECT set_config('plan_cache_mode', 'force_custom_plan', true)")
            self._custom_plans = True


class VersionReaders:
    """Readers of any read-model version by its schema name (a rebuild's and the live)."""

    def __init__(self, settings: ReportingSettings) -> None:
        self._settings = settings

    @asynccontextmanager
    async def reading(self, schema: str) -> AsyncIterator[ReadModelReader]:
        pool = await schema_pool(self._settings, schema)
        try:
            async with pool.acquire() as conn, conn.transaction(isolation="repeatable_read",
                                                                readonly=True):
                yield ReadModelReader(conn)
        finally:
            await pool.close()
