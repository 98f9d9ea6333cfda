"""Reads of the live read model, and who may read which region."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Annotated

import asyncpg
from fastapi import Depends, Path, Request

from gotong_platform.auth import Principal, Role
from gotong_platform.db import DbConnection
from gotong_platform.http import HTTPProblem
from reporting.projection.schema import checked_schema_name
from reporting.projection.versions import live_schema

__all__ = ["LiveReadModel", "Model", "RegionCode", "may_read_region"]

RegionCode = Annotated[str, Path(pattern=r"^\d{2}(\d{2})?$", examples=["53", "5302"])]


class LiveReadModel:
    """Connections pointed at whichever read-model version is live right now."""

    def __init__(self, pool: asyncpg.Pool) -> None:
        self.pool = pool

    @asynccontextmanager
    async def connection(self) -> AsyncIterator[DbConnection]:
        # Repeatable read: a report's many queries see one state of the model.
        async with self.pool.acquire() as conn, conn.transaction(
                isolation="repeatable_read", readonly=True):
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


async def _model(request: Request) -> LiveReadModel:
    model: LiveReadModel = request.app.state.read_model
    return model


Model = Annotated[LiveReadModel, Depends(_model)]


def may_read_region(principal: Principal, region: str) -> bool:
    if principal.role is Role.FEDERATION_ADMIN:
        return True
    return (principal.role is Role.REGIONAL_OFFICER and principal.region is not None
            and region.startswith(principal.region))
