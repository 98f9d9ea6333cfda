"""Stock movements over the API: produce from members, write-offs, counts, transfers."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from inventory_api_support import (
    Api,
    Shop,
    a_cooperative,
    a_member,
    a_product,
    a_sale,
    a_shop,
    a_warehouse,
    an_item,
    receive,
    stock_of,
    today,
)

pytestmark = pytest.mark.integration


def produce(shop: Shop, member: str, product: str, **overrides: Any) -> dict[str, Any]:
    return {"member_id": member, "product_id": product, "gross_qty_g": 1301, "tare_g": 300,
            "grade": "A", "lot_id": "PANEN-07",
            "harvest_date": (today() - timedelta(days=3)).isoformat(), **overrides}


async def test_produce_is_priced_from_the_buy_from_member_list_of_the_day(api: Api) -> None:
    shop = await a_shop(api)
    member = await a_member(api, shop.coop)
    cacao = await a_product(api, shop.coop, shop.admin, {"buy_from_member": (45_500, 1000)},
                            name="Kakao fermentasi", category="farm_produce",
                            lot_tracking="lot")
    tomorrow = (today() + timedelta(days=1)).isoformat()
    future = await api.post(shop.path(f"/products/{cacao}/prices"),
                            {"price_list": "buy_from_member", "price_idr": 99_000,
                             "per_qty": 1000, "effective_from": tomorrow}, shop.admin)
    assert future.status_code == 200
    answer = await api.post(shop.wh("/produce-receipts"), produce(shop, member, cacao),
                            shop.clerk)
    assert answer.status_code == 201, answer.text
    receipt = answer.json()
    # 1001 g net at Rp 45.500/kg = Rp 45.545,5: half up to Rp 45.546; tomorrow's price unused.
    assert (receipt["net_qty_g"], receipt["price_idr"], receipt["amount_idr"]) == (
        1001, 45_500, 45_546)
    assert (receipt["stock"]["on_hand"], receipt["stock"]["value_idr"]) == (1001, 45_546)
    assert receipt["stock"]["lots"][0]["lot_id"] == "PANEN-07"
    (published,) = await api.outbox("ProduceReceivedFromMember")
    assert (published["member_id"], published["gross_qty_g"], published["grade"],
            published["amount_idr"], published["recorded_offline"]) == (
        member, 1301, "A", 45_546, False)


@pytest.mark.parametrize(
    ("case", "status", "code"),
    [("suspended", 422, "not-an-active-member"), ("no-price", 422, "no-price-on-date"),
     ("pieces", 409, "product-not-weighed"), ("price-given", 422, "invalid-request"),
     ("tare", 422, "invalid-tare")],
)
async def test_refused_produce_receipts_change_nothing(
    api: Api, case: str, status: int, code: str
) -> None:
    shop = await a_shop(api)
    member = await a_member(api, shop.coop, suspended=case == "suspended")
    body = produce(shop, member, shop.coffee)
    if case == "no-price":
        body["product_id"] = shop.rice
    elif case == "pieces":
        body["product_id"] = await a_product(
            api, shop.coop, shop.admin, {"buy_from_member": (5000, 1)}, base_unit="pcs",
            lot_tracking="lot", category="handicraft", name="Tenun ikat")
    elif case == "price-given":
        body["price_idr"] = 1
    elif case == "tare":
        body["tare_g"] = body["gross_qty_g"]
    before = await api.event_counts()
    answer = await api.post(shop.wh("/produce-receipts"), body, shop.clerk)
    assert answer.status_code == status, answer.text
    assert answer.json()["code"] == code
    assert await api.event_counts() == before


async def test_write_offs_leave_at_the_moving_average(api: Api) -> None:
    shop = await a_shop(api)
    await receive(api, shop, shop.rice, 10_000, 120_000)
    await receive(api, shop, shop.rice, 10_000, 130_000)
    answer = await api.post(shop.wh("/adjustments"),
                            {"product_id": shop.rice, "qty": 1000, "reason": "rotten"},
                            shop.clerk)
    assert answer.status_code == 201, answer.text
    assert (answer.json()["stock"]["on_hand"], answer.json()["stock"]["value_idr"]) == (
        19_000, 237_500)  # 1 kg at the average Rp 12.500/kg
    (adjusted,) = await api.outbox("StockAdjusted")
    assert (adjusted["qty_delta"], adjusted["reason"], adjusted["value_idr"]) == (
        -1000, "rotten", 12_500)
    too_much = await api.post(shop.wh("/adjustments"),
                              {"product_id": shop.rice, "qty": 19_001, "reason": "lost"},
                              shop.clerk)
    assert too_much.status_code == 409
    assert too_much.json()["code"] == "insufficient-stock"
    by_hand = await api.post(shop.wh("/adjustments"),
                             {"product_id": shop.rice, "qty": 1, "reason": "count_correction"},
                             shop.clerk)
    assert by_hand.status_code == 422  # corrections come from a count


async def test_a_stock_count_reconciles_every_lot_to_what_was_counted(api: Api) -> None:
    shop = await a_shop(api)
    soon, later = (today() + timedelta(days=30)).isoformat(), (
        today() + timedelta(days=60)).isoformat()
    await receive(api, shop, shop.coffee, 5000, 300_000, lot_id="A", expiry_date=soon)
    await receive(api, shop, shop.coffee, 5000, 350_000, lot_id="B", expiry_date=later)
    await receive(api, shop, shop.rice, 10_000, 120_000)
    answer = await api.post(shop.wh("/stock-counts"), {"lines": [
        {"product_id": shop.coffee, "lot_id": "A", "counted_qty": 4800},
        {"product_id": shop.coffee, "lot_id": "B", "counted_qty": 5100},
        {"product_id": shop.rice, "counted_qty": 9400},
    ]}, shop.clerk)
    assert answer.status_code == 201, answer.text
    assert answer.json()["corrections"] == 3
    coffee = await stock_of(api, shop, shop.coffee)
    rice = await stock_of(api, shop, shop.rice)
    assert coffee is not None
    assert rice is not None
    assert {lot["lot_id"]: lot["qty"] for lot in coffee["lots"]} == {"A": 4800, "B": 5100}
    assert coffee["on_hand"] == 9900
    # -200 g at Rp 65/g out, then +100 g back in at the average left: 650.000 - 13.000 + 6.500.
    assert coffee["value_idr"] == 643_500
    assert (rice["on_hand"], rice["value_idr"]) == (9400, 112_800)
    corrections = await api.outbox("StockAdjusted")
    assert sorted(c["qty_delta"] for c in corrections) == [-600, -200, 100]
    assert {c["reason"] for c in corrections} == {"count_correction"}
    assert await api.outbox("StockCounted") == []  # internal; its corrections are published


async def test_a_count_clears_an_offline_oversell(api: Api) -> None:
    shop = await a_shop(api)
    await receive(api, shop, shop.rice, 1000, 12_000)
    synced = await api.post(shop.path("/sync"), {"device_id": "hp-1", "items": [
        an_item(1, "sale", a_sale(shop, [(shop.rice, 1500)], 21_000))]}, shop.clerk)
    assert synced.json()["results"][0]["flags"] == ["went_negative"]
    negative = await stock_of(api, shop, shop.rice)
    assert negative is not None
    assert (negative["on_hand"], negative["negative"]) == (-500, True)
    counted = await api.post(shop.wh("/stock-counts"), {"lines": [
        {"product_id": shop.rice, "counted_qty": 0}]}, shop.clerk)
    assert counted.status_code == 201, counted.text
    level = counted.json()["stock"][0]
    assert (level["on_hand"], level["value_idr"], level["negative"]) == (0, 0, False)


async def test_a_transfer_arrives_with_its_lots_and_shrinkage_is_written_off(api: Api) -> None:
    shop = await a_shop(api)
    cold = await a_warehouse(api, shop.coop, shop.admin, name="Cold storage",
                             kind="cold_storage")
    expiry = (today() + timedelta(days=30)).isoformat()
    await receive(api, shop, shop.coffee, 10_000, 600_000, lot_id="K", expiry_date=expiry)
    sent = await api.post(shop.wh("/transfers"), {
        "to_warehouse_id": cold, "lines": [{"product_id": shop.coffee, "qty": 4000}]},
        shop.clerk)
    assert sent.status_code == 201, sent.text
    transfer = sent.json()
    assert (transfer["status"], transfer["lines"][0]["qty_sent"]) == ("sent", 4000)
    source = await stock_of(api, shop, shop.coffee)
    assert source is not None
    assert (source["on_hand"], source["value_idr"]) == (6000, 360_000)
    receive_path = shop.path(f"/warehouses/{cold}/transfers/{transfer['transfer_id']}/receive")
    wrong = await api.post(shop.wh(f"/transfers/{transfer['transfer_id']}/receive"),
                           {"lines": [{"product_id": shop.coffee, "qty_received": 3900}]},
                           shop.clerk)
    assert wrong.status_code == 404  # not on its way to the sending warehouse
    mismatch = await api.post(receive_path, {"lines": [
        {"product_id": shop.rice, "qty_received": 3900}]}, shop.clerk)
    assert mismatch.status_code == 422
    received = await api.post(receive_path, {"lines": [
        {"product_id": shop.coffee, "qty_received": 3900}]}, shop.clerk)
    assert received.status_code == 200, received.text
    assert received.json()["lines"][0]["shrinkage_qty"] == 100
    arrived = await stock_of(api, shop, shop.coffee, cold)
    assert arrived is not None
    assert (arrived["on_hand"], arrived["value_idr"]) == (3900, 234_000)
    assert [(lot["lot_id"], lot["qty"], lot["expiry_date"]) for lot in arrived["lots"]] == [
        ("K", 3900, expiry)]
    (transferred_in,) = await api.outbox("StockTransferredIn")
    assert (transferred_in["qty_sent"], transferred_in["qty_received"],
            transferred_in["shrinkage_qty"], transferred_in["from_cooperative_id"]) == (
        4000, 3900, 100, shop.coop)
    (lost,) = await api.outbox("StockAdjusted")
    assert (lost["qty_delta"], lost["reason"], lost["value_idr"]) == (-100, "lost", 6000)
    again = await api.post(receive_path, {"lines": [
        {"product_id": shop.coffee, "qty_received": 3900}]}, shop.clerk)
    assert again.status_code == 409
    assert again.json()["code"] == "transfer-already-received"


async def test_between_cooperatives_goods_arrive_as_the_receivers_product(api: Api) -> None:
    sender = await a_shop(api)
    receiver = await a_shop(api)
    sku = "KOPI-GB-FED"
    ours = await a_product(api, sender.coop, sender.admin, {}, sku=sku, lot_tracking="lot",
                           category="farm_produce", name="Kopi green bean")
    theirs = await a_product(api, receiver.coop, receiver.admin, {}, sku=sku,
                             lot_tracking="lot", category="farm_produce", name="Kopi GB")
    await receive(api, sender, ours, 8000, 400_000, lot_id="L1")
    sent = await api.post(sender.wh("/transfers"), {
        "to_warehouse_id": receiver.warehouse, "lines": [{"product_id": ours, "qty": 8000}]},
        sender.clerk)
    assert sent.status_code == 201, sent.text
    transfer_id = sent.json()["transfer_id"]
    seen = await api.get(receiver.path(f"/transfers/{transfer_id}"), receiver.clerk)
    assert seen.status_code == 200
    assert seen.json()["to_cooperative_id"] == receiver.coop
    received = await api.post(receiver.wh(f"/transfers/{transfer_id}/receive"),
                              {"lines": [{"product_id": ours, "qty_received": 8000}]},
                              receiver.clerk)
    assert received.status_code == 200, received.text
    assert received.json()["lines"][0]["received_product_id"] == theirs
    level = await stock_of(api, receiver, theirs)
    assert level is not None
    assert (level["on_hand"], level["value_idr"]) == (8000, 400_000)


async def test_stock_moves_between_cooperatives_only_within_the_federation(api: Api) -> None:
    shop = await a_shop(api)
    outsider = await a_cooperative(api, federation=False)
    admin = api.token("coop_admin", cooperative_id=outsider)
    away = await a_warehouse(api, outsider, admin)
    await receive(api, shop, shop.rice, 1000, 12_000)
    answer = await api.post(shop.wh("/transfers"), {
        "to_warehouse_id": away, "lines": [{"product_id": shop.rice, "qty": 500}]}, shop.clerk)
    assert answer.status_code == 409
    assert answer.json()["code"] == "outside-federation"
    level = await stock_of(api, shop, shop.rice)
    assert level is not None
    assert level["on_hand"] == 1000


async def test_a_delivery_note_entered_late_keeps_its_day_but_never_a_future_one(
    api: Api,
) -> None:
    shop = await a_shop(api)
    stock = await receive(api, shop, shop.rice, 5000, 60_000,
                          received_on=(today() - timedelta(days=12)).isoformat())
    assert stock["on_hand"] == 5000
    future = await api.post(shop.wh("/goods-receipts"), {
        "product_id": shop.rice, "qty": 1000, "total_cost_idr": 12_000,
        "received_on": (today() + timedelta(days=1)).isoformat()}, shop.clerk)
    assert future.status_code == 422, future.text
    assert (await stock_of(api, shop, shop.rice) or {})["on_hand"] == 5000
