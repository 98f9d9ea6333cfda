"""Routes of transfers: dispatch from one warehouse, receipt at the other (with shrinkage)."""

from __future__ import annotations

from typing import Any

from fastapi import Depends
from starlette.responses import JSONResponse

from gotong_platform.auth import Action
from gotong_platform.db import DbConnection
from gotong_platform.http import HTTPProblem, cooperative_router, require_action
from gotong_platform.http.runner import Runner
from gotong_platform.ids import new_id
from gotong_platform.provenance import Provenance
from inventory.adapters import queries
from inventory.application.errors import DuplicateProductLine
from inventory.entrypoints import schemas as s
from inventory.entrypoints.deps import NOT_FOUND, Ctx, ScopeDep, Today

__all__ = ["router"]

router = cooperative_router(tags=["transfers"], responses=NOT_FOUND)
_RECORD = [Depends(require_action(Action.RECORD_TRANSACTION))]


@router.post("/warehouses/{warehouse_id}/transfers", status_code=201,
             response_model=s.TransferOut, dependencies=_RECORD)
async def dispatch(scope: ScopeDep, warehouse_id: str, body: s.TransferIn, ctx: Ctx,
                   run: Runner, today: Today) -> JSONResponse:
    """Send stock to another warehouse, of this or another federation cooperative."""

    async def work(conn: DbConnection, prov: Provenance) -> tuple[int, Any]:
        transfer_id = new_id("transfer")
        await ctx.transfers.dispatch(
            conn, scope.cooperative_id, warehouse_id, body.to_warehouse_id,
            [(line.product_id, line.qty) for line in body.lines], transfer_id, today, prov)
        return 201, await _transfer_out(conn, scope.cooperative_id, transfer_id)

    return await run(work)


@router.post("/warehouses/{warehouse_id}/transfers/{transfer_id}/receive",
             response_model=s.TransferOut, dependencies=_RECORD)
async def receive(scope: ScopeDep, warehouse_id: str, transfer_id: str,
                  body: s.TransferReceiptIn, ctx: Ctx, run: Runner, today: Today
                  ) -> JSONResponse:
    """Take in a transfer: what did not arrive is written off as lost (shrinkage)."""
    received = {line.product_id: line.qty_received for line in body.lines}
    if len(received) != len(body.lines):
        raise DuplicateProductLine("List each product of the transfer once.")

    async def work(conn: DbConnection, prov: Provenance) -> tuple[int, Any]:
        await ctx.transfers.receive(conn, scope.cooperative_id, warehouse_id, transfer_id,
                                    received, today, prov)
        return 200, await _transfer_out(conn, scope.cooperative_id, transfer_id)

    return await run(work)


@router.get("/transfers/{transfer_id}", response_model=s.TransferOut)
async def get_transfer(scope: ScopeDep, transfer_id: str, ctx: Ctx) -> dict[str, Any]:
    """A transfer as its sending or its receiving cooperative sees it."""
    found = await queries.transfer(ctx.pool, scope.cooperative_id, transfer_id)
    if found is None:
        raise HTTPProblem(404, "Not Found", "transfer not found", "transfer-not-found")
    return found


async def _transfer_out(conn: DbConnection, cooperative_id: str, transfer_id: str
                        ) -> dict[str, Any]:
    found = await queries.transfer(conn, cooperative_id, transfer_id)
    if found is None:
        raise HTTPProblem(404, "Not Found", "transfer not found", "transfer-not-found")
    return s.TransferOut.model_validate(found).model_dump(mode="json")
