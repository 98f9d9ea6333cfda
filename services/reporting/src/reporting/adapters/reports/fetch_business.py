"""Shop omzet (net of voids) by category and buyer, and produce bought from members.

A sale counts in the month of its business date; a void counts, negatively, in the
month of its own business date (a correction, not an edit of the past). Retail omzet
is the net sales of staple goods and farm inputs; produce marketing omzet (omzet
pemasaran hasil) those of farm produce and handicraft; together the shop omzet.

A sale to another cooperative counts in the seller's figures like any non-member
sale, and is also kept by buyer (``CoopFigures.sales_to``): a group that holds both
cooperatives eliminates it (``reporting.domain.reports.consolidate.group_amounts``).
"""

from __future__ import annotations

from gotong_platform.db import DbConnection
from reporting.adapters.read_model.contributions import SALE_CHANNEL
from reporting.adapters.reports.scope import SCOPE
from reporting.domain.reports.figures import CoopFigures, sale_figures, whole
from reporting.domain.reports.query import Query

__all__ = ["fetch_business", "fetch_suppliers"]

_SALES = SCOPE + """,
moves AS (
    SELECT f.cooperative_id, f.category, f.buyer_type, f.buyer_cooperative_id,
           """ + SALE_CHANNEL + """ AS channel,
           f.amount_idr AS gross, 0::bigint AS voided, f.credit_idr AS credit
    FROM fact_sale_lines f JOIN s USING (cooperative_id)
    WHERE f.business_date BETWEEN $3 AND $4 AND f.recorded_at <= s.known_at
    UNION ALL
    SELECT f.cooperative_id, f.category, f.buyer_type, f.buyer_cooperative_id,
           """ + SALE_CHANNEL + """, 0, f.amount_idr, -f.credit_idr
    FROM fact_sale_voids v JOIN s USING (cooperative_id)
    JOIN fact_sale_lines f ON f.sale_id = v.sale_id
    WHERE v.business_date BETWEEN $3 AND $4 AND v.recorded_at <= s.known_at
      AND f.business_date <= $4 AND f.recorded_at <= s.known_at
)
SELECT cooperative_id, category, buyer_type, buyer_cooperative_id, channel,
       sum(gross) AS gross, sum(voided) AS voided, sum(credit) AS credit
FROM moves GROUP BY 1, 2, 3, 4, 5
"""
_PRODUCE_IN_PERIOD = """
FROM fact_produce f JOIN s USING (cooperative_id)
WHERE f.business_date BETWEEN $3 AND $4 AND f.recorded_at <= s.known_at
GROUP BY 1
"""
_PRODUCE = SCOPE + """
SELECT f.cooperative_id, sum(f.amount_idr) AS amount, sum(f.net_qty_g) AS g,
       count(*)::bigint AS receipts, count(DISTINCT f.member_id)::bigint AS suppliers
""" + _PRODUCE_IN_PERIOD
_SUPPLIERS = SCOPE + """
SELECT f.cooperative_id, count(DISTINCT f.member_id)::bigint AS suppliers
""" + _PRODUCE_IN_PERIOD


_DERIVED = ("sales.net_idr", "volume_usaha_idr")  # derive() computes these from the rest


async def fetch_business(conn: DbConnection, q: Query, figs: dict[str, CoopFigures]) -> None:
    for r in await conn.fetch(_SALES, *q.args):
        f = figs[r["cooperative_id"]]
        added = sale_figures(r["category"], r["buyer_type"], whole(r["gross"]),
                             whole(r["voided"]), whole(r["credit"]), r["channel"])
        for key, value in added.items():
            if key not in _DERIVED:
                f.add(key, value)
        if r["buyer_cooperative_id"] is not None:
            to_buyer = f.sales_to.setdefault(r["buyer_cooperative_id"], {})
            for key, value in added.items():
                to_buyer[key] = to_buyer.get(key, 0) + value
    for r in await conn.fetch(_PRODUCE, *q.args):
        f = figs[r["cooperative_id"]]
        f.add("produce.amount_idr", r["amount"])
        f.add("produce.net_qty_g", r["g"])
        f.add("produce.receipts", r["receipts"])
        f.add("produce.suppliers", r["suppliers"])


async def fetch_suppliers(conn: DbConnection, q: Query, figs: dict[str, CoopFigures]) -> None:
    """Produce suppliers alone: the members who delivered in the period (counted apart
    from the receipts, which the maintained ledgers sum)."""
    for r in await conn.fetch(_SUPPLIERS, *q.args):
        figs[r["cooperative_id"]].add("produce.suppliers", r["suppliers"])
