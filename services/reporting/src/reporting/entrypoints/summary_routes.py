"""Summaries: one cooperative, one region, the whole federation (members by status).

Reads go to the live read-model version; tenancy is enforced centrally (the
cooperative router's dependency, and the region rule in ``access``). The monthly
reports (JSON and CSV) are in ``report_routes``.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends

from gotong_platform.http import HTTPProblem, PrincipalDep, cooperative_scope
from reporting.entrypoints.access import RegionCode, only_its_region, only_the_federation_office
from reporting.entrypoints.deps import CoopScope, Model

__all__ = ["router"]

router = APIRouter(tags=["reports"])
scoped = APIRouter(prefix="/cooperatives/{cooperative_id}",
                   dependencies=[Depends(cooperative_scope)])


@router.get("/federation/summary")
async def federation(principal: PrincipalDep, model: Model) -> dict[str, Any]:
    """Cooperatives of the federation and their members, by status and gender."""
    only_the_federation_office(principal)
    async with model.reader() as reader:
        return await reader.federation_summary()


@router.get("/regions/{region}/summary")
async def region(region: RegionCode, principal: PrincipalDep, model: Model) -> dict[str, Any]:
    """A province (2-digit code) or regency (4-digit code) of the federation."""
    only_its_region(principal, region)
    async with model.reader() as reader:
        return await reader.region_summary(region)


@scoped.get("/summary")
async def cooperative(scope: CoopScope, model: Model) -> dict[str, Any]:
    """One cooperative: its members by status and gender, and data freshness."""
    async with model.reader() as reader:
        summary = await reader.cooperative_summary(scope.cooperative_id)
    if summary is None:
        raise HTTPProblem(404, "Not Found", "cooperative not found", "cooperative-not-found")
    return summary


router.include_router(scoped)
