"""Orders from outside buyers: place (reserve), pay, pack, ship (sell), cancel, expire.

Every command reads the order and, when stock moves, the warehouse, its products and
their ledgers in one statement (the ``Till``'s read), decides in memory, and writes the
order's events, the ledgers' and (at the shipment) the sale's in the caller's
transaction: a refusal anywhere leaves nothing behind.

- **place**: each line priced for outside buyers (``OrderPricing``), its quantity
  reserved in the ledger (``StockReserved``, reservation id = order id). More than is
  available (on hand less what other orders hold) is 409 ``insufficient-stock``.
- **pay**: the cooperative records the buyer's transfer or QRIS reference and amount;
  the whole total, before ``pay_by``.
- **ship**: per line the reservation is released (``fulfilled``) and the goods issued
  to a sale with channel ``online`` (a non-member buyer, paid by the recorded method):
  the sale then follows the shop's saga (payments records it, inventory completes it).
- **cancel** (before payment) and **expire** (unpaid past ``pay_by``, by the clock the
  caller passes): the reservation is released and the goods are the shop's again.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Protocol

from gotong_platform.db import DbConnection
from gotong_platform.ids import new_id
from gotong_platform.provenance import Provenance
from inventory.application.ports import Orders, Till
from inventory.domain import (
    BuyerType,
    IssueReason,
    IssueStock,
    PaymentMethod,
    Place,
    Product,
    ProductNotFound,
    RecordSale,
    SaleLine,
    SalePayment,
    StockEvent,
    StockLedger,
    WarehouseNotFound,
    evolve_stock,
    issue_stock,
    record_sale,
)
from inventory.domain.order import (
    Buyer,
    Order,
    cancel_order,
    expire_order,
    pack_order,
    pay_order,
    place_order,
    ship_order,
)
from inventory.domain.order_errors import NoOnlinePrice, OrderNotFound
from inventory.domain.order_events import OrderEvent, OrderLine
from inventory.domain.reservations import release_reservation, reserve_stock
from inventory.domain.values import OrderPaymentMethod, PriceList, ReleaseReason, SaleChannel

__all__ = ["DEFAULT_PAY_WITHIN", "ListPricing", "OrderPricing", "OrderRequest", "OrdersService"]

DEFAULT_PAY_WITHIN = timedelta(hours=24)


class OrderPricing(Protocol):
    """The price an outside buyer pays for a product on a day (None: not sold online)."""

    def price(self, product: Product, qty: int, day: date) -> OrderLine | None:
        ...


class ListPricing:
    """Until the public catalogue publishes listings, an outside buyer pays the
    non-member price list (harga umum) of the order's day."""

    def price(self, product: Product, qty: int, day: date) -> OrderLine | None:
        price = product.price_on(PriceList.NON_MEMBER, day)
        if price is None:
            return None
        return OrderLine(product_id=product.product_id, qty=qty, price_idr=price.price_idr,
                         per_qty=price.per_qty, line_total_idr=price.amount(qty))


@dataclass(frozen=True, kw_only=True)
class OrderRequest:
    warehouse_id: str
    buyer: Buyer
    lines: tuple[tuple[str, int], ...]  # (product id, qty)
    placed_by: str | None = None


@dataclass(frozen=True)
class OrdersService:
    till: Till
    orders: Orders
    pricing: OrderPricing
    pay_within: timedelta = DEFAULT_PAY_WITHIN

    async def place(self, conn: DbConnection, cooperative_id: str, request: OrderRequest,
                    *, now: datetime, today: date, provenance: Provenance) -> Order:
        order_id = new_id("order")
        place = await self._place(conn, cooperative_id, request.warehouse_id,
                                  [pid for pid, _ in request.lines])
        lines = tuple(self._priced(place, pid, qty, today) for pid, qty in request.lines)
        events = place_order(None, order_id=order_id, cooperative_id=cooperative_id,
                             warehouse_id=request.warehouse_id, buyer=request.buyer,
                             lines=lines, now=now, pay_within=self.pay_within, today=today,
                             placed_by=request.placed_by)
        changed = []
        for line in sorted(lines, key=lambda x: x.product_id):  # ledgers in product order
            ledger, _ = place.ledgers[line.product_id]
            changed.append(_folded(ledger, reserve_stock(
                ledger, reservation_id=order_id, qty=line.qty,
                product=place.products[line.product_id], business_date=today, today=today)))
        return await self.orders.write(conn, place, changed, None, 0, events,
                                       provenance=provenance)

    async def pay(self, conn: DbConnection, cooperative_id: str, order_id: str, *,
                  method: OrderPaymentMethod, reference: str, amount_idr: int,
                  now: datetime, today: date, provenance: Provenance) -> Order:
        order, version = await self._load(conn, cooperative_id, order_id)
        events = pay_order(order, method=method, reference=reference, amount_idr=amount_idr,
                           now=now, today=today)
        return await self.orders.write(conn, None, [], order, version, events,
                                       provenance=provenance)

    async def pack(self, conn: DbConnection, cooperative_id: str, order_id: str, *,
                   today: date, provenance: Provenance) -> Order:
        order, version = await self._load(conn, cooperative_id, order_id)
        return await self.orders.write(conn, None, [], order, version,
                                       pack_order(order, today=today), provenance=provenance)

    async def ship(self, conn: DbConnection, cooperative_id: str, order_id: str, *,
                   courier: str, tracking_no: str, today: date, provenance: Provenance
                   ) -> Order:
        """The goods leave: reservations released, stock issued to an online sale."""
        order, version = await self._load(conn, cooperative_id, order_id)
        sale_id = new_id("sale")
        events = ship_order(order, courier=courier, tracking_no=tracking_no, sale_id=sale_id,
                            today=today)
        numbered = sorted(enumerate(order.lines, start=1), key=lambda nl: nl[1].product_id)
        place = await self.till.load_place(conn, order.warehouse_id,
                                           [line.product_id for line in order.lines],
                                           [f"{sale_id}/{n}" for n, _ in numbered])
        changed = []
        for n, line in numbered:
            ledger, _ = place.ledgers[line.product_id]
            taken = release_reservation(ledger, reservation_id=order.order_id,
                                        reason=ReleaseReason.FULFILLED, business_date=today)
            after = _fold(ledger, taken)
            issued = issue_stock(after, IssueStock(
                issue_id=f"{sale_id}/{n}", reason=IssueReason.SALE, reference=sale_id,
                qty=line.qty, business_date=today), product=place.products[line.product_id],
                today=today)
            changed.append(_folded(ledger, [*taken, *issued]))
        sale = record_sale(None, RecordSale(
            cooperative_id=cooperative_id, warehouse_id=order.warehouse_id,
            buyer_type=BuyerType.NON_MEMBER, member_id=None,
            lines=tuple(SaleLine(product_id=x.product_id, qty=x.qty, price_idr=x.price_idr,
                                 per_qty=x.per_qty, line_total_idr=x.line_total_idr)
                        for x in order.lines),
            payments=(SalePayment(method=PaymentMethod(_paid_by(order).value),
                                  amount_idr=order.total_idr),),
            business_date=today, receipt_no=order.order_id, channel=SaleChannel.ONLINE),
            sale_id=sale_id, today=today)
        return await self.orders.write(conn, place, changed, order, version, events,
                                       provenance=provenance, sale_events=sale)

    async def cancel(self, conn: DbConnection, cooperative_id: str, order_id: str, *,
                     reason: str | None, today: date, provenance: Provenance) -> Order:
        order, version = await self._load(conn, cooperative_id, order_id)
        events = cancel_order(order, reason=reason, today=today)
        return await self._release(conn, order, version, events, ReleaseReason.CANCELLED,
                                   today, provenance)

    async def expire_due(self, conn: DbConnection, cooperative_id: str, *, now: datetime,
                         today: date, provenance: Provenance, limit: int = 100) -> list[str]:
        """Expire the cooperative's unpaid orders past their deadline at ``now`` (at most
        ``limit`` per call); the ids expired."""
        expired = []
        for order_id in await self.orders.due(conn, cooperative_id, now, limit):
            order, version = await self._load(conn, cooperative_id, order_id)
            events = expire_order(order, now=now, today=today)
            if events:
                await self._release(conn, order, version, events, ReleaseReason.EXPIRED,
                                    today, provenance)
                expired.append(order_id)
        return expired

    async def _release(self, conn: DbConnection, order: Order, version: int,
                       events: Sequence[OrderEvent], reason: ReleaseReason, today: date,
                       provenance: Provenance) -> Order:
        place = await self.till.load_place(conn, order.warehouse_id,
                                           [line.product_id for line in order.lines])
        changed = []
        for pid in sorted(line.product_id for line in order.lines):
            ledger, _ = place.ledgers[pid]
            changed.append(_folded(ledger, release_reservation(
                ledger, reservation_id=order.order_id, reason=reason, business_date=today)))
        return await self.orders.write(conn, place, changed, order, version, events,
                                       provenance=provenance)

    async def _load(self, conn: DbConnection, cooperative_id: str, order_id: str
                    ) -> tuple[Order, int]:
        order, version = await self.orders.load(conn, order_id)
        if order is None or order.cooperative_id != cooperative_id:
            raise OrderNotFound("No order with this id in this cooperative.")
        return order, version

    async def _place(self, conn: DbConnection, cooperative_id: str, warehouse_id: str,
                     product_ids: list[str]) -> Place:
        place = await self.till.load_place(conn, warehouse_id, product_ids)
        if place.warehouse is None or place.warehouse.cooperative_id != cooperative_id:
            raise WarehouseNotFound("No warehouse with this id in this cooperative.")
        for pid in product_ids:
            product = place.products.get(pid)
            if product is None or product.cooperative_id != cooperative_id:
                raise ProductNotFound(f"No product {pid} in this cooperative.")
        return place

    def _priced(self, place: Place, product_id: str, qty: int, day: date) -> OrderLine:
        product = place.products[product_id]
        line = self.pricing.price(product, qty, day)
        if line is None:
            raise NoOnlinePrice(f"{product.name} has no price for outside buyers on "
                                f"{day.isoformat()}.")
        return line


def _paid_by(order: Order) -> OrderPaymentMethod:
    if order.payment_method is None:  # the decider ships only paid (and packed) orders
        raise ValueError("a shipped order was paid")
    return order.payment_method


def _fold(ledger: StockLedger, events: Sequence[StockEvent]) -> StockLedger:
    for e in events:
        ledger = evolve_stock(ledger, e)
    return ledger


def _folded(ledger: StockLedger, events: list[StockEvent]
            ) -> tuple[StockLedger, list[StockEvent]]:
    """(the ledger after ``events``, the events), as the write takes them."""
    return _fold(ledger, events), events

