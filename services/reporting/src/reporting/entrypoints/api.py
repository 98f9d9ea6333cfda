"""Report API: one cooperative, one region, the whole federation.

Reads go to the live read-model version; tenancy is enforced centrally (the
cooperative router's dependency, and the region rule below).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Annotated, Any

import asyncpg
from fastapi import APIRouter, Depends, Path, Request

from gotong_platform.auth import Principal, Role
from gotong_platform.db import DbConnection
from gotong_platform.http import HTTPProblem, PrincipalDep, Scope, cooperative_scope
from reporting import queries
from reporting.projection.schema import checked_schema_name
from reporting.projection.versions import live_schema

__all__ = ["LiveReadModel", "build_router"]

RegionCode = Annotated[str, Path(pattern=r"^\d{2}(\d{2})?$", examples=["53", "5302"])]


class LiveReadModel:
    """Connections pointed at whichever read-model version is live right now."""

    def __init__(self, pool: asyncpg.Pool) -> None:
        self.pool = pool

    @asynccontextmanager
    async def connection(self) -> AsyncIterator[DbConnection]:
        async with self.pool.acquire() as conn, conn.transaction(readonly=True):
            schema = await live_schema(conn)
            if schema is None:
                raise HTTPProblem(503, "Service Unavailable", "the read model is being built",
                                  "read-model-not-ready")
            await conn.execute(f"SET LOCAL search_path TO {checked_schema_name(schema)}")
            yield conn

    async def regency_of(self, cooperative_id: str) -> str | None:
        async with self.connection() as conn:
            regency: str | None = await conn.fetchval(
                "SELECT regency_code FROM cooperatives WHERE cooperative_id = $1",
                cooperative_id)
            return regency


def _model(request: Request) -> LiveReadModel:
    model: LiveReadModel = request.app.state.read_model
    return model


Model = Annotated[LiveReadModel, Depends(_model)]


def _may_read_region(principal: Principal, region: str) -> bool:
    if principal.role is Role.FEDERATION_ADMIN:
        return True
    return (principal.role is Role.REGIONAL_OFFICER and principal.region is not None
            and region.startswith(principal.region))


def build_router() -> APIRouter:
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
        if not _may_read_region(principal, region):
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

    router.include_router(scoped)
    return router
