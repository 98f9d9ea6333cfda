"""Stock: value on hand at the period end, movements and spoilage in the month,
transfers by counterparty (for eliminations), and low-stock products.

Spoilage = the value written off by adjustments for damaged, rotten, expired or lost
goods in the month (transfer shrinkage arrives as "lost"). A product is low on stock
when its quantity on hand in a warehouse is at or below the threshold (default 0).
"""

from __future__ import annotations

from typing import Any

from gotong_platform.db import DbConnection
from reporting.adapters.reports.scope import SCOPE
from reporting.domain.reports.figures import SPOILAGE_REASONS, CoopFigures, whole
from reporting.domain.reports.query import Query

__all__ = ["fetch_stock"]

_MOVES = SCOPE + """
SELECT f.cooperative_id, f.kind, coalesce(f.reason, '') AS reason,
       coalesce(f.counterparty_cooperative_id, '') AS counterparty,
       f.value_delta_idr > 0 AS inflow,
       coalesce(sum(f.value_delta_idr) FILTER (WHERE f.business_date >= $3), 0)
           AS month_value,
       sum(f.value_delta_idr) AS value_on_hand
FROM fact_stock f JOIN s USING (cooperative_id)
WHERE f.business_date <= $4 AND f.recorded_at <= s.known_at
GROUP BY 1, 2, 3, 4, 5
"""
_LOW = SCOPE + """
SELECT f.cooperative_id, f.warehouse_id, f.product_id, w.name AS warehouse_name,
       p.sku, p.name AS product_name, p.category, p.base_unit,
       sum(f.qty_delta) AS on_hand, sum(f.value_delta_idr) AS value_idr
FROM fact_stock f JOIN s USING (cooperative_id)
LEFT JOIN products p USING (product_id) LEFT JOIN warehouses w USING (warehouse_id)
WHERE f.business_date <= $4 AND f.recorded_at <= s.known_at
GROUP BY 1, 2, 3, 4, 5, 6, 7, 8
HAVING sum(f.qty_delta) <= $5
ORDER BY 1, 2, 3
"""
_FLOW_OF = {"receipt": "receipt", "produce": "produce", "issue": "issue", "return": "return",
            "transfer_out": "transfer_out", "transfer_in": "transfer_in"}


def _add_move(f: CoopFigures, r: Any, cooperative_id: str) -> None:
    value = whole(r["month_value"])
    f.add("stock.value_idr", r["value_on_hand"])
    f.add("stock.net_change_idr", value)
    kind = r["kind"]
    if kind == "adjustment":
        f.add("stock.adjustment_in_idr" if r["inflow"] else "stock.adjustment_out_idr",
              abs(value))
        if r["reason"] in SPOILAGE_REASONS:
            f.add("stock.spoilage_idr", -value)
    elif kind in _FLOW_OF:
        f.add(f"stock.{_FLOW_OF[kind]}_idr", abs(value))
    if kind in ("transfer_out", "transfer_in") and value:
        sides = f.transfers.setdefault(r["counterparty"] or cooperative_id, [0, 0])
        sides[0 if kind == "transfer_out" else 1] += abs(value)


async def fetch_stock(conn: DbConnection, q: Query, figs: dict[str, CoopFigures]) -> None:
    for r in await conn.fetch(_MOVES, *q.args):
        _add_move(figs[r["cooperative_id"]], r, r["cooperative_id"])
    for r in await conn.fetch(_LOW, *q.args, q.options.low_stock_threshold):
        f = figs[r["cooperative_id"]]
        f.add("stock.low_stock_products", 1)
        f.low_stock.append({
            "cooperative_id": r["cooperative_id"], "warehouse_id": r["warehouse_id"],
            "warehouse_name": r["warehouse_name"], "product_id": r["product_id"],
            "sku": r["sku"], "product_name": r["product_name"], "category": r["category"],
            "base_unit": r["base_unit"], "on_hand": whole(r["on_hand"]),
            "value_idr": whole(r["value_idr"])})
