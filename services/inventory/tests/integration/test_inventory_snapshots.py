"""The write path reads snapshots, not streams: what it reads must equal a full replay.

A hypothesis property drives random receipts, sales (one or two lines, the product named
twice), write-offs, counts and refused payments (whose compensation returns the stock)
through the API and the consumer's reaction, then compares, for every ledger touched:
the snapshot-based load (``load_stock``, ``load_place``) with a replay of the whole
stream, the query rows (level, lots) and the ledger entries with the replay's id sets,
and the product's snapshot with its replay. Also: a missing, stale or foreign-format
snapshot is replayed, and the snapshots rebuild from the events.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import orjson
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from inventory_api_support import Api, Shop, a_product, a_sale, a_shop, an_item, today

from gotong_platform.calendar import FixedClock
from gotong_platform.commands import CommandMeta
from gotong_platform.consumer import ConsumedEvent
from gotong_platform.contracts import payments as p
from gotong_platform.db import DbConnection
from gotong_platform.domain import ConcurrencyConflict
from gotong_platform.envelope import Envelope
from gotong_platform.ids import uuid7
from gotong_platform.provenance import Provenance
from gotong_testing import business_now
from inventory.adapters import projections
from inventory.adapters.ledgers import PostgresStockLedgers
from inventory.adapters.products import PostgresProducts
from inventory.adapters.rebuild import rebuild_snapshots
from inventory.adapters.snapshots import ledger_snapshot
from inventory.adapters.till import PostgresTill
from inventory.adapters.warehouses import PostgresWarehouses
from inventory.application.sales import OrderLine, SaleOrder
from inventory.domain import (
    BuyerType,
    GoodsReceived,
    PaymentMethod,
    Place,
    SalePayment,
    StockLedger,
    evolve_stock,
    new_ledger,
    stock_event_from_payload,
)
from inventory.main import build_services, event_store

pytestmark = pytest.mark.integration

CLOCK = FixedClock(business_now())  # the services' clock in these tests

LOTS = ["A", "B", None]
qtys = st.integers(min_value=1, max_value=2_000)
operations = st.lists(st.one_of(
    st.tuples(st.just("receive"), qtys, st.integers(0, 500_000), st.sampled_from(LOTS)),
    st.tuples(st.just("sell"), qtys, st.booleans()),
    st.tuples(st.just("sell_offline"), qtys),  # may oversell: the ledger goes negative
    st.tuples(st.just("write_off"), qtys),
    st.tuples(st.just("count"), st.integers(0, 3_000)),
    st.tuples(st.just("refuse"), st.integers(min_value=0)),
), min_size=1, max_size=12)


@dataclass(frozen=True)
class Streams:
    """The loads these tests compare, as the repositories read them."""

    ledgers: PostgresStockLedgers
    products: PostgresProducts
    till: PostgresTill
    warehouses: PostgresWarehouses

    async def load_stock(self, conn: Any, warehouse_id: str, product_id: str,
                         entry_ids: Any = ()) -> tuple[StockLedger, int]:
        return await self.ledgers.load(conn, warehouse_id, product_id, entry_ids)

    async def replayed_stock(self, conn: Any, warehouse_id: str, product_id: str
                             ) -> tuple[StockLedger, int]:
        return await self.ledgers.replay(conn, warehouse_id, product_id)

    async def load_place(self, conn: Any, *args: Any, **kwargs: Any) -> Place:
        return await self.till.load_place(conn, *args, **kwargs)

    async def load_product(self, conn: Any, product_id: str) -> Any:
        return await self.products.load(conn, product_id)

    async def _replay_product(self, conn: Any, product_id: str) -> Any:
        return await self.products.replay(conn, product_id)

    async def rebuild_snapshots(self, conn: DbConnection) -> int:
        return await rebuild_snapshots(conn, warehouses=self.warehouses,
                                       products=self.products, ledgers=self.ledgers)


def repo(api: Api) -> Streams:
    store = event_store(api.settings, CLOCK)
    products, ledgers = PostgresProducts(store), PostgresStockLedgers(store)
    return Streams(ledgers, products, PostgresTill(store, products, ledgers),
                   PostgresWarehouses(store))


def refused(shop: Shop, sale_id: str) -> ConsumedEvent:
    contract = p.SalePaymentRefusedV1(
        cooperative_id=shop.coop, sale_id=sale_id, reason_code="insufficient-balance",
        detail="refused in a property test")
    env = Envelope(event_id=uuid7(), event_type=contract.event_type, schema_version=1,
                   source="payments", stream_id=f"salepay-{sale_id}", stream_version=1,
                   cooperative_id=shop.coop, occurred_at=_now(), business_date=today(),
                   recorded_at=_now())
    return ConsumedEvent(envelope=env, data=contract.model_dump(mode="json"),
                         topic="gotong.payments.events", partition=0, offset=0)


def _now() -> datetime:
    return business_now()


def every_entry(ledger: StockLedger) -> list[str]:
    return [*ledger.issues, *ledger.returned_issue_ids, *ledger.sent_transfer_ids,
            *ledger.received_transfer_ids]


async def assert_reads_equal_replay(api: Api, shop: Shop, product: str) -> None:
    r = repo(api)
    async with api.pool.acquire() as conn:
        replayed, replayed_version = await r.replayed_stock(conn, shop.warehouse, product)
        ids = every_entry(replayed)
        loaded = await r.load_stock(conn, shop.warehouse, product, ids)
        place = await r.load_place(conn, shop.warehouse, [product], ids)
        assert loaded == (replayed, replayed_version)
        assert place.ledgers[product] == (replayed, replayed_version)
        # Without naming them, the bounded part is the same and the id sets are empty.
        bare, bare_version = await r.load_stock(conn, shop.warehouse, product)
        assert bare_version == replayed_version
        assert (bare.lots, bare.valuation, bare.negative_flagged, bare.went_negative_on,
                bare.last_counted_on) == (replayed.lots, replayed.valuation,
                                          replayed.negative_flagged, replayed.went_negative_on,
                                          replayed.last_counted_on)
        level = await conn.fetchrow(
            "SELECT * FROM stock_levels WHERE warehouse_id = $1 AND product_id = $2",
            shop.warehouse, product)
        lots = await conn.fetch(
            "SELECT lot_id, qty, seq FROM stock_lots WHERE warehouse_id = $1 "
            "AND product_id = $2 ORDER BY seq", shop.warehouse, product)
        stream = projections.stock_stream_id(shop.warehouse, product)
        entries = await conn.fetch(
            "SELECT kind, entry_id FROM stock_ledger_entries WHERE stream_id = $1", stream)
        product_loaded = await r.load_product(conn, product)
        product_replayed = await r._replay_product(conn, product)
    if replayed_version:
        assert level is not None
        assert (level["on_hand"], level["value_idr"], level["negative"], level["version"]) == (
            replayed.on_hand, replayed.value_idr, replayed.negative_flagged, replayed_version)
    assert [(x["lot_id"], x["qty"], x["seq"]) for x in lots] == [
        (lot.lot_id, lot.qty, lot.seq) for lot in sorted(replayed.lots.values(),
                                                         key=lambda lot: lot.seq)
        if lot.qty != 0]
    assert sorted((x["kind"], x["entry_id"]) for x in entries) == sorted(
        [("issue", i) for i in replayed.issues]
        + [("returned", i) for i in replayed.returned_issue_ids]
        + [("sent", i) for i in replayed.sent_transfer_ids]
        + [("received", i) for i in replayed.received_transfer_ids])
    assert product_loaded == product_replayed


@pytest.fixture
async def shop(api: Api) -> Shop:
    return await a_shop(api)


@settings(max_examples=15, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(ops=operations, lotted=st.booleans())
async def test_what_commands_read_equals_a_full_replay(
    api: Api, shop: Shop, ops: list[tuple[Any, ...]], lotted: bool
) -> None:
    product = await a_product(
        api, shop.coop, shop.admin, {"non_member": (1_000, 1)}, name="Gula pasir",
        lot_tracking="lot" if lotted else "none")
    other = await a_product(api, shop.coop, shop.admin, {"non_member": (500, 1)},
                            name="Garam")
    sales: list[str] = []
    sequence = 0
    for op in ops:
        kind = op[0]
        if kind == "receive":
            _, qty, cost, lot = op
            body: dict[str, Any] = {"product_id": product, "qty": qty, "total_cost_idr": cost}
            if lotted:
                body["lot_id"] = lot or "Z"
            answer = await api.post(shop.wh("/goods-receipts"), body, shop.clerk)
            assert answer.status_code == 201, answer.text
        elif kind == "sell":
            _, qty, twice = op
            lines = [(product, qty), (other, 1), (product, 1)] if twice else [(product, qty)]
            total = sum(q * (1_000 if pid == product else 500) for pid, q in lines)
            answer = await api.post(shop.path("/sales"), a_sale(shop, lines, total),
                                    shop.clerk)
            assert answer.status_code in (201, 409), answer.text
            if answer.status_code == 201:
                sales.append(answer.json()["sale_id"])
        elif kind == "sell_offline":
            sequence += 1
            item = an_item(sequence, "sale", a_sale(shop, [(product, op[1])], op[1] * 1_000))
            answer = await api.post(shop.path("/sync"),
                                    {"device_id": f"device-{product}", "items": [item]},
                                    shop.clerk)
            assert answer.status_code == 200, answer.text
            (result,) = answer.json()["results"]
            assert result["status"] == "accepted", result
            sales.append(result["result"]["sale_id"])
        elif kind == "write_off":
            answer = await api.post(shop.wh("/adjustments"),
                                    {"product_id": product, "qty": op[1], "reason": "damaged",
                                     **({"lot_id": "A"} if lotted else {})}, shop.clerk)
            assert answer.status_code in (201, 404, 409, 422), answer.text
        elif kind == "count":
            answer = await api.post(shop.wh("/stock-counts"), {"lines": [
                {"product_id": product, "lot_id": "A" if lotted else None,
                 "counted_qty": op[1]}]}, shop.clerk)
            assert answer.status_code in (201, 404, 409, 422), answer.text
        elif kind == "refuse" and sales:
            handler = build_services(api.settings, CLOCK).reactions.handler()
            async with api.pool.acquire() as conn, conn.transaction():
                await handler(conn, refused(shop, sales[op[1] % len(sales)]))
    await assert_reads_equal_replay(api, shop, product)
    await assert_reads_equal_replay(api, shop, other)


async def test_a_missing_stale_or_foreign_snapshot_is_replayed(api: Api, shop: Shop) -> None:
    expiry = (today() + timedelta(days=30)).isoformat()
    for n in range(3):
        answer = await api.post(shop.wh("/goods-receipts"),
                                {"product_id": shop.coffee, "qty": 1000 + n,
                                 "total_cost_idr": 60_000, "lot_id": f"L{n}",
                                 "expiry_date": expiry}, shop.clerk)
        assert answer.status_code == 201, answer.text
    sale = await api.post(shop.path("/sales"), a_sale(shop, [(shop.coffee, 1500)], 150_000),
                          shop.clerk)
    assert sale.status_code == 201, sale.text
    stream = projections.stock_stream_id(shop.warehouse, shop.coffee)
    state = "SELECT state FROM stock_levels WHERE warehouse_id = $1 AND product_id = $2"
    set_state = ("UPDATE stock_levels SET state = $3::text::jsonb, version = $4 "
                 "WHERE warehouse_id = $1 AND product_id = $2")
    async with api.pool.acquire() as conn:
        first = await conn.fetchval(
            "SELECT e.payload FROM events e WHERE stream_id = $1 AND stream_version = 1",
            stream)
        assert first is not None
        for snapshot, version in ((None, 4), ('{"format": 0}', 4)):
            await conn.execute(set_state, shop.warehouse, shop.coffee, snapshot, version)
            await assert_reads_equal_replay_quiet(api, shop)
        # Stale: the snapshot of version 1; the events after it are replayed on load.
        one = stock_event_from_payload(GoodsReceived.event_type, first)
        stale = evolve_stock(new_ledger(warehouse_id=shop.warehouse, product_id=shop.coffee),
                             one)
        await conn.execute(set_state, shop.warehouse, shop.coffee,
                           orjson.dumps(ledger_snapshot(stale)).decode(), 1)
        await assert_reads_equal_replay_quiet(api, shop)
        assert await conn.fetchval(state, shop.warehouse, shop.coffee) is not None
    # The next command writes a fresh snapshot; so does a rebuild.
    again = await api.post(shop.path("/sales"), a_sale(shop, [(shop.coffee, 10)], 1_000),
                           shop.clerk)
    assert again.status_code == 201, again.text
    await assert_reads_equal_replay(api, shop, shop.coffee)
    async with api.pool.acquire() as conn:
        await conn.execute("UPDATE stock_levels SET state = NULL")
        await conn.execute("UPDATE products SET state = NULL")
        rebuilt = await repo(api).rebuild_snapshots(conn)
        assert rebuilt >= 3  # two products and the ledger, at least
        assert await conn.fetchval(state, shop.warehouse, shop.coffee) is not None
        assert await conn.fetchval(
            "SELECT count(*) FROM products WHERE state IS NULL") == 0
    await assert_reads_equal_replay(api, shop, shop.coffee)


async def assert_reads_equal_replay_quiet(api: Api, shop: Shop) -> None:
    r = repo(api)
    async with api.pool.acquire() as conn:
        replayed = await r.replayed_stock(conn, shop.warehouse, shop.coffee)
        ids = every_entry(replayed[0])
        assert await r.load_stock(conn, shop.warehouse, shop.coffee, ids) == replayed
        place = await r.load_place(conn, shop.warehouse, [shop.coffee, shop.rice], ids)
        assert place.ledgers[shop.coffee] == replayed


async def test_a_concurrent_writer_of_a_ledger_gets_409(api: Api, shop: Shop) -> None:
    answer = await api.post(shop.wh("/goods-receipts"),
                            {"product_id": shop.rice, "qty": 10_000, "total_cost_idr": 1},
                            shop.clerk)
    assert answer.status_code == 201, answer.text
    # Another writer appends between this command's read and its write.
    r = repo(api)
    meta = CommandMeta.current(actor="t", command_id=str(uuid.uuid4()), correlation=None)
    order = SaleOrder(warehouse_id=shop.warehouse, buyer_type=BuyerType.NON_MEMBER,
                      member_id=None, lines=(OrderLine(product_id=shop.rice, qty=1),),
                      payments=(SalePayment(method=PaymentMethod.CASH, amount_idr=14),),
                      business_date=today())
    sales = api.app.state.inventory.sales
    original = r.load_place

    raced: list[bool] = []

    async def load_then_race(conn: Any, *args: Any, **kwargs: Any) -> Any:
        place = await original(conn, *args, **kwargs)
        if raced:  # the other sale's own read
            return place
        raced.append(True)
        other = await api.post(shop.path("/sales"), a_sale(shop, [(shop.rice, 1000)], 14_000),
                               shop.clerk)
        assert other.status_code == 201, other.text
        return place

    sales.till.load_place = load_then_race
    try:
        async with api.pool.acquire() as conn:
            with pytest.raises(ConcurrencyConflict):
                async with conn.transaction():
                    await sales.record(conn, shop.coop, order, today(), Provenance(meta))
    finally:
        del sales.till.load_place
    level = await api.pool.fetchrow(
        "SELECT on_hand, version FROM stock_levels WHERE product_id = $1", shop.rice)
    assert (level["on_hand"], level["version"]) == (9_000, 2)  # the other sale only
