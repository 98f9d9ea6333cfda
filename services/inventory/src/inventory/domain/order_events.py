"""Domain events of an order from an outside buyer: stream ``order-<uuid>``.

The stock side is in the ledgers: ``StockReserved`` per line when the order is placed
(``reservation_id`` = the order id), ``StockReservationReleased`` when it ends, and at
the shipment the sale (``SaleRecorded`` with channel ``online``) issues the goods.
"""

from __future__ import annotations

import dataclasses
from datetime import date, datetime

from gotong_platform.domain import DomainEvent
from inventory.domain.values import OrderPaymentMethod

__all__ = [
    "OrderCancelled",
    "OrderEvent",
    "OrderExpired",
    "OrderLine",
    "OrderPacked",
    "OrderPaid",
    "OrderPlaced",
    "OrderShipped",
]


@dataclasses.dataclass(frozen=True, kw_only=True)
class OrderLine:
    """``qty`` base units at the price for outside buyers when the order was placed
    (``price_idr`` per ``per_qty``); ``line_total_idr = line_amount(...)``."""

    product_id: str
    qty: int
    price_idr: int
    per_qty: int
    line_total_idr: int


@dataclasses.dataclass(frozen=True, kw_only=True)
class OrderPlaced(DomainEvent):
    """A buyer ordered; the lines' stock is reserved until ``pay_by``."""

    event_type = "OrderPlaced"
    schema_version = 1

    order_id: str
    cooperative_id: str
    warehouse_id: str
    buyer_name: str
    buyer_phone: str
    delivery_address: str
    delivery_regency: str | None
    lines: tuple[OrderLine, ...]
    total_idr: int
    placed_at: datetime
    pay_by: datetime
    business_date: date
    # "partner:<client>" when a buyer partner placed it through the partner API; None
    # for a person ordering through the catalogue.
    placed_by: str | None = None


@dataclasses.dataclass(frozen=True, kw_only=True)
class OrderPaid(DomainEvent):
    """The cooperative saw the buyer's transfer or QRIS payment of the whole total."""

    event_type = "OrderPaid"
    schema_version = 1

    order_id: str
    cooperative_id: str
    method: OrderPaymentMethod
    reference: str
    amount_idr: int
    business_date: date


@dataclasses.dataclass(frozen=True, kw_only=True)
class OrderPacked(DomainEvent):
    event_type = "OrderPacked"
    schema_version = 1

    order_id: str
    cooperative_id: str
    business_date: date


@dataclasses.dataclass(frozen=True, kw_only=True)
class OrderShipped(DomainEvent):
    """Handed to ``courier`` (``tracking_no``); the goods left in sale ``sale_id``."""

    event_type = "OrderShipped"
    schema_version = 1

    order_id: str
    cooperative_id: str
    courier: str
    tracking_no: str
    sale_id: str
    business_date: date


@dataclasses.dataclass(frozen=True, kw_only=True)
class OrderCancelled(DomainEvent):
    """Cancelled before payment (final); the reservation is released."""

    event_type = "OrderCancelled"
    schema_version = 1

    order_id: str
    cooperative_id: str
    reason: str | None
    business_date: date


@dataclasses.dataclass(frozen=True, kw_only=True)
class OrderExpired(DomainEvent):
    """Not paid by ``pay_by`` (final); the reservation is released."""

    event_type = "OrderExpired"
    schema_version = 1

    order_id: str
    cooperative_id: str
    pay_by: datetime
    business_date: date


OrderEvent = OrderPlaced | OrderPaid | OrderPacked | OrderShipped | OrderCancelled | OrderExpired
