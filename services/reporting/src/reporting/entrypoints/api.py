"""Report API: one cooperative, one region, the whole federation.

Reads go to the live read-model version; tenancy is enforced centrally (the
cooperative router's dependency, and the region rule in ``access``). The monthly
reports (JSON and CSV) are in ``report_routes``.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends

from gotong_platform.auth import Role
from gotong_platform.http import HTTPProblem, PrincipalDep, Scope, cooperative_scope
from reporting import queries
from reporting.entrypoints.access import LiveReadModel, Model, RegionCode, may_read_region
from reporting.entrypoints.report_routes import add_report_routes
from reporting.reports.figures import DEFAULT_OPTIONS, ReportOptions

__all__ = ["LiveReadModel", "build_router"]


def build_router(options: ReportOptions = DEFAULT_OPTIONS) -> APIRouter:
    """Every report route; ``options`` from ``ReportingSettings.report_options()``."""
    router = APIRouter(tags=["reports"])

    @router.get("/federation/summary")
    async def federation(principal: PrincipalDep, model: Model) -> dict[str, Any]:
        """Cooperatives of the federation and their members, by status and gender."""
        if principal.role is not Role.FEDERATION_ADMIN:
            raise HTTPProblem(403, "Forbidden", "the federation view is for the federation "
                              "office; use your region or cooperative", "forbidden")
        async with model.connection() as conn:
            return await queries.federation_summary(conn)

    @router.get("/regions/{region}/summary")
    async def region(region: RegionCode, principal: PrincipalDep, model: Model
                     ) -> dict[str, Any]:
        """A province (2-digit code) or regency (4-digit code) of the federation."""
        if not may_read_region(principal, region):
            raise HTTPProblem(404, "Not Found", "region not found", "region-not-found")
        async with model.connection() as conn:
            return await queries.region_summary(conn, region)

    scoped = APIRouter(prefix="/cooperatives/{cooperative_id}",
                       dependencies=[Depends(cooperative_scope)])

    @scoped.get("/summary")
    async def cooperative(scope: Annotated[Scope, Depends(cooperative_scope)], model: Model
                          ) -> dict[str, Any]:
        """One cooperative: its members by status and gender, and data freshness."""
        async with model.connection() as conn:
            summary = await queries.cooperative_summary(conn, scope.cooperative_id)
        if summary is None:
            raise HTTPProblem(404, "Not Found", "cooperative not found", "cooperative-not-found")
        return summary

    add_report_routes(router, scoped, options)
    router.include_router(scoped)
    return router
