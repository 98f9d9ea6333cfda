"""Streams of the inventory service on PostgreSQL, and the query rows that follow them.

Saving a stream appends its new events (and their outbox rows) and refreshes the
stream's query-table rows in the caller's transaction.

Stream ids: the aggregate's id (``warehouse-<uuid>``, ``product-<uuid>``,
``sale-<uuid>``); the ledger of a product in a warehouse is
``stock-<warehouse_id>--<product_id>``.
"""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import Mapping, Sequence
from datetime import UTC, date, datetime
from typing import Any

from gotong_platform.commands import CommandMeta
from gotong_platform.db import DbConnection
from gotong_platform.domain import DomainEvent
from gotong_platform.eventstore import NewEvent, PostgresEventStore
from gotong_platform.ids import uuid7
from inventory.adapters import projections
from inventory.application.publishing import (
    business_date_of,
    product_contract,
    sale_contract,
    stock_contract,
    warehouse_contract,
)
from inventory.domain import (
    Product,
    ProductCategory,
    ProductEvent,
    ProductPriceSet,
    Sale,
    SaleEvent,
    StockEvent,
    StockIssued,
    StockLedger,
    Warehouse,
    WarehouseEvent,
    event_to_payload,
    evolve_product,
    evolve_sale,
    evolve_stock,
    evolve_warehouse,
    product_event_from_payload,
    replay_product,
    replay_sale,
    replay_stock,
    replay_warehouse,
    sale_event_from_payload,
    stock_event_from_payload,
    warehouse_event_from_payload,
)
from inventory.domain.values import IssueReason

__all__ = ["InventoryRepository", "Provenance", "stock_stream"]


@dataclasses.dataclass(frozen=True, slots=True)
class Provenance:
    """Where the events of one command, offline fact or reaction come from."""

    meta: CommandMeta
    occurred_at: datetime  # the device's clock for an offline fact, else the server's
    causation_id: uuid.UUID | None = None  # the consumed event a reaction answers

    @classmethod
    def now(cls, meta: CommandMeta, causation_id: uuid.UUID | None = None) -> Provenance:
        return cls(meta=meta, occurred_at=datetime.now(UTC), causation_id=causation_id)


def stock_stream(warehouse_id: str, product_id: str) -> str:
    return f"stock-{warehouse_id}--{product_id}"


@dataclasses.dataclass(frozen=True, slots=True)
class _Outgoing:
    event: DomainEvent
    public: dict[str, Any] | None
    business_date: date


class InventoryRepository:
    def __init__(self, store: PostgresEventStore) -> None:
        self.store = store

    # --- loading ------------------------------------------------------------

    async def load_warehouse(self, conn: DbConnection, warehouse_id: str) -> Warehouse | None:
        if not warehouse_id.startswith("warehouse-"):
            return None  # another kind of stream: "not found", not a decoding error
        recorded = await self.store.load(conn, warehouse_id)
        return replay_warehouse(
            warehouse_event_from_payload(r.envelope.event_type, r.payload,
                                         schema_version=r.envelope.schema_version)
            for r in recorded)

    async def load_product(self, conn: DbConnection, product_id: str
                           ) -> tuple[Product | None, int]:
        if not product_id.startswith("product-"):
            return None, 0
        recorded = await self.store.load(conn, product_id)
        events = [product_event_from_payload(r.envelope.event_type, r.payload,
                                             schema_version=r.envelope.schema_version)
                  for r in recorded]
        return replay_product(events), len(events)

    async def load_sale(self, conn: DbConnection, sale_id: str) -> tuple[Sale | None, int]:
        if not sale_id.startswith("sale-"):
            return None, 0
        recorded = await self.store.load(conn, sale_id)
        events = [sale_event_from_payload(r.envelope.event_type, r.payload,
                                          schema_version=r.envelope.schema_version)
                  for r in recorded]
        return replay_sale(events), len(events)

    async def load_stock(self, conn: DbConnection, warehouse_id: str, product_id: str
                         ) -> tuple[StockLedger, int]:
        recorded = await self.store.load(conn, stock_stream(warehouse_id, product_id))
        events = [stock_event_from_payload(r.envelope.event_type, r.payload,
                                           schema_version=r.envelope.schema_version)
                  for r in recorded]
        ledger = replay_stock(events, warehouse_id=warehouse_id, product_id=product_id)
        return ledger, len(events)

    # --- saving -------------------------------------------------------------

    async def save_warehouse(
        self, conn: DbConnection, events: Sequence[WarehouseEvent], provenance: Provenance,
        today: date,
    ) -> Warehouse:
        state: Warehouse | None = None
        for e in events:
            state = evolve_warehouse(state, e)
        if state is None:
            raise ValueError("save_warehouse needs the registration event")
        await self._append(conn, state.warehouse_id, 0,
                           [self._out(e, warehouse_contract(e), today) for e in events],
                           state.cooperative_id, provenance)
        await projections.insert_warehouse(conn, state)
        return state

    async def save_product(
        self, conn: DbConnection, before: Product | None, version: int,
        events: Sequence[ProductEvent], provenance: Provenance, today: date,
    ) -> tuple[Product, int]:
        state = before
        for e in events:
            state = evolve_product(state, e)
        if state is None:
            raise ValueError("save_product needs at least one event for a new product")
        version = await self._append(
            conn, state.product_id, version,
            [self._out(e, product_contract(e), today) for e in events],
            state.cooperative_id, provenance)
        if before is None:
            await projections.insert_product(conn, state)
        for e in events:
            if isinstance(e, ProductPriceSet):
                await projections.upsert_price(conn, e)
        return state, version

    async def save_stock(
        self, conn: DbConnection, ledger: StockLedger, version: int,
        events: Sequence[StockEvent], *, product: Product, cooperative_id: str,
        provenance: Provenance, source_cooperative_id: str | None = None,
    ) -> tuple[StockLedger, int]:
        """``cooperative_id`` owns the ledger's warehouse; ``source_cooperative_id`` is the
        sender of a transfer being received."""
        for e in events:
            ledger = evolve_stock(ledger, e)
        outgoing = [
            self._out(e, stock_contract(e, cooperative_id=cooperative_id,
                                        source_cooperative_id=source_cooperative_id),
                      e.business_date)
            for e in events]
        version = await self._append(conn, stock_stream(ledger.warehouse_id, ledger.product_id),
                                     version, outgoing, cooperative_id, provenance)
        await projections.project_stock(conn, ledger, product=product,
                                        cooperative_id=cooperative_id, version=version)
        for e in events:
            if isinstance(e, StockIssued) and e.reason is IssueReason.SALE:
                await projections.add_sale_issue(conn, e)
        return ledger, version

    async def save_sale(
        self, conn: DbConnection, before: Sale | None, version: int,
        events: Sequence[SaleEvent], *, categories: Mapping[str, ProductCategory],
        provenance: Provenance, flags: Sequence[str] = (),
    ) -> tuple[Sale, int]:
        state = before
        for e in events:
            state = evolve_sale(state, e)
        if state is None:
            raise ValueError("save_sale needs at least one event for a new sale")
        # Every sale event carries its own date, so no fallback day is needed.
        outgoing = [self._out(e, sale_contract(e, categories), date.min) for e in events]
        first = version + 1
        version = await self._append(conn, state.sale_id, version, outgoing,
                                     state.cooperative_id, provenance)
        for n, e in enumerate(events):
            await projections.project_sale(conn, e, first + n, flags)
        return state, version

    @staticmethod
    def _out(event: DomainEvent, public: dict[str, Any] | None, day: date) -> _Outgoing:
        return _Outgoing(event=event, public=public, business_date=business_date_of(event, day))

    async def _append(
        self, conn: DbConnection, stream_id: str, version: int, outgoing: Sequence[_Outgoing],
        cooperative_id: str, provenance: Provenance,
    ) -> int:
        meta = provenance.meta
        new = [
            NewEvent(
                event_id=uuid7(), event_type=o.event.event_type,
                schema_version=o.event.schema_version, payload=event_to_payload(o.event),
                public_payload=o.public, cooperative_id=cooperative_id,
                occurred_at=provenance.occurred_at, business_date=o.business_date,
                correlation_id=meta.correlation_id, causation_id=provenance.causation_id,
                command_id=meta.command_id, actor=meta.actor, traceparent=meta.traceparent,
                tracestate=meta.tracestate,
            )
            for o in outgoing]
        await self.store.append(conn, stream_id, version, new)
        return version + len(new)
