"""The member's own window on reporting: her SHU share, her cooperative's month and RAT.

| route | who |
|---|---|
| ``GET /member-portal/members/{member_id}/shu`` | the member herself |
| ``GET /member-portal/cooperatives/{cooperative_id}/summary`` | a member of that cooperative |

Only for a member's token (role ``member``, from the members service's sign-in), as
payments' statement: the member it names must be the token's subject, of the token's
cooperative, as the read model knows her. Any other id (another member of her
cooperative or of another, an id that does not exist, another cooperative) is the same
404, so probing ids confirms none; staff get 403 (they read the cooperative's own
routes). A member who exited keeps reading both. The page that calls these is served
by payments (``/anggota/``) on another origin: ``GOTONG_REPORTING_CORS_ORIGINS``.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query

from gotong_platform.auth import Action, Principal
from gotong_platform.calendar import today_in
from gotong_platform.http import HTTPProblem, require_action
from reporting.application.monthly import cooperative_month
from reporting.application.ports import ReportReader
from reporting.domain.reports.member_view import month_for_member, rat_for_member
from reporting.domain.reports.period import Period
from reporting.domain.shu.member_share import (
    AdoptedYear,
    MemberShare,
    member_share_view,
    pool_share_bp,
)
from reporting.entrypoints import member_portal_schemas as s
from reporting.entrypoints.deps import ClockDep, Model, Options, Shu

__all__ = ["router"]

router = APIRouter(prefix="/member-portal", tags=["member portal"])
Member = Annotated[Principal, Depends(require_action(Action.READ_OWN_RECORDS))]
_NOT_FOUND: dict[int | str, dict[str, Any]] = {404: {"description": "not her own record"}}
Month = Annotated[str | None, Query(
    pattern=r"^\d{4}-(0[1-9]|1[0-2])$", examples=["2026-10"],
    description="a closed month, YYYY-MM (default: the last closed month)")]


def _not_found(what: str) -> HTTPProblem:
    return HTTPProblem(404, "Not Found", f"{what} not found", f"{what}-not-found")


async def _herself(reader: ReportReader, principal: Principal) -> dict[str, Any] | None:
    """The token's member as the read model knows her, in the token's cooperative."""
    me = await reader.member(principal.subject)
    if me is None or me["cooperative_id"] != principal.cooperative_id:
        return None
    return me


@router.get("/members/{member_id}/shu", response_model=s.MemberShuOut, responses=_NOT_FOUND)
async def member_shu(member_id: str, principal: Member, model: Model, shu: Shu,
                     clock: ClockDep) -> dict[str, Any]:
    """Her SHU share of every year a RAT adopted (newest first): jasa modal and jasa
    usaha, the pools and rates that produced them, explained in Indonesian."""
    async with model.reader() as reader:
        me = await _herself(reader, principal)
    if me is None or principal.subject != member_id:
        raise _not_found("member")
    rows = await shu.queries.approved_with_share(me["cooperative_id"], member_id)
    years = [member_share_view(_year(calc), _share(mine)) for calc, mine in rows]
    return {"member_id": member_id, "cooperative_id": me["cooperative_id"],
            "member_no": me["member_no"], "member_status": me["status"],
            "current_at": clock.now(), "years": years}


@router.get("/cooperatives/{cooperative_id}/summary", response_model=s.CooperativeSummaryOut,
            responses=_NOT_FOUND)
async def cooperative_summary(cooperative_id: str, principal: Member, model: Model, shu: Shu,
                              clock: ClockDep, options: Options, month: Month = None
                              ) -> dict[str, Any]:
    """Her cooperative's figures of a closed month (the cooperative's own monthly report,
    the part a member may see) and the SHU its last RAT adopted."""
    async with model.reader() as reader:
        me = await _herself(reader, principal)
        coops = await reader.cooperatives(cooperative_id=cooperative_id)
        if me is None or cooperative_id != me["cooperative_id"] or not coops:
            raise _not_found("cooperative")
        coop = coops[0]
        today = today_in(clock, coop.time_zone)
        last_closed = _month_before(today)
        chosen = month or last_closed
        if chosen > last_closed:
            raise HTTPProblem(422, "Invalid request",
                              f"{chosen} is not closed yet: the last closed month is "
                              f"{last_closed}", "month-not-closed",
                              errors=[{"loc": ["query", "month"], "msg": "not closed yet",
                                       "type": "value_error"}])
        report = await cooperative_month(
            reader, lambda zone: Period.of(chosen, now=clock.now(),
                                           today=today_in(clock, zone)),
            cooperative_id, options)
    approved = [c for c in await shu.queries.calculations(cooperative_id)
                if c["status"] == "approved"]
    rat = None
    if approved:
        last = approved[0]  # newest fiscal year first
        rat = rat_for_member(last, {p: pool_share_bp(last["policy"], p)
                                    for p in last["pools_idr"]})
    return {"cooperative_id": cooperative_id, "name": coop.name,
            "regency_name": coop.as_dict()["regency_name"], "current_at": clock.now(),
            "month": month_for_member(report), "rat": rat}


def _month_before(day: date) -> str:
    year, month = (day.year, day.month - 1) if day.month > 1 else (day.year - 1, 12)
    return f"{year:04d}-{month:02d}"


def _year(calc: dict[str, Any]) -> AdoptedYear:
    return AdoptedYear(
        calc_id=calc["calc_id"], fiscal_year=calc["fiscal_year"],
        period_start=calc["period_start"], period_end=calc["period_end"],
        rat_date=calc["rat_date"], shu_total_idr=calc["shu_total_idr"],
        shu_member_sourced_idr=calc["shu_member_sourced_idr"], pools_idr=calc["pools_idr"],
        capital_basis_total_idr=calc["capital_basis_total_idr"],
        transaction_basis_total_idr=calc["transaction_basis_total_idr"],
        member_count=calc["member_count"], policy=calc["policy"])


def _share(row: dict[str, Any] | None) -> MemberShare | None:
    return None if row is None else MemberShare(**row)
