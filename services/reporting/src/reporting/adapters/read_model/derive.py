"""The maintained tables derived from the facts alone, for rows that did not come
through the consumer.

The consumer maintains the tables as it applies events (``ledgers.rm_apply``). Fact
rows written any other way (a bulk copy of a synthetic federation, rows a test writes
directly) are not in them: ``derive`` empties the maintained rows of the given
cooperatives (or of all) and writes them again from the fact tables, with the same
contributions the consumer uses (``contributions``, in their ``DERIVE`` mode: a whole
fact table read as if it were new). Figures stored for those cooperatives are dropped.

``changes`` counts only what makes a stored figure stale, so derived counts may differ
from those the consumer would have written; every figure a report shows is the same
(``tests/integration/test_reporting_maintained_equivalence.py`` checks both paths).
"""

from __future__ import annotations

from collections.abc import Sequence

from gotong_platform.db import DbConnection
from reporting.adapters.read_model.contributions import DERIVE, contributions_of
from reporting.adapters.read_model.ledgers import LEDGERS

__all__ = ["DERIVED_FROM", "MAINTAINED_TABLES", "derive", "derive_statements"]

# Every maintained table with rows per cooperative (``data_months`` is shared: it only
# grows, and a derive only adds to it).
MAINTAINED_TABLES: tuple[str, ...] = (
    *(ledger.table(part) for ledger in LEDGERS
      for part in ("by_day", "by_month", "late", *(("total",) if ledger.balance else ()))),
    "event_days", "activity_days", "fact_clock", "changes", "irregular", "stored_figures",
)

# Fact tables with contributions and a cooperative_id column, in the consumer's order.
_FACT_TABLES = ("fact_member_status", "fact_sale_lines", "fact_sale_voids", "fact_produce",
                "fact_stock", "fact_savings", "fact_wajib_bills", "fact_loans",
                "fact_loan_events")

# Every table whose rows of a cooperative ``derive`` reads.
DERIVED_FROM: tuple[str, ...] = (*_FACT_TABLES, "products", "warehouses", "fact_events")

# A catalogue entry moves every stored figure of its cooperative (its low-stock names),
# as ``projection.inventory`` notes it.
_CATALOG = """
SELECT jsonb_build_object('t', 'chg', 'c', cooperative_id, 'e', '-infinity',
                          'r', '-infinity', 'm', jsonb_build_array(0, 0, 0, 0, count(*)))::text
FROM {table} WHERE {where} GROUP BY cooperative_id
"""
_EVENT_DAYS = """
SELECT jsonb_build_object('t', 'ev', 'c', cooperative_id, 'd', business_date,
                          'r0', min(recorded_at))::text
FROM fact_events WHERE {where} GROUP BY cooperative_id, business_date
"""


def _apply(rows_sql: str) -> str:
    """``rm_apply`` over the JSON rows a SELECT returns, without leaving the server."""
    return (f"SELECT rm_apply(coalesce(jsonb_agg(j::jsonb), '[]'::jsonb)) "
            f"FROM ({rows_sql}) s(j)")


def derive_statements(cooperatives: Sequence[str] | None = None) -> list[str]:
    """The statements adding the maintained rows of ``cooperatives`` (None: every
    cooperative, no parameter) from the fact tables, one per source table; with a
    list, each takes it as ``$1``. They add, so the rows must not be there yet;
    statements for other sources or cooperatives may run at once (``rm_apply`` locks
    in one order: they wait for each other, never deadlock)."""
    where = "true" if cooperatives is None else "cooperative_id = ANY($1::text[])"
    statements = [f"WITH new AS (SELECT * FROM {table} WHERE {where})\n" + _apply(tail)
                  for table in _FACT_TABLES
                  if (tail := contributions_of(table, DERIVE)) is not None]
    statements += [_apply(_CATALOG.format(table=table, where=where))
                   for table in ("products", "warehouses")]
    statements.append(_apply(_EVENT_DAYS.format(where=where)))
    return statements


async def derive(conn: DbConnection, cooperatives: Sequence[str] | None = None) -> None:
    """Write the maintained rows of ``cooperatives`` (None: every cooperative) from the
    fact tables, replacing what they held. Run it in a transaction: the tables are
    consistent again only at its end."""
    where = "true" if cooperatives is None else "cooperative_id = ANY($1::text[])"
    args: tuple[list[str], ...] = () if cooperatives is None else (sorted(set(cooperatives)),)
    for table in MAINTAINED_TABLES:
        await conn.execute(f"DELETE FROM {table} WHERE {where}", *args)
    for statement in derive_statements(cooperatives):
        await conn.execute(statement, *args)
