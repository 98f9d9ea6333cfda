"""Products on PostgreSQL: a stream per product, its ``products`` row with the product's
snapshot (``products.state`` at ``products.version``) and its ``prices`` rows.

A load reads the snapshot and any events after it in one statement, so a NULL, stale or
other-format snapshot only costs a replay, never a wrong answer.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from gotong_platform.db import DbConnection, json_dumps
from gotong_platform.eventstore import PostgresEventStore
from gotong_platform.provenance import Provenance
from inventory.adapters import projections, snapshots
from inventory.adapters.publishing import product_contract
from inventory.adapters.streams import jsonb, new_events, outgoing
from inventory.domain import (
    Product,
    ProductEvent,
    ProductPriceSet,
    evolve_product,
    product_event_from_payload,
    replay_product,
)

__all__ = ["PostgresProducts"]

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

_ID_OF_SKU = "SELECT product_id FROM products WHERE cooperative_id = $1 AND sku = $2"


class PostgresProducts:
    """The ``Products`` port (``inventory.application.ports``)."""

    def __init__(self, store: PostgresEventStore) -> None:
        self.store = store

    async def load(self, conn: DbConnection, product_id: str) -> tuple[Product | None, int]:
        """The snapshot in ``products`` and the events after it (one statement)."""
        if not product_id.startswith("product-"):
            return None, 0
        rows = await conn.fetch(_LOAD_PRODUCT, product_id)
        state: Product | None = None
        version = 0
        if rows and rows[0]["part"] == 0:
            state = snapshots.product_from_snapshot(jsonb(rows[0]["doc"]))
            if state is None:  # a snapshot of another format: replay the whole stream
                return await self.replay(conn, product_id)
            version = rows[0]["v"]
        for r in rows:
            if r["part"] == 1:
                state = evolve_product(state, product_event_from_payload(
                    r["event_type"], jsonb(r["doc"]), schema_version=r["schema_version"]))
                version = r["v"]
        return state, version

    async def replay(self, conn: DbConnection, product_id: str) -> tuple[Product | None, int]:
        """The product replayed from its first event, ignoring the snapshot."""
        return await self.store.replay(conn, product_id, product_event_from_payload,
                                       replay_product)

    async def id_of_sku(self, conn: DbConnection, cooperative_id: str, sku: str) -> str | None:
        product_id: str | None = await conn.fetchval(_ID_OF_SKU, cooperative_id, sku)
        return product_id

    async def save(
        self, conn: DbConnection, before: Product | None, version: int,
        events: Sequence[ProductEvent], provenance: Provenance, today: date,
    ) -> tuple[Product, int]:
        """Appends after ``version``, then writes the product's row (a new product's
        insert fails with ``DuplicateSku`` if another took its SKU first), its snapshot
        and the prices set."""
        state = before
        for e in events:
            state = evolve_product(state, e)
        if state is None:
            raise ValueError("save_product needs at least one event for a new product")
        new = new_events(self.store, [outgoing(e, product_contract(e), today) for e in events],
                         state.cooperative_id, provenance)
        await self.store.write(conn, state.product_id, version, new)
        version += len(new)
        snapshot = json_dumps(snapshots.product_snapshot(state))
        if before is None:
            await projections.insert_product(conn, state, version=version, snapshot=snapshot)
        else:
            await projections.update_product_snapshot(conn, state.product_id, version, snapshot)
        for e in events:
            if isinstance(e, ProductPriceSet):
                await projections.upsert_price(conn, e)
        return state, version
