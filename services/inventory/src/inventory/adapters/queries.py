"""Reads of the query tables for the API (JSON-ready dicts shaped as the API schemas).

Every read SQL the routes need is here; a command's route reads its answer on the
command's connection (its own writes), a read route on the pool.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

import asyncpg
import orjson

from gotong_platform.db import DbConnection
from inventory.domain import SaleRecorded

__all__ = [
    "Db",
    "Pool",
    "catalogue_image",
    "cooperative_listings",
    "list_orders",
    "list_products",
    "list_sales",
    "list_warehouses",
    "order",
    "recorded_sale",
    "sale",
    "stock_levels",
    "storefront",
    "transfer",
    "warehouse_stock",
]

Pool = asyncpg.Pool  # the API's pool, as the routes hold it
Db = DbConnection | Pool


async def list_warehouses(db: Db, cooperative_id: str) -> list[dict[str, Any]]:
    rows = await db.fetch("SELECT * FROM warehouses WHERE cooperative_id = $1 ORDER BY name",
                          cooperative_id)
    return [dict(r) for r in rows]


async def list_products(db: Db, cooperative_id: str, product_id: str | None = None
                        ) -> list[dict[str, Any]]:
    """The cooperative's products (or the one ``product_id``) with every price set."""
    rows = await db.fetch(
        """SELECT * FROM products WHERE cooperative_id = $1
               AND ($2::text IS NULL OR product_id = $2) ORDER BY sku""",
        cooperative_id, product_id)
    prices = await db.fetch(
        """SELECT p.* FROM prices p JOIN products USING (product_id)
           WHERE cooperative_id = $1 AND ($2::text IS NULL OR product_id = $2)
           ORDER BY price_list, effective_from""", cooperative_id, product_id)
    by_product: dict[str, list[dict[str, Any]]] = {}
    for price in prices:
        by_product.setdefault(price["product_id"], []).append(dict(price))
    return [{**dict(r), "prices": by_product.get(r["product_id"], [])} for r in rows]


async def stock_levels(
    db: Db, warehouse_id: str, product_ids: Sequence[str] | None = None
) -> list[dict[str, Any]]:
    """Per product in the warehouse: on hand, value, average cost, flag, lots (FEFO order)."""
    rows = await db.fetch(
        """SELECT s.*, p.sku, p.name, p.base_unit FROM stock_levels s JOIN products p
               USING (product_id)
           WHERE s.warehouse_id = $1 AND ($2::text[] IS NULL OR s.product_id = ANY($2))
           ORDER BY p.sku""",
        warehouse_id, None if product_ids is None else list(product_ids))
    # The order stock leaves in: first expiry first (lots without a date after the dated
    # ones), else first received first.
    lots = await db.fetch(
        "SELECT * FROM stock_lots WHERE warehouse_id = $1 ORDER BY expiry_date NULLS LAST, seq",
        warehouse_id)
    by_product: dict[str, list[dict[str, Any]]] = {}
    for lot in lots:
        by_product.setdefault(lot["product_id"], []).append(
            {k: lot[k] for k in ("lot_id", "qty", "expiry_date", "harvest_date")})
    return [
        {"warehouse_id": r["warehouse_id"], "product_id": r["product_id"], "sku": r["sku"],
         "name": r["name"], "base_unit": r["base_unit"], "on_hand": r["on_hand"],
         "reserved": r["reserved"], "available": r["on_hand"] - r["reserved"],
         "value_idr": r["value_idr"], "average_cost_idr": r["average_cost_idr"],
         "average_cost_per_qty": r["average_per_qty"], "negative": r["negative"],
         "lots": by_product.get(r["product_id"], [])}
        for r in rows]


async def warehouse_stock(pool: Pool, cooperative_id: str, warehouse_id: str
                          ) -> list[dict[str, Any]] | None:
    """``stock_levels`` of a warehouse of the cooperative; None when it has no such
    warehouse (another cooperative's is "not found" too)."""
    async with pool.acquire() as conn:
        if not await conn.fetchval(
                "SELECT 1 FROM warehouses WHERE warehouse_id = $1 AND cooperative_id = $2",
                warehouse_id, cooperative_id):
            return None
        return await stock_levels(conn, warehouse_id)


async def sale(db: Db, cooperative_id: str, sale_id: str) -> dict[str, Any] | None:
    row = await db.fetchrow("SELECT * FROM sales WHERE cooperative_id = $1 AND sale_id = $2",
                            cooperative_id, sale_id)
    return None if row is None else _sale(row)


async def list_sales(db: Db, cooperative_id: str, business_date: date | None,
                     limit: int) -> list[dict[str, Any]]:
    rows = await db.fetch(
        """SELECT * FROM sales WHERE cooperative_id = $1
               AND ($2::date IS NULL OR business_date = $2)
           ORDER BY business_date DESC, sale_id DESC LIMIT $3""",
        cooperative_id, business_date, limit)
    return [_sale(r) for r in rows]


async def transfer(db: Db, cooperative_id: str, transfer_id: str) -> dict[str, Any] | None:
    """The transfer as its sender or its receiver sees it (``None`` for anyone else)."""
    rows = await db.fetch(
        """SELECT * FROM transfer_lines WHERE transfer_id = $1
               AND $2 IN (from_cooperative_id, to_cooperative_id) ORDER BY product_id""",
        transfer_id, cooperative_id)
    if not rows:
        return None
    first = rows[0]
    return {
        **{k: first[k] for k in ("transfer_id", "from_warehouse_id", "from_cooperative_id",
                                 "to_warehouse_id", "to_cooperative_id", "status", "sent_on",
                                 "received_on")},
        "lines": [{"product_id": r["product_id"], "qty_sent": r["qty_sent"],
                   "received_product_id": r["received_product_id"],
                   "qty_received": r["qty_received"],
                   "shrinkage_qty": (None if r["qty_received"] is None
                                     else r["qty_sent"] - r["qty_received"])}
                  for r in rows],
    }


def recorded_sale(event: SaleRecorded, flags: Sequence[str]) -> dict[str, Any]:
    """The sale as ``sale`` reads it back right after it was recorded, JSON-ready, built
    from the event (the command answers with it without reading its own row)."""
    return {
        "sale_id": event.sale_id, "cooperative_id": event.cooperative_id,
        "warehouse_id": event.warehouse_id, "status": "recorded",
        "buyer_type": event.buyer_type.value, "member_id": event.member_id,
        "buyer_cooperative_id": event.buyer_cooperative_id,
        "lines": [{"product_id": line.product_id, "qty": line.qty, "price_idr": line.price_idr,
                   "per_qty": line.per_qty, "line_total_idr": line.line_total_idr}
                  for line in event.lines],
        "discount_idr": event.discount_idr, "total_idr": event.total_idr,
        "payments": [{"method": p.method.value, "amount_idr": p.amount_idr}
                     for p in event.payments],
        "receipt_no": event.receipt_no, "business_date": event.business_date.isoformat(),
        "recorded_offline": event.recorded_offline, "void_reason": None, "void_detail": None,
        "flags": list(flags), "channel": event.channel.value,
    }


def _sale(row: Any) -> dict[str, Any]:
    out = {k: row[k] for k in (
        "sale_id", "cooperative_id", "warehouse_id", "status", "buyer_type", "member_id",
        "buyer_cooperative_id", "discount_idr", "total_idr", "receipt_no", "business_date",
        "recorded_offline", "void_reason", "void_detail", "channel")}
    out["lines"] = _json(row["lines"])
    out["payments"] = _json(row["payments"])
    out["flags"] = list(row["flags"])
    return out


def _json(value: Any) -> Any:
    """A jsonb value whatever codec the connection has (decoded, or JSON text)."""
    return orjson.loads(value) if isinstance(value, str) else value


# --- the public catalogue -----------------------------------------------------------

# A listing with the stock of its warehouse (0 before the ledger's first movement) and
# the product's base unit. The availability band is the domain's (``availability_of``).
_LISTINGS = """
SELECT l.listing_id, l.cooperative_id, l.product_id, l.warehouse_id, l.status, l.title,
       l.description, l.photos, l.origin_regency, l.origin_village, l.unit_label,
       l.unit_qty, l.price_idr, l.low_threshold, l.show_quantity, l.version, l.updated_at,
       p.sku, p.base_unit, coalesce(s.on_hand, 0) AS on_hand
FROM listings l JOIN products p USING (product_id)
LEFT JOIN stock_levels s ON s.warehouse_id = l.warehouse_id AND s.product_id = l.product_id
WHERE l.cooperative_id = $1 AND ($2::text IS NULL OR l.listing_id = $2)
  AND (NOT $3 OR l.status = 'published')
ORDER BY l.title, l.listing_id
"""


async def cooperative_listings(db: Db, cooperative_id: str, *, listing_id: str | None = None,
                               published_only: bool = False) -> list[dict[str, Any]]:
    """The cooperative's listings (or the one ``listing_id``) with ``on_hand``, the stock
    of the listing's warehouse in base units."""
    rows = await db.fetch(_LISTINGS, cooperative_id, listing_id, published_only)
    return [{**dict(r), "photos": _json(r["photos"])} for r in rows]


async def storefront(db: Db, cooperative_id: str) -> dict[str, Any] | None:
    """The cooperative as the directory knows it, with its public profile (story and
    region None before the pengurus sets one); None for a cooperative not registered."""
    row = await db.fetchrow(
        """SELECT d.cooperative_id, d.name, d.regency_code, s.story, s.region
           FROM directory_cooperatives d LEFT JOIN storefronts s USING (cooperative_id)
           WHERE d.cooperative_id = $1 AND d.name IS NOT NULL""", cooperative_id)
    return None if row is None else dict(row)


async def catalogue_image(db: Db, image_id: str) -> dict[str, Any] | None:
    row = await db.fetchrow(
        "SELECT content_type, body, sha256 FROM catalogue_images WHERE image_id = $1", image_id)
    return None if row is None else dict(row)


# --- orders from outside buyers ------------------------------------------------------

_ORDER_COLUMNS = ("order_id", "cooperative_id", "warehouse_id", "status", "buyer_name",
                  "buyer_phone", "delivery_address", "delivery_regency", "total_idr",
                  "placed_at", "pay_by", "business_date", "payment_method",
                  "payment_reference", "courier", "tracking_no", "sale_id")


async def order(db: Db, cooperative_id: str, order_id: str) -> dict[str, Any] | None:
    """One order of a cooperative (the ``orders`` row), None when it has no such order."""
    row = await db.fetchrow("SELECT * FROM orders WHERE cooperative_id = $1 AND order_id = $2",
                            cooperative_id, order_id)
    return None if row is None else _order(row)


async def list_orders(db: Db, cooperative_id: str, status: str | None, limit: int
                      ) -> list[dict[str, Any]]:
    """A cooperative's orders, newest business date first, of one status or all."""
    rows = await db.fetch(
        """SELECT * FROM orders WHERE cooperative_id = $1 AND ($2::text IS NULL OR status = $2)
           ORDER BY business_date DESC, order_id DESC LIMIT $3""",
        cooperative_id, status, limit)
    return [_order(r) for r in rows]


def _order(row: Any) -> dict[str, Any]:
    out = {k: row[k] for k in _ORDER_COLUMNS}
    out["lines"] = _json(row["lines"])
    return out
