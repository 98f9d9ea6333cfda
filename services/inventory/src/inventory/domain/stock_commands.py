"""Commands of the stock ledger: what a clerk (or the sale flow) asks of one
product in one warehouse.

Quantities are integers in the product's base unit. Ids of documents (receipt,
issue, count, transfer) are made by the client, so an offline device can name them.
"""

from __future__ import annotations

import dataclasses
from datetime import date

from inventory.domain.stock_events import StockLine
from inventory.domain.values import AdjustmentReason, IssueReason

__all__ = [
    "AdjustStock",
    "CountStock",
    "CountedLot",
    "IssueStock",
    "ReceiveGoods",
    "ReceiveProduce",
    "ReceiveTransfer",
    "ReturnStock",
    "TransferStockOut",
]


@dataclasses.dataclass(frozen=True, kw_only=True)
class ReceiveGoods:
    receipt_id: str
    qty: int
    total_cost_idr: int  # what the whole receipt cost
    business_date: date
    lot_id: str | None = None
    harvest_date: date | None = None
    expiry_date: date | None = None  # default for lot_expiry: harvest date + shelf life
    supplier_ref: str | None = None


@dataclasses.dataclass(frozen=True, kw_only=True)
class ReceiveProduce:
    """A member's delivery, weighed with its packaging (``tare_g``).

    ``price_idr`` is the buy-from-member price the device used, per ``per_qty`` grams;
    left out, the product's buy-from-member list price of the business date applies.
    """

    receipt_id: str
    member_id: str
    gross_qty_g: int
    tare_g: int
    lot_id: str
    harvest_date: date
    business_date: date
    grade: str | None = None
    price_idr: int | None = None
    per_qty: int = 1000
    recorded_offline: bool = False


@dataclasses.dataclass(frozen=True, kw_only=True)
class IssueStock:
    issue_id: str
    reason: IssueReason
    reference: str  # the sale id, supplier return note, ...
    qty: int
    business_date: date
    recorded_offline: bool = False


@dataclasses.dataclass(frozen=True, kw_only=True)
class ReturnStock:
    """Put back everything issue ``issue_id`` took (e.g. its sale was voided)."""

    issue_id: str
    business_date: date


@dataclasses.dataclass(frozen=True, kw_only=True)
class AdjustStock:
    """Write off ``qty`` units (damaged, rotten, expired, lost)."""

    adjustment_id: str
    qty: int
    reason: AdjustmentReason
    business_date: date
    lot_id: str | None = None


@dataclasses.dataclass(frozen=True, kw_only=True)
class CountedLot:
    lot_id: str | None
    qty: int


@dataclasses.dataclass(frozen=True, kw_only=True)
class CountStock:
    """A full count (stock opname) of the product here: a lot not listed was not found."""

    count_id: str
    counted: tuple[CountedLot, ...]
    business_date: date


@dataclasses.dataclass(frozen=True, kw_only=True)
class TransferStockOut:
    transfer_id: str
    to_warehouse_id: str
    to_cooperative_id: str
    qty: int
    business_date: date


@dataclasses.dataclass(frozen=True, kw_only=True)
class ReceiveTransfer:
    """A transfer arriving: ``lines`` as the sending ledger recorded them."""

    transfer_id: str
    from_warehouse_id: str
    lines: tuple[StockLine, ...]
    qty_received: int
    business_date: date
