"""In-memory fakes of the inventory ports (``inventory.application.ports``).

Event-sourced like the real adapters: each stream keeps its domain events, a load folds
them, a save appends after the version it was loaded at (else ``ConcurrencyConflict``).
``test_inventory_port_contracts`` runs the same contract against these and the
PostgreSQL adapters, so the fakes stay honest.
"""

from __future__ import annotations

import contextlib
import dataclasses
from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any, cast

from gotong_platform.db import DbConnection
from gotong_platform.directory import CooperativeFacts, MemberFacts
from gotong_platform.domain import ConcurrencyConflict
from gotong_platform.provenance import Provenance
from inventory.domain import (
    DuplicateSku,
    IssueReason,
    Place,
    Product,
    ProductEvent,
    Sale,
    SaleEvent,
    SentLine,
    StockEvent,
    StockIssued,
    StockLedger,
    StockTransferredOut,
    Warehouse,
    WarehouseEvent,
    evolve_product,
    evolve_sale,
    replay_product,
    replay_sale,
    replay_stock,
    replay_warehouse,
)


class FakeConnection:
    """Stands in for the command's connection: the fakes never use it, and a savepoint
    (``retry_on_conflict``) opens and closes around the work without undoing anything
    (no fake race is lost in these tests)."""

    def transaction(self) -> contextlib.AbstractAsyncContextManager[None]:
        return contextlib.nullcontext()


NO_CONN = cast(DbConnection, FakeConnection())


class FakeStreams:
    """Every stream's events, in order; ``appended`` counts the appends (a write)."""

    def __init__(self) -> None:
        self.events: dict[str, list[Any]] = {}
        self.appended = 0

    def of(self, stream_id: str) -> list[Any]:
        return self.events.get(stream_id, [])

    def check(self, stream_id: str, version: int) -> None:
        if len(self.of(stream_id)) != version:
            raise ConcurrencyConflict(f"{stream_id} was changed by someone else; reload and "
                                      "try again")

    def append(self, stream_id: str, version: int, events: Sequence[Any]) -> int:
        self.check(stream_id, version)
        self.events.setdefault(stream_id, []).extend(events)
        self.appended += 1
        return version + len(events)


def stock_stream(warehouse_id: str, product_id: str) -> str:
    return f"stock-{warehouse_id}--{product_id}"


class FakeWarehouses:
    def __init__(self, streams: FakeStreams) -> None:
        self.streams = streams

    async def load(self, conn: DbConnection, warehouse_id: str) -> Warehouse | None:
        return replay_warehouse(self.streams.of(warehouse_id)) if warehouse_id.startswith(
            "warehouse-") else None

    async def save(self, conn: DbConnection, events: Sequence[WarehouseEvent],
                   provenance: Provenance, today: date) -> Warehouse:
        state = replay_warehouse(events)
        assert state is not None
        self.streams.append(state.warehouse_id, 0, events)
        return state


class FakeProducts:
    def __init__(self, streams: FakeStreams) -> None:
        self.streams = streams

    async def load(self, conn: DbConnection, product_id: str) -> tuple[Product | None, int]:
        if not product_id.startswith("product-"):
            return None, 0
        events = self.streams.of(product_id)
        return replay_product(events), len(events)

    async def save(self, conn: DbConnection, before: Product | None, version: int,
                   events: Sequence[ProductEvent], provenance: Provenance, today: date
                   ) -> tuple[Product, int]:
        state = before
        for e in events:
            state = evolve_product(state, e)
        assert state is not None
        if before is None and await self.id_of_sku(conn, state.cooperative_id, state.sku):
            raise DuplicateSku(f"Another product of this cooperative has SKU {state.sku}.")
        return state, self.streams.append(state.product_id, version, events)

    async def id_of_sku(self, conn: DbConnection, cooperative_id: str, sku: str) -> str | None:
        for stream_id, events in self.streams.events.items():
            product = replay_product(events) if stream_id.startswith("product-") else None
            if product is not None and (product.cooperative_id, product.sku) == (
                    cooperative_id, sku):
                return product.product_id
        return None


class FakeStockLedgers:
    def __init__(self, streams: FakeStreams) -> None:
        self.streams = streams

    async def load(self, conn: DbConnection, warehouse_id: str, product_id: str,
                   entry_ids: Iterable[str] = ()) -> tuple[StockLedger, int]:
        """The whole ledger (every entry, the named ones among them)."""
        events = self.streams.of(stock_stream(warehouse_id, product_id))
        return replay_stock(events, warehouse_id=warehouse_id, product_id=product_id), len(
            events)

    async def save(self, conn: DbConnection, ledger: StockLedger, version: int,
                   events: Sequence[StockEvent], *, product: Product, cooperative_id: str,
                   provenance: Provenance, source_cooperative_id: str | None = None,
                   ) -> tuple[StockLedger, int]:
        self.streams.append(stock_stream(ledger.warehouse_id, ledger.product_id), version,
                            events)
        return await self.load(conn, ledger.warehouse_id, ledger.product_id)


class FakeSales:
    def __init__(self, streams: FakeStreams) -> None:
        self.streams = streams

    async def load(self, conn: DbConnection, sale_id: str) -> tuple[Sale | None, int]:
        if not sale_id.startswith("sale-"):
            return None, 0
        events = self.streams.of(sale_id)
        return replay_sale(events), len(events)

    async def save(self, conn: DbConnection, before: Sale | None, version: int,
                   events: Sequence[SaleEvent], *, provenance: Provenance
                   ) -> tuple[Sale, int]:
        state = before
        for e in events:
            state = evolve_sale(state, e)
        assert state is not None
        return state, self.streams.append(state.sale_id, version, events)

    async def issues(self, conn: DbConnection, sale_id: str) -> list[tuple[str, str]]:
        return sorted((e.product_id, e.issue_id)
                      for stream_id, events in self.streams.events.items()
                      if stream_id.startswith("stock-") for e in events
                      if isinstance(e, StockIssued) and e.reason is IssueReason.SALE
                      and e.reference == sale_id)


class FakeTill:
    def __init__(self, streams: FakeStreams) -> None:
        self.streams = streams
        self.warehouses = FakeWarehouses(streams)
        self.products = FakeProducts(streams)
        self.ledgers = FakeStockLedgers(streams)

    async def load_place(self, conn: DbConnection, warehouse_id: str,
                         product_ids: Iterable[str], entry_ids: Iterable[str] = ()) -> Place:
        warehouse = await self.warehouses.load(conn, warehouse_id)
        if warehouse is None:
            return Place(warehouse=None, products={}, ledgers={})
        wanted = sorted({pid for pid in product_ids if pid.startswith("product-")})
        products = {pid: (await self.products.load(conn, pid))[0] for pid in wanted}
        return Place(warehouse=warehouse,
                     products={pid: p for pid, p in products.items() if p is not None},
                     ledgers={pid: await self.ledgers.load(conn, warehouse_id, pid)
                              for pid in wanted})

    async def write_sale(self, conn: DbConnection, place: Place,
                         issued: Sequence[tuple[StockLedger, Sequence[StockEvent]]],
                         events: Sequence[SaleEvent], *, flags: Sequence[str],
                         provenance: Provenance) -> Sale:
        sale = replay_sale(events)
        assert sale is not None
        assert place.warehouse is not None
        writes = [(stock_stream(after.warehouse_id, after.product_id),
                   place.ledgers[after.product_id][1], taken) for after, taken in issued]
        writes.append((sale.sale_id, 0, events))
        for stream_id, version, _ in writes:  # all or nothing
            self.streams.check(stream_id, version)
        for stream_id, version, new in writes:
            self.streams.append(stream_id, version, new)
        return sale


class FakeTransferLines:
    def __init__(self) -> None:
        self.lines: dict[tuple[str, str], tuple[SentLine, str]] = {}

    async def record_sent(self, conn: DbConnection, event: StockTransferredOut, *,
                          from_cooperative_id: str) -> None:
        self.lines[event.transfer_id, event.product_id] = (SentLine(
            transfer_id=event.transfer_id, product_id=event.product_id,
            from_warehouse_id=event.warehouse_id, from_cooperative_id=from_cooperative_id,
            lines=event.lines, received=False), event.to_warehouse_id)

    async def incoming(self, conn: DbConnection, transfer_id: str, warehouse: Warehouse
                       ) -> list[SentLine]:
        return [line for (tid, _), (line, to) in sorted(self.lines.items())
                if tid == transfer_id and to == warehouse.warehouse_id]

    async def mark_received(self, conn: DbConnection, transfer_id: str, product_id: str, *,
                            received_product_id: str, qty_received: int, received_on: date,
                            ) -> None:
        line, to = self.lines[transfer_id, product_id]
        self.lines[transfer_id, product_id] = (dataclasses.replace(line, received=True), to)


class FakeDirectory:
    """The members directory: cooperatives (with their zone) and members, as given."""

    def __init__(self) -> None:
        self.cooperatives: dict[str, CooperativeFacts] = {}
        self.members: dict[str, MemberFacts] = {}

    def add_cooperative(self, cooperative_id: str, *, time_zone: str = "WITA",
                        in_federation: bool = True) -> None:
        self.cooperatives[cooperative_id] = CooperativeFacts(
            cooperative_id=cooperative_id, regency_code="5312", time_zone=time_zone,
            closed_loop=False, in_federation=in_federation)

    def add_member(self, member_id: str, cooperative_id: str, status: str = "admitted"
                   ) -> None:
        self.members[member_id] = MemberFacts(member_id=member_id,
                                              cooperative_id=cooperative_id, member_no="1",
                                              status=status)

    async def member(self, conn: DbConnection, member_id: str) -> MemberFacts | None:
        return self.members.get(member_id)

    async def cooperative(self, conn: DbConnection, cooperative_id: str
                          ) -> CooperativeFacts | None:
        return self.cooperatives.get(cooperative_id)

    async def time_zone(self, conn: DbConnection, cooperative_id: str) -> str | None:
        facts = self.cooperatives.get(cooperative_id)
        return None if facts is None else facts.time_zone
