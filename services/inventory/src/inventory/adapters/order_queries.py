"""What the order routes read: the ``orders`` rows of a cooperative."""

from __future__ import annotations

from typing import Any

from inventory.adapters.queries import Db
from inventory.adapters.streams import jsonb

__all__ = ["list_orders", "order"]

_COLUMNS = ("order_id", "cooperative_id", "warehouse_id", "status", "buyer_name",
            "buyer_phone", "delivery_address", "delivery_regency", "total_idr", "placed_at",
            "pay_by", "business_date", "payment_method", "payment_reference", "courier",
            "tracking_no", "sale_id")


async def order(db: Db, cooperative_id: str, order_id: str) -> dict[str, Any] | None:
    row = await db.fetchrow("SELECT * FROM orders WHERE cooperative_id = $1 AND order_id = $2",
                            cooperative_id, order_id)
    return None if row is None else _order(row)


async def list_orders(db: Db, cooperative_id: str, status: str | None, limit: int
                      ) -> list[dict[str, Any]]:
    rows = await db.fetch(
        """SELECT * FROM orders WHERE cooperative_id = $1 AND ($2::text IS NULL OR status = $2)
           ORDER BY business_date DESC, order_id DESC LIMIT $3""",
        cooperative_id, status, limit)
    return [_order(r) for r in rows]


def _order(row: Any) -> dict[str, Any]:
    out = {k: row[k] for k in _COLUMNS}
    out["lines"] = jsonb(row["lines"])
    return out
