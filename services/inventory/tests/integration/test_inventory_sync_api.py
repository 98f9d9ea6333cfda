"""Offline facts over ``/sync``: accepted and flagged, never silently refused, never twice."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from inventory_api_support import (
    Api,
    a_member,
    a_sale,
    a_shop,
    an_item,
    receive,
    stock_of,
    today,
)

pytestmark = pytest.mark.integration

DEVICE = "kop-tani-makmur-gerai-1-hp-03"


async def test_an_offline_oversell_is_accepted_and_flagged(api: Api) -> None:
    shop = await a_shop(api)
    await receive(api, shop, shop.rice, 2000, 24_000)
    item = an_item(1, "sale", a_sale(shop, [(shop.rice, 3000)], 42_000,
                                     receipt_no="KTM-G1-HP03-1"))
    answer = await api.post(shop.path("/sync"), {"device_id": DEVICE, "items": [item]},
                            shop.clerk)
    assert answer.status_code == 200, answer.text
    (result,) = answer.json()["results"]
    assert result["status"] == "accepted", result
    assert result["flags"] == ["went_negative"]
    assert result["result"]["total_idr"] == 42_000
    level = await stock_of(api, shop, shop.rice)
    assert level is not None
    assert (level["on_hand"], level["negative"]) == (-1000, True)
    sale = (await api.get(shop.path(f"/sales/{result['result']['sale_id']}"),
                          shop.clerk)).json()
    assert (sale["recorded_offline"], sale["flags"], sale["receipt_no"]) == (
        True, ["went_negative"], "KTM-G1-HP03-1")
    assert sale["business_date"] == item["business_date"]
    (issued,) = await api.outbox("StockIssued")
    assert issued["went_negative"] is True
    # The fact keeps the device's time, not the upload's.
    occurred = await api.pool.fetch(
        "SELECT DISTINCT occurred_at FROM events WHERE command_id = $1", item["client_id"])
    assert [r["occurred_at"] for r in occurred] == [
        datetime.fromisoformat(item["occurred_at"])]


async def test_the_same_batch_twice_changes_nothing(api: Api) -> None:
    shop = await a_shop(api)
    await receive(api, shop, shop.rice, 10_000, 120_000)
    batch = {"device_id": DEVICE, "items": [
        an_item(1, "sale", a_sale(shop, [(shop.rice, 1000)], 14_000)),
        an_item(2, "sale", a_sale(shop, [(shop.rice, 2000)], 28_000)),
    ]}
    first = await api.post(shop.path("/sync"), batch, shop.clerk)
    assert [r["status"] for r in first.json()["results"]] == ["accepted", "accepted"]
    counts, level = await api.event_counts(), await stock_of(api, shop, shop.rice)
    again = await api.post(shop.path("/sync"), batch, shop.clerk)
    assert again.status_code == 200
    results = again.json()["results"]
    assert [r["status"] for r in results] == ["duplicate", "duplicate"]
    assert [r["result"]["result"] for r in results] == [
        r["result"] for r in first.json()["results"]]
    assert await api.event_counts() == counts
    assert await stock_of(api, shop, shop.rice) == level
    assert level is not None
    assert level["on_hand"] == 7000
    sales = (await api.get(shop.path("/sales"), shop.clerk)).json()["items"]
    assert len(sales) == 2


async def test_an_unknown_member_offline_is_accepted_and_flagged(api: Api) -> None:
    shop = await a_shop(api)
    suspended = await a_member(api, shop.coop, suspended=True)
    await receive(api, shop, shop.rice, 10_000, 120_000)
    stranger = "member-0190f3c2-0000-7000-8000-000000000001"
    batch = {"device_id": DEVICE, "items": [
        an_item(1, "sale", a_sale(shop, [(shop.rice, 1000)], 13_000, member=stranger)),
        an_item(2, "sale", a_sale(shop, [(shop.rice, 1000)], 13_000, member=suspended)),
    ]}
    answer = await api.post(shop.path("/sync"), batch, shop.clerk)
    results = answer.json()["results"]
    assert [(r["status"], r["flags"]) for r in results] == [
        ("accepted", ["member_unverified"]), ("accepted", ["member_unverified"])]
    published = await api.outbox("SaleRecorded")
    assert [(p["member_id"], p["recorded_offline"]) for p in published] == [
        (stranger, True), (suspended, True)]


async def test_bad_facts_are_rejected_one_by_one_and_the_good_ones_stay(api: Api) -> None:
    shop = await a_shop(api)
    await receive(api, shop, shop.rice, 10_000, 120_000)
    yesterday = an_item(2, "sale", a_sale(shop, [(shop.rice, 1000)], 14_000), days_ago=1)
    batch = {"device_id": DEVICE, "items": [
        an_item(1, "sale", {"warehouse_id": shop.warehouse, "lines": "lots"}),
        # Priced with the list of its own business date: none existed yesterday.
        yesterday,
        an_item(3, "sale", a_sale(shop, [(shop.rice, 1000)], 14_000)),
        an_item(4, "savings_deposit", {"amount_idr": 5000}),
        an_item(6, "sale", a_sale(shop, [(shop.rice, 1000)], 13_999)),
    ]}
    answer = await api.post(shop.path("/sync"), batch, shop.clerk)
    assert answer.status_code == 200, answer.text
    results = answer.json()["results"]
    assert [(r["status"], r["code"]) for r in results] == [
        ("rejected", "invalid-payload"), ("rejected", "no-price-on-date"),
        ("accepted", None), ("rejected", "unknown-fact-type"),
        ("rejected", "payments-do-not-match-total")]
    assert "lots" not in results[0]["detail"]  # where, not what
    assert answer.json()["gaps"] == [[5, 5]]
    level = await stock_of(api, shop, shop.rice)
    assert level is not None
    assert level["on_hand"] == 9000


async def test_offline_produce_from_an_unknown_member_is_accepted_and_flagged(
    api: Api,
) -> None:
    shop = await a_shop(api)
    payload = {"warehouse_id": shop.warehouse, "member_id": "member-unknown",
               "product_id": shop.coffee, "gross_qty_g": 10_400, "tare_g": 400,
               "grade": "A", "lot_id": "PANEN-1",
               "harvest_date": (today() - timedelta(days=2)).isoformat()}
    answer = await api.post(shop.path("/sync"),
                            {"device_id": DEVICE, "items": [an_item(1, "produce_receipt",
                                                                    payload)]}, shop.clerk)
    (result,) = answer.json()["results"]
    assert (result["status"], result["flags"]) == ("accepted", ["member_unverified"])
    assert result["result"]["amount_idr"] == 600_000  # 10 kg at Rp 60.000/kg
    (published,) = await api.outbox("ProduceReceivedFromMember")
    assert (published["recorded_offline"], published["net_qty_g"]) == (True, 10_000)
    assert date.fromisoformat(published["business_date"]) == today()
