"""Sales on PostgreSQL: a stream per sale, its ``sales`` row and its ``sale_issues``
(which ledger each line's stock was issued from, for the sale's compensation).

A sale is recorded together with its ledgers' issues (``till``); here it is loaded, and
its later events (completed, voided) are saved.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from gotong_platform.db import DbConnection
from gotong_platform.eventstore import PostgresEventStore
from gotong_platform.provenance import Provenance
from inventory.adapters import staging
from inventory.domain import (
    ProductCategory,
    Sale,
    SaleEvent,
    replay_sale,
    sale_event_from_payload,
)

__all__ = ["PostgresSales"]

# Ledgers in product order, as the sale took them (no deadlocks when they are written).
_ISSUES = """SELECT product_id, issue_id FROM sale_issues WHERE sale_id = $1
             ORDER BY product_id, issue_id"""


class PostgresSales:
    """The ``Sales`` port (``inventory.application.ports``)."""

    def __init__(self, store: PostgresEventStore) -> None:
        self.store = store

    async def load(self, conn: DbConnection, sale_id: str) -> tuple[Sale | None, int]:
        if not sale_id.startswith("sale-"):
            return None, 0
        return await self.store.replay(conn, sale_id, sale_event_from_payload, replay_sale)

    async def save(
        self, conn: DbConnection, before: Sale | None, version: int,
        events: Sequence[SaleEvent], *, provenance: Provenance,
        categories: Mapping[str, ProductCategory] | None = None, flags: Sequence[str] = (),
    ) -> tuple[Sale, int]:
        """``categories``: of every product a ``SaleRecorded`` among ``events`` names."""
        staged = staging.stage_sale(self.store, before, version, events,
                                    categories=categories or {}, provenance=provenance,
                                    flags=flags)
        await staging.write(self.store, conn, [], [staged])
        return staged.sale, staged.version

    async def issues(self, conn: DbConnection, sale_id: str) -> list[tuple[str, str]]:
        """(product id, issue id) of every stock issue of the sale, in product order."""
        return [(r["product_id"], r["issue_id"]) for r in await conn.fetch(_ISSUES, sale_id)]
