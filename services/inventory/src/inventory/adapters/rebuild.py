"""Rewriting the snapshots and query rows of products and ledgers from their events.

``python -m inventory rebuild-snapshots``: for a new snapshot format, or after the
snapshots were dropped or suspected. Not needed for correctness: a NULL snapshot is
replayed on load.
"""

from __future__ import annotations

from gotong_platform.db import DbConnection, json_dumps
from inventory.adapters import projections, snapshots
from inventory.adapters.ledgers import PostgresStockLedgers
from inventory.adapters.products import PostgresProducts
from inventory.adapters.warehouses import PostgresWarehouses

__all__ = ["rebuild_snapshots"]


async def rebuild_snapshots(conn: DbConnection, *, warehouses: PostgresWarehouses,
                            products: PostgresProducts, ledgers: PostgresStockLedgers) -> int:
    """Replays every product and ledger stream from its first event and rewrites its
    snapshot, query rows (level, lots) and ledger entries; the number of streams.

    The service may keep running: a command racing a rewrite of its ledger gets a 409 or
    reads a snapshot equal to the one it replaced."""
    count = 0
    for row in await conn.fetch("SELECT product_id FROM products ORDER BY product_id"):
        async with conn.transaction():
            product, version = await products.replay(conn, row["product_id"])
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
            ledger, version = await ledgers.replay(conn, warehouse_id, product_id)
            product, _ = await products.load(conn, product_id)
            warehouse = await warehouses.load(conn, warehouse_id)
            if product is None or warehouse is None:
                continue
            await projections.project_stock(
                conn, ledger, product=product, cooperative_id=warehouse.cooperative_id,
                version=version, snapshot=json_dumps(snapshots.ledger_snapshot(ledger)),
                entries=snapshots.entries_of_ledger(ledger))
            count += 1
    return count
