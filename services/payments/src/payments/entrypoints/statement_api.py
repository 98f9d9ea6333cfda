"""A member's own statement: ``GET /member-portal/members/{member_id}/statement``.

Only for a member's token (role ``member``, from the members service's sign-in), and
only for the member it names: any other id (another member of her cooperative or of
another, an id that does not exist, her own id with another cooperative's token) is the
same 404, so probing ids confirms none. Staff read the same records through their
cooperative's routes; they get 403 here. A member who exited keeps reading her history.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query

from gotong_platform.auth import Action, Principal
from gotong_platform.calendar import check_business_date
from gotong_platform.directory import Directory
from gotong_platform.http import HTTPProblem, require_action
from payments.domain import SavingsType, replay_savings
from payments.domain.statement import (
    StatementPeriod,
    loan_line,
    savings_line,
    wajib_months,
)
from payments.entrypoints import statement_schemas as st
from payments.entrypoints.deps import Ctx

__all__ = ["router"]

router = APIRouter(prefix="/member-portal", tags=["member portal"])
_NOT_FOUND: dict[int | str, dict[str, Any]] = {404: {"description": "not this member's own record"}}
Member = Annotated[Principal, Depends(require_action(Action.READ_OWN_RECORDS))]


@router.get("/members/{member_id}/statement", response_model=st.StatementOut,
            responses=_NOT_FOUND)
async def statement(
    member_id: str, principal: Member, ctx: Ctx,
    start: Annotated[date | None, Query(alias="from")] = None,
    end: Annotated[date | None, Query(alias="to")] = None,
) -> dict[str, Any]:
    """Her savings, wajib months, loans and payouts for the period (default: this month
    and the two before it, to today)."""
    async with ctx.pool.acquire() as conn, conn.transaction(isolation="repeatable_read",
                                                             readonly=True):
        facts = await Directory(conn).member(member_id)
        if (principal.subject != member_id or facts is None
                or facts.cooperative_id != principal.cooperative_id):
            raise HTTPProblem(404, "Not Found", "member not found", "member-not-found")
        today = await ctx.calendar.today(conn, facts.cooperative_id)
        end = check_business_date(end or today, today=today, what="The period's last day")
        start = start or _first_of_month(today, months_back=2)
        period = StatementPeriod(start=start, end=end)
        records = await ctx.records.read(conn, facts.cooperative_id, member_id, start, end)
    return st.StatementOut(
        member_id=member_id, cooperative_id=facts.cooperative_id, member_no=facts.member_no,
        member_status=facts.status, period_start=start, period_end=end, as_of=today,
        current_at=ctx.clock.now(),
        savings=[st.SavingsOut.of(savings_line(t, records.savings[t], period))
                 for t in SavingsType],
        wajib=_wajib(records.savings[SavingsType.WAJIB]),
        loans=[st.LoanOut.of(loan_line(loan, events, period))
               for loan, events in records.loans],
        payouts=[st.PayoutOut.of(row) for row in records.payouts],
    ).model_dump(mode="json")


def _wajib(events: list[Any]) -> st.WajibOut:
    account = replay_savings(events) if events else None
    return st.WajibOut(arrears_idr=account.arrears_idr if account else 0,
                       months=[st.WajibMonthOut.of(m) for m in wajib_months(account)])


def _first_of_month(day: date, *, months_back: int) -> date:
    year, month = divmod(day.year * 12 + day.month - 1 - months_back, 12)
    return date(year, month + 1, 1)
