"""HTTP routes of the SHU engine. Routes translate; the domain decides.

Tenancy is the cooperative router's dependency (``cooperative_scope``): a caller
who may not see the cooperative gets 404 before anything else. Every POST takes
an ``Idempotency-Key`` and runs in one transaction with its events.

| route | who |
|---|---|
| ``POST .../shu/policies`` | manage_setup (coop_admin, federation_admin) |
| ``POST .../shu/calculations`` | approve_finance or manage_setup |
| ``POST .../shu/calculations/{calc_id}/approve`` | approve_finance (coop_admin), not the drafter |
| ``GET`` routes | anyone who may read the cooperative |
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from typing import Annotated, Any, Literal

import asyncpg
from fastapi import APIRouter, Depends, Header, Query, Request
from starlette.responses import JSONResponse, Response

from gotong_platform.auth import Action, Principal, can_act
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
from reporting.shu import api_schemas as s
from reporting.shu.adapters import views
from reporting.shu.application.service import ShuService
from reporting.shu.domain import ApproveShuCalculation, DraftShuCalculation
from reporting.shu.export import allocations_csv

__all__ = ["ShuContext", "build_shu_router"]


@dataclass(frozen=True)
class ShuContext:
    pool: asyncpg.Pool  # the reporting database's public schema (events, SHU tables)
    service: ShuService


async def _ctx(request: Request) -> ShuContext:
    ctx: ShuContext = request.app.state.shu
    return ctx


Ctx = Annotated[ShuContext, Depends(_ctx)]
Idem = Annotated[IdempotencyRequest, Depends(idempotency_key)]
ScopeDep = Annotated[Scope, Depends(cooperative_scope)]
Correlation = Annotated[str | None, Header(alias="X-Correlation-Id")]
Format = Annotated[Literal["json", "csv"], Query(alias="format")]
NOT_FOUND: dict[int | str, dict[str, Any]] = {404: {"description": "not found or not visible"}}


def require_any_action(*actions: Action) -> Callable[[Principal],
                                                     Coroutine[Any, Any, Principal]]:
    """403 unless the caller's role may perform at least one of ``actions``."""

    async def check_actions(principal: PrincipalDep) -> Principal:
        if not any(can_act(principal, action) for action in actions):
            raise HTTPProblem(403, "Forbidden", "your role may not draft SHU", "forbidden")
        return principal

    return check_actions


def _meta(principal: Principal, idem: IdempotencyRequest, correlation: str | None) -> CommandMeta:
    return CommandMeta.current(actor=principal.subject, command_id=idem.key,
                               correlation=correlation)


def build_shu_router() -> APIRouter:
    router = APIRouter(prefix="/cooperatives/{cooperative_id}/shu", tags=["shu"],
                       responses=NOT_FOUND, dependencies=[Depends(cooperative_scope)])
    _policy_routes(router)
    _calculation_routes(router)
    _read_routes(router)
    return router


def _policy_routes(router: APIRouter) -> None:
    @router.post("/policies", status_code=201, response_model=s.PolicyOut,
                 dependencies=[Depends(require_action(Action.MANAGE_SETUP))])
    async def adopt_policy(scope: ScopeDep, body: s.AdoptPolicyIn, ctx: Ctx, idem: Idem,
                           correlation: Correlation = None) -> JSONResponse:
        """Adopt the next version of the cooperative's SHU policy (AD/ART, ratified at a RAT)."""
        meta = _meta(scope.principal, idem, correlation)

        async def work(conn: DbConnection) -> tuple[int, Any]:
            basis = body.transaction_kinds()
            if basis is None:
                basis = await ctx.service.suggested_transaction_basis(scope.cooperative_id)
            policy = await ctx.service.adopt_policy(conn, scope.cooperative_id,
                                                    body.command(basis), meta)
            (adopted,) = await views.policies(conn, scope.cooperative_id,
                                              policy.policy_version)
            return 201, adopted

        return await execute_command(ctx.pool, scope=scope.principal.subject,
                                     idempotency=idem, work=work)

    @router.get("/policies", response_model=list[s.PolicyOut])
    async def list_policies(scope: ScopeDep, ctx: Ctx) -> list[dict[str, Any]]:
        """Every adopted version, oldest first."""
        async with ctx.pool.acquire() as conn:
            return await views.policies(conn, scope.cooperative_id)


def _calculation_routes(router: APIRouter) -> None:
    drafters = [Depends(require_any_action(Action.APPROVE_FINANCE, Action.MANAGE_SETUP))]

    @router.post("/calculations", status_code=201, response_model=s.CalculationOut,
                 dependencies=drafters, responses={200: {"description": "redrafted"}})
    async def draft(scope: ScopeDep, body: s.DraftIn, ctx: Ctx, idem: Idem,
                    correlation: Correlation = None) -> JSONResponse:
        """Draft (201) or redraft (200) the SHU of a fiscal year from the read model's facts."""
        meta = _meta(scope.principal, idem, correlation)
        command = DraftShuCalculation(fiscal_year=body.fiscal_year,
                                      shu_total_idr=body.shu_total_idr,
                                      policy_version=body.policy_version)

        async def work(conn: DbConnection) -> tuple[int, Any]:
            calc = await ctx.service.draft(conn, scope.cooperative_id, command, meta)
            out = await views.calculation(conn, scope.cooperative_id, calc.calc_id)
            return (201 if calc.calc_version == 1 else 200), out

        return await execute_command(ctx.pool, scope=scope.principal.subject,
                                     idempotency=idem, work=work)

    @router.post("/calculations/{calc_id}/approve", response_model=s.CalculationOut,
                 dependencies=[Depends(require_action(Action.APPROVE_FINANCE))])
    async def approve(scope: ScopeDep, calc_id: str, body: s.ApproveIn, ctx: Ctx, idem: Idem,
                      correlation: Correlation = None) -> JSONResponse:
        """Record the RAT's approval: the calculation freezes and every member's SHU is
        published. The approver must not be the drafter (maker-checker)."""
        meta = _meta(scope.principal, idem, correlation)

        async def work(conn: DbConnection) -> tuple[int, Any]:
            await ctx.service.approve(conn, scope.cooperative_id, calc_id,
                                      ApproveShuCalculation(rat_date=body.rat_date), meta)
            return 200, await views.calculation(conn, scope.cooperative_id, calc_id)

        return await execute_command(ctx.pool, scope=scope.principal.subject,
                                     idempotency=idem, work=work)


def _read_routes(router: APIRouter) -> None:
    @router.get("/calculations", response_model=list[s.CalculationSummary])
    async def list_calculations(scope: ScopeDep, ctx: Ctx) -> list[dict[str, Any]]:
        """Every calculation of the cooperative, newest fiscal year first."""
        async with ctx.pool.acquire() as conn:
            return await views.calculations(conn, scope.cooperative_id)

    # Declared before the JSON route: ``{calc_id}`` would otherwise swallow ".csv".
    @router.get("/calculations/{calc_id}.csv", response_class=Response,
                responses={200: {"content": {"text/csv": {}}}})
    async def calculation_csv(scope: ScopeDep, calc_id: str, ctx: Ctx) -> Response:
        """The member table: member_no, member_id, bases, jasa modal, jasa usaha, total."""
        return await _csv(ctx, scope.cooperative_id, calc_id)

    @router.get("/calculations/{calc_id}", response_model=s.CalculationOut,
                responses={200: {"content": {"text/csv": {}}}})
    async def calculation(scope: ScopeDep, calc_id: str, ctx: Ctx,
                          fmt: Format = "json") -> Any:
        """Pools, totals and every member's share (``?format=csv``: the member table)."""
        if fmt == "csv":
            return await _csv(ctx, scope.cooperative_id, calc_id)
        async with ctx.pool.acquire() as conn:
            out = await views.calculation(conn, scope.cooperative_id, calc_id)
        if out is None:
            raise _calc_not_found()
        return out


async def _csv(ctx: ShuContext, cooperative_id: str, calc_id: str) -> Response:
    async with ctx.pool.acquire() as conn:
        summary = await views.calculation(conn, cooperative_id, calc_id)
    if summary is None:
        raise _calc_not_found()
    return Response(allocations_csv(summary["members"]), media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="{calc_id}.csv"'})


def _calc_not_found() -> HTTPProblem:
    return HTTPProblem(404, "Not Found", "No SHU calculation under this id in this cooperative.",
                       "shu-calculation-not-found")
