"""What every route shares: the app context, the dependencies, and running a command.

``run_command`` is ``execute_command`` (one transaction for the Idempotency-Key, the
events and the answer) plus what every inventory command needs first: the
cooperative's business date and the provenance of the events.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import date
from typing import Annotated, Any

import asyncpg
from fastapi import Depends, Header, Request
from starlette.responses import JSONResponse

from gotong_platform.calendar import Clock
from gotong_platform.commands import CommandMeta, execute_command
from gotong_platform.db import DbConnection
from gotong_platform.directory import Directory
from gotong_platform.http import IdempotencyRequest, Scope, cooperative_scope, idempotency_key
from gotong_platform.provenance import Provenance
from inventory.application.catalogue import CatalogueService
from inventory.application.clock import business_date
from inventory.application.offline import OfflineFacts
from inventory.application.sales import SalesService
from inventory.application.stock import StockService
from inventory.application.transfers import TransferService

__all__ = [
    "NOT_FOUND",
    "AppContext",
    "Correlation",
    "Ctx",
    "Idem",
    "ScopeDep",
    "Work",
    "run_command",
]


@dataclass(frozen=True)
class AppContext:
    pool: asyncpg.Pool
    catalogue: CatalogueService
    stock: StockService
    transfers: TransferService
    sales: SalesService
    offline: OfflineFacts
    clock: Clock
    # The cooperative_scope's directory: its cache of places serves the business date too.
    directory: Directory


async def _ctx(request: Request) -> AppContext:
    # async: FastAPI runs a plain ``def`` dependency in a worker thread, per request.
    ctx: AppContext = request.app.state.inventory
    return ctx


Ctx = Annotated[AppContext, Depends(_ctx)]
Idem = Annotated[IdempotencyRequest, Depends(idempotency_key)]
ScopeDep = Annotated[Scope, Depends(cooperative_scope)]
Correlation = Annotated[str | None, Header(alias="X-Correlation-Id")]
NOT_FOUND: dict[int | str, dict[str, Any]] = {404: {"description": "not found or not visible"}}

# A command's body: (connection, business date, provenance) -> (status, JSON body).
Work = Callable[[DbConnection, date, Provenance], Awaitable[tuple[int, Any]]]


async def run_command(ctx: AppContext, scope: Scope, idem: IdempotencyRequest,
                      correlation: str | None, work: Work) -> JSONResponse:
    meta = CommandMeta.current(actor=scope.principal.subject, command_id=idem.key,
                               correlation=correlation)

    # A cached read, before the transaction begins.
    place = await ctx.directory.place_of(scope.cooperative_id)
    today = business_date(None if place is None else place.time_zone, ctx.clock)

    async def inside(conn: DbConnection) -> tuple[int, Any]:
        return await work(conn, today, Provenance(meta))

    return await execute_command(ctx.pool, scope=scope.principal.subject, idempotency=idem,
                                 work=inside)
