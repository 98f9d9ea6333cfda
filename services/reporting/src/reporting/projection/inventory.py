"""Applies inventory events (by their published contracts) to the fact tables.

Every row is written once, keyed by the sale, receipt or event id, so duplicated
and reordered deliveries converge; a void is kept apart from its sale and joined
only when a report is computed, so it may arrive before the sale itself.
"""

from __future__ import annotations

from gotong_platform.contracts import EventContract
from gotong_platform.contracts import inventory as c
from gotong_platform.envelope import Envelope
from reporting.projection.inventory_facts import sale_lines, stock_movement
from reporting.projection.statements import Statements

__all__ = ["apply_contract"]

_SALE_LINE = """
INSERT INTO fact_sale_lines (sale_id, line_no, cooperative_id, business_date, recorded_at,
                             buyer_type, member_id, product_id, category, qty, amount_idr,
                             credit_idr, discount_idr, warehouse_id)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)
ON CONFLICT (sale_id, line_no) DO NOTHING
"""
_VOID = """
INSERT INTO fact_sale_voids (sale_id, cooperative_id, business_date, recorded_at, reason_code)
VALUES ($1, $2, $3, $4, $5) ON CONFLICT (sale_id) DO NOTHING
"""
_PRODUCE = """
INSERT INTO fact_produce (receipt_id, cooperative_id, business_date, recorded_at, member_id,
                          product_id, net_qty_g, amount_idr)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (receipt_id) DO NOTHING
"""
_STOCK = """
INSERT INTO fact_stock (event_id, cooperative_id, warehouse_id, product_id, business_date,
                        recorded_at, kind, reason, qty_delta, value_delta_idr,
                        counterparty_cooperative_id, settlement_variance_idr)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) ON CONFLICT (event_id) DO NOTHING
"""
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
             line.amount_idr, line.credit_idr, line.discount_idr, e.warehouse_id)
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
        case c.WarehouseRegisteredV1():
            out.add(_WAREHOUSE, e.warehouse_id, e.cooperative_id, e.name, e.kind,
                    env.stream_version)
        case _:
            _stock(out, e, env)
