"""Monthly reports of a cooperative, a region and the federation.

``gather`` computes every cooperative's figures once (for the period, the previous
month, and the month as known at its end); the reports are then pure assembly, so
a region and the federation are consolidated from exactly the figures their
cooperatives show.

A cooperative whose figures cannot be computed (``reporting.reports.isolation``) is
left out of every figure, ratio, spread and ranking of every report, and named in
the report's ``unavailable`` list; the others are reported as always.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Hashable, Sequence
from datetime import datetime
from typing import Any

from gotong_platform.db import DbConnection
from reporting.regions import region_name
from reporting.reports.collect import collect
from reporting.reports.consolidate import (
    changes,
    coop_row,
    group_amounts,
    growth,
    spread_of,
)
from reporting.reports.definitions import DEFINITIONS
from reporting.reports.directory import CoopInfo, in_federation
from reporting.reports.fetch_clocks import fetch_late_uploads
from reporting.reports.figures import CoopFigures, ReportOptions
from reporting.reports.freshness import freshness_row
from reporting.reports.isolation import Unavailables, per_cooperative
from reporting.reports.period import Period, iso
from reporting.reports.query import Query
from reporting.reports.render import kpis

__all__ = ["MonthData", "cooperative_report", "federation_report", "gather", "region_report"]

# a query's figures, and the cooperatives it could not compute
Cache = dict[Hashable, tuple[dict[str, CoopFigures], Unavailables]]


@dataclasses.dataclass(frozen=True, slots=True)
class MonthData:
    period: Period
    options: ReportOptions
    coops: dict[str, CoopInfo]
    current: dict[str, CoopFigures]
    previous: dict[str, CoopFigures]
    at_month_end: dict[str, CoopFigures]
    month_end_at: dict[str, datetime]
    late_uploads: list[dict[str, Any]]
    in_federation: frozenset[str]
    in_federation_before: frozenset[str]
    unavailable: Unavailables  # left out of every report


async def _collect(conn: DbConnection, q: Query, step: str, unavailable: Unavailables,
                   cache: Cache | None) -> dict[str, CoopFigures]:
    key = (q.period.month, q.period.as_of, tuple(sorted(q.known_at.items())))
    if cache is not None and key in cache:
        figs, failed = cache[key]
    else:
        failed = {}
        figs = await collect(conn, q, step, failed)
        if cache is not None:
            cache[key] = (figs, failed)
    for cooperative_id, why in failed.items():
        unavailable.setdefault(cooperative_id, why)
    return figs


async def _late_uploads(conn: DbConnection, q: Query, month_end_at: dict[str, datetime],
                        unavailable: Unavailables) -> list[dict[str, Any]]:
    async def compute(ids: Sequence[str]) -> dict[str, list[dict[str, Any]]]:
        by_coop: dict[str, list[dict[str, Any]]] = {i: [] for i in ids}
        for row in await fetch_late_uploads(conn, q.only(ids), month_end_at):
            by_coop[row["cooperative_id"]].append(row)
        return by_coop

    rows = await per_cooperative(conn, sorted(month_end_at), "late uploads", compute,
                                 unavailable)
    return [row for cooperative_id in sorted(rows) for row in rows[cooperative_id]]


async def gather(conn: DbConnection, period: Period, coops: list[CoopInfo],
                 options: ReportOptions, cache: Cache | None = None) -> MonthData:
    # Plan every report query for its own dates: the generic plan PostgreSQL switches to
    # after five runs of a prepared statement was measured 50x slower on a year of data.
    # (Transaction-local: the caller's read transaction.)
    await conn.execute("SELECT set_config('plan_cache_mode', 'force_custom_plan', true)")
    unavailable: Unavailables = {}
    ids = [c.cooperative_id for c in coops]
    before = period.previous()
    month_end_at = {c.cooperative_id: min(period.month_end_at(c.time_zone), period.known_at)
                    for c in coops}
    q = Query.uniform(period, ids, options)
    return MonthData(
        period=period, options=options, coops={c.cooperative_id: c for c in coops},
        current=await _collect(conn, q, f"figures of {period.month}", unavailable, cache),
        previous=await _collect(conn, Query.uniform(before, ids, options),
                                f"figures of {before.month}", unavailable, cache),
        at_month_end=await _collect(conn, Query(period, month_end_at, options),
                                    f"figures of {period.month} as known at its end",
                                    unavailable, cache),
        month_end_at=month_end_at,
        late_uploads=await _late_uploads(conn, q, month_end_at, unavailable),
        in_federation=frozenset(await in_federation(conn, ids, period.as_of,
                                                    period.known_at)),
        in_federation_before=frozenset(await in_federation(conn, ids, before.as_of,
                                                           period.known_at)),
        unavailable=unavailable,
    )


def _freshness(data: MonthData, ids: list[str]) -> dict[str, Any]:
    rows = [freshness_row(data.coops[i], data.current[i], data.period.known_at,
                          data.options.stale_after_days, data.period.as_of) for i in ids]
    return {"stale_after_days": data.options.stale_after_days, "cooperatives": rows,
            "stale": [r["cooperative_id"] for r in rows if r["stale"]],
            "idle": [r["cooperative_id"] for r in rows if r["idle"]]}


def _adjustments(data: MonthData, ids: list[str], now: dict[str, int]) -> dict[str, Any]:
    then, _ = group_amounts(data.at_month_end, ids)
    return {
        "known_at_month_end": [{"cooperative_id": i, "month_end_at": iso(data.month_end_at[i])}
                               for i in ids],
        "late_uploads": [r for r in data.late_uploads if r["cooperative_id"] in ids],
        "changes": changes(now, then),
    }


def _unavailable(data: MonthData, ids: list[str]) -> list[dict[str, Any]]:
    return [{"cooperative_id": i, "name": data.coops[i].name,
             "regency_code": data.coops[i].regency_code} | data.unavailable[i].as_dict()
            for i in ids if i in data.unavailable]


def _report(data: MonthData, scope: dict[str, Any], in_scope: list[str],
            in_scope_before: list[str], *, with_spread: bool) -> dict[str, Any]:
    """``in_scope``: the cooperatives the report covers (``in_scope_before`` in the
    previous month); those in ``data.unavailable`` are left out of every figure."""
    ids = [i for i in in_scope if i not in data.unavailable]
    ids_before = [i for i in in_scope_before if i not in data.unavailable]
    now, eliminations = group_amounts(data.current, ids)
    before, _ = group_amounts(data.previous, ids_before)
    freshness = _freshness(data, ids)
    fresh_by_id = {r["cooperative_id"]: r for r in freshness["cooperatives"]}
    rows = [coop_row(data.coops[i], group_amounts(data.current, [i])[0],
                     group_amounts(data.previous, [i])[0], fresh_by_id[i]) for i in ids]
    report: dict[str, Any] = {
        "scope": scope | {"cooperatives": len(ids)},
        "period": data.period.as_dict(),
        "unavailable": _unavailable(data, in_scope),
        **kpis(now),
        "eliminations": eliminations,
        "growth": {"previous_month": data.period.previous().month,
                   "previous_as_of": data.period.previous().as_of.isoformat(),
                   "metrics": growth(now, before)},
        "freshness": freshness,
        "cooperatives": rows,
        "low_stock": [p for i in ids for p in data.current[i].low_stock],
        "prior_period_adjustments": _adjustments(data, ids, now),
        "definitions": DEFINITIONS,
    }
    if with_spread:
        report["spread"] = spread_of(rows)
    return report


def cooperative_report(data: MonthData, cooperative_id: str) -> dict[str, Any]:
    info = data.coops[cooperative_id]
    scope = {"kind": "cooperative", **info.as_dict(),
             "in_federation": cooperative_id in data.in_federation}
    return _report(data, scope, [cooperative_id], [cooperative_id], with_spread=False)


def _in_region(data: MonthData, region: str, members: frozenset[str]) -> list[str]:
    return [i for i, c in sorted(data.coops.items())
            if i in members and (c.regency_code or "").startswith(region)]


def region_report(data: MonthData, region: str) -> dict[str, Any]:
    """A province (2 digits) or regency (4 digits): its cooperatives in the federation."""
    scope = {"kind": "region", "code": region, "name": region_name(region),
             "level": "province" if len(region) == 2 else "regency"}
    return _report(data, scope, _in_region(data, region, data.in_federation),
                   _in_region(data, region, data.in_federation_before), with_spread=True)


def federation_report(data: MonthData) -> dict[str, Any]:
    return _report(data, {"kind": "federation"}, sorted(data.in_federation),
                   sorted(data.in_federation_before), with_spread=True)
