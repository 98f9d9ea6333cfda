"""Use cases of the catalogue: warehouses, products and their price lists.

Each: load, decide (pure domain), save. The caller runs each inside the command's
transaction (``gotong_platform.http.runner.Runner``), which also holds the
Idempotency-Key; ``today`` is the cooperative's business date.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from gotong_platform.db import DbConnection
from gotong_platform.ids import new_id
from gotong_platform.provenance import Provenance
from inventory.application.lookups import product_in
from inventory.application.ports import Products, Warehouses
from inventory.domain import (
    DefineProduct,
    DuplicateSku,
    Product,
    RegisterWarehouse,
    SetPrice,
    Warehouse,
    define_product,
    register_warehouse,
    set_price,
)

__all__ = ["CatalogueService"]


@dataclass(frozen=True)
class CatalogueService:
    warehouses: Warehouses
    products: Products

    async def register_warehouse(
        self, conn: DbConnection, command: RegisterWarehouse, today: date,
        provenance: Provenance,
    ) -> Warehouse:
        events = register_warehouse(None, command, warehouse_id=new_id("warehouse"))
        return await self.warehouses.save(conn, events, provenance, today)

    async def define_product(
        self, conn: DbConnection, command: DefineProduct, today: date, provenance: Provenance,
    ) -> Product:
        events = define_product(None, command, product_id=new_id("product"))
        sku = command.sku.strip()  # as the decider cleaned it
        if await self.products.id_of_sku(conn, command.cooperative_id, sku) is not None:
            raise DuplicateSku(f"Another product of this cooperative has SKU {sku}.")
        product, _ = await self.products.save(conn, None, 0, events, provenance, today)
        return product

    async def set_price(
        self, conn: DbConnection, cooperative_id: str, product_id: str, command: SetPrice,
        today: date, provenance: Provenance,
    ) -> Product:
        state, version = await product_in(conn, self.products, cooperative_id, product_id)
        events = set_price(state, command, today=today)
        product, _ = await self.products.save(conn, state, version, events, provenance, today)
        return product
