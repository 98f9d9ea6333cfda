"""An order from an outside buyer, as a decider. Stream ``order-<uuid>``.

Lifecycle::

    place (stock reserved)   pay           pack           ship (sale, channel online)
    ──────▶ PLACED ───────────────▶ PAID ───────▶ PACKED ───────▶ SHIPPED
              │ cancel        │ deadline passed (release-expired)
              ▼               ▼
          CANCELLED        EXPIRED              (both final: the reservation is released)

The buyer pays by transfer or QRIS; the cooperative records the payment (the whole
total, by ``pay_by``). Until then the goods stay reserved in their ledgers; after it
an order is no longer cancelled here (a refund is the payments side's business).
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable
from datetime import date, datetime, timedelta
from typing import assert_never

from gotong_platform.domain import replay
from inventory.domain import checks
from inventory.domain.errors import EventSequenceError, LineTotalMismatch, PricingQtyNotPositive
from inventory.domain.order_errors import (
    InvalidPhone,
    OrderHasNoLines,
    OrderLineRepeated,
    OrderNotFound,
    OrderNotPacked,
    OrderNotPaid,
    OrderNotPayable,
    OrderPaymentMismatch,
    OrderPaymentOverdue,
    TooManyOrderLines,
)
from inventory.domain.order_events import (
    OrderCancelled,
    OrderEvent,
    OrderExpired,
    OrderLine,
    OrderPacked,
    OrderPaid,
    OrderPlaced,
    OrderShipped,
)
from inventory.domain.pricing import line_amount
from inventory.domain.values import OrderPaymentMethod, OrderStatus

__all__ = [
    "MAX_ORDER_LINES",
    "Buyer",
    "Order",
    "cancel_order",
    "evolve_order",
    "expire_order",
    "pack_order",
    "pay_order",
    "place_order",
    "replay_order",
    "ship_order",
]

MAX_ORDER_LINES = 50
ID_MAX = 100
NAME_MAX = 100
ADDRESS_MAX = 300
TEXT_MAX = 500
# An Indonesian mobile or landline number: optional +, 8 to 15 digits, spaces and
# dashes allowed between them (stored as typed, trimmed).
_PHONE = re.compile(r"\+?[0-9][0-9 \-]{6,18}[0-9]")


@dataclasses.dataclass(frozen=True, kw_only=True)
class Buyer:
    name: str
    phone: str
    address: str
    regency: str | None = None


@dataclasses.dataclass(frozen=True, kw_only=True)
class Order:
    order_id: str
    cooperative_id: str
    warehouse_id: str
    lines: tuple[OrderLine, ...]
    total_idr: int
    pay_by: datetime
    status: OrderStatus = OrderStatus.PLACED
    payment_method: OrderPaymentMethod | None = None
    payment_reference: str | None = None
    sale_id: str | None = None

    @property
    def holds_stock(self) -> bool:
        """The order's reservation is still in its ledgers."""
        return self.status in (OrderStatus.PLACED, OrderStatus.PAID, OrderStatus.PACKED)


def place_order(state: Order | None, *, order_id: str, cooperative_id: str, warehouse_id: str,
                buyer: Buyer, lines: tuple[OrderLine, ...], now: datetime,
                pay_within: timedelta, today: date, placed_by: str | None = None
                ) -> list[OrderEvent]:
    """The order with its priced lines; payment due ``pay_within`` after ``now``."""
    if state is not None:
        raise EventSequenceError("an order is placed once")
    _check_lines(lines)
    total = checks.amount(sum(line.line_total_idr for line in lines),
                          what="The order's lines together")
    return [OrderPlaced(
        order_id=order_id, cooperative_id=cooperative_id,
        warehouse_id=checks.required_text(warehouse_id, what="The warehouse", max_length=ID_MAX),
        buyer_name=checks.required_text(buyer.name, what="The buyer's name",
                                        max_length=NAME_MAX),
        buyer_phone=_phone(buyer.phone),
        delivery_address=checks.required_text(buyer.address, what="The delivery address",
                                              max_length=ADDRESS_MAX),
        delivery_regency=checks.optional_text(buyer.regency, what="The delivery regency",
                                              max_length=NAME_MAX),
        lines=lines, total_idr=total, placed_at=now, pay_by=now + pay_within,
        business_date=today, placed_by=placed_by)]


def _phone(raw: str) -> str:
    phone = checks.required_text(raw, what="The buyer's phone", max_length=20)
    digits = sum(ch.isdigit() for ch in phone)
    if not _PHONE.fullmatch(phone) or not 8 <= digits <= 15:
        raise InvalidPhone(f"{phone!r} is not a phone number (8 to 15 digits, + allowed).")
    return phone


def _check_lines(lines: tuple[OrderLine, ...]) -> None:
    if not lines:
        raise OrderHasNoLines("An order orders at least one product.")
    if len(lines) > MAX_ORDER_LINES:
        raise TooManyOrderLines(f"An order has at most {MAX_ORDER_LINES} lines.")
    seen: set[str] = set()
    for n, line in enumerate(lines, start=1):
        pid = checks.required_text(line.product_id, what=f"The product of line {n}",
                                   max_length=ID_MAX)
        if pid in seen:
            raise OrderLineRepeated(f"Line {n} repeats a product; order it once, with the "
                                    "whole quantity.")
        seen.add(pid)
        checks.positive(line.qty, what=f"The quantity of line {n}")
        checks.amount(line.price_idr, what=f"The price of line {n}")
        if line.per_qty <= 0:
            raise PricingQtyNotPositive(f"The price of line {n} must be for a quantity above 0.")
        expected = checks.amount(line_amount(line.qty, line.price_idr, line.per_qty),
                                 what=f"Line {n}")
        if line.line_total_idr != expected:
            raise LineTotalMismatch(f"Line {n} is Rp {expected}, not Rp {line.line_total_idr}.")


def pay_order(state: Order | None, *, method: OrderPaymentMethod, reference: str,
              amount_idr: int, now: datetime, today: date) -> list[OrderEvent]:
    """Record the buyer's payment: the whole total, before the deadline."""
    order = _existing(state)
    if order.status is not OrderStatus.PLACED:
        raise OrderNotPayable(f"This order is {order.status.value}; only a placed order is "
                              "paid.")
    ref = checks.required_text(reference, what="The payment reference", max_length=ID_MAX)
    if amount_idr != order.total_idr:
        raise OrderPaymentMismatch(f"The order's total is Rp {order.total_idr}; Rp "
                                   f"{amount_idr} was recorded.")
    if now >= order.pay_by:
        raise OrderPaymentOverdue(f"Payment was due by {order.pay_by.isoformat()}; the "
                                  "reservation is released, the buyer orders again.")
    return [OrderPaid(order_id=order.order_id, cooperative_id=order.cooperative_id,
                      method=method, reference=ref, amount_idr=amount_idr,
                      business_date=today)]


def pack_order(state: Order | None, *, today: date) -> list[OrderEvent]:
    order = _existing(state)
    if order.status is not OrderStatus.PAID:
        raise OrderNotPaid(f"This order is {order.status.value}; a paid order is packed.")
    return [OrderPacked(order_id=order.order_id, cooperative_id=order.cooperative_id,
                        business_date=today)]


def ship_order(state: Order | None, *, courier: str, tracking_no: str, sale_id: str,
               today: date) -> list[OrderEvent]:
    order = _existing(state)
    if order.status is not OrderStatus.PACKED:
        raise OrderNotPacked(f"This order is {order.status.value}; a packed order is "
                             "shipped.")
    return [OrderShipped(
        order_id=order.order_id, cooperative_id=order.cooperative_id,
        courier=checks.required_text(courier, what="The courier", max_length=NAME_MAX),
        tracking_no=checks.required_text(tracking_no, what="The tracking number",
                                         max_length=ID_MAX),
        sale_id=sale_id, business_date=today)]


def cancel_order(state: Order | None, *, reason: str | None, today: date) -> list[OrderEvent]:
    order = _existing(state)
    if order.status is not OrderStatus.PLACED:
        raise OrderNotPayable(f"This order is {order.status.value}; only an unpaid order is "
                              "cancelled.")
    return [OrderCancelled(order_id=order.order_id, cooperative_id=order.cooperative_id,
                           reason=checks.optional_text(reason, what="The reason",
                                                       max_length=TEXT_MAX),
                           business_date=today)]


def expire_order(state: Order | None, *, now: datetime, today: date) -> list[OrderEvent]:
    """The order expired if it is still unpaid at ``now`` past its deadline; otherwise
    nothing (the sweeper asks about every order that may be due)."""
    order = _existing(state)
    if order.status is not OrderStatus.PLACED or now < order.pay_by:
        return []
    return [OrderExpired(order_id=order.order_id, cooperative_id=order.cooperative_id,
                         pay_by=order.pay_by, business_date=today)]


def _existing(state: Order | None) -> Order:
    if state is None:
        raise OrderNotFound("No order with this id in this cooperative.")
    return state


def evolve_order(state: Order | None, event: OrderEvent) -> Order:
    if isinstance(event, OrderPlaced):
        if state is not None:
            raise EventSequenceError("OrderPlaced in an existing stream")
        return Order(order_id=event.order_id, cooperative_id=event.cooperative_id,
                     warehouse_id=event.warehouse_id, lines=event.lines,
                     total_idr=event.total_idr, pay_by=event.pay_by)
    if state is None:
        raise EventSequenceError(f"{event.event_type} before OrderPlaced")
    match event:
        case OrderPaid():
            return dataclasses.replace(state, status=OrderStatus.PAID,
                                       payment_method=event.method,
                                       payment_reference=event.reference)
        case OrderPacked():
            return dataclasses.replace(state, status=OrderStatus.PACKED)
        case OrderShipped():
            return dataclasses.replace(state, status=OrderStatus.SHIPPED, sale_id=event.sale_id)
        case OrderCancelled():
            return dataclasses.replace(state, status=OrderStatus.CANCELLED)
        case OrderExpired():
            return dataclasses.replace(state, status=OrderStatus.EXPIRED)
        case _:
            assert_never(event)


def replay_order(events: Iterable[OrderEvent]) -> Order | None:
    return replay(evolve_order, events)
