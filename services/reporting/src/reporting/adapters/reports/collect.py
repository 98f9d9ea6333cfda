"""Every cooperative's figures for one query: all fetches, then the derived totals.

The fetches run for every cooperative of the query at once; a cooperative whose
figures cannot be computed is left out and recorded (``isolation``).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence
from datetime import datetime
from typing import Any

from gotong_platform.db import DbConnection
from reporting.adapters.reports.fetch_business import fetch_business
from reporting.adapters.reports.fetch_clocks import fetch_freshness, fetch_late_uploads
from reporting.adapters.reports.fetch_loans import fetch_loans
from reporting.adapters.reports.fetch_members import fetch_members
from reporting.adapters.reports.fetch_savings import fetch_savings
from reporting.adapters.reports.fetch_stock import fetch_stock
from reporting.adapters.reports.isolation import FACTS_CHUNK, per_cooperative
from reporting.domain.reports.figures import CoopFigures
from reporting.domain.reports.query import Query
from reporting.domain.reports.unavailable import Unavailables

__all__ = ["collect", "collect_late_uploads"]

Fetch = Callable[[DbConnection, Query, dict[str, CoopFigures]], Awaitable[None]]
_FETCHES: tuple[Fetch, ...] = (fetch_members, fetch_business, fetch_savings, fetch_loans,
                               fetch_stock, fetch_freshness)


async def collect(conn: DbConnection, q: Query, step: str, unavailable: Unavailables
                  ) -> dict[str, CoopFigures]:
    """The figures of the query's cooperatives; those that cannot be computed are
    missing from the result and recorded in ``unavailable`` under ``step``."""

    async def compute(ids: Sequence[str]) -> dict[str, CoopFigures]:
        return await _collect(conn, q.only(ids))

    return await per_cooperative(conn, sorted(q.known_at), step, compute, unavailable,
                                 chunk=FACTS_CHUNK)


async def _collect(conn: DbConnection, q: Query) -> dict[str, CoopFigures]:
    figs = {cooperative_id: CoopFigures() for cooperative_id in sorted(q.known_at)}
    if not figs:
        return figs
    for fetch in _FETCHES:
        await fetch(conn, q, figs)
    for f in figs.values():
        f.derive()
    return figs


async def collect_late_uploads(conn: DbConnection, q: Query,
                               month_end_at: Mapping[str, datetime],
                               unavailable: Unavailables) -> list[dict[str, Any]]:
    """The late uploads of the cooperatives of ``month_end_at`` (those that cannot be
    computed are recorded in ``unavailable``), by cooperative."""

    async def compute(ids: Sequence[str]) -> dict[str, list[dict[str, Any]]]:
        by_coop: dict[str, list[dict[str, Any]]] = {i: [] for i in ids}
        for row in await fetch_late_uploads(conn, q.only(ids), month_end_at):
            by_coop[row["cooperative_id"]].append(row)
        return by_coop

    rows = await per_cooperative(conn, sorted(month_end_at), "late uploads", compute,
                                 unavailable)
    return [row for cooperative_id in sorted(rows) for row in rows[cooperative_id]]
