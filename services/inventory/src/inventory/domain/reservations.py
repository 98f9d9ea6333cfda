"""Deciders for stock held for an order: reserve it, release it.

A reservation moves nothing: on hand, lots and value stay as they are. It lowers what
the ledger has ``available``, which is all an online sale, transfer or another order
may take (``stock_issues``), so goods an outside buyer ordered are not sold at the shop
while the order waits for payment. Every reservation ends exactly once: the shipment
releases it (``fulfilled``) just before the sale's issue takes the goods, a
cancellation or the payment deadline (``expired``) gives them back to the shop.

Ledger invariant (checked by the property test): ``reserved >= 0`` and every
reservation's quantity is above zero; ``available = on_hand - reserved``.
"""

from __future__ import annotations

from datetime import date

from inventory.domain import checks
from inventory.domain.errors import InsufficientStock
from inventory.domain.ledger import StockLedger
from inventory.domain.order_errors import ReservationAlreadyHeld
from inventory.domain.product import Product
from inventory.domain.stock_events import StockEvent, StockReservationReleased, StockReserved
from inventory.domain.stock_rules import same_product
from inventory.domain.values import ReleaseReason

__all__ = ["release_reservation", "reserve_stock"]

ID_MAX = 100


def reserve_stock(ledger: StockLedger, *, reservation_id: str, qty: int, product: Product,
                  business_date: date, today: date) -> list[StockEvent]:
    """Hold ``qty`` of what is available for ``reservation_id`` (one hold per order and
    ledger: an order naming a product twice reserves the sum)."""
    same_product(ledger, product)
    rid = checks.required_text(reservation_id, what="The reservation", max_length=ID_MAX)
    if rid in ledger.reservations:
        raise ReservationAlreadyHeld(f"Stock is already held for {rid} here.")
    qty = checks.positive(qty, what="The quantity ordered")
    day = checks.not_in_future(business_date, what="The business date", today=today)
    if qty > max(ledger.available, 0):
        held = f" ({ledger.reserved} held for other orders)" if ledger.reserved else ""
        raise InsufficientStock(
            f"Only {max(ledger.available, 0)} {product.base_unit} of {product.name} are "
            f"available{held}; {qty} were ordered.")
    return [StockReserved(reservation_id=rid, warehouse_id=ledger.warehouse_id,
                          product_id=ledger.product_id, qty=qty, business_date=day)]


def release_reservation(ledger: StockLedger, *, reservation_id: str, reason: ReleaseReason,
                        business_date: date) -> list[StockEvent]:
    """End the hold of ``reservation_id``; nothing when there is none (already released:
    a release is the consequence of an order's fact, applied once)."""
    qty = ledger.reservations.get(reservation_id)
    if qty is None:
        return []
    return [StockReservationReleased(
        reservation_id=reservation_id, warehouse_id=ledger.warehouse_id,
        product_id=ledger.product_id, qty=qty, reason=reason, business_date=business_date)]
