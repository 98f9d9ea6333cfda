"""Shop omzet (net of voids) by category and buyer, and produce bought from members.

A sale counts in the month of its business date; a void counts, negatively, in the
month of its own business date (a correction, not an edit of the past). Retail omzet
is the net sales of staple goods and farm inputs; produce marketing omzet (omzet
pemasaran hasil) those of farm produce and handicraft; together the shop omzet.
"""

from __future__ import annotations

from gotong_platform.db import DbConnection
from reporting.reports.figures import PRODUCE_MARKETING, CoopFigures
from reporting.reports.query import SCOPE, Query

__all__ = ["fetch_business"]

_SALES = SCOPE + """,
moves AS (
    SELECT f.cooperative_id, f.category, f.buyer_type, f.amount_idr AS gross,
           0::bigint AS voided, f.credit_idr AS credit
    FROM fact_sale_lines f JOIN s USING (cooperative_id)
    WHERE f.business_date BETWEEN $3 AND $4 AND f.recorded_at <= s.known_at
    UNION ALL
    SELECT f.cooperative_id, f.category, f.buyer_type, 0, f.amount_idr, -f.credit_idr
    FROM fact_sale_voids v JOIN s USING (cooperative_id)
    JOIN fact_sale_lines f ON f.sale_id = v.sale_id
    WHERE v.business_date BETWEEN $3 AND $4 AND v.recorded_at <= s.known_at
      AND f.business_date <= $4 AND f.recorded_at <= s.known_at
)
SELECT cooperative_id, category, buyer_type, sum(gross)::bigint AS gross,
       sum(voided)::bigint AS voided, sum(credit)::bigint AS credit
FROM moves GROUP BY 1, 2, 3
"""
_PRODUCE = SCOPE + """
SELECT f.cooperative_id, sum(f.amount_idr)::bigint AS amount, sum(f.net_qty_g)::bigint AS g,
       count(*)::bigint AS receipts, count(DISTINCT f.member_id)::bigint AS suppliers
FROM fact_produce f JOIN s USING (cooperative_id)
WHERE f.business_date BETWEEN $3 AND $4 AND f.recorded_at <= s.known_at
GROUP BY 1
"""


async def fetch_business(conn: DbConnection, q: Query, figs: dict[str, CoopFigures]) -> None:
    for r in await conn.fetch(_SALES, *q.args):
        f = figs[r["cooperative_id"]]
        net = r["gross"] - r["voided"]
        f.add("sales.gross_idr", r["gross"])
        f.add("sales.voided_idr", r["voided"])
        f.add("sales.credit_idr", r["credit"])
        f.add(f"sales.{r['buyer_type']}_idr", net)
        f.add(f"sales.{r['category']}.{r['buyer_type']}_idr", net)
        marketing = r["category"] in PRODUCE_MARKETING
        f.add("sales.produce_marketing_idr" if marketing else "sales.retail_idr", net)
    for r in await conn.fetch(_PRODUCE, *q.args):
        f = figs[r["cooperative_id"]]
        f.add("produce.amount_idr", r["amount"])
        f.add("produce.net_qty_g", r["g"])
        f.add("produce.receipts", r["receipts"])
        f.add("produce.suppliers", r["suppliers"])
