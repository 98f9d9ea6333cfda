"""Which cooperatives a report covers: where they are, and who was in the federation.

A region or the federation covers the cooperatives in the federation at the period
end: the latest membership event (by stream version) effective on or before
``as_of`` and recorded by ``known_at`` says whether a cooperative was in.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime

from gotong_platform.db import DbConnection
from reporting.domain.reports.cooperatives import CoopInfo

__all__ = ["cooperatives", "in_federation", "maintained_months", "months_with_data"]


_COOPS = """
SELECT cooperative_id, name, coop_type, province_code, regency_code, time_zone
FROM cooperatives WHERE {where} ORDER BY cooperative_id
"""
_MEMBERSHIP = """
SELECT DISTINCT ON (f.cooperative_id) f.cooperative_id, f.in_federation
FROM fact_federation f
WHERE f.cooperative_id = ANY($1::text[]) AND f.effective_date <= $2 AND f.recorded_at <= $3
ORDER BY f.cooperative_id, f.version DESC
"""
_MONTHS = " UNION ".join(
    f"SELECT DISTINCT date_trunc('month', {column})::date AS month FROM {table}"
    for table, column in (
        ("fact_member_status", "business_date"), ("fact_sale_lines", "business_date"),
        ("fact_sale_voids", "business_date"), ("fact_produce", "business_date"),
        ("fact_stock", "business_date"), ("fact_savings", "business_date"),
        ("fact_wajib_bills", "due_date"), ("fact_loans", "business_date"),
        ("fact_loan_events", "business_date"))) + " ORDER BY 1"


async def cooperatives(conn: DbConnection, *, region: str | None = None,
                       cooperative_id: str | None = None) -> list[CoopInfo]:
    """Every cooperative known, or those of a region, or one."""
    if cooperative_id is not None:
        rows = await conn.fetch(_COOPS.format(where="cooperative_id = $1"), cooperative_id)
    elif region is not None:
        rows = await conn.fetch(_COOPS.format(where="regency_code LIKE $1 || '%'"), region)
    else:
        rows = await conn.fetch(_COOPS.format(where="true"))
    return [CoopInfo(**dict(r)) for r in rows]


async def in_federation(conn: DbConnection, ids: Iterable[str], as_of: date,
                        known_at: datetime) -> set[str]:
    rows = await conn.fetch(_MEMBERSHIP, sorted(ids), as_of, known_at)
    return {r["cooperative_id"] for r in rows if r["in_federation"]}


async def months_with_data(conn: DbConnection) -> list[str]:
    """Every month (YYYY-MM) in which some fact has its business date."""
    return [f"{r['month']:%Y-%m}" for r in await conn.fetch(_MONTHS)]


async def maintained_months(conn: DbConnection) -> list[str]:
    """``months_with_data`` as the consumer keeps it (``data_months``)."""
    return [f"{r['month']:%Y-%m}" for r in await conn.fetch(
        "SELECT month FROM data_months ORDER BY 1")]
