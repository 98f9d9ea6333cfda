"""The monthly reports of a cooperative, a region and the federation.

``gather`` reads every cooperative's figures once (for the period, the previous
month, and the month as known at its end) through the ``ReportReader`` port, the
three sets in one call (the read model answers them in one pass); the reports are
then assembled from them (``reporting.domain.reports.monthly``), so a region and the
federation are consolidated from exactly the figures their cooperatives show.

A report's period is resolved once its time zone is known (``PeriodFor``): the
cooperative's own for its report, ``GROUP_TIME_ZONE`` for a region or the federation.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Any

from gotong_platform.calendar import TimeZone
from reporting.application.ports import ReportReader
from reporting.domain.reports.cooperatives import CoopInfo
from reporting.domain.reports.figures import CoopFigures, ReportOptions
from reporting.domain.reports.monthly import (
    MonthData,
    cooperative_report,
    federation_report,
    region_report,
)
from reporting.domain.reports.period import GROUP_TIME_ZONE, Period
from reporting.domain.reports.query import FigureSet, Query
from reporting.domain.reports.unavailable import Unavailables

__all__ = ["Cache", "PeriodFor", "cooperative_month", "federation_month", "gather",
           "region_month"]

# a query's figures, and the cooperatives it could not compute
Cache = dict[Hashable, tuple[dict[str, CoopFigures], Unavailables]]
# the period a client asked for, in a report's time zone (None: the platform's default)
PeriodFor = Callable[[str | TimeZone | None], Period]


async def federation_month(reader: ReportReader, period_for: PeriodFor,
                           options: ReportOptions) -> dict[str, Any]:
    """The federation's month: the cooperatives in the federation at the period end."""
    data = await gather(reader, period_for(GROUP_TIME_ZONE), await reader.cooperatives(),
                        options)
    return federation_report(data)


async def region_month(reader: ReportReader, period_for: PeriodFor, region: str,
                       options: ReportOptions) -> dict[str, Any]:
    """A province (2 digits) or regency (4 digits): its cooperatives in the federation."""
    data = await gather(reader, period_for(GROUP_TIME_ZONE),
                        await reader.cooperatives(region=region), options)
    return region_report(data, region)


async def cooperative_month(reader: ReportReader, period_for: PeriodFor, cooperative_id: str,
                            options: ReportOptions) -> dict[str, Any]:
    """One cooperative's month, cut off in its own time zone."""
    coops = await reader.cooperatives(cooperative_id=cooperative_id)
    zone = coops[0].time_zone if coops else None
    data = await gather(reader, period_for(zone), coops, options)
    return cooperative_report(data, cooperative_id)


async def gather(reader: ReportReader, period: Period, coops: list[CoopInfo],
                 options: ReportOptions, cache: Cache | None = None) -> MonthData:
    """Every figure the month's reports show; ``cache`` keeps figures between months
    (a previous month is the next one's period)."""
    unavailable: Unavailables = {}
    ids = [c.cooperative_id for c in coops]
    before = period.previous()
    month_end_at = {c.cooperative_id: min(period.month_end_at(c.time_zone), period.known_at)
                    for c in coops}
    q = Query.uniform(period, ids, options)
    current, previous, at_month_end = await _figures(reader, [
        FigureSet(q, f"figures of {period.month}"),
        FigureSet(Query.uniform(before, ids, options), f"figures of {before.month}",
                  details=False),
        FigureSet(Query(period, month_end_at, options),
                  f"figures of {period.month} as known at its end", details=False),
    ], unavailable, cache)
    return MonthData(
        period=period, options=options, coops={c.cooperative_id: c for c in coops},
        current=current, previous=previous, at_month_end=at_month_end,
        month_end_at=month_end_at,
        late_uploads=await reader.late_uploads(q, month_end_at, unavailable),
        in_federation=frozenset(await reader.in_federation(ids, period.as_of,
                                                           period.known_at)),
        in_federation_before=frozenset(await reader.in_federation(ids, before.as_of,
                                                                  period.known_at)),
        unavailable=unavailable,
    )


def _key(s: FigureSet, details: bool) -> Hashable:
    q = s.query
    return (q.period.month, q.period.as_of, tuple(sorted(q.known_at.items())), details)


async def _figures(reader: ReportReader, sets: list[FigureSet], unavailable: Unavailables,
                   cache: Cache | None) -> list[dict[str, CoopFigures]]:
    """Each set's figures, those in ``cache`` not read again (a set with its details can
    stand for one without); the failures merged into ``unavailable`` in set order (the
    first step a cooperative failed in names it)."""
    found: list[tuple[dict[str, CoopFigures], Unavailables] | None] = []
    for s in sets:
        hit = None
        if cache is not None:
            hit = cache.get(_key(s, True)) or (None if s.details else cache.get(_key(s, False)))
        found.append(hit)
    missing = [s for s, hit in zip(sets, found, strict=True) if hit is None]
    read = iter(await reader.figure_sets(missing) if missing else [])
    results: list[dict[str, CoopFigures]] = []
    for s, hit in zip(sets, found, strict=True):
        if hit is None:
            hit = next(read)
            if cache is not None:
                cache[_key(s, s.details)] = hit
        figs, failed = hit
        for cooperative_id, why in failed.items():
            unavailable.setdefault(cooperative_id, why)
        results.append(figs)
    return results

