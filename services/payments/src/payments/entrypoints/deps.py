"""What every route of the payments API shares: the app context and the caller's scope.

Command routes also take ``gotong_platform.http.runner.Runner``, which runs their
``work`` once per Idempotency-Key, in one transaction with its events.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Depends, Request

from gotong_platform.calendar import Clock
from gotong_platform.http import Scope, cooperative_scope
from payments.adapters.queries import MemberRecordsReader, Pool
from payments.application.calendar import BusinessCalendar
from payments.application.exit_refunds import ExitRefunds
from payments.application.loan_service import LoanService
from payments.application.offline import OfflineFacts
from payments.application.savings_service import SavingsService

__all__ = ["NOT_FOUND", "AppContext", "Ctx", "ScopeDep"]


@dataclass(frozen=True)
class AppContext:
    """The use cases and the pool, built by ``main.create_app`` in its lifespan."""

    pool: Pool
    calendar: BusinessCalendar
    savings: SavingsService
    loans: LoanService
    offline: OfflineFacts
    clock: Clock
    refunds: ExitRefunds
    records: MemberRecordsReader  # a member's own records, for her statement


async def _ctx(request: Request) -> AppContext:  # async: FastAPI runs a sync one in a thread
    ctx: AppContext = request.app.state.payments
    return ctx


Ctx = Annotated[AppContext, Depends(_ctx)]
ScopeDep = Annotated[Scope, Depends(cooperative_scope)]
NOT_FOUND: dict[int | str, dict[str, Any]] = {404: {"description": "not found or not visible"}}
