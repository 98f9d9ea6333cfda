"""What every route shares: the app context, the scope, and the business date.

Command routes also take ``Runner`` (``gotong_platform.http.runner``): it runs their
``work(conn, provenance)`` once per Idempotency-Key, in one transaction with the
events and the stored answer.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Annotated, Any

from fastapi import Depends, Request

from gotong_platform.calendar import Clock
from gotong_platform.directory import Directory
from gotong_platform.http import Scope, cooperative_scope
from inventory.adapters.queries import Pool
from inventory.application.catalogue import CatalogueService
from inventory.application.clock import business_date
from inventory.application.offline import OfflineFacts
from inventory.application.orders import OrdersService
from inventory.application.sales import SalesService
from inventory.application.stock import StockService
from inventory.application.storefront import StorefrontService
from inventory.application.transfers import TransferService

__all__ = ["NOT_FOUND", "AppContext", "Ctx", "ScopeDep", "Today"]


@dataclass(frozen=True)
class AppContext:
    pool: Pool
    catalogue: CatalogueService
    stock: StockService
    transfers: TransferService
    sales: SalesService
    offline: OfflineFacts
    storefront: StorefrontService
    clock: Clock
    # The cooperative_scope's directory: its cache of places serves the business date too.
    directory: Directory
    orders: OrdersService


async def _ctx(request: Request) -> AppContext:
    # async: FastAPI runs a plain ``def`` dependency in a worker thread, per request.
    ctx: AppContext = request.app.state.inventory
    return ctx


Ctx = Annotated[AppContext, Depends(_ctx)]
ScopeDep = Annotated[Scope, Depends(cooperative_scope)]
NOT_FOUND: dict[int | str, dict[str, Any]] = {404: {"description": "not found or not visible"}}


async def _today(scope: ScopeDep, ctx: Ctx) -> date:
    """The cooperative's business date, from the directory's cached place: read before
    the command's transaction begins, so it costs the command no query (the tenancy
    check has just read the same place)."""
    place = await ctx.directory.place_of(scope.cooperative_id)
    return business_date(None if place is None else place.time_zone, ctx.clock)


Today = Annotated[date, Depends(_today)]
