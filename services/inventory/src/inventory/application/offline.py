"""Facts a shop till or a collector's phone recorded offline, uploaded through ``/sync``.

Each keeps its own business date (the device's) and is recorded in the batch's
transaction on today's books; ``today`` is read there, per fact. A fact cannot be
"resent" by its clerk, so one that lost a race on a ledger is retried in a savepoint.
"""

from __future__ import annotations

from dataclasses import dataclass

from gotong_platform.db import DbConnection
from gotong_platform.provenance import Provenance
from inventory.application.clock import BusinessCalendar
from inventory.application.retry import retry_on_conflict
from inventory.application.sales import RecordedSale, SaleOrder, SalesService
from inventory.application.stock import ProduceReceipt, StockService
from inventory.domain import ReceiveProduce

__all__ = ["OfflineFacts"]


@dataclass(frozen=True)
class OfflineFacts:
    sales: SalesService
    stock: StockService
    calendar: BusinessCalendar

    async def record_sale(self, conn: DbConnection, cooperative_id: str, order: SaleOrder,
                          provenance: Provenance) -> RecordedSale:
        today = await self.calendar.today(conn, cooperative_id)
        return await retry_on_conflict(conn, lambda: self.sales.record(
            conn, cooperative_id, order, today, provenance))

    async def receive_produce(
        self, conn: DbConnection, cooperative_id: str, warehouse_id: str, product_id: str,
        command: ReceiveProduce, provenance: Provenance,
    ) -> ProduceReceipt:
        today = await self.calendar.today(conn, cooperative_id)
        return await retry_on_conflict(conn, lambda: self.stock.receive_produce(
            conn, cooperative_id, warehouse_id, product_id, command, today, provenance))
