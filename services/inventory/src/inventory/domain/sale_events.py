"""Domain events of a sale: the shop's document, stream ``sale-<uuid>``.

The stock side of a sale is not here: the application issues stock per line from
the (warehouse, product) ledgers with ``reason = sale`` and ``reference = sale_id``,
and a void puts it back with ``StockReturned``.
"""

from __future__ import annotations

import dataclasses
from datetime import date

from gotong_platform.domain import DomainEvent
from inventory.domain.values import BuyerType, PaymentMethod, SaleChannel, VoidReason

__all__ = [
    "SaleCompleted",
    "SaleEvent",
    "SaleLine",
    "SalePayment",
    "SaleRecorded",
    "SaleVoided",
]


@dataclasses.dataclass(frozen=True, kw_only=True)
class SaleLine:
    """``qty`` base units at ``price_idr`` per ``per_qty``; ``line_total_idr`` is
    ``line_amount(qty, price_idr, per_qty)`` (rounded half up to the rupiah)."""

    product_id: str
    qty: int
    price_idr: int
    per_qty: int
    line_total_idr: int


@dataclasses.dataclass(frozen=True, kw_only=True)
class SalePayment:
    method: PaymentMethod
    amount_idr: int


@dataclasses.dataclass(frozen=True, kw_only=True)
class SaleRecorded(DomainEvent):
    """A sale was rung up; ``total_idr = subtotal_idr - discount_idr = Σ payments``.

    ``buyer_cooperative_id`` names the buying cooperative when ``buyer_type`` is
    ``cooperative`` (and only then)."""

    event_type = "SaleRecorded"
    schema_version = 1

    sale_id: str
    cooperative_id: str
    warehouse_id: str
    buyer_type: BuyerType
    member_id: str | None
    lines: tuple[SaleLine, ...]
    subtotal_idr: int
    discount_idr: int
    total_idr: int
    payments: tuple[SalePayment, ...]
    business_date: date
    receipt_no: str | None
    device_id: str | None
    recorded_offline: bool
    # The buying cooperative of a sale to another cooperative (None in events stored
    # before such sales existed).
    buyer_cooperative_id: str | None = None
    # Where the sale was made: the shop's till, or an order from an outside buyer when
    # it was shipped (events stored before orders existed are the shop's).
    channel: SaleChannel = SaleChannel.SHOP


@dataclasses.dataclass(frozen=True, kw_only=True)
class SaleCompleted(DomainEvent):
    """The payments service recorded the sale's payment."""

    event_type = "SaleCompleted"
    schema_version = 1

    sale_id: str
    cooperative_id: str
    payment_ref: str
    completed_on: date


@dataclasses.dataclass(frozen=True, kw_only=True)
class SaleVoided(DomainEvent):
    """The sale was cancelled (final); its stock is to be returned."""

    event_type = "SaleVoided"
    schema_version = 1

    sale_id: str
    cooperative_id: str
    reason_code: VoidReason
    detail: str | None
    voided_on: date


SaleEvent = SaleRecorded | SaleCompleted | SaleVoided
