"""Applies inventory events (by their published contracts) to the fact tables.

Every row is written once, keyed by the sale, receipt or event id, so duplicated
and reordered deliveries converge; a void is kept apart from its sale and joined
only when a report is computed, so it may arrive before the sale itself.
"""

from __future__ import annotations

from gotong_platform.contracts import EventContract
from gotong_platform.contracts import inventory as c
from gotong_platform.envelope import Envelope
from reporting.adapters.projection.inventory_facts import sale_lines, stock_movement
from reporting.adapters.projection.statements import InsertNew, Statements

__all__ = ["apply_contract"]

_SALE_LINE = InsertNew("fact_sale_lines", """
    sale_id text, line_no integer, cooperative_id text, business_date date,
    recorded_at timestamptz, buyer_type text, member_id text, product_id text,
    category text, qty bigint, amount_idr bigint, credit_idr bigint, discount_idr bigint,
    warehouse_id text, buyer_cooperative_id text, channel text""", "(sale_id, line_no)")
_VOID = InsertNew("fact_sale_voids", """
    sale_id text, cooperative_id text, business_date date, recorded_at timestamptz,
    reason_code text""", "(sale_id)")
_PRODUCE = InsertNew("fact_produce", """
    receipt_id text, cooperative_id text, business_date date, recorded_at timestamptz,
    member_id text, product_id text, net_qty_g bigint, amount_idr bigint""", "(receipt_id)")
_STOCK = InsertNew("fact_stock", """
    event_id uuid, cooperative_id text, warehouse_id text, product_id text,
    business_date date, recorded_at timestamptz, kind text, reason text, qty_delta bigint,
    value_delta_idr bigint, counterparty_cooperative_id text,
    settlement_variance_idr bigint""", "(event_id)")
_PRODUCT = """
INSERT INTO products (product_id, cooperative_id, sku, name, category, base_unit, version)
VALUES ($1, $2, $3, $4, $5, $6, $7)
ON CONFLICT (product_id) DO UPDATE SET
    sku = EXCLUDED.sku, name = EXCLUDED.name, category = EXCLUDED.category,
    base_unit = EXCLUDED.base_unit, version = EXCLUDED.version
WHERE EXCLUDED.version > products.version
"""
_WAREHOUSE = """
INSERT INTO warehouses (warehouse_id, cooperative_id, name, kind, version)
VALUES ($1, $2, $3, $4, $5)
ON CONFLICT (warehouse_id) DO UPDATE SET
    name = EXCLUDED.name, kind = EXCLUDED.kind, version = EXCLUDED.version
WHERE EXCLUDED.version > warehouses.version
"""


def _sale(out: Statements, e: c.SaleRecordedV1, env: Envelope) -> None:
    rows = [(e.sale_id, line.line_no, e.cooperative_id, e.business_date, env.recorded_at,
             e.buyer_type, e.member_id, line.product_id, line.category, line.qty,
             line.amount_idr, line.credit_idr, line.discount_idr, e.warehouse_id,
             e.buyer_cooperative_id, e.channel)
            for line in sale_lines(e)]
    out.add_many(_SALE_LINE, rows)


def _stock(out: Statements, e: EventContract, env: Envelope) -> None:
    m = stock_movement(e)
    if m is None:
        return
    business_date = getattr(e, "business_date", env.business_date)
    out.add(_STOCK, env.event_id, env.cooperative_id, m.warehouse_id, m.product_id,
            business_date, env.recorded_at, m.kind, m.reason, m.qty_delta,
            m.value_delta_idr, m.counterparty_cooperative_id,
            m.settlement_variance_idr)


# A product's or warehouse's name is shown as it is now, in any month and as known at
# any moment: its change moves every stored figure of its cooperative (low stock lists).
def _catalog_changed(out: Statements, cooperative_id: str) -> None:
    out.note({"t": "chg", "c": cooperative_id, "e": "-infinity", "r": "-infinity",
              "m": [0, 0, 0, 0, 1]})


def apply_contract(out: Statements, e: EventContract, env: Envelope) -> None:
    match e:
        case c.SaleRecordedV1():
            _sale(out, e, env)
        case c.SaleVoidedV1():
            out.add(_VOID, e.sale_id, e.cooperative_id, env.business_date,
                    env.recorded_at, e.reason_code)
        case c.ProduceReceivedFromMemberV1():
            out.add(_PRODUCE, e.receipt_id, e.cooperative_id, e.business_date,
                    env.recorded_at, e.member_id, e.product_id, e.net_qty_g,
                    e.amount_idr)
            _stock(out, e, env)
        case c.ProductDefinedV1():
            out.add(_PRODUCT, e.product_id, e.cooperative_id, e.sku, e.name,
                    e.category, e.base_unit, env.stream_version)
            _catalog_changed(out, e.cooperative_id)
        case c.WarehouseRegisteredV1():
            out.add(_WAREHOUSE, e.warehouse_id, e.cooperative_id, e.name, e.kind,
                    env.stream_version)
            _catalog_changed(out, e.cooperative_id)
        case _:
            _stock(out, e, env)
