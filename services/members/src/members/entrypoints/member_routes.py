"""Routes of one cooperative's members: applications, decisions on them, the register.

Every route answers 404 to a caller who may not see the cooperative
(``cooperative_scope``, at router level). Names are for the cooperative's staff.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query
from starlette.responses import JSONResponse

from gotong_platform.auth import Action, Principal, Role
from gotong_platform.db import DbConnection
from gotong_platform.http import HTTPProblem, Scope, cooperative_scope, require_action
from gotong_platform.http.runner import Runner, Work
from gotong_platform.provenance import Provenance
from members.application.service import MemberCommand
from members.domain import (
    ApplyForMembership,
    ExitMember,
    ExitReason,
    Gender,
    Member,
    ReinstateMember,
    RejectApplication,
    SuspendMember,
)
from members.entrypoints import schemas as s
from members.entrypoints.deps import NOT_FOUND, AppContext, Ctx, ScopeDep

__all__ = ["router"]

router = APIRouter(prefix="/cooperatives/{cooperative_id}/members", tags=["members"],
                   responses=NOT_FOUND, dependencies=[Depends(cooperative_scope)])
_DECIDE = [Depends(require_action(Action.DECIDE_MEMBERSHIP))]
_STATUS_PATTERN = "^(applied|admitted|suspended|rejected|exited)$"
_SEES_NAMES = frozenset({Role.FEDERATION_ADMIN, Role.COOP_ADMIN, Role.COOP_CLERK})


def _visible(member: dict[str, Any], principal: Principal) -> dict[str, Any]:
    """Names are for the cooperative's staff; regional officers and partners get none."""
    if principal.role not in _SEES_NAMES:
        member["full_name"] = None
    return member


def _answer(status: int, saved: tuple[Member, int], full_name: str | None = None
            ) -> tuple[int, Any]:
    return status, s.MemberOut.of(*saved, full_name=full_name).model_dump(mode="json")


@router.post("", status_code=201, response_model=s.MemberOut,
             dependencies=[Depends(require_action(Action.SUBMIT_APPLICATION))])
async def apply(scope: ScopeDep, body: s.ApplyIn, run: Runner, ctx: Ctx) -> JSONResponse:
    """Record an application (calon anggota). The NIK is checked, encrypted, hashed."""
    command = ApplyForMembership(
        cooperative_id=scope.cooperative_id, full_name=body.full_name, nik=body.nik,
        gender=Gender(body.gender), birth_date=body.birth_date,
        village_code=body.village_code, occupation=body.occupation,
        applied_on=body.applied_on,
    )

    async def work(conn: DbConnection, provenance: Provenance) -> tuple[int, Any]:
        return _answer(201, await ctx.members.apply(conn, command, provenance),
                       full_name=command.full_name.strip())

    return await run(work)


@router.get("", response_model=s.MemberList)
async def list_members(
    scope: ScopeDep, ctx: Ctx,
    status: Annotated[str | None, Query(pattern=_STATUS_PATTERN)] = None,
    after: Annotated[str | None, Query(max_length=80)] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> dict[str, Any]:
    rows = await ctx.queries.members(scope.cooperative_id, status=status, after=after,
                                     limit=limit)
    items = [_visible(row, scope.principal) for row in rows]
    return {"items": items,
            "next_cursor": items[-1]["member_id"] if len(items) == limit else None}


@router.get("/{member_id}", response_model=s.MemberOut)
async def get_member(scope: ScopeDep, member_id: str, ctx: Ctx) -> dict[str, Any]:
    row = await ctx.queries.member(scope.cooperative_id, member_id)
    if row is None:
        raise HTTPProblem(404, "Not Found", "member not found", "member-not-found")
    return _visible(row, scope.principal)


@router.post("/{member_id}/admit", response_model=s.MemberOut, dependencies=_DECIDE)
async def admit(scope: ScopeDep, member_id: str, body: s.AdmitIn, run: Runner, ctx: Ctx
                ) -> JSONResponse:
    """Admit an applicant as anggota; the next member number is assigned."""

    async def work(conn: DbConnection, provenance: Provenance) -> tuple[int, Any]:
        return _answer(200, await ctx.members.admit(
            conn, scope.cooperative_id, member_id, body.admitted_on, provenance))

    return await run(work)


def _change(ctx: AppContext, scope: Scope, member_id: str, command: MemberCommand) -> Work:
    """The work of reject, suspend, reinstate and exit: they share one shape."""

    async def work(conn: DbConnection, provenance: Provenance) -> tuple[int, Any]:
        return _answer(200, await ctx.members.change(
            conn, scope.cooperative_id, member_id, command, provenance))

    return work


@router.post("/{member_id}/reject", response_model=s.MemberOut, dependencies=_DECIDE)
async def reject(scope: ScopeDep, member_id: str, body: s.RejectIn, run: Runner, ctx: Ctx
                 ) -> JSONResponse:
    command = RejectApplication(rejected_on=body.rejected_on, reason=body.reason)
    return await run(_change(ctx, scope, member_id, command))


@router.post("/{member_id}/suspend", response_model=s.MemberOut, dependencies=_DECIDE)
async def suspend(scope: ScopeDep, member_id: str, body: s.SuspendIn, run: Runner, ctx: Ctx
                  ) -> JSONResponse:
    command = SuspendMember(suspended_on=body.suspended_on, reason=body.reason)
    return await run(_change(ctx, scope, member_id, command))


@router.post("/{member_id}/reinstate", response_model=s.MemberOut, dependencies=_DECIDE)
async def reinstate(scope: ScopeDep, member_id: str, body: s.ReinstateIn, run: Runner,
                    ctx: Ctx) -> JSONResponse:
    command = ReinstateMember(reinstated_on=body.reinstated_on)
    return await run(_change(ctx, scope, member_id, command))


@router.post("/{member_id}/exit", response_model=s.MemberOut, dependencies=_DECIDE)
async def exit_(scope: ScopeDep, member_id: str, body: s.ExitIn, run: Runner, ctx: Ctx
                ) -> JSONResponse:
    command = ExitMember(exited_on=body.exited_on, reason=ExitReason(body.reason),
                         note=body.note)
    return await run(_change(ctx, scope, member_id, command))


@router.post("/{member_id}/phone", response_model=s.PhoneOut,
             dependencies=[Depends(require_action(Action.SUBMIT_APPLICATION))])
async def set_phone(scope: ScopeDep, member_id: str, body: s.PhoneIn, run: Runner, ctx: Ctx
                    ) -> JSONResponse:
    """Record the mobile number the member signs in with (encrypted; found by a keyed
    hash). Several members may share a phone: a sign-in then opens each membership."""

    async def work(conn: DbConnection, provenance: Provenance) -> tuple[int, Any]:
        phone = await ctx.sign_in.service.set_phone(conn, scope.cooperative_id, member_id,
                                                     body.phone, provenance)
        return 200, {"member_id": member_id, "phone_ends_with": phone[-4:]}

    return await run(work)
