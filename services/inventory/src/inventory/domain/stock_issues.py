"""Deciders for stock going out: issues (sales, own use, supplier returns), their
compensating returns, and transfers to another warehouse.

Lots are picked by ``lots.pick`` (FEFO for ``lot_expiry``, FIFO for ``lot``) and
costed line by line at the moving average (``valuation``).

Offline-first (domain handbook §6 rules 5 and 7): a sale recorded offline already
handed the goods over, so it is never refused for stock. It may drive the ledger below
zero (``went_negative``, flagged until a count) and may take expired lots when nothing
else is left (``issued_expired``). An online issue beyond the stock on hand is refused
unless the caller passes ``allow_negative``; an online sale that would need expired
lots is refused unless the caller passes ``allow_expired``.
"""

from __future__ import annotations

from datetime import date

from inventory.domain import checks
from inventory.domain.errors import (
    ExpiredStockNotSellable,
    InsufficientStock,
    IssueAlreadyRecorded,
    IssueAlreadyReturned,
    IssueNotFound,
    TransferAlreadySent,
    TransferToSameWarehouse,
)
from inventory.domain.ledger import StockLedger
from inventory.domain.lots import pick
from inventory.domain.product import Product
from inventory.domain.stock_commands import IssueStock, ReturnStock, TransferStockOut
from inventory.domain.stock_events import (
    StockEvent,
    StockIssued,
    StockReturned,
    StockTransferredOut,
)
from inventory.domain.stock_limits import value_limited
from inventory.domain.stock_rules import cost_pick, same_product
from inventory.domain.values import IssueReason

__all__ = ["issue_stock", "return_stock", "transfer_stock_out"]

ID_MAX = 100


@value_limited
def issue_stock(
    ledger: StockLedger,
    command: IssueStock,
    *,
    product: Product,
    today: date,
    allow_negative: bool = False,
    allow_expired: bool = False,
) -> list[StockEvent]:
    """Take ``qty`` out of stock, lot by lot, at the moving-average cost.

    Sales leave expired lots (expiry before the business date) for last.
    """
    same_product(ledger, product)
    issue_id = checks.required_text(command.issue_id, what="The issue", max_length=ID_MAX)
    if issue_id in ledger.issues:
        raise IssueAlreadyRecorded(f"Issue {issue_id} is already in this ledger.")
    reference = checks.required_text(command.reference, what="The reference", max_length=ID_MAX)
    qty = checks.positive(command.qty, what="The quantity issued")
    day = checks.not_in_future(command.business_date, what="The business date", today=today)
    is_sale = command.reason is IssueReason.SALE
    picked = pick(
        ledger.lots.values(), qty, tracking=product.lot_tracking, day=day, expired_last=is_sale
    )
    if not command.recorded_offline:
        _check_on_hand(ledger, qty, product, allow_negative)
        if picked.used_expired and not allow_expired:
            raise ExpiredStockNotSellable(
                f"The lots of {product.name} still good on {day.isoformat()} hold less than "
                f"the {qty} {product.base_unit} sold; expired lots are written off, not sold."
            )
    return [
        StockIssued(
            issue_id=issue_id,
            warehouse_id=ledger.warehouse_id,
            product_id=ledger.product_id,
            reason=command.reason,
            reference=reference,
            lines=cost_pick(ledger.valuation, picked, ledger.lots),
            business_date=day,
            went_negative=ledger.on_hand < qty,
            issued_expired=picked.used_expired,
            recorded_offline=command.recorded_offline,
        )
    ]


def _check_on_hand(ledger: StockLedger, qty: int, product: Product, allow_negative: bool) -> None:
    """Online, only what no order holds may leave (reserved goods are on the shelf but
    sold already); an order's own shipment releases its reservation first."""
    if qty > max(ledger.available, 0) and not allow_negative:
        held = f" ({ledger.reserved} held for orders)" if ledger.reserved else ""
        raise InsufficientStock(
            f"Only {max(ledger.available, 0)} {product.base_unit} of {product.name} are "
            f"available{held}; {qty} were asked for."
        )


@value_limited
def return_stock(ledger: StockLedger, command: ReturnStock, *, today: date) -> list[StockEvent]:
    """Put back exactly what issue ``issue_id`` took, lot by lot, at the cost it left at.

    This is the compensation of an issue (its sale was voided): right after the issue
    it restores the quantity, every lot and the value exactly. Lines are put back last
    first, so an issue that drove the ledger below zero is undone without a variance.
    """
    record = ledger.issues.get(command.issue_id)
    if record is None:
        raise IssueNotFound(f"This ledger holds no issue {command.issue_id}.")
    if command.issue_id in ledger.returned_issue_ids:
        raise IssueAlreadyReturned(f"The stock of issue {command.issue_id} was put back already.")
    day = checks.not_in_future(command.business_date, what="The business date", today=today)
    valuation, variance = ledger.valuation, 0
    for line in reversed(record.lines):
        settled, valuation = valuation.put(line.qty, line.cost_idr)
        variance += settled
    return [
        StockReturned(
            issue_id=command.issue_id,
            warehouse_id=ledger.warehouse_id,
            product_id=ledger.product_id,
            reference=record.reference,
            lines=record.lines,
            business_date=day,
            settlement_variance_idr=variance,
        )
    ]


@value_limited
def transfer_stock_out(
    ledger: StockLedger,
    command: TransferStockOut,
    *,
    product: Product,
    today: date,
    allow_negative: bool = False,
) -> list[StockEvent]:
    """Send ``qty`` to another warehouse, lots picked as for an issue, at cost."""
    same_product(ledger, product)
    transfer_id = checks.required_text(command.transfer_id, what="The transfer", max_length=ID_MAX)
    if transfer_id in ledger.sent_transfer_ids:
        raise TransferAlreadySent(f"Transfer {transfer_id} already left this warehouse.")
    if command.to_warehouse_id == ledger.warehouse_id:
        raise TransferToSameWarehouse("A transfer goes to another warehouse.")
    to_cooperative = checks.required_text(
        command.to_cooperative_id, what="The receiving cooperative", max_length=ID_MAX
    )
    qty = checks.positive(command.qty, what="The quantity transferred")
    day = checks.not_in_future(command.business_date, what="The business date", today=today)
    _check_on_hand(ledger, qty, product, allow_negative)
    picked = pick(
        ledger.lots.values(), qty, tracking=product.lot_tracking, day=day, expired_last=False
    )
    return [
        StockTransferredOut(
            transfer_id=transfer_id,
            warehouse_id=ledger.warehouse_id,
            product_id=ledger.product_id,
            to_warehouse_id=command.to_warehouse_id,
            to_cooperative_id=to_cooperative,
            lines=cost_pick(ledger.valuation, picked, ledger.lots),
            business_date=day,
            went_negative=ledger.on_hand < qty,
        )
    ]
