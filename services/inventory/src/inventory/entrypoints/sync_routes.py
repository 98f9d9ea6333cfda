"""``POST /cooperatives/{id}/sync``: facts a shop till or a collector's phone recorded offline.

Two fact types, each payload shaped like its online POST:

- ``sale``: like ``POST /sales``; priced from the list of the fact's business date. The
  goods were handed over, so stock may go below zero (flag ``went_negative``), and an
  unknown or inactive member is accepted (flag ``member_unverified``).
- ``produce_receipt``: like ``POST /warehouses/{wh}/produce-receipts`` plus the
  ``warehouse_id``; flagged ``member_unverified`` the same way.

Each fact keeps its own ``occurred_at`` and ``business_date``. No Idempotency-Key: every
item carries its own client id and device sequence number, and ``process_batch``
records each at most once (resending the batch answers ``duplicate``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TypeVar

from fastapi import Depends
from pydantic import BaseModel, Field, ValidationError

from gotong_platform.auth import Action
from gotong_platform.db import DbConnection
from gotong_platform.http import cooperative_router, require_action
from gotong_platform.http.runner import Correlation
from gotong_platform.provenance import Provenance
from gotong_platform.sync import (
    HandlerOutcome,
    ItemHandler,
    SyncBatch,
    SyncBatchResult,
    SyncContext,
    SyncItem,
    process_batch,
)
from inventory.application.errors import InvalidFactPayload
from inventory.application.offline import OfflineFacts
from inventory.entrypoints import schemas as s
from inventory.entrypoints.deps import NOT_FOUND, Ctx, ScopeDep
from inventory.entrypoints.sales_routes import sale_order
from inventory.entrypoints.stock_routes import produce_command

__all__ = ["ProduceFactIn", "router", "sync_handlers"]

_M = TypeVar("_M", bound=BaseModel)

router = cooperative_router(tags=["sync"], responses=NOT_FOUND)


class ProduceFactIn(s.ProduceReceiptIn):
    warehouse_id: s.Id = Field(description="where the produce was taken in")


@router.post("/sync", response_model=SyncBatchResult,
             dependencies=[Depends(require_action(Action.RECORD_TRANSACTION))])
async def sync(scope: ScopeDep, batch: SyncBatch, ctx: Ctx,
               correlation: Correlation = None) -> SyncBatchResult:
    """Upload a device's offline facts: one result per item, and the seq gaps."""
    place = await ctx.directory.place_of(scope.cooperative_id)
    return await process_batch(
        ctx.pool, cooperative_id=scope.cooperative_id, batch=batch,
        handlers=sync_handlers(ctx.offline), actor=scope.principal.subject,
        correlation=correlation, clock=ctx.clock,
        time_zone=place.time_zone if place else None)


def sync_handlers(offline: OfflineFacts) -> dict[str, ItemHandler]:
    """The handler of each fact type (``process_batch`` records each item at most once)."""
    facts = _Facts(offline)
    return {"sale": facts.sale, "produce_receipt": facts.produce_receipt}


@dataclass(frozen=True)
class _Facts:
    """Each fact's payload, parsed as its online POST's body, recorded offline."""

    offline: OfflineFacts

    async def sale(self, conn: DbConnection, item: SyncItem, context: SyncContext
                   ) -> HandlerOutcome:
        body = _parse(s.SaleIn, item)
        order = sale_order(body, business_date=item.business_date, offline=True,
                           device_id=context.device_id)
        provenance = Provenance(meta=context.meta, occurred_at=item.occurred_at)
        recorded = await self.offline.record_sale(conn, context.cooperative_id, order,
                                                  provenance)
        return HandlerOutcome(
            result={"sale_id": recorded.sale.sale_id, "total_idr": recorded.sale.total_idr},
            flags=recorded.flags)

    async def produce_receipt(self, conn: DbConnection, item: SyncItem, context: SyncContext
                              ) -> HandlerOutcome:
        body = _parse(ProduceFactIn, item)
        command = produce_command(body, business_date=item.business_date, offline=True)
        provenance = Provenance(meta=context.meta, occurred_at=item.occurred_at)
        receipt = await self.offline.receive_produce(
            conn, context.cooperative_id, body.warehouse_id, body.product_id, command,
            provenance)
        e = receipt.event
        return HandlerOutcome(
            result={"receipt_id": e.receipt_id, "net_qty_g": e.net_qty_g,
                    "amount_idr": e.amount_idr},
            flags=receipt.flags)


def _parse(model: type[_M], item: SyncItem) -> _M:
    try:
        return model.model_validate(item.payload)
    except ValidationError as exc:
        # Where and what only: the submitted values stay out of the stored answer.
        where = sorted({".".join(str(p) for p in error["loc"]) or "payload"
                        for error in exc.errors()})
        raise InvalidFactPayload(
            f"The {item.type} payload is not valid at: {', '.join(where)}.") from exc

