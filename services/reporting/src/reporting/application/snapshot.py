"""Every report the API can show, serialised canonically (a rebuild == the live model).

The monthly reports cover every month with data, as known at one moment: give the
same ``known_at`` for both sides of a comparison (freshness depends on it).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import orjson

from reporting.application.monthly import Cache, gather
from reporting.application.ports import ReportReader
from reporting.domain.reports.figures import ReportOptions
from reporting.domain.reports.monthly import (
    cooperative_report,
    federation_report,
    region_report,
)
from reporting.domain.reports.period import Period

__all__ = ["monthly_snapshot", "report_snapshot"]


async def report_snapshot(reader: ReportReader, known_at: datetime, options: ReportOptions
                          ) -> bytes:
    """The summaries and ``monthly_snapshot``, as JSON with sorted keys."""
    coops = await reader.cooperatives()
    regions = sorted({c.regency_code[:n] for c in coops if c.regency_code is not None
                      for n in (2, 4)})
    snapshot: dict[str, Any] = {
        "federation": await reader.federation_summary(),
        "regions": {r: await reader.region_summary(r) for r in regions},
        "cooperatives": {c.cooperative_id: await reader.cooperative_summary(c.cooperative_id)
                         for c in coops},
        "monthly": await monthly_snapshot(reader, known_at, options),
    }
    return orjson.dumps(snapshot, option=orjson.OPT_SORT_KEYS)


async def monthly_snapshot(reader: ReportReader, known_at: datetime, options: ReportOptions
                           ) -> dict[str, Any]:
    """``{month: {"federation", "regions", "cooperatives"}}``, all as known at ``known_at``."""
    coops = await reader.cooperatives()
    regions = sorted({c.regency_code[:n] for c in coops if c.regency_code for n in (2, 4)})
    cache: Cache = {}
    result: dict[str, Any] = {}
    for month in await reader.months_with_data():
        data = await gather(reader, Period.of(month, now=known_at), coops, options, cache)
        result[month] = {
            "federation": federation_report(data),
            "regions": {r: region_report(data, r) for r in regions},
            "cooperatives": {c.cooperative_id: cooperative_report(data, c.cooperative_id)
                             for c in coops},
        }
    return result
