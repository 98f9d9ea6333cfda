"""Routes over what other services' events caused (sale payments, payouts, exit refunds),
and the offline batch sync of field devices.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends, Query
from starlette.responses import JSONResponse, Response

from gotong_platform.auth import Action
from gotong_platform.calendar import check_business_date
from gotong_platform.db import DbConnection
from gotong_platform.directory import Directory
from gotong_platform.http import HTTPProblem, cooperative_router, require_action
from gotong_platform.http.runner import Correlation, Runner
from gotong_platform.provenance import Provenance
from gotong_platform.sync import SyncBatch, SyncBatchResult, process_batch_json
from payments.adapters import queries
from payments.entrypoints import schemas as s
from payments.entrypoints.deps import NOT_FOUND, Ctx, ScopeDep

__all__ = ["router"]

router = cooperative_router(responses=NOT_FOUND)


@router.get("/sales/{sale_id}/payment", response_model=s.SalePaymentOut, tags=["sales"])
async def sale_payment(scope: ScopeDep, sale_id: str, ctx: Ctx) -> dict[str, Any]:
    """Whether the sale's payment was recorded, or refused and why."""
    found = await queries.sale_payment(ctx.pool, scope.cooperative_id, sale_id)
    if found is None:
        raise HTTPProblem(404, "Not Found", "no payment recorded for this sale (yet)",
                          "sale-payment-not-found")
    return found


@router.get("/payouts", response_model=list[s.PayoutOut], tags=["payouts"])
async def payouts(
    scope: ScopeDep, ctx: Ctx, member_id: Annotated[str | None, Query(max_length=100)] = None,
) -> list[dict[str, Any]]:
    """Produce payouts with their deductions, newest business date first."""
    return await queries.list_payouts(ctx.pool, scope.cooperative_id, member_id)


@router.get("/members/{member_id}/exit-refund", response_model=s.ExitRefundOut,
            tags=["savings"])
async def exit_refund(scope: ScopeDep, member_id: str, ctx: Ctx) -> dict[str, Any]:
    """The refund of simpanan pokok and wajib prepared when the member left: pending
    until a pengurus approves it, then approved (paid)."""
    found = await queries.exit_refund(ctx.pool, scope.cooperative_id, member_id)
    if found is None:
        raise HTTPProblem(404, "Not Found", "no exit refund for this member",
                          "exit-refund-not-found")
    return found


@router.post("/members/{member_id}/exit-refund/approve", response_model=s.ExitRefundOut,
             tags=["savings"], dependencies=[Depends(require_action(Action.APPROVE_FINANCE))])
async def approve_exit_refund(scope: ScopeDep, member_id: str, body: s.ExitRefundApproveIn,
                              ctx: Ctx, run: Runner) -> JSONResponse:
    """Approve the exit refund (the checker: not who recorded the exit), which pays it:
    the member's loans are offset and her pokok and wajib refunded. Approving an
    approved refund again changes nothing."""

    async def work(conn: DbConnection, origin: Provenance) -> tuple[int, Any]:
        today = await ctx.calendar.today(conn, scope.cooperative_id)
        day = check_business_date(body.approved_on or today, today=today,
                                  what="The approval date")
        row = await ctx.refunds.approve(conn, scope.cooperative_id, member_id,
                                        scope.principal.subject, day, origin)
        return 200, s.ExitRefundOut.model_validate(row).model_dump(mode="json")

    return await run(work)


@router.post("/sync", response_model=SyncBatchResult, tags=["sync"],
             dependencies=[Depends(require_action(Action.RECORD_TRANSACTION))])
async def sync(scope: ScopeDep, batch: SyncBatch, ctx: Ctx,
               correlation: Correlation = None) -> Response:
    """Upload facts recorded offline: ``savings_deposit`` and ``loan_repayment``.

    No Idempotency-Key: every item carries its own ``client_id`` and ``device_seq``,
    so re-uploading a batch answers ``duplicate`` per item and changes nothing.
    """
    # Serialised directly (orjson, the same JSON as SyncBatchResult's): FastAPI would
    # validate the 500 results again, and even the models alone cost ~3 us per item.
    place = await Directory(ctx.pool).cooperative(scope.cooperative_id)
    body = await process_batch_json(
        ctx.pool, cooperative_id=scope.cooperative_id, batch=batch,
        handlers=ctx.offline.handlers(), actor=scope.principal.subject,
        correlation=correlation, clock=ctx.clock,
        time_zone=place.time_zone if place else None)
    return Response(body, media_type="application/json")
