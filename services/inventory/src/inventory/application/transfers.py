"""Use cases of transfers between warehouses, also between cooperatives of the federation.

Dispatch takes stock out of the sending ledgers at cost (``StockTransferredOut``) and
records one ``transfer_lines`` row per product. Receipt, at the receiving warehouse,
takes in every line sent and writes off what did not arrive (``StockAdjusted(lost)``,
the shrinkage). Between cooperatives the goods arrive as the receiving cooperative's
product with the same SKU: each cooperative keeps its own catalogue and prices.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from functools import partial

from gotong_platform.db import DbConnection
from gotong_platform.provenance import Provenance
from inventory.application.errors import (
    DuplicateProductLine,
    OutsideFederation,
    ProductNotInCatalogue,
    TransferLinesMismatch,
    TransferNotFound,
)
from inventory.application.ledgers import move_stock
from inventory.application.lookups import product_in, warehouse_in
from inventory.application.ports import (
    MembersDirectory,
    Products,
    StockLedgers,
    TransferLines,
    Warehouses,
)
from inventory.domain import (
    Product,
    ReceiveTransfer,
    SentLine,
    StockTransferredOut,
    TransferAlreadyReceived,
    TransferStockOut,
    Warehouse,
    WarehouseNotFound,
    receive_transfer,
    transfer_stock_out,
)

__all__ = ["TransferService"]


@dataclass(frozen=True)
class TransferService:
    warehouses: Warehouses
    products: Products
    ledgers: StockLedgers
    in_transit: TransferLines
    directory: MembersDirectory

    async def dispatch(
        self, conn: DbConnection, cooperative_id: str, warehouse_id: str,
        to_warehouse_id: str, lines: Sequence[tuple[str, int]], transfer_id: str,
        today: date, provenance: Provenance,
    ) -> None:
        source = await warehouse_in(conn, self.warehouses, cooperative_id, warehouse_id)
        target = await self.warehouses.load(conn, to_warehouse_id)
        if target is None:
            raise WarehouseNotFound("No warehouse of the federation has this id.")
        await self._check_federation(conn, source, target)
        _each_product_once([product_id for product_id, _ in lines])
        for product_id, qty in sorted(lines):  # ledgers in product order (no deadlocks)
            product, _ = await product_in(conn, self.products, cooperative_id, product_id)
            command = TransferStockOut(
                transfer_id=transfer_id, to_warehouse_id=target.warehouse_id,
                to_cooperative_id=target.cooperative_id, qty=qty, business_date=today)
            _, events = await move_stock(
                conn, self.ledgers, source, product,
                partial(transfer_stock_out, command=command, product=product, today=today),
                provenance, entry_ids=(transfer_id,))
            for e in events:
                if isinstance(e, StockTransferredOut):
                    await self.in_transit.record_sent(conn, e, from_cooperative_id=cooperative_id)

    async def receive(
        self, conn: DbConnection, cooperative_id: str, warehouse_id: str, transfer_id: str,
        received: Mapping[str, int], today: date, provenance: Provenance,
    ) -> None:
        """``received``: the quantity that arrived per product id as sent."""
        target = await warehouse_in(conn, self.warehouses, cooperative_id, warehouse_id)
        lines = await self._incoming(conn, transfer_id, target)
        if any(line.received for line in lines):
            raise TransferAlreadyReceived(f"Transfer {transfer_id} was already received here.")
        sent = {line.product_id for line in lines}
        if set(received) != sent:
            raise TransferLinesMismatch(
                f"The transfer sent {len(sent)} product(s): list each once with the "
                f"quantity received ({', '.join(sorted(sent))}).")
        for line in lines:
            product = await self._receiving_product(conn, line.product_id, cooperative_id)
            command = ReceiveTransfer(
                transfer_id=transfer_id, from_warehouse_id=line.from_warehouse_id,
                lines=line.lines, qty_received=received[line.product_id], business_date=today)
            await move_stock(
                conn, self.ledgers, target, product,
                partial(receive_transfer, command=command, product=product, today=today),
                provenance, source_cooperative_id=line.from_cooperative_id,
                entry_ids=(transfer_id,))
            await self.in_transit.mark_received(
                conn, transfer_id, line.product_id, received_product_id=product.product_id,
                qty_received=command.qty_received, received_on=today)

    async def _check_federation(
        self, conn: DbConnection, source: Warehouse, target: Warehouse
    ) -> None:
        if source.cooperative_id == target.cooperative_id:
            return
        for cooperative_id in (source.cooperative_id, target.cooperative_id):
            facts = await self.directory.cooperative(conn, cooperative_id)
            if facts is None or not facts.in_federation:
                raise OutsideFederation(
                    "Stock moves between cooperatives only while both are members of the "
                    "federation.")

    async def _incoming(
        self, conn: DbConnection, transfer_id: str, target: Warehouse
    ) -> list[SentLine]:
        # Held until the transaction ends: two receipts of one transfer take turns, and
        # the second sees "received".
        lines = await self.in_transit.incoming(conn, transfer_id, target)
        if not lines:
            raise TransferNotFound("No transfer under this id is on its way to this warehouse.")
        return lines

    async def _receiving_product(
        self, conn: DbConnection, sent_product_id: str, cooperative_id: str
    ) -> Product:
        sent, _ = await self.products.load(conn, sent_product_id)
        if sent is None:
            raise TransferNotFound("The transfer names a product that no longer exists.")
        if sent.cooperative_id == cooperative_id:
            return sent
        own = await self.products.id_of_sku(conn, cooperative_id, sent.sku)
        if own is None:
            raise ProductNotInCatalogue(
                f"This cooperative has no product with SKU {sent.sku} ({sent.name}); define "
                "it before receiving the transfer.")
        product, _ = await product_in(conn, self.products, cooperative_id, own)
        return product


def _each_product_once(product_ids: Sequence[str]) -> None:
    if len(set(product_ids)) != len(product_ids):
        raise DuplicateProductLine("A transfer names each product once; add up the quantities.")

