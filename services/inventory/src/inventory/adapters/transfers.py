"""Transfers on their way, on PostgreSQL: one ``transfer_lines`` row per product sent.

The sending ledger's ``StockTransferredOut`` is the fact; the row keeps what the
receiving warehouse needs (the lot lines at cost) and whether it took them in.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import orjson

from gotong_platform.db import DbConnection, json_dumps
from inventory.domain import SentLine, StockLine, StockTransferredOut, Warehouse

__all__ = ["PostgresTransferLines", "stock_lines"]

# FOR UPDATE: two receipts of one transfer take turns; the second sees "received".
_INCOMING = """SELECT * FROM transfer_lines WHERE transfer_id = $1 AND to_warehouse_id = $2
               AND to_cooperative_id = $3 ORDER BY product_id FOR UPDATE"""


class PostgresTransferLines:
    """The ``TransferLines`` port (``inventory.application.ports``)."""

    async def record_sent(self, conn: DbConnection, event: StockTransferredOut, *,
                          from_cooperative_id: str) -> None:
        lines = [{"lot_id": line.lot_id, "qty": line.qty, "cost_idr": line.cost_idr,
                  "expiry_date": line.expiry_date.isoformat() if line.expiry_date else None}
                 for line in event.lines]
        await conn.execute(
            """INSERT INTO transfer_lines (transfer_id, product_id, from_warehouse_id,
                   from_cooperative_id, to_warehouse_id, to_cooperative_id, qty_sent, lines,
                   sent_on, status)
               VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 'sent')""",
            event.transfer_id, event.product_id, event.warehouse_id, from_cooperative_id,
            event.to_warehouse_id, event.to_cooperative_id,
            sum(line.qty for line in event.lines), json_dumps(lines), event.business_date)

    async def incoming(self, conn: DbConnection, transfer_id: str, warehouse: Warehouse
                       ) -> list[SentLine]:
        """The lines of the transfer on its way to ``warehouse``, in product order, locked
        until the transaction ends (empty: no such transfer to this warehouse)."""
        rows = await conn.fetch(_INCOMING, transfer_id, warehouse.warehouse_id,
                                warehouse.cooperative_id)
        return [SentLine(transfer_id=r["transfer_id"], product_id=r["product_id"],
                         from_warehouse_id=r["from_warehouse_id"],
                         from_cooperative_id=r["from_cooperative_id"],
                         lines=stock_lines(r["lines"]), received=r["status"] == "received")
                for r in rows]

    async def mark_received(
        self, conn: DbConnection, transfer_id: str, product_id: str, *,
        received_product_id: str, qty_received: int, received_on: date,
    ) -> None:
        await conn.execute(
            """UPDATE transfer_lines SET status = 'received', received_product_id = $3,
                   qty_received = $4, received_on = $5
               WHERE transfer_id = $1 AND product_id = $2""",
            transfer_id, product_id, received_product_id, qty_received, received_on)


def stock_lines(stored: Any) -> tuple[StockLine, ...]:
    """The lines of a transfer as ``record_sent`` stored them (jsonb, decoded or not,
    whatever codec the connection has)."""
    raw: list[dict[str, Any]] = orjson.loads(stored) if isinstance(stored, str) else stored
    return tuple(
        StockLine(lot_id=line["lot_id"], qty=int(line["qty"]), cost_idr=int(line["cost_idr"]),
                  expiry_date=(date.fromisoformat(line["expiry_date"])
                               if line.get("expiry_date") else None))
        for line in raw)
