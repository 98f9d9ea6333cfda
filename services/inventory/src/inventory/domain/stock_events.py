"""Domain events of the stock ledger: one stream per (warehouse, product).

The caller names the stream; every event carries ``warehouse_id`` and ``product_id`` so
a consumer need not parse it. Quantities are integers in the product's base unit
(grams, pieces, millilitres); money is integer rupiah.

Value fields follow ``inventory.domain.valuation``: a ``cost_idr`` or ``value_idr`` is
always zero or more and its direction is the event's; ``settlement_variance_idr`` is
non-zero only on the inflow that brings an oversold (negative) ledger back to zero or
above, and is the cost-of-goods correction of what was sold before it arrived.
"""

from __future__ import annotations

import dataclasses
from datetime import date

from gotong_platform.domain import DomainEvent
from inventory.domain.values import AdjustmentReason, IssueReason, ReleaseReason

__all__ = [
    "CountLine",
    "GoodsReceived",
    "ProduceReceivedFromMember",
    "StockAdjusted",
    "StockCounted",
    "StockEvent",
    "StockIssued",
    "StockLine",
    "StockReservationReleased",
    "StockReserved",
    "StockReturned",
    "StockTransferredIn",
    "StockTransferredOut",
]


@dataclasses.dataclass(frozen=True, kw_only=True)
class StockLine:
    """Part of a movement from or to one lot (``None``: the product has no lots, or the
    part of an oversell no lot covered), with the cost it moved at."""

    lot_id: str | None
    qty: int
    cost_idr: int
    expiry_date: date | None = None  # so the receiving warehouse knows the lot's expiry


@dataclasses.dataclass(frozen=True, kw_only=True)
class CountLine:
    """One lot in a stock count (stock opname): what was found and what the ledger said."""

    lot_id: str | None
    counted_qty: int
    system_qty: int


@dataclasses.dataclass(frozen=True, kw_only=True)
class GoodsReceived(DomainEvent):
    """Goods came in from a supplier (or a first stock take) at ``total_cost_idr``."""

    event_type = "GoodsReceived"
    schema_version = 1

    receipt_id: str
    warehouse_id: str
    product_id: str
    qty: int
    total_cost_idr: int  # the cost of the whole receipt, not per unit
    lot_id: str | None
    harvest_date: date | None
    expiry_date: date | None
    supplier_ref: str | None
    business_date: date
    settlement_variance_idr: int = 0


@dataclasses.dataclass(frozen=True, kw_only=True)
class ProduceReceivedFromMember(DomainEvent):
    """A member delivered produce; it was weighed and bought at the buy-from-member price.

    ``amount_idr = line_amount(net_qty_g, price_idr, per_qty)`` is what the member is
    owed (payments settles it, with any deductions) and the cost the stock comes in at.
    """

    event_type = "ProduceReceivedFromMember"
    schema_version = 1

    receipt_id: str
    warehouse_id: str
    product_id: str
    member_id: str
    gross_qty_g: int
    tare_g: int
    net_qty_g: int
    grade: str | None
    lot_id: str
    harvest_date: date
    expiry_date: date | None
    price_idr: int
    per_qty: int
    amount_idr: int
    business_date: date
    recorded_offline: bool
    settlement_variance_idr: int = 0


@dataclasses.dataclass(frozen=True, kw_only=True)
class StockIssued(DomainEvent):
    """Stock left for a sale, own use or back to the supplier, lot by lot at cost.

    ``went_negative``: the ledger had less than this (an offline sale of goods already
    handed over, or an issue the caller allowed); a stock count resolves it.
    ``issued_expired``: a sale had to take expired lots because nothing else was left.
    """

    event_type = "StockIssued"
    schema_version = 1

    issue_id: str
    warehouse_id: str
    product_id: str
    reason: IssueReason
    reference: str  # the sale id, supplier return note, ...
    lines: tuple[StockLine, ...]
    business_date: date
    went_negative: bool
    issued_expired: bool
    recorded_offline: bool


@dataclasses.dataclass(frozen=True, kw_only=True)
class StockReturned(DomainEvent):
    """Compensation: exactly what issue ``issue_id`` took went back, lot by lot at its cost."""

    event_type = "StockReturned"
    schema_version = 1

    issue_id: str
    warehouse_id: str
    product_id: str
    reference: str
    lines: tuple[StockLine, ...]
    business_date: date
    settlement_variance_idr: int = 0


@dataclasses.dataclass(frozen=True, kw_only=True)
class StockAdjusted(DomainEvent):
    """Stock was written off (damaged, rotten, expired, lost) or corrected by a count.

    ``qty_delta`` is signed; ``value_idr`` is the value that moved with it (≥ 0).
    ``reference`` is the count or transfer the adjustment comes from, if any.
    """

    event_type = "StockAdjusted"
    schema_version = 1

    adjustment_id: str
    warehouse_id: str
    product_id: str
    qty_delta: int
    reason: AdjustmentReason
    lot_id: str | None
    value_idr: int
    business_date: date
    reference: str | None = None
    settlement_variance_idr: int = 0


@dataclasses.dataclass(frozen=True, kw_only=True)
class StockCounted(DomainEvent):
    """A stock count (stock opname) of the product here; corrections follow as
    ``StockAdjusted(count_correction)`` with ``reference = count_id``."""

    event_type = "StockCounted"
    schema_version = 1

    count_id: str
    warehouse_id: str
    product_id: str
    lines: tuple[CountLine, ...]
    business_date: date


@dataclasses.dataclass(frozen=True, kw_only=True)
class StockTransferredOut(DomainEvent):
    """Stock left for another warehouse (possibly of another cooperative), at cost."""

    event_type = "StockTransferredOut"
    schema_version = 1

    transfer_id: str
    warehouse_id: str
    product_id: str
    to_warehouse_id: str
    to_cooperative_id: str
    lines: tuple[StockLine, ...]
    business_date: date
    went_negative: bool


@dataclasses.dataclass(frozen=True, kw_only=True)
class StockTransferredIn(DomainEvent):
    """A transfer arrived: every line sent comes in at its cost; what did not arrive
    (``shrinkage_qty = sent - qty_received``) leaves again as ``StockAdjusted(lost)``."""

    event_type = "StockTransferredIn"
    schema_version = 1

    transfer_id: str
    warehouse_id: str
    product_id: str
    from_warehouse_id: str
    lines: tuple[StockLine, ...]
    qty_received: int
    shrinkage_qty: int
    business_date: date
    settlement_variance_idr: int = 0


@dataclasses.dataclass(frozen=True, kw_only=True)
class StockReserved(DomainEvent):
    """``qty`` of the stock on hand is held for an order (``reservation_id``, the order's
    id) until it is shipped, cancelled or not paid in time. Nothing leaves the shelf:
    on hand, lots and value are unchanged, but the shop can no longer sell it."""

    event_type = "StockReserved"
    schema_version = 1

    reservation_id: str
    warehouse_id: str
    product_id: str
    qty: int
    business_date: date


@dataclasses.dataclass(frozen=True, kw_only=True)
class StockReservationReleased(DomainEvent):
    """The hold of ``reservation_id`` ended: the goods were shipped (``fulfilled``: the
    sale's ``StockIssued`` follows in the same transaction), the order was cancelled,
    or it was not paid in time (``expired``)."""

    event_type = "StockReservationReleased"
    schema_version = 1

    reservation_id: str
    warehouse_id: str
    product_id: str
    qty: int
    reason: ReleaseReason
    business_date: date


StockEvent = (
    GoodsReceived
    | ProduceReceivedFromMember
    | StockIssued
    | StockReturned
    | StockAdjusted
    | StockCounted
    | StockTransferredOut
    | StockTransferredIn
    | StockReserved
    | StockReservationReleased
)
