"""Monthly reports of a cooperative, a region and the federation, assembled from figures.

``MonthData`` holds every cooperative's figures of one month (for the period, the
previous month, and the month as known at its end: ``reporting.application.monthly``
gathers them once); the reports are then pure assembly, so a region and the federation
are consolidated from exactly the figures their cooperatives show.

A cooperative whose figures could not be computed (``data.unavailable``) is left out of
every figure, ratio, spread and ranking of every report, and named in the report's
``unavailable`` list; the others are reported as always.
"""

from __future__ import annotations

import dataclasses
from datetime import datetime
from typing import Any

from reporting.domain.regions import region_name
from reporting.domain.reports.consolidate import (
    changes,
    coop_amounts,
    coop_row,
    group_amounts,
    growth,
    spread_of,
)
from reporting.domain.reports.cooperatives import CoopInfo
from reporting.domain.reports.definitions import DEFINITIONS
from reporting.domain.reports.figures import CoopFigures, ReportOptions
from reporting.domain.reports.freshness import freshness_row
from reporting.domain.reports.period import Period, iso
from reporting.domain.reports.render import kpis
from reporting.domain.reports.unavailable import Unavailables

__all__ = ["MonthData", "cooperative_report", "federation_report", "region_report"]


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


def _freshness(data: MonthData, ids: list[str]) -> dict[str, Any]:
    rows = [freshness_row(data.coops[i], data.current[i], data.period.known_at,
                          data.options.stale_after_days, data.period.as_of) for i in ids]
    return {"stale_after_days": data.options.stale_after_days, "cooperatives": rows,
            "stale": [r["cooperative_id"] for r in rows if r["stale"]],
            "idle": [r["cooperative_id"] for r in rows if r["idle"]]}


def _adjustments(data: MonthData, ids: list[str], now: dict[str, int]) -> dict[str, Any]:
    then, _ = group_amounts(data.at_month_end, ids)
    # a few distinct instants (one per time zone), spelled once each
    spelled = {at: iso(at) for at in {data.month_end_at[i] for i in ids}}
    members = set(ids)  # a list's ``in`` made this quadratic: 1,000 x the late rows
    return {
        "known_at_month_end": [{"cooperative_id": i, "month_end_at": spelled[
            data.month_end_at[i]]} for i in ids],
        "late_uploads": [r for r in data.late_uploads if r["cooperative_id"] in members],
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
    rows = [coop_row(data.coops[i], coop_amounts(data.current[i], i),
                     coop_amounts(data.previous[i], i), fresh_by_id[i]) for i in ids]
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
