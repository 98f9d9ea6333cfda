"""Routes of the stock ledgers of one warehouse: receipts, write-offs, counts, stock on hand.

Every movement is dated the cooperative's business date (today in its time zone);
a fact recorded offline comes through ``/sync`` and keeps its own date.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Awaitable, Callable
from datetime import date
from typing import Any

from fastapi import Depends
from pydantic import BaseModel
from starlette.responses import JSONResponse

from gotong_platform.auth import Action
from gotong_platform.db import DbConnection
from gotong_platform.http import cooperative_router, require_action
from gotong_platform.http.runner import Runner
from gotong_platform.ids import new_id
from gotong_platform.provenance import Provenance
from inventory.adapters import queries
from inventory.domain import (
    AdjustmentReason,
    AdjustStock,
    CountedLot,
    CountStock,
    ReceiveGoods,
    ReceiveProduce,
    WarehouseNotFound,
)
from inventory.entrypoints import schemas as s
from inventory.entrypoints.deps import NOT_FOUND, Ctx, ScopeDep, Today

__all__ = ["count_commands", "dump", "level", "produce_command", "router"]

router = cooperative_router(tags=["stock"], responses=NOT_FOUND)
_RECORD = [Depends(require_action(Action.RECORD_TRANSACTION))]


@router.post("/warehouses/{warehouse_id}/goods-receipts", status_code=201,
             response_model=s.ReceiptOut, dependencies=_RECORD)
async def receive_goods(scope: ScopeDep, warehouse_id: str, body: s.GoodsReceiptIn, ctx: Ctx,
                        run: Runner, today: Today) -> JSONResponse:
    """Goods from a supplier, at the receipt's total cost (moving-average valuation)."""

    async def move(conn: DbConnection, prov: Provenance) -> dict[str, Any]:
        command = ReceiveGoods(
            receipt_id=new_id("receipt"), qty=body.qty, total_cost_idr=body.total_cost_idr,
            business_date=body.received_on or today, lot_id=body.lot_id,
            harvest_date=body.harvest_date,
            expiry_date=body.expiry_date, supplier_ref=body.supplier_ref)
        await ctx.stock.receive_goods(conn, scope.cooperative_id, warehouse_id,
                                      body.product_id, command, today, prov)
        return {"receipt_id": command.receipt_id}

    return await _moved(run, s.ReceiptOut, warehouse_id, body.product_id, move)


@router.post("/warehouses/{warehouse_id}/produce-receipts", status_code=201,
             response_model=s.ProduceReceiptOut, dependencies=_RECORD)
async def receive_produce(scope: ScopeDep, warehouse_id: str, body: s.ProduceReceiptIn,
                          ctx: Ctx, run: Runner, today: Today) -> JSONResponse:
    """A member's harvest, weighed and bought at today's buy-from-member price."""

    async def move(conn: DbConnection, prov: Provenance) -> dict[str, Any]:
        command = produce_command(body, business_date=today, offline=False)
        receipt = await ctx.stock.receive_produce(conn, scope.cooperative_id, warehouse_id,
                                                  body.product_id, command, today, prov)
        e = receipt.event
        return {"receipt_id": e.receipt_id, "member_id": e.member_id, "net_qty_g": e.net_qty_g,
                "price_idr": e.price_idr, "per_qty": e.per_qty, "amount_idr": e.amount_idr,
                "flags": receipt.flags}

    return await _moved(run, s.ProduceReceiptOut, warehouse_id, body.product_id, move)


@router.post("/warehouses/{warehouse_id}/adjustments", status_code=201,
             response_model=s.AdjustmentOut, dependencies=_RECORD)
async def adjust(scope: ScopeDep, warehouse_id: str, body: s.AdjustmentIn, ctx: Ctx,
                 run: Runner, today: Today) -> JSONResponse:
    """Write off damaged, rotten, expired or lost stock at the moving-average cost."""

    async def move(conn: DbConnection, prov: Provenance) -> dict[str, Any]:
        command = AdjustStock(adjustment_id=new_id("adjustment"), qty=body.qty,
                              reason=AdjustmentReason(body.reason), business_date=today,
                              lot_id=body.lot_id)
        await ctx.stock.adjust(conn, scope.cooperative_id, warehouse_id, body.product_id,
                               command, today, prov)
        return {"adjustment_id": command.adjustment_id}

    return await _moved(run, s.AdjustmentOut, warehouse_id, body.product_id, move)


async def _moved(run: Runner, out: type[BaseModel], warehouse_id: str, product_id: str,
                 move: Callable[[DbConnection, Provenance], Awaitable[dict[str, Any]]]
                 ) -> JSONResponse:
    """A movement of one product's stock, once per Idempotency-Key: ``move`` records it
    and says what it was; the answer (201) adds the product's stock after it."""

    async def work(conn: DbConnection, prov: Provenance) -> tuple[int, Any]:
        answer = await move(conn, prov)
        return 201, dump(out, {**answer, "stock": await level(conn, warehouse_id, product_id)})

    return await run(work)


@router.post("/warehouses/{warehouse_id}/stock-counts", status_code=201,
             response_model=s.StockCountOut, dependencies=_RECORD)
async def count(scope: ScopeDep, warehouse_id: str, body: s.StockCountIn, ctx: Ctx,
                run: Runner, today: Today) -> JSONResponse:
    """Stock opname: the ledgers of the products listed become what was counted."""

    async def work(conn: DbConnection, prov: Provenance) -> tuple[int, Any]:
        count_id = new_id("count")
        results = await ctx.stock.count(conn, scope.cooperative_id, warehouse_id,
                                        count_commands(body, count_id, today), today, prov)
        corrections = sum(len(events) - 1 for _, events in results)  # minus StockCounted
        products = [ledger.product_id for ledger, _ in results]
        return 201, dump(s.StockCountOut, {
            "count_id": count_id, "corrections": corrections,
            "stock": await queries.stock_levels(conn, warehouse_id, products)})

    return await run(work)


@router.get("/warehouses/{warehouse_id}/stock", response_model=list[s.StockLevelOut])
async def stock(scope: ScopeDep, warehouse_id: str, ctx: Ctx) -> list[dict[str, Any]]:
    """Per product: on hand, value, average cost, negative flag, lots with expiry."""
    found = await queries.warehouse_stock(ctx.pool, scope.cooperative_id, warehouse_id)
    if found is None:
        raise WarehouseNotFound("No warehouse with this id in this cooperative.")
    return found


def dump(model: type[BaseModel], data: dict[str, Any]) -> Any:
    """The JSON-ready answer (stored with the Idempotency-Key, so dates as strings)."""
    return model.model_validate(data).model_dump(mode="json")


async def level(conn: DbConnection, warehouse_id: str, product_id: str) -> dict[str, Any]:
    levels = await queries.stock_levels(conn, warehouse_id, [product_id])
    return levels[0]


def produce_command(body: s.ProduceReceiptIn, *, business_date: date,
                    offline: bool) -> ReceiveProduce:
    """No price: the buy-from-member list of the business date applies."""
    return ReceiveProduce(
        receipt_id=new_id("produce"), member_id=body.member_id, gross_qty_g=body.gross_qty_g,
        tare_g=body.tare_g, lot_id=body.lot_id, harvest_date=body.harvest_date,
        business_date=business_date, grade=body.grade, recorded_offline=offline)


def count_commands(body: s.StockCountIn, count_id: str, today: date
                   ) -> list[tuple[str, CountStock]]:
    """One count per product listed, in product order (ledgers are written in that order
    by every command, so concurrent ones never deadlock)."""
    by_product: defaultdict[str, list[CountedLot]] = defaultdict(list)
    for line in body.lines:
        by_product[line.product_id].append(CountedLot(lot_id=line.lot_id, qty=line.counted_qty))
    return [(product_id, CountStock(count_id=count_id, counted=tuple(lots),
                                    business_date=today))
            for product_id, lots in sorted(by_product.items(), key=lambda kv: kv[0])]
