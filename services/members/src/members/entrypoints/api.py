"""HTTP routes of the members service. Routes translate; the domain decides.

Tenancy is enforced once, at router level (``cooperative_scope``): every route
under ``/cooperatives/{cooperative_id}`` answers 404 to a caller who may not
see that cooperative. Every POST takes an ``Idempotency-Key``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Annotated, Any

import asyncpg
from fastapi import APIRouter, Depends, Header, Query, Request
from starlette.responses import JSONResponse

from gotong_platform.auth import Action, Principal, Role, can_read
from gotong_platform.calendar import Clock, today_in
from gotong_platform.commands import CommandMeta, execute_command
from gotong_platform.db import DbConnection
from gotong_platform.http import (
    HTTPProblem,
    IdempotencyRequest,
    PrincipalDep,
    Scope,
    cooperative_scope,
    idempotency_key,
    require_action,
)
from members.application.service import MemberCommand, MembersService
from members.domain import (
    ApplyForMembership,
    ExitMember,
    JoinFederation,
    LeaveFederation,
    RegisterCooperative,
    ReinstateMember,
    RejectApplication,
    SuspendMember,
)
from members.domain.values import CoopType, ExitReason, Gender, Loop, TimeZone
from members.entrypoints import schemas as s

__all__ = ["AppContext", "build_router"]


@dataclass(frozen=True)
class AppContext:
    pool: asyncpg.Pool
    service: MembersService


async def _ctx(request: Request) -> AppContext:
    ctx: AppContext = request.app.state.members
    return ctx


Ctx = Annotated[AppContext, Depends(_ctx)]
Idem = Annotated[IdempotencyRequest, Depends(idempotency_key)]
ScopeDep = Annotated[Scope, Depends(cooperative_scope)]
Correlation = Annotated[str | None, Header(alias="X-Correlation-Id")]
_STATUS_PATTERN = "^(applied|admitted|suspended|rejected|exited)$"
NOT_FOUND: dict[int | str, dict[str, Any]] = {404: {"description": "not found or not visible"}}


def _meta(principal: Principal, idem: IdempotencyRequest, correlation: str | None) -> CommandMeta:
    return CommandMeta.current(actor=principal.subject, command_id=idem.key,
                               correlation=correlation)


async def _today(conn: DbConnection, cooperative_id: str, clock: Clock) -> date:
    tz = await conn.fetchval("SELECT time_zone FROM cooperatives WHERE cooperative_id = $1",
                             cooperative_id)
    if tz is None:
        raise HTTPProblem(404, "Not Found", "cooperative not found", "cooperative-not-found")
    return today_in(clock, tz)


_SEES_NAMES = frozenset({Role.FEDERATION_ADMIN, Role.COOP_ADMIN, Role.COOP_CLERK})


def _visible(member: dict[str, Any], principal: Principal) -> dict[str, Any]:
    """Names are for the cooperative's staff; regional officers and partners get none."""
    if principal.role not in _SEES_NAMES:
        member["full_name"] = None
    return member


def build_router() -> APIRouter:
    router = APIRouter()
    router.include_router(_federation_router())
    router.include_router(_scoped_router())
    return router


def _federation_router() -> APIRouter:
    router = APIRouter(tags=["cooperatives"])

    @router.post("/cooperatives", status_code=201, response_model=s.CooperativeOut,
                 dependencies=[Depends(require_action(Action.REGISTER_COOPERATIVE))])
    async def register_cooperative(
        body: s.RegisterCooperativeIn, ctx: Ctx, principal: PrincipalDep, idem: Idem,
        correlation: Correlation = None,
    ) -> JSONResponse:
        """Register a cooperative (federation admin). It joins the federation separately."""
        tz = TimeZone(body.time_zone)
        command = RegisterCooperative(
            name=body.name, legal_registration_number=body.legal_registration_number,
            coop_type=CoopType(body.coop_type), province_code=body.province_code,
            regency_code=body.regency_code, time_zone=tz,
            fiscal_year_start_month=body.fiscal_year_start_month, loop=Loop(body.loop),
            registered_on=body.registered_on or today_in(ctx.service.clock, tz),
        )
        meta = _meta(principal, idem, correlation)

        async def work(conn: DbConnection) -> tuple[int, Any]:
            state, version = await ctx.service.register_cooperative(conn, command, meta)
            return 201, s.CooperativeOut.of(state, version).model_dump(mode="json")

        return await execute_command(ctx.pool, scope=principal.subject, idempotency=idem,
                                     work=work)

    @router.get("/cooperatives", response_model=list[s.CooperativeOut])
    async def list_cooperatives(ctx: Ctx, principal: PrincipalDep) -> list[dict[str, Any]]:
        """The cooperatives the caller may see (all, a region, or their own)."""
        rows = await ctx.pool.fetch("SELECT * FROM cooperatives ORDER BY name")
        return [dict(r) for r in rows
                if can_read(principal, r["cooperative_id"], r["regency_code"])]

    return router


def _scoped_router() -> APIRouter:
    router = APIRouter(prefix="/cooperatives/{cooperative_id}", responses=NOT_FOUND,
                       dependencies=[Depends(cooperative_scope)])
    _cooperative_routes(router)
    _application_routes(router)
    _decision_routes(router)
    return router


def _cooperative_routes(router: APIRouter) -> None:
    manage = [Depends(require_action(Action.MANAGE_FEDERATION_MEMBERSHIP))]

    @router.get("", response_model=s.CooperativeOut, tags=["cooperatives"])
    async def get_cooperative(scope: ScopeDep, ctx: Ctx) -> dict[str, Any]:
        row = await ctx.pool.fetchrow("SELECT * FROM cooperatives WHERE cooperative_id = $1",
                                      scope.cooperative_id)
        return dict(row) if row else {}

    @router.post("/join-federation", response_model=s.CooperativeOut, dependencies=manage,
                 tags=["cooperatives"])
    async def join(scope: ScopeDep, body: s.FederationChangeIn, ctx: Ctx, idem: Idem,
                   correlation: Correlation = None) -> JSONResponse:
        """The cooperative joins the federation from ``effective_date`` (default today)."""
        meta = _meta(scope.principal, idem, correlation)

        async def work(conn: DbConnection) -> tuple[int, Any]:
            day = body.effective_date or await _today(conn, scope.cooperative_id, ctx.service.clock)
            state, version = await ctx.service.join_federation(
                conn, scope.cooperative_id, JoinFederation(effective_date=day), meta)
            return 200, s.CooperativeOut.of(state, version).model_dump(mode="json")

        return await execute_command(ctx.pool, scope=scope.principal.subject,
                                     idempotency=idem, work=work)

    @router.post("/leave-federation", response_model=s.CooperativeOut, dependencies=manage,
                 tags=["cooperatives"])
    async def leave(scope: ScopeDep, body: s.FederationChangeIn, ctx: Ctx, idem: Idem,
                    correlation: Correlation = None) -> JSONResponse:
        """The cooperative leaves the federation on ``effective_date`` (default today)."""
        meta = _meta(scope.principal, idem, correlation)

        async def work(conn: DbConnection) -> tuple[int, Any]:
            day = body.effective_date or await _today(conn, scope.cooperative_id, ctx.service.clock)
            state, version = await ctx.service.leave_federation(
                conn, scope.cooperative_id,
                LeaveFederation(effective_date=day, reason=body.reason or ""), meta)
            return 200, s.CooperativeOut.of(state, version).model_dump(mode="json")

        return await execute_command(ctx.pool, scope=scope.principal.subject,
                                     idempotency=idem, work=work)


def _application_routes(router: APIRouter) -> None:
    @router.post("/members", status_code=201, response_model=s.MemberOut, tags=["members"],
                 dependencies=[Depends(require_action(Action.SUBMIT_APPLICATION))])
    async def apply(scope: ScopeDep, body: s.ApplyIn, ctx: Ctx, idem: Idem,
                    correlation: Correlation = None) -> JSONResponse:
        """Record an application (calon anggota). The NIK is checked, encrypted, hashed."""
        meta = _meta(scope.principal, idem, correlation)

        async def work(conn: DbConnection) -> tuple[int, Any]:
            command = ApplyForMembership(
                cooperative_id=scope.cooperative_id, full_name=body.full_name, nik=body.nik,
                gender=Gender(body.gender), birth_date=body.birth_date,
                village_code=body.village_code, occupation=body.occupation,
                applied_on=body.applied_on
                or await _today(conn, scope.cooperative_id, ctx.service.clock),
            )
            member, version = await ctx.service.apply(conn, command, meta)
            out = s.MemberOut.of(member, version, full_name=command.full_name.strip())
            return 201, out.model_dump(mode="json")

        return await execute_command(ctx.pool, scope=scope.principal.subject,
                                     idempotency=idem, work=work)

    @router.get("/members", response_model=s.MemberList, tags=["members"])
    async def list_members(
        scope: ScopeDep, ctx: Ctx,
        status: Annotated[str | None, Query(pattern=_STATUS_PATTERN)] = None,
        after: Annotated[str | None, Query(max_length=80)] = None,
        limit: Annotated[int, Query(ge=1, le=500)] = 100,
    ) -> dict[str, Any]:
        rows = await ctx.pool.fetch(
            """SELECT * FROM members WHERE cooperative_id = $1
               AND ($2::text IS NULL OR status = $2) AND ($3::text IS NULL OR member_id > $3)
               ORDER BY member_id LIMIT $4""",
            scope.cooperative_id, status, after, limit)
        items = [_visible(dict(r), scope.principal) for r in rows]
        return {"items": items,
                "next_cursor": items[-1]["member_id"] if len(items) == limit else None}

    @router.get("/members/{member_id}", response_model=s.MemberOut, tags=["members"])
    async def get_member(scope: ScopeDep, member_id: str, ctx: Ctx) -> dict[str, Any]:
        row = await ctx.pool.fetchrow(
            "SELECT * FROM members WHERE cooperative_id = $1 AND member_id = $2",
            scope.cooperative_id, member_id)
        if row is None:
            raise HTTPProblem(404, "Not Found", "member not found", "member-not-found")
        return _visible(dict(row), scope.principal)


def _decision_routes(router: APIRouter) -> None:
    decide = [Depends(require_action(Action.DECIDE_MEMBERSHIP))]

    async def run(scope: Scope, ctx: AppContext, idem: IdempotencyRequest, member_id: str,
                  correlation: str | None, build: Callable[[date], MemberCommand]
                  ) -> JSONResponse:
        """Reject, suspend, reinstate and exit share one shape."""
        meta = _meta(scope.principal, idem, correlation)

        async def work(conn: DbConnection) -> tuple[int, Any]:
            command = build(await _today(conn, scope.cooperative_id, ctx.service.clock))
            member, version = await ctx.service.change(
                conn, scope.cooperative_id, member_id, command, meta)
            return 200, s.MemberOut.of(member, version).model_dump(mode="json")

        return await execute_command(ctx.pool, scope=scope.principal.subject,
                                     idempotency=idem, work=work)

    @router.post("/members/{member_id}/admit", response_model=s.MemberOut, dependencies=decide,
                 tags=["members"])
    async def admit(scope: ScopeDep, member_id: str, body: s.AdmitIn, ctx: Ctx, idem: Idem,
                    correlation: Correlation = None) -> JSONResponse:
        """Admit an applicant as anggota; the next member number is assigned."""
        meta = _meta(scope.principal, idem, correlation)

        async def work(conn: DbConnection) -> tuple[int, Any]:
            member, version = await ctx.service.admit(
                conn, scope.cooperative_id, member_id, body.admitted_on, meta)
            return 200, s.MemberOut.of(member, version).model_dump(mode="json")

        return await execute_command(ctx.pool, scope=scope.principal.subject,
                                     idempotency=idem, work=work)

    @router.post("/members/{member_id}/reject", response_model=s.MemberOut, dependencies=decide,
                 tags=["members"])
    async def reject(scope: ScopeDep, member_id: str, body: s.RejectIn, ctx: Ctx, idem: Idem,
                     correlation: Correlation = None) -> JSONResponse:
        return await run(scope, ctx, idem, member_id, correlation, lambda today:
                         RejectApplication(rejected_on=body.rejected_on or today,
                                           reason=body.reason))

    @router.post("/members/{member_id}/suspend", response_model=s.MemberOut,
                 dependencies=decide, tags=["members"])
    async def suspend(scope: ScopeDep, member_id: str, body: s.SuspendIn, ctx: Ctx, idem: Idem,
                      correlation: Correlation = None) -> JSONResponse:
        return await run(scope, ctx, idem, member_id, correlation, lambda today:
                         SuspendMember(suspended_on=body.suspended_on or today,
                                       reason=body.reason))

    @router.post("/members/{member_id}/reinstate", response_model=s.MemberOut,
                 dependencies=decide, tags=["members"])
    async def reinstate(scope: ScopeDep, member_id: str, body: s.ReinstateIn, ctx: Ctx,
                        idem: Idem, correlation: Correlation = None) -> JSONResponse:
        return await run(scope, ctx, idem, member_id, correlation, lambda today:
                         ReinstateMember(reinstated_on=body.reinstated_on or today))

    @router.post("/members/{member_id}/exit", response_model=s.MemberOut, dependencies=decide,
                 tags=["members"])
    async def exit_(scope: ScopeDep, member_id: str, body: s.ExitIn, ctx: Ctx, idem: Idem,
                    correlation: Correlation = None) -> JSONResponse:
        return await run(scope, ctx, idem, member_id, correlation, lambda today:
                         ExitMember(exited_on=body.exited_on or today,
                                    reason=ExitReason(body.reason), note=body.note))
