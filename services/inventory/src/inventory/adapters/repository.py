"""Streams of the inventory service on PostgreSQL, and the query rows that follow them.

Saving a stream appends its new events (and their outbox rows) and refreshes the
stream's query-table rows in the caller's transaction.

Stream ids: the aggregate's id (``warehouse-<uuid>``, ``product-<uuid>``,
``sale-<uuid>``); the ledger of a product in a warehouse is
``stock-<warehouse_id>--<product_id>``.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from typing import Any

import orjson

from gotong_platform.db import DbConnection, json_dumps
from gotong_platform.domain import DomainEvent
from gotong_platform.eventstore import NewEvent, PostgresEventStore, StreamAppend
from gotong_platform.provenance import Provenance, new_event
from inventory.adapters import projections, snapshots
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
    SaleRecorded,
    StockEvent,
    StockIssued,
    StockLedger,
    Warehouse,
    WarehouseEvent,
    WarehouseKind,
    event_to_payload,
    evolve_product,
    evolve_sale,
    evolve_stock,
    evolve_warehouse,
    new_ledger,
    product_event_from_payload,
    replay_product,
    replay_sale,
    replay_stock,
    sale_event_from_payload,
    stock_event_from_payload,
)
from inventory.domain.values import IssueReason

__all__ = [
    "InventoryRepository",
    "Place",
    "StagedSale",
    "StagedStock",
    "stock_stream",
]


def stock_stream(warehouse_id: str, product_id: str) -> str:
    return projections.stock_stream_id(warehouse_id, product_id)


_LOAD_WAREHOUSE = "SELECT * FROM warehouses WHERE warehouse_id = $1"

# part 0: the snapshot (if any), part 1: the events after it, in version order.
_LOAD_PRODUCT = """
WITH snap AS (
    SELECT version, state FROM products WHERE product_id = $1 AND state IS NOT NULL
)
SELECT 0 AS part, version AS v, state AS doc, NULL::text AS event_type,
       NULL::int AS schema_version FROM snap
UNION ALL
SELECT 1, stream_version, payload, event_type, schema_version FROM events
WHERE stream_id = $1 AND stream_version > coalesce((SELECT version FROM snap), 0)
ORDER BY 1, 2
"""

# part 0: the snapshot (if any), part 1: the events after it, part 2: the entries named.
_LOAD_STOCK = """
WITH snap AS (
    SELECT version, state FROM stock_levels
    WHERE warehouse_id = $1 AND product_id = $2 AND state IS NOT NULL
)
SELECT 0 AS part, version AS v, state AS doc, NULL::text AS event_type,
       NULL::int AS schema_version FROM snap
UNION ALL
SELECT 1, stream_version, payload, event_type, schema_version FROM events
WHERE stream_id = $3 AND stream_version > coalesce((SELECT version FROM snap), 0)
UNION ALL
SELECT 2, 0, jsonb_build_object('kind', kind, 'id', entry_id, 'reference', reference,
                                'lines', lines), NULL, NULL
FROM stock_ledger_entries WHERE stream_id = $3
    AND kind = ANY ('{issue,returned,sent,received}'::text[]) AND entry_id = ANY($4::text[])
ORDER BY 1, 2
"""


# Everything a sale reads, in one statement: the warehouse row (part 0), per product its
# snapshot (1) and the events after it (2), per ledger its snapshot (3), the events after
# it (4) and the entries named (5). $2 and $3 are parallel: product ids, ledger streams.
#
# Every per-product read is a LATERAL subquery behind ``OFFSET 0`` (not pulled up into a
# join), so each is an index probe by key whatever plan PostgreSQL caches. The joins this
# replaced let the cached generic plan, chosen while the tables were small, hash-join
# sequential scans of ``events``, ``products`` and ``stock_ledger_entries`` on every sale.
# Entries are probed by their whole key (each kind, each id), not by scanning the
# stream's.
_LOAD_PLACE = """
WITH ledger AS (
    SELECT * FROM unnest($2::text[], $3::text[]) AS l(product_id, stream_id)
), prod AS (
    SELECT ledger.product_id, p.version, p.state FROM ledger
    CROSS JOIN LATERAL (SELECT version, state FROM products
                        WHERE products.product_id = ledger.product_id OFFSET 0) p
), snap AS (
    SELECT ledger.product_id, ledger.stream_id, s.version, s.state FROM ledger
    LEFT JOIN LATERAL (SELECT version, state FROM stock_levels
                       WHERE stock_levels.warehouse_id = $1
                           AND stock_levels.product_id = ledger.product_id
                           AND stock_levels.state IS NOT NULL OFFSET 0) s ON true
)
SELECT 0 AS part, w.warehouse_id AS id, 0 AS v, to_jsonb(w) AS doc, NULL::text AS event_type,
       NULL::int AS schema_version
FROM warehouses w WHERE w.warehouse_id = $1
UNION ALL
SELECT 1, product_id, version, state, NULL, NULL FROM prod WHERE state IS NOT NULL
UNION ALL
SELECT 2, prod.product_id, e.stream_version, e.payload, e.event_type, e.schema_version
FROM prod CROSS JOIN LATERAL (
    SELECT stream_version, payload, event_type, schema_version FROM events
    WHERE events.stream_id = prod.product_id
        AND events.stream_version > CASE WHEN prod.state IS NULL THEN 0 ELSE prod.version END
    OFFSET 0) e
UNION ALL
SELECT 3, product_id, version, state, NULL, NULL FROM snap WHERE state IS NOT NULL
UNION ALL
SELECT 4, snap.product_id, e.stream_version, e.payload, e.event_type, e.schema_version
FROM snap CROSS JOIN LATERAL (
    SELECT stream_version, payload, event_type, schema_version FROM events
    WHERE events.stream_id = snap.stream_id
        AND events.stream_version > coalesce(snap.version, 0)
    OFFSET 0) e
UNION ALL
SELECT 5, ledger.product_id, 0, jsonb_build_object('kind', x.kind, 'id', x.entry_id,
    'reference', x.reference, 'lines', x.lines), NULL, NULL
FROM ledger CROSS JOIN unnest('{issue,returned,sent,received}'::text[]) AS k(kind)
CROSS JOIN unnest($4::text[]) AS n(entry_id)
CROSS JOIN LATERAL (
    SELECT kind, entry_id, reference, lines FROM stock_ledger_entries
    WHERE stock_ledger_entries.stream_id = ledger.stream_id
        AND stock_ledger_entries.kind = k.kind AND stock_ledger_entries.entry_id = n.entry_id
    OFFSET 0) x
ORDER BY 1, 2, 3
"""


@dataclasses.dataclass(frozen=True, slots=True)
class Place:
    """A warehouse, products and their ledgers there, as one command reads them."""

    warehouse: Warehouse | None
    products: dict[str, Product]  # only those found
    ledgers: dict[str, tuple[StockLedger, int]]  # per product id: state and version


@dataclasses.dataclass(frozen=True, slots=True)
class StagedStock:
    """A ledger's new events, decided and ready to be written (``InventoryRepository.write``)."""

    ledger: StockLedger  # after the events
    version: int  # after the events
    append: StreamAppend
    events: Sequence[StockEvent]
    product: Product
    cooperative_id: str


@dataclasses.dataclass(frozen=True, slots=True)
class StagedSale:
    sale: Sale  # after the events
    version: int  # after the events
    append: StreamAppend
    events: Sequence[SaleEvent]
    flags: Sequence[str]


def _json(value: Any) -> Any:
    """A jsonb value whatever codec the connection has (decoded, or JSON text)."""
    return orjson.loads(value) if isinstance(value, str) else value


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
        """From the ``warehouses`` row: a warehouse stream holds its registration only, and
        the row is written with it."""
        if not warehouse_id.startswith("warehouse-"):
            return None  # another kind of stream: "not found", not a decoding error
        row = await conn.fetchrow(_LOAD_WAREHOUSE, warehouse_id)
        if row is None:
            return None
        return Warehouse(warehouse_id=row["warehouse_id"], cooperative_id=row["cooperative_id"],
                         name=row["name"], kind=WarehouseKind(row["kind"]),
                         capacity_kg=row["capacity_kg"])

    async def load_product(self, conn: DbConnection, product_id: str
                           ) -> tuple[Product | None, int]:
        """The snapshot in ``products`` and the events after it (one statement)."""
        if not product_id.startswith("product-"):
            return None, 0
        rows = await conn.fetch(_LOAD_PRODUCT, product_id)
        state: Product | None = None
        version = 0
        if rows and rows[0]["part"] == 0:
            state = snapshots.product_from_snapshot(_json(rows[0]["doc"]))
            if state is None:  # a snapshot of another format: replay the whole stream
                return await self._replay_product(conn, product_id)
            version = rows[0]["v"]
        for r in rows:
            if r["part"] == 1:
                state = evolve_product(state, product_event_from_payload(
                    r["event_type"], _json(r["doc"]), schema_version=r["schema_version"]))
                version = r["v"]
        return state, version

    async def _replay_product(self, conn: DbConnection, product_id: str
                              ) -> tuple[Product | None, int]:
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

    async def load_stock(self, conn: DbConnection, warehouse_id: str, product_id: str,
                         entry_ids: Iterable[str] = ()) -> tuple[StockLedger, int]:
        """The ledger from its snapshot (``stock_levels.state``) and the events after it,
        in one statement. Of its id sets (issues, returns, transfers) only the entries of
        ``entry_ids`` are loaded: the ids the command will look up."""
        stream_id = stock_stream(warehouse_id, product_id)
        rows = await conn.fetch(_LOAD_STOCK, warehouse_id, product_id, stream_id,
                                list(entry_ids))
        ledger: StockLedger | None = None
        version = 0
        entries = []
        for r in rows:
            part = r["part"]
            if part == 0:
                ledger = snapshots.ledger_from_snapshot(
                    _json(r["doc"]), warehouse_id=warehouse_id, product_id=product_id)
                if ledger is None:  # another format: replay the whole stream
                    return await self._replay_stock(conn, warehouse_id, product_id, entry_ids)
                version = r["v"]
            elif part == 1:
                if ledger is None:
                    ledger = new_ledger(warehouse_id=warehouse_id, product_id=product_id)
                ledger = evolve_stock(ledger, stock_event_from_payload(
                    r["event_type"], _json(r["doc"]), schema_version=r["schema_version"]))
                version = r["v"]
            else:
                entries.append(_json(r["doc"]))
        if ledger is None:
            ledger = new_ledger(warehouse_id=warehouse_id, product_id=product_id)
        if entries:
            ledger = snapshots.with_entries(ledger, entries)
        return ledger, version

    async def _replay_stock(self, conn: DbConnection, warehouse_id: str, product_id: str,
                            entry_ids: Iterable[str] = ()) -> tuple[StockLedger, int]:
        """The ledger replayed from the first event (every id set complete)."""
        del entry_ids  # a full replay holds every entry
        recorded = await self.store.load(conn, stock_stream(warehouse_id, product_id))
        events = [stock_event_from_payload(r.envelope.event_type, r.payload,
                                           schema_version=r.envelope.schema_version)
                  for r in recorded]
        ledger = replay_stock(events, warehouse_id=warehouse_id, product_id=product_id)
        return ledger, len(events)

    async def load_place(
        self, conn: DbConnection, warehouse_id: str, product_ids: Iterable[str],
        entry_ids: Iterable[str] = (),
    ) -> Place:
        """The warehouse, the products and their ledgers in it, in one statement (snapshots
        and the events after them, as ``load_product`` and ``load_stock`` read them)."""
        if not warehouse_id.startswith("warehouse-"):
            return Place(warehouse=None, products={}, ledgers={})
        wanted = sorted({pid for pid in product_ids if pid.startswith("product-")})
        rows = await conn.fetch(_LOAD_PLACE, warehouse_id, wanted,
                                [stock_stream(warehouse_id, pid) for pid in wanted],
                                list(entry_ids))
        warehouse: Warehouse | None = None
        products: dict[str, Product | None] = {}
        ledgers: dict[str, tuple[StockLedger, int]] = {
            pid: (new_ledger(warehouse_id=warehouse_id, product_id=pid), 0) for pid in wanted}
        entries: dict[str, list[Any]] = {}
        stale: set[str] = set()
        for r in rows:
            part, key = r["part"], r["id"]
            if part == 0:
                w = _json(r["doc"])
                warehouse = Warehouse(warehouse_id=w["warehouse_id"],
                                      cooperative_id=w["cooperative_id"], name=w["name"],
                                      kind=WarehouseKind(w["kind"]),
                                      capacity_kg=w["capacity_kg"])
            elif part == 1:
                products[key] = snapshots.product_from_snapshot(_json(r["doc"]))
                if products[key] is None:
                    stale.add(key)
            elif part == 2:
                if key not in stale:
                    products[key] = evolve_product(products.get(key), product_event_from_payload(
                        r["event_type"], _json(r["doc"]), schema_version=r["schema_version"]))
            elif part == 3:
                ledger = snapshots.ledger_from_snapshot(
                    _json(r["doc"]), warehouse_id=warehouse_id, product_id=key)
                if ledger is None:
                    stale.add(stock_stream(warehouse_id, key))
                else:
                    ledgers[key] = (ledger, r["v"])
            elif part == 4:
                if stock_stream(warehouse_id, key) not in stale:
                    ledger, _ = ledgers[key]
                    ledgers[key] = (evolve_stock(ledger, stock_event_from_payload(
                        r["event_type"], _json(r["doc"]), schema_version=r["schema_version"])),
                        r["v"])
            else:
                entries.setdefault(key, []).append(_json(r["doc"]))
        for key in stale:  # snapshots of another format: replay those streams whole
            if key.startswith("stock-"):
                pid = key.rsplit("--", 1)[1]
                ledgers[pid] = await self._replay_stock(conn, warehouse_id, pid)
            else:
                products[key], _ = await self._replay_product(conn, key)
        for pid, found in entries.items():
            ledger, version = ledgers[pid]
            ledgers[pid] = (snapshots.with_entries(ledger, found), version)
        return Place(warehouse=warehouse,
                     products={pid: p for pid, p in products.items() if p is not None},
                     ledgers=ledgers)

    async def rebuild_snapshots(self, conn: DbConnection) -> int:
        """Replays every product and ledger stream from its first event and rewrites its
        snapshot, query rows (level, lots) and ledger entries; the number of streams.

        For a new snapshot format, or after the snapshots were dropped or suspected: run
        ``python -m inventory rebuild-snapshots`` (the service may keep running: a command
        racing a rewrite of its ledger gets a 409 or reads a snapshot equal to the one it
        replaced). Not needed for correctness: a NULL snapshot is replayed on load."""
        count = 0
        for row in await conn.fetch("SELECT product_id FROM products ORDER BY product_id"):
            async with conn.transaction():
                product, version = await self._replay_product(conn, row["product_id"])
                if product is not None:
                    await projections.update_product_snapshot(
                        conn, product.product_id, version,
                        json_dumps(snapshots.product_snapshot(product)))
                    count += 1
        streams = await conn.fetch(
            """SELECT DISTINCT e.stream_id, e.cooperative_id FROM events e
               WHERE e.stream_id LIKE 'stock-%' AND e.stream_version = 1
               ORDER BY e.stream_id""")
        for row in streams:
            warehouse_id, product_id = row["stream_id"].removeprefix("stock-").split("--", 1)
            async with conn.transaction():
                ledger, version = await self._replay_stock(conn, warehouse_id, product_id)
                product, _ = await self.load_product(conn, product_id)
                warehouse = await self.load_warehouse(conn, warehouse_id)
                if product is None or warehouse is None:
                    continue
                entries = snapshots.entries_of_ledger(ledger)
                await projections.project_stock(
                    conn, ledger, product=product, cooperative_id=warehouse.cooperative_id,
                    version=version, snapshot=json_dumps(snapshots.ledger_snapshot(ledger)),
                    entries=entries)
                count += 1
        return count

    async def replayed_stock(self, conn: DbConnection, warehouse_id: str, product_id: str
                           ) -> tuple[StockLedger, int]:
        """The ledger replayed from its first event, ignoring the snapshot (for checks and
        for rebuilding snapshots)."""
        return await self._replay_stock(conn, warehouse_id, product_id)

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
        snapshot = json_dumps(snapshots.product_snapshot(state))
        if before is None:
            await projections.insert_product(conn, state, version=version, snapshot=snapshot)
        else:
            await projections.update_product_snapshot(conn, state.product_id, version, snapshot)
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
        sender of a transfer being received.

        Appends with ``version`` as the expected version (a concurrent writer of the ledger
        makes this raise ``ConcurrencyConflict``), then writes the ledger's query rows, its
        snapshot and its new entries in one statement."""
        staged = self.stage_stock(ledger, version, events, product=product,
                                  cooperative_id=cooperative_id, provenance=provenance,
                                  source_cooperative_id=source_cooperative_id)
        await self.write(conn, [staged])
        return staged.ledger, staged.version

    def stage_stock(
        self, ledger: StockLedger, version: int, events: Sequence[StockEvent], *,
        product: Product, cooperative_id: str, provenance: Provenance,
        source_cooperative_id: str | None = None, after: StockLedger | None = None,
    ) -> StagedStock:
        """The ledger's new events ready to write; ``after``: the ledger after them, when the
        caller has folded them already."""
        if after is None:
            after = ledger
            for e in events:
                after = evolve_stock(after, e)
        outgoing = [
            self._out(e, stock_contract(e, cooperative_id=cooperative_id,
                                        source_cooperative_id=source_cooperative_id),
                      e.business_date)
            for e in events]
        append = StreamAppend(stock_stream(after.warehouse_id, after.product_id), version,
                              self._new_events(outgoing, cooperative_id, provenance))
        return StagedStock(ledger=after, version=version + len(events), append=append,
                           events=events, product=product, cooperative_id=cooperative_id)

    async def save_sale(
        self, conn: DbConnection, before: Sale | None, version: int,
        events: Sequence[SaleEvent], *, categories: Mapping[str, ProductCategory],
        provenance: Provenance, flags: Sequence[str] = (),
    ) -> tuple[Sale, int]:
        staged = self.stage_sale(before, version, events, categories=categories,
                                 provenance=provenance, flags=flags)
        await self.write(conn, [], [staged])
        return staged.sale, staged.version

    def stage_sale(
        self, before: Sale | None, version: int, events: Sequence[SaleEvent], *,
        categories: Mapping[str, ProductCategory], provenance: Provenance,
        flags: Sequence[str] = (),
    ) -> StagedSale:
        state = before
        for e in events:
            state = evolve_sale(state, e)
        if state is None:
            raise ValueError("save_sale needs at least one event for a new sale")
        # Every sale event carries its own date, so no fallback day is needed.
        outgoing = [self._out(e, sale_contract(e, categories), date.min) for e in events]
        append = StreamAppend(state.sale_id, version,
                              self._new_events(outgoing, state.cooperative_id, provenance))
        return StagedSale(sale=state, version=version + len(events), append=append,
                          events=events, flags=flags)

    async def write(self, conn: DbConnection, stocks: Sequence[StagedStock],
                    sales: Sequence[StagedSale] = ()) -> None:
        """Append the staged events of every stream and write each ledger's query rows,
        snapshot and entries and each new sale's row, in ONE statement (ledgers in the
        order given: product order, so concurrent commands never deadlock). Later sale
        events (completed, voided) update the sale's row after it."""
        writes = [
            projections.stock_writes(
                st.ledger, product=st.product, cooperative_id=st.cooperative_id,
                version=st.version, snapshot=json_dumps(snapshots.ledger_snapshot(st.ledger)),
                entries=snapshots.entries_of(st.events),
                sale_issues=[e for e in st.events
                             if isinstance(e, StockIssued) and e.reason is IssueReason.SALE],
                tag=f"_s{n}")
            for n, st in enumerate(stocks)]
        later: list[tuple[SaleEvent, int, Sequence[str]]] = []
        for n, sa in enumerate(sales):
            first = sa.version - len(sa.events) + 1
            for k, e in enumerate(sa.events):
                if isinstance(e, SaleRecorded):
                    writes.append(projections.sale_recorded_writes(
                        e, first + k, sa.flags, tag=f"_r{n}"))
                else:
                    later.append((e, first + k, sa.flags))
        appends = [st.append for st in stocks] + [sa.append for sa in sales]
        if any(a.events for a in appends):
            await self.store.write_streams(conn, appends, writes)
        else:
            await projections.run_writes(conn, writes)
        for e, version, flags in later:
            await projections.project_sale(conn, e, version, flags)

    @staticmethod
    def _out(event: DomainEvent, public: dict[str, Any] | None, day: date) -> _Outgoing:
        return _Outgoing(event=event, public=public, business_date=business_date_of(event, day))

    def _new_events(self, outgoing: Sequence[_Outgoing], cooperative_id: str,
                    provenance: Provenance) -> list[NewEvent]:
        now = self.store.clock.now()
        return [new_event(o.event, event_to_payload(o.event), o.public,
                          cooperative_id=cooperative_id, business_date=o.business_date,
                          provenance=provenance, now=now)
                for o in outgoing]

    async def _append(
        self, conn: DbConnection, stream_id: str, version: int, outgoing: Sequence[_Outgoing],
        cooperative_id: str, provenance: Provenance,
    ) -> int:
        new = self._new_events(outgoing, cooperative_id, provenance)
        await self.store.write(conn, stream_id, version, new)
        return version + len(new)
