"""Every cooperative's figures for one query: all fetches, then the derived totals.

The fetches run for every cooperative of the query at once; a cooperative whose
figures cannot be computed is left out and recorded (``reporting.reports.isolation``).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence

from gotong_platform.db import DbConnection
from reporting.reports.fetch_business import fetch_business
from reporting.reports.fetch_clocks import fetch_freshness
from reporting.reports.fetch_loans import fetch_loans
from reporting.reports.fetch_members import fetch_members
from reporting.reports.fetch_savings import fetch_savings
from reporting.reports.fetch_stock import fetch_stock
from reporting.reports.figures import CoopFigures
from reporting.reports.isolation import Unavailables, per_cooperative
from reporting.reports.query import Query

__all__ = ["collect"]

Fetch = Callable[[DbConnection, Query, dict[str, CoopFigures]], Awaitable[None]]
_FETCHES: tuple[Fetch, ...] = (fetch_members, fetch_business, fetch_savings, fetch_loans,
                               fetch_stock, fetch_freshness)


async def collect(conn: DbConnection, q: Query, step: str, unavailable: Unavailables
                  ) -> dict[str, CoopFigures]:
    """The figures of the query's cooperatives; those that cannot be computed are
    missing from the result and recorded in ``unavailable`` under ``step``."""

    async def compute(ids: Sequence[str]) -> dict[str, CoopFigures]:
        return await _collect(conn, q.only(ids))

    return await per_cooperative(conn, sorted(q.known_at), step, compute, unavailable)


async def _collect(conn: DbConnection, q: Query) -> dict[str, CoopFigures]:
    figs = {cooperative_id: CoopFigures() for cooperative_id in sorted(q.known_at)}
    if not figs:
        return figs
    for fetch in _FETCHES:
        await fetch(conn, q, figs)
    for f in figs.values():
        f.derive()
    return figs
