"""The federation office publishes a finished month's key figures for the lenders.

``POST /federation/monthly-kpis {"month": "YYYY-MM"}`` (federation_admin, with an
Idempotency-Key): every cooperative in the federation at the month's end is computed
and, where its figures differ from its last published revision (or none was), a
``MonthlyKpisPublished`` revision is published (``reporting.application.kpis``). Sending
it again once late uploads arrived publishes what they changed, and nothing else.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel, ConfigDict, Field
from starlette.responses import JSONResponse

from gotong_platform.db import DbConnection
from gotong_platform.http import PrincipalDep
from gotong_platform.http.runner import Runner
from gotong_platform.provenance import Provenance
from reporting.application.kpis import KpiPublisher
from reporting.domain.reports.period import iso
from reporting.entrypoints.access import only_the_federation_office

__all__ = ["router"]

router = APIRouter(tags=["monthly kpis"])


class PublishMonthIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    month: str = Field(pattern=r"^\d{4}-(0[1-9]|1[0-2])$", examples=["2026-11"],
                       description="a finished month, YYYY-MM")


class Revision(BaseModel):
    cooperative_id: str
    revision: int


class Left(BaseModel):
    cooperative_id: str
    reason: str


class PublishedMonthOut(BaseModel):
    month: str
    known_at: datetime = Field(description="the figures count the facts recorded by then")
    published: list[Revision] = Field(description="a new revision was published")
    unchanged: list[Revision] = Field(description="the revision already published stands")
    unavailable: list[Left] = Field(description="left out: figures not computable")


async def _federation_office(principal: PrincipalDep) -> None:
    only_the_federation_office(principal)


async def _publisher(request: Request) -> KpiPublisher:
    publisher: KpiPublisher = request.app.state.kpis
    return publisher


Publisher = Annotated[KpiPublisher, Depends(_publisher)]


@router.post("/federation/monthly-kpis", response_model=PublishedMonthOut,
             dependencies=[Depends(_federation_office)], responses={
                 403: {"description": "not the federation office"},
                 422: {"description": "month-not-publishable: not finished everywhere yet"}})
async def publish_month(body: PublishMonthIn, publisher: Publisher, run: Runner
                        ) -> JSONResponse:
    """Publish a finished month's figures of every cooperative (a new revision where they
    changed since the last publication)."""

    async def work(conn: DbConnection, provenance: Provenance) -> tuple[int, Any]:
        done = await publisher.publish_month(conn, body.month, provenance)
        return 200, {
            "month": done.month, "known_at": iso(done.known_at),
            "published": [{"cooperative_id": c, "revision": r} for c, r in done.published],
            "unchanged": [{"cooperative_id": c, "revision": r} for c, r in done.unchanged],
            "unavailable": [{"cooperative_id": c, "reason": why}
                            for c, why in done.unavailable]}

    return await run(work)
