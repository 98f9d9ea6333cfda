"""The shop over the API: one command records a sale and issues its stock."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest
from inventory_api_support import (
    Api,
    a_member,
    a_product,
    a_sale,
    a_shop,
    receive,
    stock_of,
    today,
)

pytestmark = pytest.mark.integration


async def test_sales_at_list_prices_take_first_expiry_first_at_moving_average_cost(
    api: Api,
) -> None:
    shop = await a_shop(api)
    member = await a_member(api, shop.coop)
    late = (today() + timedelta(days=60)).isoformat()
    early = (today() + timedelta(days=20)).isoformat()
    await receive(api, shop, shop.coffee, 10_000, 500_000, lot_id="K-LATE", expiry_date=late)
    level = await receive(api, shop, shop.coffee, 10_000, 700_000, lot_id="K-EARLY",
                          expiry_date=early)
    assert (level["on_hand"], level["value_idr"]) == (20_000, 1_200_000)
    assert (level["average_cost_idr"], level["average_cost_per_qty"]) == (60_000, 1000)
    assert [lot["lot_id"] for lot in level["lots"]] == ["K-EARLY", "K-LATE"]

    sold = await api.post(shop.path("/sales"),
                          a_sale(shop, [(shop.coffee, 3000)], 270_000, member=member),
                          shop.clerk)
    assert sold.status_code == 201, sold.text
    sale = sold.json()
    assert sale["status"] == "recorded"
    assert sale["lines"] == [{"product_id": shop.coffee, "qty": 3000, "price_idr": 90_000,
                              "per_qty": 1000, "line_total_idr": 270_000}]
    assert (sale["total_idr"], sale["buyer_type"], sale["member_id"]) == (
        270_000, "member", member)
    after = await stock_of(api, shop, shop.coffee)
    assert after is not None
    # FEFO: the lot received last but expiring first went out; cost at the average.
    assert {lot["lot_id"]: lot["qty"] for lot in after["lots"]} == {
        "K-EARLY": 7000, "K-LATE": 10_000}
    assert (after["on_hand"], after["value_idr"]) == (17_000, 1_020_000)

    issued = await api.outbox("StockIssued")
    assert [(i["reference"], i["reason"], i["qty"], i["cost_idr"], i["went_negative"])
            for i in issued] == [(sale["sale_id"], "sale", 3000, 180_000, False)]
    (recorded,) = await api.outbox("SaleRecorded")
    assert recorded["lines"] == [{"product_id": shop.coffee, "category": "farm_produce",
                                  "qty": 3000, "price_idr": 90_000, "per_qty": 1000,
                                  "line_total_idr": 270_000}]
    assert recorded["payments"] == [{"method": "cash", "amount_idr": 270_000}]


async def test_members_and_non_members_pay_their_own_list_price(api: Api) -> None:
    shop = await a_shop(api)
    member = await a_member(api, shop.coop)
    await receive(api, shop, shop.rice, 50_000, 600_000)
    to_member = await api.post(shop.path("/sales"),
                               a_sale(shop, [(shop.rice, 2500)], 32_500, member=member),
                               shop.clerk)
    to_stranger = await api.post(
        shop.path("/sales"),
        a_sale(shop, [(shop.rice, 2500), (shop.rice, 750)], 45_000, discount_idr=500),
        shop.clerk)
    assert to_member.status_code == to_stranger.status_code == 201, to_stranger.text
    assert to_member.json()["total_idr"] == 32_500  # Rp 13.000 per kg
    stranger = to_stranger.json()
    assert [line["line_total_idr"] for line in stranger["lines"]] == [35_000, 10_500]
    assert stranger["total_idr"] == 45_000  # Rp 14.000 per kg, minus the discount
    level = await stock_of(api, shop, shop.rice)
    assert level is not None
    assert (level["on_hand"], level["value_idr"]) == (50_000 - 5750, 600_000 - 69_000)
    listed = await api.get(shop.path(f"/sales?business_date={today().isoformat()}"),
                           shop.clerk)
    assert {s["buyer_type"] for s in listed.json()["items"]} == {"member", "non_member"}
    yesterday = (today() - timedelta(days=1)).isoformat()
    none = await api.get(shop.path(f"/sales?business_date={yesterday}"), shop.clerk)
    assert none.json()["items"] == []


async def test_an_online_oversell_is_refused_naming_the_product_and_writes_nothing(
    api: Api,
) -> None:
    shop = await a_shop(api)
    await receive(api, shop, shop.rice, 5000, 60_000)
    await receive(api, shop, shop.coffee, 2000, 120_000, lot_id="K-1",
                  expiry_date=(today() + timedelta(days=30)).isoformat())
    before = (await api.event_counts(), len(await api.outbox()),
              await stock_of(api, shop, shop.rice), await stock_of(api, shop, shop.coffee))
    # The first line alone would fit: the whole sale must still leave no trace.
    answer = await api.post(
        shop.path("/sales"),
        a_sale(shop, [(shop.rice, 1000), (shop.coffee, 2500)], 14_000 + 250_000), shop.clerk)
    assert answer.status_code == 409, answer.text
    assert answer.json()["code"] == "insufficient-stock"
    assert "Kopi arabika" in answer.json()["detail"]
    after = (await api.event_counts(), len(await api.outbox()),
             await stock_of(api, shop, shop.rice), await stock_of(api, shop, shop.coffee))
    assert after == before
    assert (await api.get(shop.path("/sales"), shop.clerk)).json()["items"] == []
    assert await api.pool.fetchval("SELECT count(*) FROM sale_issues") == 0


@pytest.mark.parametrize("who", ["suspended", "unknown", "other-cooperative"])
async def test_a_member_buyer_must_be_active_here(api: Api, who: str) -> None:
    shop = await a_shop(api)
    await receive(api, shop, shop.rice, 5000, 60_000)
    if who == "suspended":
        member = await a_member(api, shop.coop, suspended=True)
    elif who == "other-cooperative":
        other = await a_shop(api)
        member = await a_member(api, other.coop)
    else:
        member = "member-0190f3c2-0000-7000-8000-000000000000"
    before = await api.event_counts()
    answer = await api.post(shop.path("/sales"),
                            a_sale(shop, [(shop.rice, 1000)], 13_000, member=member),
                            shop.clerk)
    assert answer.status_code == 422, answer.text
    assert answer.json()["code"] == "not-an-active-member"
    assert await api.event_counts() == before


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"payments": [{"method": "cash", "amount_idr": 13_999}]},
         "payments-do-not-match-total"),
        ({"payments": [{"method": "credit", "amount_idr": 14_000}]}, "credit-needs-member"),
        ({"lines": [{"qty": 1000, "price_idr": 1}]}, "invalid-request"),
        ({"lines": [{"qty": 1000.0}]}, "invalid-request"),
        ({"discount_idr": 20_000}, "discount-exceeds-subtotal"),
        ({"member_id": "member-0190f3c2-0000-7000-8000-000000000000"},
         "member-id-for-non-member"),
    ],
)
async def test_bad_sales_get_a_clear_422_and_change_nothing(
    api: Api, change: dict[str, object], code: str
) -> None:
    shop = await a_shop(api)
    await receive(api, shop, shop.rice, 5000, 60_000)
    body = a_sale(shop, [(shop.rice, 1000)], 14_000)
    if "lines" in change:
        change = {"lines": [{"product_id": shop.rice, **line}  # type: ignore[dict-item]
                            for line in change["lines"]]}  # type: ignore[attr-defined]
    body.update(change)
    before = await api.event_counts()
    answer = await api.post(shop.path("/sales"), body, shop.clerk)
    assert answer.status_code == 422, answer.text
    assert answer.json()["code"] == code
    assert await api.event_counts() == before


async def test_a_missing_list_price_is_422(api: Api) -> None:
    shop = await a_shop(api)
    soap = await a_product(api, shop.coop, shop.admin, {"member": (4000, 1)}, name="Sabun",
                           base_unit="pcs")
    await receive(api, shop, soap, 10, 30_000)
    answer = await api.post(shop.path("/sales"), a_sale(shop, [(soap, 1)], 4000), shop.clerk)
    assert answer.status_code == 422
    assert answer.json()["code"] == "no-price-on-date"
    assert "non-member" in answer.json()["detail"]


async def test_a_sale_is_seen_only_in_its_cooperative(api: Api) -> None:
    shop = await a_shop(api)
    other = await a_shop(api)
    await receive(api, shop, shop.rice, 5000, 60_000)
    sale = (await api.post(shop.path("/sales"), a_sale(shop, [(shop.rice, 1000)], 14_000),
                           shop.clerk)).json()
    own = await api.get(shop.path(f"/sales/{sale['sale_id']}"), shop.clerk)
    assert own.status_code == 200
    assert own.json() == sale
    assert (await api.get(other.path(f"/sales/{sale['sale_id']}"), other.clerk)
            ).status_code == 404
    elsewhere = await api.post(other.path("/sales"),
                               a_sale(shop, [(shop.rice, 1000)], 14_000), other.clerk)
    assert elsewhere.status_code == 404  # my warehouse named under another cooperative


async def test_racing_sales_of_the_last_stock_sell_it_once(api: Api) -> None:
    shop = await a_shop(api)
    expiry = (today() + timedelta(days=30)).isoformat()
    await receive(api, shop, shop.rice, 1000, 12_000)
    await receive(api, shop, shop.coffee, 1000, 60_000, lot_id="K", expiry_date=expiry)
    # Lines in both orders: the ledgers are still written in one order, so no deadlock.
    bodies = [a_sale(shop, [(shop.rice, 600), (shop.coffee, 600)], 8400 + 60_000),
              a_sale(shop, [(shop.coffee, 600), (shop.rice, 600)], 60_000 + 8400)] * 3
    answers = await asyncio.gather(*(api.post(shop.path("/sales"), body, shop.clerk)
                                     for body in bodies))
    statuses = sorted(a.status_code for a in answers)
    assert statuses == [201, 409, 409, 409, 409, 409], [a.text for a in answers]
    assert {a.json()["code"] for a in answers if a.status_code == 409} <= {
        "insufficient-stock", "concurrency-conflict"}
    for product in (shop.rice, shop.coffee):
        level = await stock_of(api, shop, product)
        assert level is not None
        assert level["on_hand"] == 400
