"""Routes of orders from outside buyers: place, pay, pack, ship, cancel, and release the
reservations of orders not paid in time.

Staff of the cooperative run them (``record_transaction``): an order that came in by
the catalogue, WhatsApp or phone is placed for the buyer; the payment the cooperative
saw (transfer or QRIS reference) is recorded by it. Each command's instant is the
service's clock (``ctx.clock``: a test sets it), its business date the cooperative's.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends, Query
from starlette.responses import JSONResponse

from gotong_platform.auth import Action
from gotong_platform.db import DbConnection
from gotong_platform.http import HTTPProblem, cooperative_router, require_action
from gotong_platform.http.runner import Runner
from gotong_platform.provenance import Provenance
from inventory.adapters import queries
from inventory.application.orders import OrderRequest
from inventory.domain.order import Buyer
from inventory.domain.values import OrderPaymentMethod
from inventory.entrypoints import order_schemas as s
from inventory.entrypoints.deps import NOT_FOUND, Ctx, ScopeDep, Today

__all__ = ["router"]

router = cooperative_router(tags=["orders"], responses=NOT_FOUND)
_STAFF = [Depends(require_action(Action.RECORD_TRANSACTION))]



async def _answer(conn: DbConnection, cooperative_id: str, order_id: str) -> dict[str, Any]:
    found = await queries.order(conn, cooperative_id, order_id)
    if found is None:  # written in this transaction: always there
        raise RuntimeError(f"order {order_id} not projected")
    return s.OrderOut.model_validate(found).model_dump(mode="json")


@router.post("/orders", status_code=201, response_model=s.OrderOut, dependencies=_STAFF)
async def place_order(scope: ScopeDep, body: s.OrderIn, ctx: Ctx, run: Runner, today: Today
                      ) -> JSONResponse:
    """Place an order and reserve its stock until the payment deadline (``pay_by``).

    Prices are the cooperative's for outside buyers on the day; a product without one
    is 422 ``no-online-price``; more than is available (on hand less what other orders
    hold) is 409 ``insufficient-stock``."""

    async def work(conn: DbConnection, prov: Provenance) -> tuple[int, Any]:
        request = OrderRequest(
            warehouse_id=body.warehouse_id,
            buyer=Buyer(name=body.buyer.name, phone=body.buyer.phone,
                        address=body.buyer.address, regency=body.buyer.regency),
            lines=tuple((line.product_id, line.qty) for line in body.lines))
        order = await ctx.orders.place(conn, scope.cooperative_id, request,
                                       now=ctx.clock.now(), today=today, provenance=prov)
        return 201, await _answer(conn, scope.cooperative_id, order.order_id)

    return await run(work)


@router.post("/orders/{order_id}/payment", response_model=s.OrderOut, dependencies=_STAFF)
async def pay_order(scope: ScopeDep, order_id: str, body: s.OrderPaymentIn, ctx: Ctx,
                    run: Runner, today: Today) -> JSONResponse:
    """Record the buyer's payment (the whole total, before ``pay_by``): the order is paid."""

    async def work(conn: DbConnection, prov: Provenance) -> tuple[int, Any]:
        await ctx.orders.pay(conn, scope.cooperative_id, order_id,
                             method=OrderPaymentMethod(body.method), reference=body.reference,
                             amount_idr=body.amount_idr, now=ctx.clock.now(), today=today,
                             provenance=prov)
        return 200, await _answer(conn, scope.cooperative_id, order_id)

    return await run(work)


@router.post("/orders/{order_id}/packing", response_model=s.OrderOut, dependencies=_STAFF)
async def pack_order(scope: ScopeDep, order_id: str, ctx: Ctx, run: Runner, today: Today
                     ) -> JSONResponse:
    async def work(conn: DbConnection, prov: Provenance) -> tuple[int, Any]:
        await ctx.orders.pack(conn, scope.cooperative_id, order_id, today=today,
                              provenance=prov)
        return 200, await _answer(conn, scope.cooperative_id, order_id)

    return await run(work)


@router.post("/orders/{order_id}/shipment", response_model=s.OrderOut, dependencies=_STAFF)
async def ship_order(scope: ScopeDep, order_id: str, body: s.OrderShipmentIn, ctx: Ctx,
                     run: Runner, today: Today) -> JSONResponse:
    """Hand the packed order to the courier: its stock leaves in a sale with channel
    ``online`` (``sale_id``), which the payments service then completes."""

    async def work(conn: DbConnection, prov: Provenance) -> tuple[int, Any]:
        await ctx.orders.ship(conn, scope.cooperative_id, order_id, courier=body.courier,
                              tracking_no=body.tracking_no, today=today, provenance=prov)
        return 200, await _answer(conn, scope.cooperative_id, order_id)

    return await run(work)


@router.post("/orders/{order_id}/cancellation", response_model=s.OrderOut,
             dependencies=_STAFF)
async def cancel_order(scope: ScopeDep, order_id: str, body: s.OrderCancelIn, ctx: Ctx,
                       run: Runner, today: Today) -> JSONResponse:
    """Cancel an order not yet paid: its reservation is released."""

    async def work(conn: DbConnection, prov: Provenance) -> tuple[int, Any]:
        await ctx.orders.cancel(conn, scope.cooperative_id, order_id, reason=body.reason,
                                today=today, provenance=prov)
        return 200, await _answer(conn, scope.cooperative_id, order_id)

    return await run(work)


@router.post("/orders/release-expired", response_model=s.ReleasedOut, dependencies=_STAFF)
async def release_expired(scope: ScopeDep, ctx: Ctx, run: Runner, today: Today
                          ) -> JSONResponse:
    """Expire the unpaid orders past their deadline (at most 100 a call) and release
    their reservations. ``python -m inventory release-expired-orders`` runs it for every
    cooperative, from a scheduler."""

    async def work(conn: DbConnection, prov: Provenance) -> tuple[int, Any]:
        expired = await ctx.orders.expire_due(conn, scope.cooperative_id,
                                              now=ctx.clock.now(), today=today,
                                              provenance=prov)
        return 200, {"expired": expired}

    return await run(work)


@router.get("/orders/{order_id}", response_model=s.OrderOut)
async def get_order(scope: ScopeDep, order_id: str, ctx: Ctx) -> dict[str, Any]:
    found = await queries.order(ctx.pool, scope.cooperative_id, order_id)
    if found is None:
        raise HTTPProblem(404, "Not Found", "order not found", "order-not-found")
    return found


@router.get("/orders", response_model=s.OrderList)
async def list_orders(
    scope: ScopeDep, ctx: Ctx,
    status: Annotated[str | None, Query(pattern="^(placed|paid|packed|shipped|cancelled|"
                                              "expired)$")] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 200,
) -> dict[str, Any]:
    """The cooperative's orders, newest first (``status``: only those)."""
    return {"items": await queries.list_orders(ctx.pool, scope.cooperative_id, status,
                                                     limit)}
