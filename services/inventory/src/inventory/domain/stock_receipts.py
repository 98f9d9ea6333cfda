"""Deciders for stock coming in: goods from suppliers, produce from members, transfers.

Each takes the ledger, the command, the ledger's ``product`` and the cooperative's
business date ``today``, and returns the events or raises the error naming the rule.
"""

from __future__ import annotations

from datetime import date

from inventory.domain import checks
from inventory.domain.errors import (
    InvalidTare,
    LotIdRequired,
    LotNotTracked,
    NoPriceOnDate,
    PricingQtyNotPositive,
    ProductNotWeighed,
    ReceivedQuantityOutOfRange,
    TransferAlreadyReceived,
    TransferHasNoLines,
    TransferToSameWarehouse,
)
from inventory.domain.ledger import StockLedger
from inventory.domain.pricing import Price, line_amount
from inventory.domain.product import Product
from inventory.domain.stock_commands import ReceiveGoods, ReceiveProduce, ReceiveTransfer
from inventory.domain.stock_events import (
    GoodsReceived,
    ProduceReceivedFromMember,
    StockAdjusted,
    StockEvent,
    StockLine,
    StockTransferredIn,
)
from inventory.domain.stock_limits import value_limited
from inventory.domain.stock_rules import (
    LOT_MAX,
    check_lot_expiry,
    expiry_for,
    lot_for,
    same_product,
)
from inventory.domain.valuation import Valuation
from inventory.domain.values import AdjustmentReason, BaseUnit, LotTracking, PriceList

__all__ = ["receive_goods", "receive_produce", "receive_transfer"]

ID_MAX = 100
TEXT_MAX = 200


@value_limited
def receive_goods(
    ledger: StockLedger, command: ReceiveGoods, *, product: Product, today: date
) -> list[StockEvent]:
    """Take goods into stock at the receipt's total cost."""
    same_product(ledger, product)
    receipt_id = checks.required_text(command.receipt_id, what="The receipt", max_length=ID_MAX)
    qty = checks.positive(command.qty, what="The quantity received")
    cost = checks.amount(command.total_cost_idr, what="The cost of the receipt")
    day = checks.not_in_future(command.business_date, what="The business date", today=today)
    if command.harvest_date is not None:
        _harvested_by(command.harvest_date, day)
    lot = lot_for(product, command.lot_id)
    expiry = expiry_for(product, command.expiry_date, command.harvest_date)
    check_lot_expiry(ledger, lot, expiry)
    variance, _ = ledger.valuation.put(qty, cost)
    return [
        GoodsReceived(
            receipt_id=receipt_id,
            warehouse_id=ledger.warehouse_id,
            product_id=ledger.product_id,
            qty=qty,
            total_cost_idr=cost,
            lot_id=lot,
            harvest_date=command.harvest_date,
            expiry_date=expiry,
            supplier_ref=checks.optional_text(
                command.supplier_ref, what="The supplier reference", max_length=TEXT_MAX
            ),
            business_date=day,
            settlement_variance_idr=variance,
        )
    ]


@value_limited
def receive_produce(
    ledger: StockLedger, command: ReceiveProduce, *, product: Product, today: date
) -> list[StockEvent]:
    """Weigh in a member's delivery and buy it at the buy-from-member price.

    The net weight (gross - tare) comes into stock at ``amount_idr``, what the member
    is owed. Produce is always lot-tracked (traceability back to the member) and weighed
    in grams. A recorded-offline receipt is a fact of the field: it is priced as the
    device priced it when it says so.
    """
    same_product(ledger, product)
    if product.base_unit is not BaseUnit.GRAM:
        raise ProductNotWeighed(
            f"{product.name} is counted in {product.base_unit}; produce is bought by weight (g)."
        )
    if product.lot_tracking is LotTracking.NONE:
        raise LotNotTracked(f"{product.name} is not tracked by lot; produce needs lots.")
    receipt_id = checks.required_text(command.receipt_id, what="The receipt", max_length=ID_MAX)
    member_id = checks.required_text(command.member_id, what="The member", max_length=ID_MAX)
    gross = checks.positive(command.gross_qty_g, what="The gross weight")
    if not 0 <= command.tare_g < gross:
        raise InvalidTare(
            f"The tare ({command.tare_g} g) must be 0 g or more and below the gross weight "
            f"({gross} g)."
        )
    day = checks.not_in_future(command.business_date, what="The business date", today=today)
    harvest = _harvested_by(command.harvest_date, day)
    lot = checks.optional_text(command.lot_id, what="The lot", max_length=LOT_MAX)
    if lot is None:
        raise LotIdRequired("Produce from members is kept by lot; name the lot.")
    expiry = expiry_for(product, None, harvest)
    check_lot_expiry(ledger, lot, expiry)
    price = _buying_price(product, command, day)
    net = gross - command.tare_g
    amount = checks.amount(line_amount(net, price.price_idr, price.per_qty),
                           what=f"The produce ({net} g at Rp {price.price_idr} per "
                                f"{price.per_qty} g)")
    variance, _ = ledger.valuation.put(net, amount)
    return [
        ProduceReceivedFromMember(
            receipt_id=receipt_id,
            warehouse_id=ledger.warehouse_id,
            product_id=ledger.product_id,
            member_id=member_id,
            gross_qty_g=gross,
            tare_g=command.tare_g,
            net_qty_g=net,
            grade=checks.optional_text(command.grade, what="The grade", max_length=TEXT_MAX),
            lot_id=lot,
            harvest_date=harvest,
            expiry_date=expiry,
            price_idr=price.price_idr,
            per_qty=price.per_qty,
            amount_idr=amount,
            business_date=day,
            recorded_offline=command.recorded_offline,
            settlement_variance_idr=variance,
        )
    ]


def _harvested_by(harvest_date: date, day: date) -> date:
    return checks.not_in_future(
        harvest_date, what="The harvest date", today=day, limit="the receipt's business date"
    )


def _buying_price(product: Product, command: ReceiveProduce, day: date) -> Price:
    if command.price_idr is None:
        listed = product.price_on(PriceList.BUY_FROM_MEMBER, day)
        if listed is None:
            raise NoPriceOnDate(
                f"{product.name} has no buy-from-member price on {day.isoformat()}."
            )
        return listed
    checks.amount(command.price_idr, what="The buying price")
    if command.per_qty <= 0:
        raise PricingQtyNotPositive(
            f"The buying price must be for more than 0 g; it is for {command.per_qty} g."
        )
    return Price(
        price_list=PriceList.BUY_FROM_MEMBER,
        price_idr=command.price_idr,
        per_qty=command.per_qty,
        effective_from=day,
    )


@value_limited
def receive_transfer(
    ledger: StockLedger, command: ReceiveTransfer, *, product: Product, today: date
) -> list[StockEvent]:
    """Take in a transfer: every line sent, at its cost, then what did not arrive as lost.

    Shrinkage (sent - received) is written off from the transfer's lots, last line
    first, as ``StockAdjusted(lost)`` with ``adjustment_id = <transfer_id>/shrinkage/<n>``.
    """
    same_product(ledger, product)
    transfer_id = checks.required_text(command.transfer_id, what="The transfer", max_length=ID_MAX)
    if transfer_id in ledger.received_transfer_ids:
        raise TransferAlreadyReceived(f"Transfer {transfer_id} was already received here.")
    if command.from_warehouse_id == ledger.warehouse_id:
        raise TransferToSameWarehouse("A transfer comes from another warehouse.")
    if not command.lines:
        raise TransferHasNoLines("The transfer received carries no lines.")
    for line in command.lines:
        checks.positive(line.qty, what="The quantity of a transfer line")
        checks.amount(line.cost_idr, what="The cost of a transfer line")
        if line.lot_id is not None:
            lot_for(product, line.lot_id)
            check_lot_expiry(ledger, line.lot_id, line.expiry_date)
    sent = sum(line.qty for line in command.lines)
    if not 0 <= command.qty_received <= sent:
        raise ReceivedQuantityOutOfRange(
            f"The quantity received ({command.qty_received}) must lie between 0 and the "
            f"{sent} sent."
        )
    day = checks.not_in_future(command.business_date, what="The business date", today=today)
    valuation, variance = ledger.valuation, 0
    for line in command.lines:
        settled, valuation = valuation.put(line.qty, line.cost_idr)
        variance += settled
    arrived = StockTransferredIn(
        transfer_id=transfer_id,
        warehouse_id=ledger.warehouse_id,
        product_id=ledger.product_id,
        from_warehouse_id=command.from_warehouse_id,
        lines=command.lines,
        qty_received=command.qty_received,
        shrinkage_qty=sent - command.qty_received,
        business_date=day,
        settlement_variance_idr=variance,
    )
    return [arrived, *_shrinkage(arrived, valuation)]


def _shrinkage(arrived: StockTransferredIn, valuation: Valuation) -> list[StockEvent]:
    events: list[StockEvent] = []
    remaining = arrived.shrinkage_qty
    for line in reversed(arrived.lines):
        qty = min(remaining, line.qty)
        if qty == 0:
            break
        cost, valuation = valuation.take(qty)
        remaining -= qty
        events.append(_lost(arrived, line, qty, cost, n=len(events) + 1))
    return events


def _lost(
    arrived: StockTransferredIn, line: StockLine, qty: int, cost: int, *, n: int
) -> StockAdjusted:
    return StockAdjusted(
        adjustment_id=f"{arrived.transfer_id}/shrinkage/{n}",
        warehouse_id=arrived.warehouse_id,
        product_id=arrived.product_id,
        qty_delta=-qty,
        reason=AdjustmentReason.LOST,
        lot_id=line.lot_id,
        value_idr=cost,
        business_date=arrived.business_date,
        reference=arrived.transfer_id,
    )
