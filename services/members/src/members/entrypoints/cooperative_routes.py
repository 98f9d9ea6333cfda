"""Routes of the federation's registry: cooperatives register, join and leave.

``federation`` serves the registry as a whole; ``cooperative`` one cooperative, and
answers 404 to a caller who may not see it (``cooperative_scope``, at router level).
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends
from starlette.responses import JSONResponse

from gotong_platform.auth import Action, Principal, can_read
from gotong_platform.db import DbConnection
from gotong_platform.http import PrincipalDep, cooperative_scope, require_action
from gotong_platform.http.runner import Runner
from gotong_platform.provenance import Provenance
from members.domain import (
    Cooperative,
    CoopType,
    JoinFederation,
    LeaveFederation,
    Loop,
    RegisterCooperative,
    TimeZone,
)
from members.entrypoints import schemas as s
from members.entrypoints.deps import NOT_FOUND, Ctx, ScopeDep

__all__ = ["cooperative", "federation"]

federation = APIRouter(tags=["cooperatives"])
cooperative = APIRouter(prefix="/cooperatives/{cooperative_id}", tags=["cooperatives"],
                        responses=NOT_FOUND, dependencies=[Depends(cooperative_scope)])
_MANAGE = [Depends(require_action(Action.MANAGE_FEDERATION_MEMBERSHIP))]


def _answer(status: int, saved: tuple[Cooperative, int]) -> tuple[int, Any]:
    return status, s.CooperativeOut.of(*saved).model_dump(mode="json")


@federation.post("/cooperatives", status_code=201, response_model=s.CooperativeOut,
                 dependencies=[Depends(require_action(Action.REGISTER_COOPERATIVE))])
async def register_cooperative(body: s.RegisterCooperativeIn, run: Runner, ctx: Ctx
                               ) -> JSONResponse:
    """Register a cooperative (federation admin). It joins the federation separately."""
    command = RegisterCooperative(
        name=body.name, legal_registration_number=body.legal_registration_number,
        coop_type=CoopType(body.coop_type), province_code=body.province_code,
        regency_code=body.regency_code, time_zone=TimeZone(body.time_zone),
        fiscal_year_start_month=body.fiscal_year_start_month, loop=Loop(body.loop),
        registered_on=body.registered_on,
    )

    async def work(conn: DbConnection, provenance: Provenance) -> tuple[int, Any]:
        return _answer(201, await ctx.members.register_cooperative(conn, command, provenance))

    return await run(work)


@federation.get("/cooperatives", response_model=list[s.CooperativeOut])
async def list_cooperatives(ctx: Ctx, principal: PrincipalDep) -> list[dict[str, Any]]:
    """The cooperatives the caller may see (all, a region, or their own)."""
    return [row for row in await ctx.queries.cooperatives() if _readable(row, principal)]


def _readable(row: dict[str, Any], principal: Principal) -> bool:
    return can_read(principal, row["cooperative_id"], row["regency_code"])


@cooperative.get("", response_model=s.CooperativeOut)
async def get_cooperative(scope: ScopeDep, ctx: Ctx) -> dict[str, Any]:
    return await ctx.queries.cooperative(scope.cooperative_id) or {}


@cooperative.post("/join-federation", response_model=s.CooperativeOut, dependencies=_MANAGE)
async def join(scope: ScopeDep, body: s.FederationChangeIn, run: Runner, ctx: Ctx
               ) -> JSONResponse:
    """The cooperative joins the federation from ``effective_date`` (default today)."""
    command = JoinFederation(effective_date=body.effective_date)

    async def work(conn: DbConnection, provenance: Provenance) -> tuple[int, Any]:
        return _answer(200, await ctx.members.join_federation(
            conn, scope.cooperative_id, command, provenance))

    return await run(work)


@cooperative.post("/leave-federation", response_model=s.CooperativeOut, dependencies=_MANAGE)
async def leave(scope: ScopeDep, body: s.FederationChangeIn, run: Runner, ctx: Ctx
                ) -> JSONResponse:
    """The cooperative leaves the federation on ``effective_date`` (default today)."""
    command = LeaveFederation(effective_date=body.effective_date, reason=body.reason or "")

    async def work(conn: DbConnection, provenance: Provenance) -> tuple[int, Any]:
        return _answer(200, await ctx.members.leave_federation(
            conn, scope.cooperative_id, command, provenance))

    return await run(work)
