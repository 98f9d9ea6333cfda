"""Orders from outside buyers over the API: reserve, pay, pack, ship (an online sale),
cancel, expire by the clock; bad input changes nothing."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from inventory_api_support import Api, Shop, a_sale, a_shop, receive, stock_of

from gotong_platform.calendar import FixedClock

pytestmark = pytest.mark.integration


def an_order(shop: Shop, lines: list[tuple[str, int]], **overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "warehouse_id": shop.warehouse,
        "buyer": {"name": "Maria Lende", "phone": "+62 812-3456-7890",
                  "address": "Jl. Sudirman 12, Kupang", "regency": "Kota Kupang"},
        "lines": [{"product_id": p, "qty": q} for p, q in lines]}
    body.update(overrides)
    return body


async def levels(api: Api, shop: Shop, product: str) -> tuple[int, int, int]:
    level = await stock_of(api, shop, product)
    assert level is not None
    return level["on_hand"], level["reserved"], level["available"]


async def placed(api: Api, shop: Shop, lines: list[tuple[str, int]]) -> dict[str, Any]:
    answer = await api.post(shop.path("/orders"), an_order(shop, lines), shop.clerk)
    assert answer.status_code == 201, answer.text
    order: dict[str, Any] = answer.json()
    return order


async def test_an_order_reserves_is_paid_packed_and_shipped_as_an_online_sale(
    api: Api, clock: FixedClock,
) -> None:
    shop = await a_shop(api)
    await receive(api, shop, shop.rice, 10_000, 100_000)
    order = await placed(api, shop, [(shop.rice, 4000)])
    assert order["status"] == "placed"
    # priced at the non-member list (Rp 14.000/kg) until the catalogue's listings
    assert (order["total_idr"], order["lines"][0]["price_idr"]) == (56_000, 14_000)
    assert order["pay_by"].startswith((clock.now() + timedelta(hours=24)).date().isoformat())
    assert await levels(api, shop, shop.rice) == (10_000, 4000, 6000)

    # the shop cannot sell what the order holds
    refused = await api.post(shop.path("/sales"), a_sale(shop, [(shop.rice, 7000)], 98_000),
                             shop.clerk)
    assert refused.status_code == 409, refused.text
    assert refused.json()["code"] == "insufficient-stock"
    assert "4000 held for orders" in refused.json()["detail"]
    assert (await api.post(shop.path("/sales"), a_sale(shop, [(shop.rice, 6000)], 84_000),
                           shop.clerk)).status_code == 201
    assert await levels(api, shop, shop.rice) == (4000, 4000, 0)

    oid = order["order_id"]
    too_early = await api.post(shop.path(f"/orders/{oid}/packing"), {}, shop.clerk)
    assert (too_early.status_code, too_early.json()["code"]) == (409, "order-not-paid")
    paid = await api.post(shop.path(f"/orders/{oid}/payment"),
                          {"method": "qris", "reference": "QRIS-7781", "amount_idr": 56_000},
                          shop.clerk)
    assert paid.status_code == 200, paid.text
    assert paid.json()["status"] == "paid"
    cancel = await api.post(shop.path(f"/orders/{oid}/cancellation"), {}, shop.clerk)
    assert (cancel.status_code, cancel.json()["code"]) == (409, "order-not-payable")
    assert (await api.post(shop.path(f"/orders/{oid}/packing"), {}, shop.clerk)
            ).status_code == 200
    shipped = await api.post(shop.path(f"/orders/{oid}/shipment"),
                             {"courier": "JNE", "tracking_no": "JNE0042"}, shop.clerk)
    assert shipped.status_code == 200, shipped.text
    out = shipped.json()
    assert (out["status"], out["courier"], out["tracking_no"]) == ("shipped", "JNE", "JNE0042")
    assert await levels(api, shop, shop.rice) == (0, 0, 0)

    sale = (await api.get(shop.path(f"/sales/{out['sale_id']}"), shop.clerk)).json()
    assert (sale["channel"], sale["buyer_type"], sale["total_idr"], sale["receipt_no"]) == (
        "online", "non_member", 56_000, oid)
    assert sale["payments"] == [{"method": "qris", "amount_idr": 56_000}]
    published = [s for s in await api.outbox("SaleRecorded") if s["sale_id"] == out["sale_id"]]
    assert [s["channel"] for s in published] == ["online"]
    assert [s["channel"] for s in await api.outbox("SaleRecorded")] == ["shop", "online"]
    assert [o["order_id"] for o in await api.outbox("OrderShipped")] == [oid]
    for payload in await api.outbox():
        assert "buyer_phone" not in payload
        assert "buyer_name" not in payload
    again = await api.post(shop.path(f"/orders/{oid}/shipment"),
                           {"courier": "JNE", "tracking_no": "JNE0042"}, shop.clerk)
    assert (again.status_code, again.json()["code"]) == (409, "order-not-packed")


async def test_an_unpaid_order_is_released_when_its_deadline_passes_on_the_clock(
    api: Api, clock: FixedClock,
) -> None:
    shop = await a_shop(api)
    await receive(api, shop, shop.rice, 5000, 50_000)
    order = await placed(api, shop, [(shop.rice, 5000)])
    oid = order["order_id"]
    sweep = shop.path("/orders/release-expired")
    clock.advance(timedelta(hours=23, minutes=59))
    assert (await api.post(sweep, {}, shop.clerk)).json() == {"expired": []}
    assert await levels(api, shop, shop.rice) == (5000, 5000, 0)

    clock.advance(timedelta(minutes=1))
    late = await api.post(shop.path(f"/orders/{oid}/payment"),
                          {"method": "transfer", "reference": "BRI-1", "amount_idr": 70_000},
                          shop.clerk)
    assert (late.status_code, late.json()["code"]) == (409, "order-payment-overdue")
    assert (await api.post(sweep, {}, shop.clerk)).json() == {"expired": [oid]}
    assert await levels(api, shop, shop.rice) == (5000, 0, 5000)
    got = (await api.get(shop.path(f"/orders/{oid}"), shop.clerk)).json()
    assert got["status"] == "expired"
    assert (await api.post(sweep, {}, shop.clerk)).json() == {"expired": []}
    assert [e["order_id"] for e in await api.outbox("OrderExpired")] == [oid]


async def test_cancel_before_payment_releases_and_other_cooperatives_see_nothing(
    api: Api,
) -> None:
    shop = await a_shop(api)
    other = await a_shop(api)
    await receive(api, shop, shop.rice, 5000, 50_000)
    order = await placed(api, shop, [(shop.rice, 2000)])
    oid = order["order_id"]
    stranger = await api.post(other.path(f"/orders/{oid}/cancellation"), {}, other.clerk)
    assert (stranger.status_code, stranger.json()["code"]) == (404, "order-not-found")
    assert (await api.get(other.path(f"/orders/{oid}"), other.clerk)).status_code == 404
    done = await api.post(shop.path(f"/orders/{oid}/cancellation"),
                          {"reason": "pembeli batal"}, shop.clerk)
    assert done.status_code == 200, done.text
    assert done.json()["status"] == "cancelled"
    assert await levels(api, shop, shop.rice) == (5000, 0, 5000)
    listed = (await api.get(shop.path("/orders?status=cancelled"), shop.clerk)).json()
    assert [o["order_id"] for o in listed["items"]] == [oid]


@pytest.mark.parametrize(("change", "status", "code"), [
    ({"lines": []}, 422, None),
    ({"buyer": {"name": "A", "phone": "not a phone", "address": "x"}}, 422, "invalid-phone"),
    ({"buyer": {"name": "A", "phone": "0812345678", "address": "x" * 301}}, 422, None),
    ({"total_idr": 1}, 422, None),
    ({"lines": [{"product_id": "product-unknown", "qty": 1}]}, 404, "product-not-found"),
    ({"warehouse_id": "warehouse-unknown"}, 404, "warehouse-not-found"),
    ({"lines": [{"product_id": "{rice}", "qty": 1.5}]}, 422, None),
    ({"lines": [{"product_id": "{rice}", "qty": 1}, {"product_id": "{rice}", "qty": 2}]},
     422, "order-line-repeated"),
    ({"lines": [{"product_id": "{rice}", "qty": 6000}]}, 409, "insufficient-stock"),
    ({"lines": [{"product_id": "{rice}", "qty": 1}, {"product_id": "{coffee}", "qty": 1}]},
     409, "insufficient-stock"),
])
async def test_bad_orders_are_problems_and_change_nothing(
    api: Api, change: dict[str, Any], status: int, code: str | None,
) -> None:
    shop = await a_shop(api)
    await receive(api, shop, shop.rice, 5000, 50_000)
    body = an_order(shop, [(shop.rice, 1000)])
    for key, value in change.items():
        if key == "lines":
            value = [{**line, "product_id": line["product_id"].format(
                rice=shop.rice, coffee=shop.coffee)} for line in value]
        body[key] = value
    before = await api.event_counts()
    answer = await api.post(shop.path("/orders"), body, shop.clerk)
    assert answer.status_code == status, answer.text
    assert answer.headers["content-type"].startswith("application/problem+json")
    if code:
        assert answer.json()["code"] == code
    assert await api.event_counts() == before
    assert await levels(api, shop, shop.rice) == (5000, 0, 5000)
    assert (await api.get(shop.path("/orders"), shop.clerk)).json() == {"items": []}


async def test_bad_payments_change_nothing_and_a_resent_command_is_answered_again(
    api: Api,
) -> None:
    shop = await a_shop(api)
    await receive(api, shop, shop.rice, 5000, 50_000)
    oid = (await placed(api, shop, [(shop.rice, 1000)]))["order_id"]
    path = shop.path(f"/orders/{oid}/payment")
    before = await api.event_counts()
    for body, code in (
            ({"method": "transfer", "reference": "BRI-1", "amount_idr": 13_999},
             "order-payment-mismatch"),
            ({"method": "cash", "reference": "x", "amount_idr": 14_000}, None),
            ({"method": "transfer", "reference": " ", "amount_idr": 14_000}, None),
            ({"method": "transfer", "reference": "BRI-1", "amount_idr": "14000"}, None)):
        answer = await api.post(path, body, shop.clerk)
        assert answer.status_code == 422, answer.text
        if code:
            assert answer.json()["code"] == code
    assert await api.event_counts() == before
    unknown = await api.post(shop.path("/orders/order-nope/payment"),
                             {"method": "qris", "reference": "Q", "amount_idr": 14_000},
                             shop.clerk)
    assert unknown.status_code == 404
    good = {"method": "transfer", "reference": "BRI-1", "amount_idr": 14_000}
    first = await api.post(path, good, shop.clerk, key="pay-once")
    second = await api.post(path, good, shop.clerk, key="pay-once")
    assert first.status_code == second.status_code == 200
    assert first.json() == second.json()
    assert (await api.event_counts())["OrderPaid"] == 1
