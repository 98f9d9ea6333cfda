"""One move on one stock ledger: load, decide (pure domain), save with its query rows."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from gotong_platform.db import DbConnection
from gotong_platform.provenance import Provenance
from inventory.application.ports import StockLedgers
from inventory.domain import Product, StockEvent, StockLedger, Warehouse

__all__ = ["Decide", "move_stock"]

Decide = Callable[[StockLedger], list[StockEvent]]


async def move_stock(
    conn: DbConnection, ledgers: StockLedgers, warehouse: Warehouse, product: Product,
    decide: Decide, provenance: Provenance, *, source_cooperative_id: str | None = None,
    entry_ids: Iterable[str] = (),
) -> tuple[StockLedger, list[StockEvent]]:
    """The ledger after the move, and the events it took. ``entry_ids``: the issue or
    transfer ids the decision looks up in the ledger (the only entries loaded)."""
    ledger, version = await ledgers.load(conn, warehouse.warehouse_id, product.product_id,
                                         entry_ids)
    events = decide(ledger)
    after, _ = await ledgers.save(
        conn, ledger, version, events, product=product, cooperative_id=warehouse.cooperative_id,
        provenance=provenance, source_cooperative_id=source_cooperative_id)
    return after, events
