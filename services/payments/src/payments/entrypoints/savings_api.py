"""Routes of simpanan: the savings policy, members' accounts, deposits, withdrawals, billing."""

from __future__ import annotations

import functools
from datetime import date
from typing import Annotated, Any, Literal

from fastapi import Depends, Path
from starlette.responses import JSONResponse

from gotong_platform.auth import Action
from gotong_platform.calendar import check_business_date
from gotong_platform.db import DbConnection
from gotong_platform.http import HTTPProblem, cooperative_router, require_action
from gotong_platform.http.runner import Runner
from gotong_platform.provenance import Provenance
from payments.adapters import queries
from payments.domain import (
    DepositChannel,
    DepositSavings,
    InstalmentHorizon,
    SavingsPolicy,
    SavingsType,
    WithdrawSavings,
)
from payments.entrypoints import schemas as s
from payments.entrypoints.deps import NOT_FOUND, Ctx, ScopeDep

__all__ = ["router"]

router = cooperative_router(tags=["savings"], responses=NOT_FOUND)

SavingsTypePath = Annotated[Literal["pokok", "wajib", "sukarela"], Path()]
_SETUP = [Depends(require_action(Action.MANAGE_SETUP))]


# --- the savings policy and wajib billing ---------------------------------------------


@router.post("/savings-policy", response_model=s.SavingsPolicyOut, dependencies=_SETUP)
async def set_policy(scope: ScopeDep, body: s.SavingsPolicyIn, ctx: Ctx,
                     run: Runner) -> JSONResponse:
    """Set the cooperative's simpanan pokok and wajib (new accounts take the new pokok)."""
    policy = SavingsPolicy(pokok_idr=body.pokok_idr, wajib_idr=body.wajib_idr,
                           wajib_due_day=body.wajib_due_day,
                           payout_instalments=InstalmentHorizon(body.payout_instalments))

    async def work(conn: DbConnection, origin: Provenance) -> tuple[int, Any]:
        today = await ctx.calendar.today(conn, scope.cooperative_id)
        await ctx.savings.set_policy(conn, scope.cooperative_id, policy, today, origin)
        out = s.SavingsPolicyOut.of(scope.cooperative_id, policy, is_default=False)
        return 200, out.model_dump(mode="json")

    return await run(work)


@router.get("/savings-policy", response_model=s.SavingsPolicyOut)
async def get_policy(scope: ScopeDep, ctx: Ctx) -> s.SavingsPolicyOut:
    async with ctx.pool.acquire() as conn:
        policy, is_default = await ctx.savings.current_policy(conn, scope.cooperative_id)
    return s.SavingsPolicyOut.of(scope.cooperative_id, policy, is_default=is_default)


@router.post("/wajib-billing", response_model=s.WajibBillingOut, dependencies=_SETUP)
async def bill_wajib(scope: ScopeDep, body: s.WajibBillingIn, ctx: Ctx,
                     run: Runner) -> JSONResponse:
    """Bill the period's simpanan wajib to every admitted member; once per period.

    A member admitted after the period's due date does not owe it and is not billed.
    """

    async def work(conn: DbConnection, origin: Provenance) -> tuple[int, Any]:
        today = await ctx.calendar.today(conn, scope.cooperative_id)
        result = await ctx.savings.bill_wajib(conn, scope.cooperative_id, body.period, today,
                                              origin)
        return 200, s.WajibBillingOut.of(result).model_dump(mode="json")

    return await run(work)


# --- members' accounts ----------------------------------------------------------------


@router.get("/members/{member_id}/savings", response_model=s.MemberSavingsOut)
async def member_savings(scope: ScopeDep, member_id: str, ctx: Ctx) -> s.MemberSavingsOut:
    """Balances per simpanan type, the wajib arrears and the unpaid periods."""
    rows = await queries.member_savings(ctx.pool, scope.cooperative_id, member_id)
    if not rows:
        raise HTTPProblem(404, "Not Found", "this member has no savings accounts here",
                          "savings-accounts-not-found")
    accounts = [s.SavingsAccountOut.model_validate(r) for r in rows]
    wajib = next((a for a in accounts if a.savings_type == "wajib"), None)
    return s.MemberSavingsOut(member_id=member_id, accounts=accounts,
                              wajib_arrears_idr=wajib.arrears_idr if wajib else 0,
                              unpaid_periods=wajib.unpaid_periods if wajib else [])


@router.post("/members/{member_id}/savings/{savings_type}/deposits", status_code=201,
             response_model=s.SavingsAccountOut,
             dependencies=[Depends(require_action(Action.RECORD_TRANSACTION))])
async def deposit(scope: ScopeDep, member_id: str, savings_type: SavingsTypePath,
                  body: s.DepositIn, ctx: Ctx, run: Runner) -> JSONResponse:
    """Take a deposit from an admitted member; on wajib it settles the oldest bills."""

    async def work(conn: DbConnection, origin: Provenance) -> tuple[int, Any]:
        # Without a business date: today in the cooperative's time zone, which the use
        # case reads with the account (no extra round trip).
        command = (_deposit_on(body, body.business_date) if body.business_date
                   else functools.partial(_deposit_on, body))
        account, version = await ctx.savings.deposit(
            conn, scope.cooperative_id, member_id, SavingsType(savings_type), command, origin,
            require_active_member=True)
        return 201, s.SavingsAccountOut.of(account, version).model_dump(mode="json")

    return await run(work)


def _deposit_on(body: s.DepositIn, day: date) -> DepositSavings:
    return DepositSavings(amount_idr=body.amount_idr, channel=DepositChannel(body.channel),
                          business_date=day, reference=body.reference)


@router.post("/members/{member_id}/savings/sukarela/withdrawals", status_code=201,
             response_model=s.SavingsAccountOut,
             dependencies=[Depends(require_action(Action.APPROVE_FINANCE))])
async def withdraw(scope: ScopeDep, member_id: str, body: s.WithdrawalIn, ctx: Ctx,
                   run: Runner) -> JSONResponse:
    """Pay simpanan sukarela out (online only, approved by the pengurus); never below 0."""

    async def work(conn: DbConnection, origin: Provenance) -> tuple[int, Any]:
        today = await ctx.calendar.today(conn, scope.cooperative_id)
        command = WithdrawSavings(
            amount_idr=body.amount_idr,
            business_date=check_business_date(body.business_date or today, today=today))
        account, version = await ctx.savings.withdraw(conn, scope.cooperative_id, member_id,
                                                      command, origin)
        return 201, s.SavingsAccountOut.of(account, version).model_dump(mode="json")

    return await run(work)
