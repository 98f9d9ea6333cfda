"""Warehouses on PostgreSQL: a stream per warehouse and its ``warehouses`` row.

A warehouse stream holds its registration only, and the row is written with it, so a
warehouse loads from its row.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

import asyncpg

from gotong_platform.db import DbConnection
from gotong_platform.eventstore import PostgresEventStore
from gotong_platform.provenance import Provenance
from inventory.adapters import projections
from inventory.adapters.publishing import warehouse_contract
from inventory.adapters.streams import new_events, outgoing
from inventory.domain import Warehouse, WarehouseEvent, WarehouseKind, evolve_warehouse

__all__ = ["PostgresWarehouses", "warehouse_from_row"]

_LOAD_WAREHOUSE = "SELECT * FROM warehouses WHERE warehouse_id = $1"


def warehouse_from_row(row: Mapping[str, Any] | asyncpg.Record) -> Warehouse:
    """The warehouse a ``warehouses`` row (or its ``to_jsonb``) holds."""
    return Warehouse(warehouse_id=row["warehouse_id"], cooperative_id=row["cooperative_id"],
                     name=row["name"], kind=WarehouseKind(row["kind"]),
                     capacity_kg=row["capacity_kg"])


class PostgresWarehouses:
    """The ``Warehouses`` port (``inventory.application.ports``)."""

    def __init__(self, store: PostgresEventStore) -> None:
        self.store = store

    async def load(self, conn: DbConnection, warehouse_id: str) -> Warehouse | None:
        if not warehouse_id.startswith("warehouse-"):
            return None  # another kind of stream: "not found", not a decoding error
        row = await conn.fetchrow(_LOAD_WAREHOUSE, warehouse_id)
        return None if row is None else warehouse_from_row(row)

    async def save(self, conn: DbConnection, events: Sequence[WarehouseEvent],
                   provenance: Provenance, today: date) -> Warehouse:
        state: Warehouse | None = None
        for e in events:
            state = evolve_warehouse(state, e)
        if state is None:
            raise ValueError("save_warehouse needs the registration event")
        await self.store.write(
            conn, state.warehouse_id, 0,
            new_events(self.store, [outgoing(e, warehouse_contract(e), today) for e in events],
                       state.cooperative_id, provenance))
        await projections.insert_warehouse(conn, state)
        return state
