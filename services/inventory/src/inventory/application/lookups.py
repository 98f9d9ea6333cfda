"""Finding what a command names, within the cooperative of the request (tenancy).

A warehouse or product of another cooperative is "not found", never "forbidden", so
ids cannot be probed across cooperatives.
"""

from __future__ import annotations

from gotong_platform.db import DbConnection
from inventory.application.errors import NotAnActiveMember
from inventory.application.ports import MembersDirectory, Products, Warehouses
from inventory.domain import Product, ProductNotFound, Warehouse, WarehouseNotFound

__all__ = ["is_active_member", "product_in", "require_active_member", "warehouse_in"]


async def warehouse_in(
    conn: DbConnection, warehouses: Warehouses, cooperative_id: str, warehouse_id: str
) -> Warehouse:
    warehouse = await warehouses.load(conn, warehouse_id)
    if warehouse is None or warehouse.cooperative_id != cooperative_id:
        raise WarehouseNotFound("No warehouse with this id in this cooperative.")
    return warehouse


async def product_in(
    conn: DbConnection, products: Products, cooperative_id: str, product_id: str
) -> tuple[Product, int]:
    product, version = await products.load(conn, product_id)
    if product is None or product.cooperative_id != cooperative_id:
        raise ProductNotFound(f"No product {product_id} in this cooperative.")
    return product, version


async def is_active_member(conn: DbConnection, directory: MembersDirectory,
                           cooperative_id: str, member_id: str) -> bool:
    """Admitted (not suspended or gone) in this cooperative, per the local directory."""
    member = await directory.member(conn, member_id)
    return member is not None and member.cooperative_id == cooperative_id and member.is_active


async def require_active_member(conn: DbConnection, directory: MembersDirectory,
                                cooperative_id: str, member_id: str) -> None:
    if not await is_active_member(conn, directory, cooperative_id, member_id):
        raise NotAnActiveMember(
            f"{member_id} is not an active member of this cooperative; sell or buy as "
            "non-member, or ask the pengurus to admit or reinstate them first.")
