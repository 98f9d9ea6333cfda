"""Pure mapping of inventory contracts to fact rows (no I/O: unit-tested directly).

A sale's discount is spread over its lines by largest remainder, in proportion to
the line totals, so the lines always add up to the sale exactly; the part paid on
credit (kasbon) is spread the same way over the lines after discount.

Stock movements carry a signed value: inflows add their cost net of the
settlement variance (the cost correction of an oversell they settle, as the
inventory ledger values them), outflows subtract theirs. ``StockAdjusted``
publishes an unsigned value; its direction is the sign of ``qty_delta``.
"""

from __future__ import annotations

import dataclasses

from gotong_platform.contracts import EventContract
from gotong_platform.contracts import inventory as c
from gotong_platform.money import largest_remainder

__all__ = ["SaleLineFact", "StockMovement", "sale_lines", "spread", "stock_movement"]


@dataclasses.dataclass(frozen=True, slots=True)
class SaleLineFact:
    line_no: int
    product_id: str
    category: str
    qty: int
    amount_idr: int  # after the line's share of the discount
    discount_idr: int
    credit_idr: int


@dataclasses.dataclass(frozen=True, slots=True)
class StockMovement:
    warehouse_id: str
    product_id: str
    kind: str
    reason: str | None
    qty_delta: int
    value_delta_idr: int
    settlement_variance_idr: int = 0
    counterparty_cooperative_id: str | None = None


def spread(total: int, weights: list[int]) -> list[int]:
    """``total`` split over ``weights`` by largest remainder (nothing to spread over: 0s)."""
    if total == 0 or sum(weights) == 0:
        if total != 0:
            raise ValueError(f"cannot spread Rp {total} over lines worth nothing")
        return [0] * len(weights)
    return largest_remainder(total, weights)


def sale_lines(sale: c.SaleRecordedV1) -> list[SaleLineFact]:
    totals = [line.line_total_idr for line in sale.lines]
    if sale.discount_idr > sum(totals):
        raise ValueError(f"sale {sale.sale_id}: discount exceeds its lines")
    discounts = spread(sale.discount_idr, totals)
    amounts = [t - d for t, d in zip(totals, discounts, strict=True)]
    credit = sum(p.amount_idr for p in sale.payments if p.method == "credit")
    credits = spread(min(credit, sum(amounts)), amounts)
    return [
        SaleLineFact(line_no=n, product_id=line.product_id, category=line.category,
                     qty=line.qty, amount_idr=amount, discount_idr=discount, credit_idr=cr)
        for n, (line, amount, discount, cr) in enumerate(
            zip(sale.lines, amounts, discounts, credits, strict=True), start=1)
    ]


def _inflow(e: c.GoodsReceivedV1 | c.StockReturnedV1, kind: str, reason: str | None
            ) -> StockMovement:
    return StockMovement(e.warehouse_id, e.product_id, kind, reason, e.qty,
                         e.cost_idr - e.settlement_variance_idr, e.settlement_variance_idr)


def stock_movement(e: EventContract) -> StockMovement | None:
    """The stock movement an inventory event records, if it records one."""
    match e:
        case c.GoodsReceivedV1():
            return _inflow(e, "receipt", None)
        case c.StockReturnedV1():
            return _inflow(e, "return", None)
        case c.ProduceReceivedFromMemberV1():
            return StockMovement(e.warehouse_id, e.product_id, "produce", None, e.net_qty_g,
                                 e.amount_idr - e.settlement_variance_idr,
                                 e.settlement_variance_idr)
        case c.StockIssuedV1():
            return StockMovement(e.warehouse_id, e.product_id, "issue", e.reason, -e.qty,
                                 -e.cost_idr)
        case c.StockAdjustedV1():
            # the variance only ever comes with stock found (an inflow)
            value = (e.value_idr - e.settlement_variance_idr if e.qty_delta >= 0
                     else -e.value_idr)
            return StockMovement(e.warehouse_id, e.product_id, "adjustment", e.reason,
                                 e.qty_delta, value, e.settlement_variance_idr)
        case c.StockTransferredOutV1():
            return StockMovement(e.warehouse_id, e.product_id, "transfer_out", None, -e.qty,
                                 -e.cost_idr, 0, e.to_cooperative_id)
        case c.StockTransferredInV1():
            return StockMovement(e.warehouse_id, e.product_id, "transfer_in", None, e.qty_sent,
                                 e.cost_idr - e.settlement_variance_idr,
                                 e.settlement_variance_idr, e.from_cooperative_id)
        case _:
            return None
