"""The platform's money limit over the inventory API: 422 and nothing stored.

Inventory used to accept exactly Rp 10^12 (``le=10**12``), and a sale of the largest
quantity at the largest price (Rp 10^15) was recorded and published.
"""

from __future__ import annotations

import pytest
from inventory_api_support import Api, a_product, a_sale, a_shop, receive

from gotong_platform.money import MAX_AMOUNT_IDR

pytestmark = pytest.mark.integration


async def _events(api: Api, cooperative_id: str) -> int:
    return int(await api.pool.fetchval(
        "SELECT count(*) FROM events WHERE cooperative_id = $1", cooperative_id))


def _problem(answer: object, status: int, code: str | None = None) -> None:
    assert answer.status_code == status, answer.text  # type: ignore[attr-defined]
    assert answer.headers["content-type"].startswith(  # type: ignore[attr-defined]
        "application/problem+json")
    if code is not None:
        assert answer.json()["code"] == code  # type: ignore[attr-defined]


@pytest.mark.parametrize("cost", [10**12, 2**62, 2**63 - 1, 2**64])
async def test_a_receipt_costing_rp_10_to_the_12_or_more_is_refused(api: Api, cost: int) -> None:
    shop = await a_shop(api)
    before = await _events(api, shop.coop)
    answer = await api.post(shop.wh("/goods-receipts"),
                            {"product_id": shop.rice, "qty": 10, "total_cost_idr": cost},
                            shop.clerk)
    _problem(answer, 422)
    assert await _events(api, shop.coop) == before


async def test_a_warehouse_holds_less_than_the_limit_of_one_product(api: Api) -> None:
    shop = await a_shop(api)
    await receive(api, shop, shop.rice, 1_000, MAX_AMOUNT_IDR)
    before = await _events(api, shop.coop)
    answer = await api.post(shop.wh("/goods-receipts"),
                            {"product_id": shop.rice, "qty": 10, "total_cost_idr": 1},
                            shop.clerk)
    _problem(answer, 409, "stock-value-limit-reached")
    assert await _events(api, shop.coop) == before


async def test_a_sale_of_rp_10_to_the_12_or_more_is_refused(api: Api) -> None:
    shop = await a_shop(api)
    gold = await a_product(api, shop.coop, shop.admin,
                           {"member": (1_000_000_000, 1), "non_member": (1_000_000_000, 1)},
                           name="Emas", base_unit="pcs")
    await receive(api, shop, gold, 2_000, 1_000)
    before = await _events(api, shop.coop)
    half = {"method": "cash", "amount_idr": 5 * 10**11}  # each tender is within the limit
    answer = await api.post(shop.path("/sales"), a_sale(shop, [(gold, 1_000)], 0,
                                                        payments=[half, half]), shop.clerk)
    _problem(answer, 422, "amount-too-large")
    assert await _events(api, shop.coop) == before
    fits = await api.post(shop.path("/sales"), a_sale(shop, [(gold, 999)], 999 * 10**9),
                          shop.clerk)
    assert fits.status_code == 201, fits.text
