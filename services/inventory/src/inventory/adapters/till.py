"""A sale at the till on PostgreSQL: ONE statement reads what it decides on, ONE writes it.

A shop's ledgers get an event per sale, so the sale is the hot path (5 round trips with
BEGIN, COMMIT and the Idempotency-Key row): the warehouse, the products and their
ledgers are read together (``load_place``), and the ledgers' issues and the sale are
appended with every query row they refresh in one statement (``write_sale``).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from gotong_platform.db import DbConnection
from gotong_platform.eventstore import PostgresEventStore
from gotong_platform.provenance import Provenance
from inventory.adapters import projections, snapshots, staging
from inventory.adapters.ledgers import PostgresStockLedgers
from inventory.adapters.products import PostgresProducts
from inventory.adapters.streams import jsonb
from inventory.adapters.warehouses import warehouse_from_row
from inventory.domain import (
    Place,
    Product,
    Sale,
    SaleEvent,
    StockEvent,
    StockLedger,
    Warehouse,
    evolve_product,
    evolve_stock,
    new_ledger,
    product_event_from_payload,
    stock_event_from_payload,
)

__all__ = ["LOAD_PLACE", "PostgresTill"]

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
LOAD_PLACE = """
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


class PostgresTill:
    """The ``Till`` port (``inventory.application.ports``). Snapshots of another format
    are replayed through the products' and the ledgers' repositories."""

    def __init__(self, store: PostgresEventStore, products: PostgresProducts,
                 ledgers: PostgresStockLedgers) -> None:
        self.store = store
        self.products = products
        self.ledgers = ledgers

    async def load_place(
        self, conn: DbConnection, warehouse_id: str, product_ids: Iterable[str],
        entry_ids: Iterable[str] = (),
    ) -> Place:
        """The warehouse, the products and their ledgers in it, in one statement (snapshots
        and the events after them, as the products' and the ledgers' loads read them)."""
        if not warehouse_id.startswith("warehouse-"):
            return Place(warehouse=None, products={}, ledgers={})
        wanted = sorted({pid for pid in product_ids if pid.startswith("product-")})
        rows = await conn.fetch(LOAD_PLACE, warehouse_id, wanted,
                                [projections.stock_stream_id(warehouse_id, pid)
                                 for pid in wanted],
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
                warehouse = warehouse_from_row(jsonb(r["doc"]))
            elif part == 1:
                products[key] = snapshots.product_from_snapshot(jsonb(r["doc"]))
                if products[key] is None:
                    stale.add(key)
            elif part == 2:
                if key not in stale:
                    products[key] = evolve_product(products.get(key), product_event_from_payload(
                        r["event_type"], jsonb(r["doc"]), schema_version=r["schema_version"]))
            elif part == 3:
                ledger = snapshots.ledger_from_snapshot(
                    jsonb(r["doc"]), warehouse_id=warehouse_id, product_id=key)
                if ledger is None:
                    stale.add(projections.stock_stream_id(warehouse_id, key))
                else:
                    ledgers[key] = (ledger, r["v"])
            elif part == 4:
                if projections.stock_stream_id(warehouse_id, key) not in stale:
                    ledger, _ = ledgers[key]
                    ledgers[key] = (evolve_stock(ledger, stock_event_from_payload(
                        r["event_type"], jsonb(r["doc"]), schema_version=r["schema_version"])),
                        r["v"])
            else:
                entries.setdefault(key, []).append(jsonb(r["doc"]))
        for key in stale:  # snapshots of another format: replay those streams whole
            if key.startswith("stock-"):
                pid = key.rsplit("--", 1)[1]
                ledgers[pid] = await self.ledgers.replay(conn, warehouse_id, pid)
            else:
                products[key], _ = await self.products.replay(conn, key)
        for pid, found in entries.items():
            ledger, version = ledgers[pid]
            ledgers[pid] = (snapshots.with_entries(ledger, found), version)
        return Place(warehouse=warehouse,
                     products={pid: p for pid, p in products.items() if p is not None},
                     ledgers=ledgers)

    async def write_sale(
        self, conn: DbConnection, place: Place,
        issued: Sequence[tuple[StockLedger, Sequence[StockEvent]]],
        events: Sequence[SaleEvent], *, flags: Sequence[str], provenance: Provenance,
    ) -> Sale:
        """The sale's ``events`` and each ledger's (after them, and its events: in product
        order, as every command writes ledgers), in ONE statement; each ledger appended
        after the version ``place`` read it at."""
        if place.warehouse is None:
            raise ValueError("write_sale needs the place's warehouse")
        cooperative_id = place.warehouse.cooperative_id
        stocks = [
            staging.stage_stock(
                self.store, place.ledgers[after.product_id][0],
                place.ledgers[after.product_id][1], taken,
                product=place.products[after.product_id], cooperative_id=cooperative_id,
                provenance=provenance, after=after)
            for after, taken in issued]
        categories = {pid: product.category for pid, product in place.products.items()}
        sale = staging.stage_sale(self.store, None, 0, events, categories=categories,
                                  provenance=provenance, flags=flags)
        await staging.write(self.store, conn, stocks, [sale])
        return sale.sale
