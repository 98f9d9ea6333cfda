"""What every route of the payments API shares: the app context and the command runner."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Annotated, Any

import asyncpg
from fastapi import Depends, Header, Request
from starlette.responses import JSONResponse

from gotong_platform.calendar import Clock
from gotong_platform.commands import CommandMeta, execute_command
from gotong_platform.db import DbConnection
from gotong_platform.http import IdempotencyRequest, Scope, cooperative_scope, idempotency_key
from gotong_platform.provenance import Provenance
from payments.application.calendar import BusinessCalendar
from payments.application.exit_refunds import ExitRefunds
from payments.application.loan_service import LoanService
from payments.application.offline import OfflineFacts
from payments.application.savings_service import SavingsService

__all__ = ["NOT_FOUND", "AppContext", "Correlation", "Ctx", "Idem", "ScopeDep", "run_command"]


@dataclass(frozen=True)
class AppContext:
    pool: asyncpg.Pool
    calendar: BusinessCalendar
    savings: SavingsService
    loans: LoanService
    offline: OfflineFacts
    clock: Clock
    refunds: ExitRefunds


async def _ctx(request: Request) -> AppContext:  # async: FastAPI runs a sync one in a thread
    ctx: AppContext = request.app.state.payments
    return ctx


Ctx = Annotated[AppContext, Depends(_ctx)]
Idem = Annotated[IdempotencyRequest, Depends(idempotency_key)]
ScopeDep = Annotated[Scope, Depends(cooperative_scope)]
Correlation = Annotated[str | None, Header(alias="X-Correlation-Id")]
NOT_FOUND: dict[int | str, dict[str, Any]] = {404: {"description": "not found or not visible"}}

Work = Callable[[DbConnection, Provenance], Awaitable[tuple[int, Any]]]


async def run_command(scope: Scope, ctx: AppContext, idem: IdempotencyRequest,
                      correlation: str | None, work: Work) -> JSONResponse:
    """Run ``work`` once per Idempotency-Key, in one transaction with its events."""
    meta = CommandMeta.current(actor=scope.principal.subject, command_id=idem.key,
                               correlation=correlation)
    origin = Provenance(meta=meta)

    async def in_transaction(conn: DbConnection) -> tuple[int, Any]:
        return await work(conn, origin)

    return await execute_command(ctx.pool, scope=scope.principal.subject, idempotency=idem,
                                 work=in_transaction)
