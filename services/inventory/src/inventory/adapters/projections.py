"""Query tables of the inventory service, refreshed in the transaction of the events.

Each function writes what one saved stream now says; the event store stays the truth
and these rows can be rebuilt from it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

import asyncpg

from gotong_platform.db import DbConnection, json_dumps
from gotong_platform.eventstore import AlsoWrite
from inventory.adapters.snapshots import Entry
from inventory.domain import (
    BaseUnit,
    DuplicateSku,
    Product,
    ProductPriceSet,
    SaleCompleted,
    SaleEvent,
    SaleRecorded,
    SaleVoided,
    StockIssued,
    StockLedger,
    Warehouse,
    event_to_payload,
)

__all__ = [
    "add_sale_flags",
    "average_per_qty",
    "insert_product",
    "insert_warehouse",
    "project_sale",
    "project_stock",
    "run_writes",
    "sale_recorded_writes",
    "stock_stream_id",
    "stock_writes",
    "update_product_snapshot",
    "upsert_price",
]


def average_per_qty(base_unit: BaseUnit) -> int:
    """The quantity an average cost is shown for: per kg / litre, or per piece."""
    return 1 if base_unit is BaseUnit.PIECE else 1000


async def insert_warehouse(conn: DbConnection, w: Warehouse) -> None:
    await conn.execute(
        "INSERT INTO warehouses (warehouse_id, cooperative_id, name, kind, capacity_kg) "
        "VALUES ($1, $2, $3, $4, $5)",
        w.warehouse_id, w.cooperative_id, w.name, w.kind.value, w.capacity_kg)


async def insert_product(conn: DbConnection, p: Product, *, version: int = 1,
                         snapshot: str | None = None) -> None:
    try:
        await conn.execute(
            """INSERT INTO products (product_id, cooperative_id, sku, name, category, base_unit,
                   lot_tracking, shelf_life_days, version, state)
               VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10::text::jsonb)""",
            p.product_id, p.cooperative_id, p.sku, p.name, p.category.value, p.base_unit.value,
            p.lot_tracking.value, p.shelf_life_days, version, snapshot)
    except asyncpg.UniqueViolationError as exc:
        # Two definitions of one SKU raced past the service's check.
        raise DuplicateSku(f"Another product of this cooperative has SKU {p.sku}.") from exc


async def update_product_snapshot(conn: DbConnection, product_id: str, version: int,
                                  snapshot: str | None) -> None:
    await conn.execute(
        "UPDATE products SET version = $2, state = $3::text::jsonb WHERE product_id = $1",
        product_id, version, snapshot)


async def upsert_price(conn: DbConnection, e: ProductPriceSet) -> None:
    # Of two prices with one effective date the later wins (as ``latest_price`` decides).
    await conn.execute(
        """INSERT INTO prices (product_id, price_list, effective_from, price_idr, per_qty)
           VALUES ($1, $2, $3, $4, $5)
           ON CONFLICT (product_id, price_list, effective_from)
           DO UPDATE SET price_idr = EXCLUDED.price_idr, per_qty = EXCLUDED.per_qty""",
        e.product_id, e.price_list.value, e.effective_from, e.price_idr, e.per_qty)


# The writes of one saved ledger, as CTEs (``{t}`` tags their names, unique per statement):
# the level with the ledger's snapshot, its lots (those holding stock; the others deleted),
# the entries its events add, and the sale issues. A command sends them inside its append
# (``AlsoWrite``): one round trip for the events and every query row.
_STOCK_CTES = (
    ("level{t}", """
    INSERT INTO stock_levels (warehouse_id, product_id, cooperative_id, on_hand, value_idr,
        average_cost_idr, average_per_qty, negative, version, state, reserved)
    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10::text::jsonb, $23)
    ON CONFLICT (warehouse_id, product_id) DO UPDATE SET on_hand = EXCLUDED.on_hand,
        value_idr = EXCLUDED.value_idr, average_cost_idr = EXCLUDED.average_cost_idr,
        negative = EXCLUDED.negative, version = EXCLUDED.version, state = EXCLUDED.state,
        reserved = EXCLUDED.reserved"""),
    ("lots{t}", """
    SELECT * FROM unnest($11::text[], $12::int[], $13::bigint[], $14::date[], $15::date[])
        AS l(lot_id, seq, qty, expiry_date, harvest_date)"""),
    ("gone{t}", """
    DELETE FROM stock_lots s WHERE s.warehouse_id = $1 AND s.product_id = $2
        AND coalesce(s.lot_id, '') <> ALL (SELECT coalesce(lot_id, '') FROM lots{t})"""),
    ("kept{t}", """
    INSERT INTO stock_lots (warehouse_id, product_id, lot_id, seq, qty, expiry_date,
        harvest_date)
    SELECT $1, $2, lot_id, seq, qty, expiry_date, harvest_date FROM lots{t}
    ON CONFLICT (warehouse_id, product_id, coalesce(lot_id, '')) DO UPDATE SET
        seq = EXCLUDED.seq, qty = EXCLUDED.qty, expiry_date = EXCLUDED.expiry_date,
        harvest_date = EXCLUDED.harvest_date"""),
    ("entries{t}", """
    INSERT INTO stock_ledger_entries (stream_id, kind, entry_id, reference, lines)
    SELECT $16, kind, entry_id, reference, lines::jsonb
    FROM unnest($17::text[], $18::text[], $19::text[], $20::text[])
        AS e(kind, entry_id, reference, lines)
    ON CONFLICT DO NOTHING"""),
    ("issues{t}", """
    INSERT INTO sale_issues (sale_id, warehouse_id, product_id, issue_id)
    SELECT sale_id, $1, $2, issue_id
    FROM unnest($21::text[], $22::text[]) AS i(sale_id, issue_id)
    ON CONFLICT DO NOTHING"""),
)

_SALE_RECORDED_CTES = (
    ("sale{t}", """
    INSERT INTO sales (sale_id, cooperative_id, warehouse_id, status, buyer_type,
        member_id, lines, discount_idr, total_idr, payments, receipt_no,
        business_date, recorded_offline, flags, version, buyer_cooperative_id, channel)
    VALUES ($1, $2, $3, 'recorded', $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14,
        $15, $16)"""),
)


def _tagged(ctes: Sequence[tuple[str, str]], tag: str) -> list[tuple[str, str]]:
    return [(name.format(t=tag), body.format(t=tag) if "{t}" in body else body)
            for name, body in ctes]


_TAGGED: dict[tuple[int, str], list[tuple[str, str]]] = {}


def _ctes(ctes: tuple[tuple[str, str], ...], tag: str) -> list[tuple[str, str]]:
    key = (id(ctes), tag)
    found = _TAGGED.get(key)
    if found is None:
        found = _TAGGED.setdefault(key, _tagged(ctes, tag))
    return found


async def run_writes(conn: DbConnection, writes: Sequence[AlsoWrite]) -> None:
    """``writes`` on their own, in one statement (when there is no event to append)."""
    ctes: list[str] = []
    args: list[Any] = []
    for w in writes:
        offset = len(args)
        ctes.extend(f"{name} AS ({_renumber(body, offset)})" for name, body in w.ctes)
        args.extend(w.args)
    if ctes:
        await conn.execute("WITH " + ",\n".join(ctes) + "\nSELECT 1", *args)


def _renumber(body: str, offset: int) -> str:
    return re.sub(r"\$(\d+)", lambda m: f"${int(m.group(1)) + offset}", body)


def stock_writes(
    ledger: StockLedger, *, product: Product, cooperative_id: str, version: int,
    snapshot: str | None = None, entries: Sequence[Entry] = (),
    sale_issues: Sequence[StockIssued] = (), tag: str = "",
) -> AlsoWrite:
    """The ledger's query rows (level, lots), its ``snapshot`` (JSON text; None: none) at
    ``version``, the ``entries`` its new events add and the issues of sales among them
    (which ledger each took from, for the sale's compensation). ``tag`` makes the CTE
    names unique when several ledgers are written in one statement."""
    per_qty = average_per_qty(product.base_unit)
    lots = [lot for lot in ledger.lots.values() if lot.qty != 0]
    return AlsoWrite(_ctes(_STOCK_CTES, tag), (
        ledger.warehouse_id, ledger.product_id, cooperative_id, ledger.on_hand,
        ledger.value_idr, ledger.average_cost_idr(per_qty), per_qty, ledger.negative_flagged,
        version, snapshot,
        [lot.lot_id for lot in lots], [lot.seq for lot in lots], [lot.qty for lot in lots],
        [lot.expiry_date for lot in lots], [lot.harvest_date for lot in lots],
        stock_stream_id(ledger.warehouse_id, ledger.product_id),
        [e[0] for e in entries], [e[1] for e in entries], [e[2] for e in entries],
        [None if e[3] is None else json_dumps(e[3]) for e in entries],
        [i.reference for i in sale_issues], [i.issue_id for i in sale_issues],
        ledger.reserved))


async def project_stock(
    conn: DbConnection, ledger: StockLedger, *, product: Product, cooperative_id: str,
    version: int, snapshot: str | None = None, entries: Sequence[Entry] = (),
    sale_issues: Sequence[StockIssued] = (),
) -> None:
    """``stock_writes`` in a statement of its own."""
    await run_writes(conn, [stock_writes(
        ledger, product=product, cooperative_id=cooperative_id, version=version,
        snapshot=snapshot, entries=entries, sale_issues=sale_issues)])


def sale_recorded_writes(event: SaleRecorded, version: int, flags: Sequence[str] = (), *,
                         tag: str = "") -> AlsoWrite:
    """The ``sales`` row of a recorded sale."""
    payload = event_to_payload(event)
    return AlsoWrite(_ctes(_SALE_RECORDED_CTES, tag), (
        event.sale_id, event.cooperative_id, event.warehouse_id, event.buyer_type.value,
        event.member_id, json_dumps(payload["lines"]), event.discount_idr, event.total_idr,
        json_dumps(payload["payments"]), event.receipt_no, event.business_date,
        event.recorded_offline, list(flags), version, event.buyer_cooperative_id,
        event.channel.value))


def stock_stream_id(warehouse_id: str, product_id: str) -> str:
    """The stream of the ledger of a product in a warehouse."""
    return f"stock-{warehouse_id}--{product_id}"


async def project_sale(
    conn: DbConnection, event: SaleEvent, version: int, flags: Sequence[str] = ()
) -> None:
    match event:
        case SaleRecorded():
            await run_writes(conn, [sale_recorded_writes(event, version, flags)])
        case SaleCompleted():
            await conn.execute(
                "UPDATE sales SET status = 'completed', version = $2 WHERE sale_id = $1",
                event.sale_id, version)
        case SaleVoided():
            await conn.execute(
                """UPDATE sales SET status = 'voided', void_reason = $2, void_detail = $3,
                       version = $4 WHERE sale_id = $1""",
                event.sale_id, event.reason_code.value, event.detail, version)


async def add_sale_flags(conn: DbConnection, sale_id: str, flags: Sequence[str]) -> None:
    await conn.execute(
        """UPDATE sales SET flags = ARRAY(SELECT DISTINCT unnest(flags || $2::text[]))
           WHERE sale_id = $1""", sale_id, list(flags))
