"""Routes of pinjaman: apply, approve or reject, disburse, repay, restructure, write off, close.

Maker-checker compares token subjects: whoever recorded the application (its
``recorded_by``) cannot approve it, and whoever disbursed cannot write it off. Subjects
arrive in one normal form (``gotong_platform.auth.normalise_subject``), so one clerk in
two spellings is still one person.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Annotated, Any

from fastapi import Depends, Query
from starlette.responses import JSONResponse

from gotong_platform.auth import Action
from gotong_platform.calendar import check_business_date
from gotong_platform.db import DbConnection
from gotong_platform.http import Scope, cooperative_router, require_action
from gotong_platform.http.runner import Runner
from gotong_platform.provenance import Provenance
from payments.adapters import queries
from payments.application.loan_service import LoanCommand, view_of
from payments.domain import (
    ApplyForLoan,
    ApproveLoan,
    CloseLoan,
    DisburseLoan,
    InterestMethod,
    LoanRepaymentReceived,
    ReceiveRepayment,
    RejectLoan,
    RepaymentChannel,
    RestructureLoan,
    WriteOffLoan,
)
from payments.entrypoints import loan_schemas as ls
from payments.entrypoints.deps import NOT_FOUND, AppContext, Ctx, ScopeDep

__all__ = ["router"]

router = cooperative_router(tags=["loans"], responses=NOT_FOUND)

_RECORD = [Depends(require_action(Action.RECORD_TRANSACTION))]
_APPROVE = [Depends(require_action(Action.APPROVE_FINANCE))]


# --- the application, and reading loans -----------------------------------------------


@router.post("/loans", status_code=201, response_model=ls.LoanOut, dependencies=_RECORD)
async def apply(scope: ScopeDep, body: ls.LoanApplyIn, ctx: Ctx, run: Runner) -> JSONResponse:
    """Record a member's loan application; the recording user is the maker."""

    async def work(conn: DbConnection, origin: Provenance) -> tuple[int, Any]:
        today = await ctx.calendar.today(conn, scope.cooperative_id)
        command = ApplyForLoan(
            member_id=body.member_id, principal_idr=body.principal_idr,
            term_months=body.term_months,
            interest_rate_bp_per_month=body.interest_rate_bp_per_month,
            method=InterestMethod(body.method), penalty_bp_per_month=body.penalty_bp_per_month,
            first_due_date=body.first_due_date, applied_on=body.applied_on or today,
            recorded_by=scope.principal.subject, purpose=body.purpose)
        check_business_date(command.applied_on, today=today, what="The application date")
        change = await ctx.loans.apply(conn, scope.cooperative_id, command, origin)
        out = ls.LoanOut.of(view_of(change.loan, change.version, today))
        return 201, out.model_dump(mode="json")

    return await run(work)


@router.get("/loans", response_model=list[ls.LoanSummary])
async def list_loans(
    scope: ScopeDep, ctx: Ctx, member_id: Annotated[str | None, Query(max_length=100)] = None,
) -> list[dict[str, Any]]:
    return await queries.list_loans(ctx.pool, scope.cooperative_id, member_id)


@router.get("/loans/{loan_id}", response_model=ls.LoanOut)
async def get_loan(scope: ScopeDep, loan_id: str, ctx: Ctx) -> ls.LoanOut:
    """The loan as of today in the cooperative's time zone: schedule, days past due."""
    async with ctx.pool.acquire() as conn:
        view = await ctx.loans.view(conn, scope.cooperative_id, loan_id)
    return ls.LoanOut.of(view)


# --- every later step: today in the cooperative's zone, the command, the loan after it -


@router.post("/loans/{loan_id}/approve", response_model=ls.LoanOut, dependencies=_APPROVE)
async def approve(scope: ScopeDep, loan_id: str, body: ls.ApproveIn, ctx: Ctx,
                  run: Runner) -> JSONResponse:
    """Approve (the checker): not by the user who recorded the application."""
    return await _step(run, ctx, scope, loan_id, lambda today: ApproveLoan(
        approved_by=scope.principal.subject, approved_on=body.approved_on or today))


@router.post("/loans/{loan_id}/reject", response_model=ls.LoanOut, dependencies=_APPROVE)
async def reject(scope: ScopeDep, loan_id: str, body: ls.RejectIn, ctx: Ctx,
                 run: Runner) -> JSONResponse:
    return await _step(run, ctx, scope, loan_id, lambda today: RejectLoan(
        rejected_by=scope.principal.subject, rejected_on=body.rejected_on or today,
        reason=body.reason))


@router.post("/loans/{loan_id}/disburse", response_model=ls.LoanOut, dependencies=_APPROVE)
async def disburse(scope: ScopeDep, loan_id: str, body: ls.DisburseIn, ctx: Ctx,
                   run: Runner) -> JSONResponse:
    """Pay the loan out; the schedule is fixed now (the last instalment absorbs rounding)."""
    return await _step(run, ctx, scope, loan_id, lambda today: DisburseLoan(
        disbursed_by=scope.principal.subject, disbursed_on=body.disbursed_on or today))


@router.post("/loans/{loan_id}/restructure", response_model=ls.LoanOut, dependencies=_APPROVE)
async def restructure(scope: ScopeDep, loan_id: str, body: ls.RestructureIn, ctx: Ctx,
                      run: Runner) -> JSONResponse:
    """Reschedule the outstanding principal; the loan stays flagged restructured."""
    return await _step(run, ctx, scope, loan_id, lambda today: RestructureLoan(
        new_term_months=body.new_term_months,
        new_interest_rate_bp_per_month=body.new_interest_rate_bp_per_month,
        first_due_date=body.first_due_date, restructured_on=body.restructured_on or today,
        approved_by=scope.principal.subject, reason=body.reason))


@router.post("/loans/{loan_id}/write-off", response_model=ls.LoanOut, dependencies=_APPROVE)
async def write_off(scope: ScopeDep, loan_id: str, body: ls.WriteOffIn, ctx: Ctx,
                    run: Runner) -> JSONResponse:
    """Write the loan off (hapus buku): not by the user who disbursed it."""
    return await _step(run, ctx, scope, loan_id, lambda today: WriteOffLoan(
        written_off_by=scope.principal.subject, written_off_on=body.written_off_on or today,
        reason=body.reason))


@router.post("/loans/{loan_id}/repayments", response_model=ls.RepaymentOut,
             dependencies=_RECORD)
async def repay(scope: ScopeDep, loan_id: str, body: ls.RepaymentIn, ctx: Ctx,
                run: Runner) -> JSONResponse:
    """Receive a repayment: penalty, then interest, then principal, oldest first."""
    return await _step(run, ctx, scope, loan_id, lambda today: ReceiveRepayment(
        amount_idr=body.amount_idr, paid_on=body.paid_on or today,
        channel=RepaymentChannel(body.channel), reference=body.reference))


@router.post("/loans/{loan_id}/close", response_model=ls.LoanOut, dependencies=_RECORD)
async def close(scope: ScopeDep, loan_id: str, body: ls.CloseIn, ctx: Ctx,
                run: Runner) -> JSONResponse:
    """Close a repaid loan (nothing outstanding)."""
    return await _step(run, ctx, scope, loan_id,
                       lambda today: CloseLoan(closed_on=body.closed_on or today))


async def _step(run: Runner, ctx: AppContext, scope: Scope, loan_id: str,
                command_for: Callable[[date], LoanCommand]) -> JSONResponse:
    """Every later step of a loan runs alike, once per Idempotency-Key: today in the
    cooperative's zone, the command for that today (``command_for``; a date the client
    left out is today), its date checked, the decision, and the answer: the loan as of
    today (and a repayment's allocation)."""

    async def work(conn: DbConnection, origin: Provenance) -> tuple[int, Any]:
        today = await ctx.calendar.today(conn, scope.cooperative_id)
        command = command_for(today)
        check_business_date(command.business_date, today=today)
        change = await ctx.loans.change(conn, scope.cooperative_id, loan_id, command, origin)
        view = view_of(change.loan, change.version, today)
        received = next((e for e in change.events if isinstance(e, LoanRepaymentReceived)),
                        None)
        out = ls.LoanOut.of(view) if received is None else ls.RepaymentOut.of(received, view)
        return 200, out.model_dump(mode="json")

    return await run(work)
