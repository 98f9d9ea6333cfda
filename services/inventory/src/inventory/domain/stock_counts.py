"""Deciders that correct the ledger to what is really there: write-offs and stock counts."""

from __future__ import annotations

from datetime import date

from inventory.domain import checks
from inventory.domain.errors import (
    CountCorrectionNeedsCount,
    CountedQuantityNegative,
    DuplicateLotInCount,
    InsufficientStock,
    LotNotFound,
)
from inventory.domain.ledger import StockLedger
from inventory.domain.product import Product
from inventory.domain.stock_commands import AdjustStock, CountStock
from inventory.domain.stock_events import CountLine, StockAdjusted, StockCounted, StockEvent
from inventory.domain.stock_limits import value_limited
from inventory.domain.stock_rules import lot_for, same_product
from inventory.domain.values import AdjustmentReason

__all__ = ["adjust_stock", "count_stock"]

ID_MAX = 100


@value_limited
def adjust_stock(
    ledger: StockLedger, command: AdjustStock, *, product: Product, today: date
) -> list[StockEvent]:
    """Write off ``qty`` units (damaged, rotten, expired, lost) at the moving-average cost.

    A clerk writes off goods they hold in their hands, so no more than the lot (or the
    unlotted balance) holds; a ledger that is wrong is corrected by a count.
    """
    same_product(ledger, product)
    if command.reason is AdjustmentReason.COUNT_CORRECTION:
        raise CountCorrectionNeedsCount(
            "A count correction comes from a stock count; record the count instead."
        )
    adjustment_id = checks.required_text(
        command.adjustment_id, what="The adjustment", max_length=ID_MAX
    )
    qty = checks.positive(command.qty, what="The quantity written off")
    day = checks.not_in_future(command.business_date, what="The business date", today=today)
    lot = lot_for(product, command.lot_id)
    if lot is not None and lot not in ledger.lots:
        raise LotNotFound(f"This ledger holds no lot {lot} of {product.name}.")
    if qty > ledger.lot_qty(lot):
        where = f"lot {lot}" if lot is not None else "stock"
        raise InsufficientStock(
            f"Only {max(ledger.lot_qty(lot), 0)} {product.base_unit} of {product.name} are in "
            f"{where}; {qty} cannot be written off."
        )
    cost, _ = ledger.valuation.take(qty)
    return [
        StockAdjusted(
            adjustment_id=adjustment_id,
            warehouse_id=ledger.warehouse_id,
            product_id=ledger.product_id,
            qty_delta=-qty,
            reason=command.reason,
            lot_id=lot,
            value_idr=cost,
            business_date=day,
        )
    ]


@value_limited
def count_stock(
    ledger: StockLedger, command: CountStock, *, product: Product, today: date
) -> list[StockEvent]:
    """Record a full count and the corrections that make the ledger say what was counted.

    A lot the ledger holds but the count does not list was not found (counted 0); for a
    lot-tracked product that includes what an oversell took beyond every lot. Each
    difference becomes a ``StockAdjusted(count_correction)`` with ``reference = count_id``
    and ``adjustment_id = <count_id>/<n>``: shortages first, at the moving average, then
    surpluses at the average left (a lot found without a receipt has no expiry date).
    The count clears the ledger's negative-stock flag.
    """
    same_product(ledger, product)
    count_id = checks.required_text(command.count_id, what="The count", max_length=ID_MAX)
    day = checks.not_in_future(command.business_date, what="The business date", today=today)
    counted = _counted(command, product)
    lots = [*ledger.lots, *(lot for lot in counted if lot not in ledger.lots)]
    lines = tuple(
        CountLine(lot_id=lot, counted_qty=counted.get(lot, 0), system_qty=ledger.lot_qty(lot))
        for lot in lots
        if lot in counted or ledger.lot_qty(lot) != 0
    )
    counted_event = StockCounted(
        count_id=count_id,
        warehouse_id=ledger.warehouse_id,
        product_id=ledger.product_id,
        lines=lines,
        business_date=day,
    )
    return [counted_event, *_corrections(ledger, counted_event)]


def _counted(command: CountStock, product: Product) -> dict[str | None, int]:
    counted: dict[str | None, int] = {}
    for entry in command.counted:
        lot = lot_for(product, entry.lot_id)
        if lot in counted:
            raise DuplicateLotInCount(f"The count lists lot {lot} more than once.")
        if entry.qty < 0:
            raise CountedQuantityNegative(
                f"A counted quantity is 0 or more; lot {lot} was counted as {entry.qty}."
            )
        counted[lot] = entry.qty
    return counted


def _corrections(ledger: StockLedger, count: StockCounted) -> list[StockEvent]:
    differences = [line for line in count.lines if line.counted_qty != line.system_qty]
    shortages = [line for line in differences if line.counted_qty < line.system_qty]
    surpluses = [line for line in differences if line.counted_qty > line.system_qty]
    valuation = ledger.valuation
    events: list[StockEvent] = []
    for n, line in enumerate([*shortages, *surpluses], start=1):
        delta = line.counted_qty - line.system_qty
        variance = 0
        if delta < 0:
            value, valuation = valuation.take(-delta)
        else:
            value = valuation.average_cost(delta)
            variance, valuation = valuation.put(delta, value)
        events.append(
            StockAdjusted(
                adjustment_id=f"{count.count_id}/{n}",
                warehouse_id=count.warehouse_id,
                product_id=count.product_id,
                qty_delta=delta,
                reason=AdjustmentReason.COUNT_CORRECTION,
                lot_id=line.lot_id,
                value_idr=value,
                business_date=count.business_date,
                reference=count.count_id,
                settlement_variance_idr=variance,
            )
        )
    return events
