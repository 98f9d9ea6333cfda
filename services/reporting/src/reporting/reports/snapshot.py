"""Every monthly report the API can show, for every month with data (rebuild == live)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from gotong_platform.db import DbConnection
from reporting.reports.directory import cooperatives, months_with_data
from reporting.reports.figures import ReportOptions
from reporting.reports.monthly import (
    Cache,
    cooperative_report,
    federation_report,
    gather,
    region_report,
)
from reporting.reports.period import Period

__all__ = ["monthly_snapshot"]


async def monthly_snapshot(conn: DbConnection, known_at: datetime, options: ReportOptions
                           ) -> dict[str, Any]:
    """``{month: {"federation", "regions", "cooperatives"}}``, all as known at ``known_at``."""
    coops = await cooperatives(conn)
    regions = sorted({c.regency_code[:n] for c in coops if c.regency_code for n in (2, 4)})
    cache: Cache = {}
    result: dict[str, Any] = {}
    for month in await months_with_data(conn):
        data = await gather(conn, Period.of(month, now=known_at), coops, options, cache)
        result[month] = {
            "federation": federation_report(data),
            "regions": {r: region_report(data, r) for r in regions},
            "cooperatives": {c.cooperative_id: cooperative_report(data, c.cooperative_id)
                             for c in coops},
        }
    return result
