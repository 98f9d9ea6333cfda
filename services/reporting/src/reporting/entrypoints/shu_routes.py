"""HTTP routes of the SHU engine. Routes translate; the domain decides.

Tenancy is the cooperative router's dependency (``cooperative_scope``): a caller
who may not see the cooperative gets 404 before anything else. Every POST takes
an ``Idempotency-Key`` and runs in one transaction with its events (``Runner``).

| route | who |
|---|---|
| ``POST .../shu/policies`` | manage_setup (coop_admin, federation_admin) |
| ``POST .../shu/calculations`` | approve_finance or manage_setup |
| ``POST .../shu/calculations/{calc_id}/approve`` | approve_finance (coop_admin), not the drafter |
| ``GET`` routes | anyone who may read the cooperative |
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query
from starlette.responses import JSONResponse, Response

from gotong_platform.auth import Action, Principal, can_act
from gotong_platform.db import DbConnection
from gotong_platform.http import HTTPProblem, PrincipalDep, cooperative_scope, require_action
from gotong_platform.http.runner import Runner
from gotong_platform.provenance import Provenance
from reporting.adapters.shu import queries
from reporting.domain.shu import ApproveShuCalculation, DraftShuCalculation
from reporting.entrypoints import shu_schemas as s
from reporting.entrypoints.deps import CoopScope, Shu, ShuContext
from reporting.entrypoints.shu_csv import allocations_csv

__all__ = ["router"]

Format = Annotated[Literal["json", "csv"], Query(alias="format")]
NOT_FOUND: dict[int | str, dict[str, Any]] = {404: {"description": "not found or not visible"}}

router = APIRouter(prefix="/cooperatives/{cooperative_id}/shu", tags=["shu"],
                   responses=NOT_FOUND, dependencies=[Depends(cooperative_scope)])


async def may_draft(principal: PrincipalDep) -> Principal:
    """403 unless the caller's role may approve finance or manage the setup."""
    if not (can_act(principal, Action.APPROVE_FINANCE)
            or can_act(principal, Action.MANAGE_SETUP)):
        raise HTTPProblem(403, "Forbidden", "your role may not draft SHU", "forbidden")
    return principal


@router.post("/policies", status_code=201, response_model=s.PolicyOut,
             dependencies=[Depends(require_action(Action.MANAGE_SETUP))])
async def adopt_policy(scope: CoopScope, body: s.AdoptPolicyIn, shu: Shu, run: Runner
                       ) -> JSONResponse:
    """Adopt the next version of the cooperative's SHU policy (AD/ART, ratified at a RAT)."""

    async def work(conn: DbConnection, provenance: Provenance) -> tuple[int, Any]:
        basis = body.transaction_kinds()
        if basis is None:
            basis = await shu.service.suggested_transaction_basis(scope.cooperative_id)
        policy = await shu.service.adopt_policy(conn, scope.cooperative_id,
                                                body.command(basis), provenance)
        (adopted,) = await queries.policies(conn, scope.cooperative_id, policy.policy_version)
        return 201, adopted

    return await run(work)


@router.get("/policies", response_model=list[s.PolicyOut])
async def list_policies(scope: CoopScope, shu: Shu) -> list[dict[str, Any]]:
    """Every adopted version, oldest first."""
    return await shu.queries.policies(scope.cooperative_id)


@router.post("/calculations", status_code=201, response_model=s.CalculationOut,
             dependencies=[Depends(may_draft)], responses={200: {"description": "redrafted"}})
async def draft(scope: CoopScope, body: s.DraftIn, shu: Shu, run: Runner) -> JSONResponse:
    """Draft (201) or redraft (200) the SHU of a fiscal year from the read model's facts."""
    command = DraftShuCalculation(fiscal_year=body.fiscal_year,
                                  shu_total_idr=body.shu_total_idr,
                                  policy_version=body.policy_version)

    async def work(conn: DbConnection, provenance: Provenance) -> tuple[int, Any]:
        calc = await shu.service.draft(conn, scope.cooperative_id, command, provenance)
        out = await queries.calculation(conn, scope.cooperative_id, calc.calc_id)
        return (201 if calc.calc_version == 1 else 200), out

    return await run(work)


@router.get("/calculations", response_model=list[s.CalculationSummary])
async def list_calculations(scope: CoopScope, shu: Shu) -> list[dict[str, Any]]:
    """Every calculation of the cooperative, newest fiscal year first."""
    return await shu.queries.calculations(scope.cooperative_id)


@router.post("/calculations/{calc_id}/approve", response_model=s.CalculationOut,
             dependencies=[Depends(require_action(Action.APPROVE_FINANCE))])
async def approve(scope: CoopScope, calc_id: str, body: s.ApproveIn, shu: Shu, run: Runner
                  ) -> JSONResponse:
    """Record the RAT's approval: the calculation freezes and every member's SHU is
    published. The approver must not be the drafter (maker-checker)."""
    command = ApproveShuCalculation(rat_date=body.rat_date)

    async def work(conn: DbConnection, provenance: Provenance) -> tuple[int, Any]:
        await shu.service.approve(conn, scope.cooperative_id, calc_id, command, provenance)
        return 200, await queries.calculation(conn, scope.cooperative_id, calc_id)

    return await run(work)


# Declared before the JSON route: ``{calc_id}`` would otherwise swallow ".csv".
@router.get("/calculations/{calc_id}.csv", response_class=Response,
            responses={200: {"content": {"text/csv": {}}}})
async def calculation_csv(scope: CoopScope, calc_id: str, shu: Shu) -> Response:
    """The member table: member_no, member_id, bases, jasa modal, jasa usaha, total."""
    return await _csv(shu, scope.cooperative_id, calc_id)


@router.get("/calculations/{calc_id}", response_model=s.CalculationOut,
            responses={200: {"content": {"text/csv": {}}}})
async def calculation(scope: CoopScope, calc_id: str, shu: Shu, fmt: Format = "json") -> Any:
    """Pools, totals and every member's share (``?format=csv``: the member table)."""
    if fmt == "csv":
        return await _csv(shu, scope.cooperative_id, calc_id)
    out = await shu.queries.calculation(scope.cooperative_id, calc_id)
    if out is None:
        raise _calc_not_found()
    return out


async def _csv(shu: ShuContext, cooperative_id: str, calc_id: str) -> Response:
    summary = await shu.queries.calculation(cooperative_id, calc_id)
    if summary is None:
        raise _calc_not_found()
    return Response(allocations_csv(summary["members"]), media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="{calc_id}.csv"'})


def _calc_not_found() -> HTTPProblem:
    return HTTPProblem(404, "Not Found", "No SHU calculation under this id in this cooperative.",
                       "shu-calculation-not-found")
