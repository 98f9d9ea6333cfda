"""Routes of the shop: record a sale (and issue its stock), see a sale and a day's sales."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import Depends, Query
from starlette.responses import JSONResponse

from gotong_platform.auth import Action
from gotong_platform.db import DbConnection
from gotong_platform.http import HTTPProblem, cooperative_router, require_action
from gotong_platform.http.runner import Runner
from gotong_platform.provenance import Provenance
from inventory.adapters import queries
from inventory.application.sales import OrderLine, SaleOrder
from inventory.domain import BuyerType, PaymentMethod, SalePayment
from inventory.entrypoints import schemas as s
from inventory.entrypoints.deps import NOT_FOUND, Ctx, ScopeDep, Today

__all__ = ["router", "sale_order"]

router = cooperative_router(tags=["sales"], responses=NOT_FOUND)


@router.post("/sales", status_code=201, response_model=s.SaleOut,
             dependencies=[Depends(require_action(Action.RECORD_TRANSACTION))])
async def record_sale(scope: ScopeDep, body: s.SaleIn, ctx: Ctx, run: Runner, today: Today
                      ) -> JSONResponse:
    """Record a sale and issue its stock in one transaction.

    Prices come from the member or non-member list of today; the payments must add up
    to the total. Selling more than is on hand is refused (409, the product named);
    a member buyer must be an active member (422 ``not-an-active-member``); a
    cooperative buyer another cooperative of the federation (422
    ``unknown-buyer-cooperative``, 409 ``outside-federation``). The sale
    is ``recorded`` until the payments service answers: then ``completed``, or
    ``voided`` with its reason (see ``GET /sales/{sale_id}``).
    """

    async def work(conn: DbConnection, prov: Provenance) -> tuple[int, Any]:
        order = sale_order(body, business_date=today, offline=False)
        recorded = await ctx.sales.record(conn, scope.cooperative_id, order, today, prov)
        return 201, queries.recorded_sale(recorded.event, recorded.flags)

    return await run(work)


@router.get("/sales/{sale_id}", response_model=s.SaleOut)
async def get_sale(scope: ScopeDep, sale_id: str, ctx: Ctx) -> dict[str, Any]:
    found = await queries.sale(ctx.pool, scope.cooperative_id, sale_id)
    if found is None:
        raise HTTPProblem(404, "Not Found", "sale not found", "sale-not-found")
    return found


@router.get("/sales", response_model=s.SaleList)
async def list_sales(
    scope: ScopeDep, ctx: Ctx, business_date: date | None = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 200,
) -> dict[str, Any]:
    """The sales of a business date (newest first), or the latest ones."""
    return {"items": await queries.list_sales(ctx.pool, scope.cooperative_id,
                                              business_date, limit)}


def sale_order(body: s.SaleIn, *, business_date: date, offline: bool,
               device_id: str | None = None) -> SaleOrder:
    return SaleOrder(
        warehouse_id=body.warehouse_id, buyer_type=BuyerType(body.buyer_type),
        member_id=body.member_id, buyer_cooperative_id=body.buyer_cooperative_id,
        lines=tuple(OrderLine(product_id=line.product_id, qty=line.qty) for line in body.lines),
        payments=tuple(SalePayment(method=PaymentMethod(p.method), amount_idr=p.amount_idr)
                       for p in body.payments),
        business_date=business_date, discount_idr=body.discount_idr,
        receipt_no=body.receipt_no, device_id=device_id, recorded_offline=offline)
