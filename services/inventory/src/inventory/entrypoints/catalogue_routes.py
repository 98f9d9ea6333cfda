"""Routes of the catalogue: warehouses, products and price lists (pengurus set them up)."""

from __future__ import annotations

from typing import Any

from fastapi import Depends
from starlette.responses import JSONResponse

from gotong_platform.auth import Action
from gotong_platform.db import DbConnection
from gotong_platform.http import HTTPProblem, cooperative_router, require_action
from gotong_platform.http.runner import Runner
from gotong_platform.provenance import Provenance
from inventory.adapters import queries
from inventory.domain import (
    BaseUnit,
    DefineProduct,
    LotTracking,
    PriceList,
    ProductCategory,
    RegisterWarehouse,
    SetPrice,
    WarehouseKind,
)
from inventory.entrypoints import schemas as s
from inventory.entrypoints.deps import NOT_FOUND, Ctx, ScopeDep, Today

__all__ = ["router"]

router = cooperative_router(tags=["catalogue"], responses=NOT_FOUND)
_SETUP = [Depends(require_action(Action.MANAGE_SETUP))]


@router.post("/warehouses", status_code=201, response_model=s.WarehouseOut, dependencies=_SETUP)
async def register_warehouse(scope: ScopeDep, body: s.WarehouseIn, ctx: Ctx, run: Runner,
                             today: Today) -> JSONResponse:
    """Register a warehouse, cold storage or shop (gerai) of the cooperative."""
    command = RegisterWarehouse(cooperative_id=scope.cooperative_id, name=body.name,
                                kind=WarehouseKind(body.kind), capacity_kg=body.capacity_kg)

    async def work(conn: DbConnection, prov: Provenance) -> tuple[int, Any]:
        w = await ctx.catalogue.register_warehouse(conn, command, today, prov)
        return 201, s.WarehouseOut(
            warehouse_id=w.warehouse_id, cooperative_id=w.cooperative_id, name=w.name,
            kind=w.kind.value, capacity_kg=w.capacity_kg).model_dump(mode="json")

    return await run(work)


@router.get("/warehouses", response_model=list[s.WarehouseOut])
async def list_warehouses(scope: ScopeDep, ctx: Ctx) -> list[dict[str, Any]]:
    return await queries.list_warehouses(ctx.pool, scope.cooperative_id)


@router.post("/products", status_code=201, response_model=s.ProductOut, dependencies=_SETUP)
async def define_product(scope: ScopeDep, body: s.ProductIn, ctx: Ctx, run: Runner,
                         today: Today) -> JSONResponse:
    """Add a product; its SKU is unique within the cooperative (409 otherwise)."""
    command = DefineProduct(
        cooperative_id=scope.cooperative_id, sku=body.sku, name=body.name,
        category=ProductCategory(body.category), base_unit=BaseUnit(body.base_unit),
        lot_tracking=LotTracking(body.lot_tracking), shelf_life_days=body.shelf_life_days)

    async def work(conn: DbConnection, prov: Provenance) -> tuple[int, Any]:
        product = await ctx.catalogue.define_product(conn, command, today, prov)
        return 201, await _product_out(conn, scope.cooperative_id, product.product_id)

    return await run(work)


@router.get("/products", response_model=list[s.ProductOut])
async def list_products(scope: ScopeDep, ctx: Ctx) -> list[dict[str, Any]]:
    """The catalogue with every price set (a price applies from its effective date)."""
    return await queries.list_products(ctx.pool, scope.cooperative_id)


@router.post("/products/{product_id}/prices", response_model=s.ProductOut,
             dependencies=_SETUP)
async def set_price(scope: ScopeDep, product_id: str, body: s.PriceIn, ctx: Ctx, run: Runner,
                    today: Today) -> JSONResponse:
    """Set a member, non-member or buy-from-member price from a date (default today)."""

    async def work(conn: DbConnection, prov: Provenance) -> tuple[int, Any]:
        command = SetPrice(price_list=PriceList(body.price_list), price_idr=body.price_idr,
                           per_qty=body.per_qty, effective_from=body.effective_from or today)
        await ctx.catalogue.set_price(conn, scope.cooperative_id, product_id, command, today,
                                      prov)
        return 200, await _product_out(conn, scope.cooperative_id, product_id)

    return await run(work)


async def _product_out(conn: DbConnection, cooperative_id: str, product_id: str
                       ) -> dict[str, Any]:
    found = await queries.list_products(conn, cooperative_id, product_id)
    if not found:
        raise HTTPProblem(404, "Not Found", "product not found", "product-not-found")
    return s.ProductOut.model_validate(found[0]).model_dump(mode="json")
