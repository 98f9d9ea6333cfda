"""Orders on PostgreSQL: a stream per order (``order-<uuid>``) and its ``orders`` row.

An order's stream is short (placed, paid, packed, shipped), so it is replayed, never
snapshotted. A command appends the order's events first (a concurrent command on the
same order gets 409 before anything else is written), then its ledgers' and its sale's
events with their query rows in one statement (``staging.write``), then refreshes the
``orders`` row, all in the caller's transaction.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from gotong_platform.db import DbConnection, json_dumps
from gotong_platform.eventstore import PostgresEventStore, StreamAppend
from gotong_platform.provenance import Provenance
from inventory.adapters import staging
from inventory.adapters.publishing import order_contract
from inventory.adapters.streams import new_events, outgoing
from inventory.domain import (
    Place,
    SaleEvent,
    StockEvent,
    StockLedger,
    event_to_payload,
)
from inventory.domain.codec import order_event_from_payload
from inventory.domain.order import Order, evolve_order, replay_order
from inventory.domain.order_events import (
    OrderCancelled,
    OrderEvent,
    OrderExpired,
    OrderPacked,
    OrderPaid,
    OrderPlaced,
    OrderShipped,
)

__all__ = ["PostgresOrders", "project_order"]

_DUE = """SELECT order_id FROM orders
          WHERE status = 'placed' AND pay_by <= $2 AND cooperative_id = $1
          ORDER BY pay_by, order_id LIMIT $3"""


class PostgresOrders:
    """The ``Orders`` port (``inventory.application.ports``)."""

    def __init__(self, store: PostgresEventStore) -> None:
        self.store = store

    async def load(self, conn: DbConnection, order_id: str) -> tuple[Order | None, int]:
        if not order_id.startswith("order-"):
            return None, 0
        return await self.store.replay(conn, order_id, order_event_from_payload, replay_order)

    async def write(
        self, conn: DbConnection, place: Place | None,
        changed: Sequence[tuple[StockLedger, Sequence[StockEvent]]],
        before: Order | None, version: int, events: Sequence[OrderEvent], *,
        provenance: Provenance, sale_events: Sequence[SaleEvent] = (),
    ) -> Order:
        state = before
        for e in events:
            state = evolve_order(state, e)
        if state is None:
            raise ValueError("an order is written with at least one event")
        cooperative_id = state.cooperative_id
        out = [outgoing(e, order_contract(e), e.business_date) for e in events]
        await self.store.write_streams(conn, [StreamAppend(
            state.order_id, version, new_events(self.store, out, cooperative_id, provenance))])
        stocks = []
        if place is not None:
            stocks = [staging.stage_stock(
                self.store, place.ledgers[after.product_id][0],
                place.ledgers[after.product_id][1], taken,
                product=place.products[after.product_id], cooperative_id=cooperative_id,
                provenance=provenance, after=after)
                for after, taken in changed if taken]
        sales = []
        if sale_events and place is not None:
            categories = {pid: p.category for pid, p in place.products.items()}
            sales = [staging.stage_sale(self.store, None, 0, sale_events,
                                        categories=categories, provenance=provenance)]
        if stocks or sales:
            await staging.write(self.store, conn, stocks, sales)
        for n, e in enumerate(events, start=version + 1):
            await project_order(conn, e, n)
        return state

    async def due(self, conn: DbConnection, cooperative_id: str, now: datetime, limit: int
                  ) -> list[str]:
        return [r["order_id"] for r in await conn.fetch(_DUE, cooperative_id, now, limit)]


async def project_order(conn: DbConnection, event: OrderEvent, version: int) -> None:
    """The ``orders`` row after ``event`` (stream version ``version``)."""
    match event:
        case OrderPlaced():
            lines: Any = event_to_payload(event)["lines"]
            await conn.execute(
                """INSERT INTO orders (order_id, cooperative_id, warehouse_id, status,
                       buyer_name, buyer_phone, delivery_address, delivery_regency, lines,
                       total_idr, placed_at, pay_by, business_date, placed_by, version)
                   VALUES ($1, $2, $3, 'placed', $4, $5, $6, $7, $8::text::jsonb, $9, $10,
                       $11, $12, $13, $14)""",
                event.order_id, event.cooperative_id, event.warehouse_id, event.buyer_name,
                event.buyer_phone, event.delivery_address, event.delivery_regency,
                json_dumps(lines), event.total_idr, event.placed_at, event.pay_by,
                event.business_date, event.placed_by, version)
        case OrderPaid():
            await _update(conn, event.order_id, version, status="paid",
                          payment_method=event.method.value, payment_reference=event.reference,
                          paid_on=event.business_date)
        case OrderPacked():
            await _update(conn, event.order_id, version, status="packed",
                          packed_on=event.business_date)
        case OrderShipped():
            await _update(conn, event.order_id, version, status="shipped",
                          courier=event.courier, tracking_no=event.tracking_no,
                          sale_id=event.sale_id, shipped_on=event.business_date)
        case OrderCancelled():
            await _update(conn, event.order_id, version, status="cancelled",
                          cancel_reason=event.reason, closed_on=event.business_date)
        case OrderExpired():
            await _update(conn, event.order_id, version, status="expired",
                          closed_on=event.business_date)


async def _update(conn: DbConnection, order_id: str, version: int,
                  **columns: str | date | None) -> None:
    names = list(columns)  # the callers' own keyword names, never input
    sets = ", ".join(f"{name} = ${n}" for n, name in enumerate(names, start=3))
    await conn.execute(f"UPDATE orders SET version = $2, {sets} WHERE order_id = $1",
                       order_id, version, *columns.values())
