"""Copies of one cooperative's facts as other cooperatives', for load tests.

A federation of a thousand cooperatives takes hours to project event by event; a
benchmark projects one cooperative's year through the consumer's own path, then
``copy_cooperative`` writes the same rows under other ids in a few set-wise
statements, and ``derive`` their maintained tables. Every text id that starts with
the template's id and a dash (members, sales, loans, accounts, products, warehouses)
starts with the copy's instead, event ids are new (an md5 of the copy's id and the
template's id), and each copy lies in its own regency. The copy equals what the
projection would have made of the same history under the copy's ids
(``tests/integration/test_reporting_copies.py``).
"""

from __future__ import annotations

from collections.abc import Sequence

from gotong_platform.db import DbConnection
from reporting.adapters.read_model.derive import derive

__all__ = ["copy_cooperative"]

# Every table with rows of a cooperative, read models' own maintained tables aside
# (``derive`` writes those).
_TABLES = ("cooperatives", "members", "products", "warehouses", "freshness_by_partition",
           "fact_federation", "fact_events", "fact_member_status", "fact_sale_lines",
           "fact_sale_voids", "fact_produce", "fact_stock", "fact_savings",
           "fact_wajib_bills", "fact_loans", "fact_loan_events")
_COLUMNS = """
SELECT column_name, data_type FROM information_schema.columns
WHERE table_schema = current_schema() AND table_name = $1 ORDER BY ordinal_position
"""
# the copy's values for a cooperative's own row
_OVERRIDES = {"cooperatives": {"name": "'Koperasi ' || n.id", "province_code": "left(n.rc, 2)",
                               "regency_code": "n.rc"}}


def _expression(table: str, column: str, kind: str) -> str:
    override = _OVERRIDES.get(table, {}).get(column)
    if override is not None:
        return override
    if column == "cooperative_id":
        return "n.id"
    if kind == "text":
        return (f"CASE WHEN starts_with(t.{column}, $1 || '-') "
                f"THEN n.id || substr(t.{column}, length($1) + 1) ELSE t.{column} END")
    if kind == "uuid":
        return f"md5(n.id || t.{column}::text)::uuid"
    return f"t.{column}"


async def _copy_sql(conn: DbConnection, table: str, source: str, where: str) -> str:
    columns = [(r[0], r[1]) for r in await conn.fetch(_COLUMNS, table)]
    names = ", ".join(name for name, _ in columns)
    values = ", ".join(_expression(table, name, kind) for name, kind in columns)
    return (f"INSERT INTO {table} ({names})\nSELECT {values}\n"
            f"FROM {source}, unnest($2::text[], $3::text[]) AS n(id, rc)\nWHERE {where}")


async def copy_cooperative(conn: DbConnection, template: str,
                           copies: Sequence[tuple[str, str]]) -> None:
    """Copy ``template``'s rows as each ``(cooperative_id, regency_code)`` of ``copies``,
    then derive their maintained tables. Run it in a transaction."""
    if not copies:
        return
    ids = [c for c, _ in copies]
    regencies = [r for _, r in copies]
    for table in _TABLES:
        sql = await _copy_sql(conn, table, f"{table} t", "t.cooperative_id = $1")
        await conn.execute(sql, template, ids, regencies)
    schedules = await _copy_sql(
        conn, "fact_loan_schedule",
        "fact_loan_schedule t JOIN fact_loans l ON l.loan_id = t.loan_id",
        "l.cooperative_id = $1")
    await conn.execute(schedules, template, ids, regencies)
    await derive(conn, ids)
