"""Use cases of the stock ledgers: receipts from suppliers and members, write-offs, counts.

Each names a warehouse and products of the request's cooperative (else 404), then
moves one ledger per product. ``today`` is the cooperative's business date; the
command carries the fact's own business date (today online, the device's offline).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from functools import partial

from gotong_platform.db import DbConnection
from gotong_platform.provenance import Provenance
from inventory.application.errors import NoListPrice
from inventory.application.ledgers import move_stock
from inventory.application.lookups import (
    is_active_member,
    product_in,
    require_active_member,
    warehouse_in,
)
from inventory.application.ports import MembersDirectory, Products, StockLedgers, Warehouses
from inventory.domain import (
    AdjustStock,
    CountStock,
    PriceList,
    ProduceReceivedFromMember,
    Product,
    ReceiveGoods,
    ReceiveProduce,
    StockEvent,
    StockLedger,
    Warehouse,
    adjust_stock,
    count_stock,
    receive_goods,
    receive_produce,
)

__all__ = ["FLAG_MEMBER_UNVERIFIED", "ProduceReceipt", "StockService"]

# An offline fact named a member the directory does not know as active here.
FLAG_MEMBER_UNVERIFIED = "member_unverified"


@dataclass(frozen=True)
class ProduceReceipt:
    event: ProduceReceivedFromMember
    ledger: StockLedger
    flags: list[str]


@dataclass(frozen=True)
class StockService:
    warehouses: Warehouses
    products: Products
    ledgers: StockLedgers
    directory: MembersDirectory

    async def receive_goods(
        self, conn: DbConnection, cooperative_id: str, warehouse_id: str, product_id: str,
        command: ReceiveGoods, today: date, provenance: Provenance,
    ) -> StockLedger:
        return await self._move(conn, cooperative_id, warehouse_id, product_id,
                                partial(receive_goods, command=command, today=today), provenance)

    async def receive_produce(
        self, conn: DbConnection, cooperative_id: str, warehouse_id: str, product_id: str,
        command: ReceiveProduce, today: date, provenance: Provenance,
    ) -> ProduceReceipt:
        """Online the member must be active here; offline (already weighed and handed
        over) an unknown member is accepted and flagged for the clerk."""
        warehouse, product = await self._place(conn, cooperative_id, warehouse_id, product_id)
        flags: list[str] = []
        if not command.recorded_offline:
            await require_active_member(conn, self.directory, cooperative_id, command.member_id)
        elif not await is_active_member(conn, self.directory, cooperative_id,
                                        command.member_id):
            flags.append(FLAG_MEMBER_UNVERIFIED)
        if product.price_on(PriceList.BUY_FROM_MEMBER, command.business_date) is None:
            raise NoListPrice(f"{product.name} has no buy-from-member price on "
                              f"{command.business_date.isoformat()}.")
        ledger, events = await move_stock(
            conn, self.ledgers, warehouse, product,
            lambda ledger: receive_produce(ledger, command, product=product, today=today),
            provenance)
        receipt = next(e for e in events if isinstance(e, ProduceReceivedFromMember))
        return ProduceReceipt(event=receipt, ledger=ledger, flags=flags)

    async def adjust(
        self, conn: DbConnection, cooperative_id: str, warehouse_id: str, product_id: str,
        command: AdjustStock, today: date, provenance: Provenance,
    ) -> StockLedger:
        return await self._move(conn, cooperative_id, warehouse_id, product_id,
                                partial(adjust_stock, command=command, today=today), provenance)

    async def count(
        self, conn: DbConnection, cooperative_id: str, warehouse_id: str,
        counts: Sequence[tuple[str, CountStock]], today: date, provenance: Provenance,
    ) -> list[tuple[StockLedger, list[StockEvent]]]:
        """A stock opname: per product counted, the count and its corrections."""
        warehouse = await warehouse_in(conn, self.warehouses, cooperative_id, warehouse_id)
        results = []
        for product_id, command in counts:
            product, _ = await product_in(conn, self.products, cooperative_id, product_id)
            results.append(await move_stock(
                conn, self.ledgers, warehouse, product,
                partial(count_stock, command=command, product=product, today=today),
                provenance))
        return results

    async def _move(
        self, conn: DbConnection, cooperative_id: str, warehouse_id: str, product_id: str,
        decide: Callable[..., list[StockEvent]], provenance: Provenance,
    ) -> StockLedger:
        """One product's ledger in one warehouse of the cooperative, moved by
        ``decide(ledger, product=...)``."""
        warehouse, product = await self._place(conn, cooperative_id, warehouse_id, product_id)
        ledger, _ = await move_stock(conn, self.ledgers, warehouse, product,
                                     partial(decide, product=product), provenance)
        return ledger

    async def _place(
        self, conn: DbConnection, cooperative_id: str, warehouse_id: str, product_id: str
    ) -> tuple[Warehouse, Product]:
        warehouse = await warehouse_in(conn, self.warehouses, cooperative_id, warehouse_id)
        product, _ = await product_in(conn, self.products, cooperative_id, product_id)
        return warehouse, product
