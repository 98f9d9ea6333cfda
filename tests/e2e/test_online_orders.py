"""End to end: an outside buyer's order on real Kafka and PostgreSQL, from the
reservation to online omzet in the federation report, and an unpaid order released by
the clock.

Inventory reserves the stock when the order is placed (the shop can no longer sell
it), the cooperative records the QRIS payment, packs and ships it: the shipment is a
sale with channel ``online``, which payments records and inventory completes as any
sale; reporting counts it as online omzet of the cooperative, its region and the
federation. A second order is never paid: once the service's clock passes its
deadline, ``release-expired`` gives its stock back to the shop.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from builders import a_cooperative, a_goods_receipt, a_product, a_warehouse
from e2e_support import ReportingStack, eventually

from gotong_testing import business_today

pytestmark = pytest.mark.e2e

TODAY = business_today("WITA")
BUYER = {"name": "Maria Lende", "phone": "+62 812-3456-7890",
         "address": "Jl. Sudirman 12, Kupang", "regency": "Kota Kupang"}


async def test_an_order_is_reserved_paid_shipped_and_counted_as_online_omzet(
    reporting_stack: ReportingStack,
) -> None:
    stack = reporting_stack
    f = stack.f
    c = await a_cooperative(f, "Koperasi Tenun Ikat Kambera", "5311", savings_policy=False)
    shop = await a_warehouse(f, c, "Galeri Tenun", "shop")
    tenun = await a_product(f, c, "TENUN-IKAT", "handicraft", "pcs",
                            {"member": 300_000, "non_member": 350_000})
    await a_goods_receipt(f, c, shop, tenun, 5, 1_000_000)
    await f.post(f.inventory, c.path("/sales"), {
        "warehouse_id": shop, "buyer_type": "non_member",
        "lines": [{"product_id": tenun, "qty": 1}],
        "payments": [{"method": "cash", "amount_idr": 350_000}]}, c.clerk, expect=201)

    async def stock() -> dict[str, Any]:
        rows = (await f.get(f.inventory, c.path(f"/warehouses/{shop}/stock"), c.admin)).json()
        level: dict[str, Any] = next(r for r in rows if r["product_id"] == tenun)
        return level

    order = await f.post(f.inventory, c.path("/orders"), {
        "warehouse_id": shop, "buyer": BUYER, "lines": [{"product_id": tenun, "qty": 2}]},
        c.clerk, expect=201)
    oid = order["order_id"]
    assert order["total_idr"] == 700_000
    assert ((await stock())["reserved"], (await stock())["available"]) == (2, 2)
    unpaid = await f.post(f.inventory, c.path("/orders"), {
        "warehouse_id": shop, "buyer": BUYER, "lines": [{"product_id": tenun, "qty": 1}]},
        c.clerk, expect=201)
    refused = await f.inventory.post(c.path("/sales"), json={
        "warehouse_id": shop, "buyer_type": "non_member",
        "lines": [{"product_id": tenun, "qty": 2}],
        "payments": [{"method": "cash", "amount_idr": 700_000}]},
        headers={**c.clerk, "Idempotency-Key": "sale-of-reserved"})
    assert (refused.status_code, refused.json()["code"]) == (409, "insufficient-stock")

    await f.post(f.inventory, c.path(f"/orders/{oid}/payment"),
                 {"method": "qris", "reference": "QRIS-0042", "amount_idr": 700_000}, c.clerk)
    await f.post(f.inventory, c.path(f"/orders/{oid}/packing"), {}, c.clerk)
    shipped = await f.post(f.inventory, c.path(f"/orders/{oid}/shipment"),
                           {"courier": "JNE", "tracking_no": "JNE0042"}, c.clerk)
    assert shipped["status"] == "shipped"
    assert ((await stock())["on_hand"], (await stock())["reserved"]) == (2, 1)

    async def completed() -> bool:  # the sale saga: payments records it, inventory completes
        sale = (await f.get(f.inventory, c.path(f"/sales/{shipped['sale_id']}"),
                            c.admin)).json()
        return bool(sale["status"] == "completed" and sale["channel"] == "online")
    await eventually(completed)

    admin = f.auth("federation_admin", "federation-office")
    params = {"month": f"{TODAY:%Y-%m}", "as_of": TODAY.isoformat()}

    async def channels() -> dict[str, int]:
        response = await stack.reporting.get("/federation/reports/monthly", params=params,
                                             headers=admin)
        assert response.status_code == 200, response.text
        return {x["channel"]: x["net_idr"] for x in response.json()["business"]["by_channel"]}
    expected = {"shop": 350_000, "online": 700_000, "produce_trade": 0}

    async def counted() -> bool:
        return await channels() == expected
    await eventually(counted, timeout_s=60)
    report = (await stack.reporting.get("/federation/reports/monthly", params=params,
                                        headers=admin)).json()
    assert report["business"]["online_share_of_omzet"]["bp"] == 6667  # 700 of 1050
    row = next(r for r in report["cooperatives"] if r["cooperative_id"] == c.cooperative_id)
    assert row["online_omzet_idr"] == 700_000

    # The unpaid order: its deadline passes on the services' clock, the sweep releases it.
    sweep = c.path("/orders/release-expired")
    assert (await f.post(f.inventory, sweep, {}, c.clerk)) == {"expired": []}
    f.clock.advance(timedelta(hours=24))
    assert (await f.post(f.inventory, sweep, {}, c.clerk)) == {
        "expired": [unpaid["order_id"]]}
    assert ((await stock())["reserved"], (await stock())["available"]) == (0, 2)
