"""Stock ledgers on PostgreSQL: a stream per (warehouse, product), its level, lots and
snapshot (``stock_levels.state`` at ``stock_levels.version``) and its entries.

A load reads the snapshot and any events after it in one statement. The ledger's id sets
grow with every movement, so they are rows of ``stock_ledger_entries`` and a load reads
only the ids the command names.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from gotong_platform.db import DbConnection
from gotong_platform.eventstore import PostgresEventStore
from gotong_platform.provenance import Provenance
from inventory.adapters import projections, snapshots, staging
from inventory.adapters.streams import jsonb
from inventory.domain import (
    Product,
    StockEvent,
    StockLedger,
    evolve_stock,
    new_ledger,
    replay_stock,
    stock_event_from_payload,
)

__all__ = ["PostgresStockLedgers"]

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


class PostgresStockLedgers:
    """The ``StockLedgers`` port (``inventory.application.ports``)."""

    def __init__(self, store: PostgresEventStore) -> None:
        self.store = store

    async def load(self, conn: DbConnection, warehouse_id: str, product_id: str,
                   entry_ids: Iterable[str] = ()) -> tuple[StockLedger, int]:
        """The ledger from its snapshot (``stock_levels.state``) and the events after it,
        in one statement. Of its id sets (issues, returns, transfers) only the entries of
        ``entry_ids`` are loaded: the ids the command will look up."""
        stream_id = projections.stock_stream_id(warehouse_id, product_id)
        rows = await conn.fetch(_LOAD_STOCK, warehouse_id, product_id, stream_id,
                                list(entry_ids))
        ledger: StockLedger | None = None
        version = 0
        entries = []
        for r in rows:
            part = r["part"]
            if part == 0:
                ledger = snapshots.ledger_from_snapshot(
                    jsonb(r["doc"]), warehouse_id=warehouse_id, product_id=product_id)
                if ledger is None:  # another format: replay the whole stream
                    return await self.replay(conn, warehouse_id, product_id)
                version = r["v"]
            elif part == 1:
                if ledger is None:
                    ledger = new_ledger(warehouse_id=warehouse_id, product_id=product_id)
                ledger = evolve_stock(ledger, stock_event_from_payload(
                    r["event_type"], jsonb(r["doc"]), schema_version=r["schema_version"]))
                version = r["v"]
            else:
                entries.append(jsonb(r["doc"]))
        if ledger is None:
            ledger = new_ledger(warehouse_id=warehouse_id, product_id=product_id)
        if entries:
            ledger = snapshots.with_entries(ledger, entries)
        return ledger, version

    async def replay(self, conn: DbConnection, warehouse_id: str, product_id: str
                     ) -> tuple[StockLedger, int]:
        """The ledger replayed from its first event, ignoring the snapshot (every id set
        complete): for checks and for rebuilding snapshots."""
        recorded = await self.store.load(conn, projections.stock_stream_id(warehouse_id,
                                                                            product_id))
        events = [stock_event_from_payload(r.envelope.event_type, r.payload,
                                           schema_version=r.envelope.schema_version)
                  for r in recorded]
        ledger = replay_stock(events, warehouse_id=warehouse_id, product_id=product_id)
        return ledger, len(events)

    async def save(
        self, conn: DbConnection, ledger: StockLedger, version: int,
        events: Sequence[StockEvent], *, product: Product, cooperative_id: str,
        provenance: Provenance, source_cooperative_id: str | None = None,
    ) -> tuple[StockLedger, int]:
        """``cooperative_id`` owns the ledger's warehouse; ``source_cooperative_id`` is the
        sender of a transfer being received.

        Appends with ``version`` as the expected version (a concurrent writer of the ledger
        makes this raise ``ConcurrencyConflict``), then writes the ledger's query rows, its
        snapshot and its new entries in one statement."""
        staged = staging.stage_stock(self.store, ledger, version, events, product=product,
                                     cooperative_id=cooperative_id, provenance=provenance,
                                     source_cooperative_id=source_cooperative_id)
        await staging.write(self.store, conn, [staged])
        return staged.ledger, staged.version
