"""Sales to another cooperative of the federation: named, checked, published for the
federation view to eliminate (inter-cooperative trade is not group omzet)."""

from __future__ import annotations

import pytest
from inventory_api_support import (
    Api,
    a_cooperative,
    a_sale,
    a_shop,
    an_item,
    receive,
)

from gotong_platform.contracts import inventory as c

pytestmark = pytest.mark.integration

DEVICE = "kop-tani-makmur-gerai-1-hp-07"


def to_cooperative(buyer: str | None, **overrides: object) -> dict[str, object]:
    return {"buyer_type": "cooperative", "buyer_cooperative_id": buyer, **overrides}


async def test_a_sale_to_another_federation_cooperative_names_it_in_the_contract(
    api: Api,
) -> None:
    shop = await a_shop(api)
    buyer = await a_cooperative(api, regency="5311")
    await receive(api, shop, shop.rice, 50_000, 600_000)

    sold = await api.post(shop.path("/sales"), a_sale(
        shop, [(shop.rice, 10_000)], 140_000, **to_cooperative(buyer)), shop.clerk)
    assert sold.status_code == 201, sold.text
    sale = sold.json()
    assert (sale["buyer_type"], sale["buyer_cooperative_id"], sale["member_id"]) == (
        "cooperative", buyer, None)
    assert sale["total_idr"] == 140_000  # the non-member price: Rp 14.000 per kg
    assert (await api.get(shop.path(f"/sales/{sale['sale_id']}"), shop.clerk)).json() == sale

    (published,) = await api.outbox("SaleRecorded")
    assert (published["buyer_type"], published["buyer_cooperative_id"]) == (
        "non_member", buyer)  # v1 consumers know member and non_member only
    assert c.SaleRecordedV1.model_validate(published).buyer_cooperative_id == buyer


async def test_a_member_or_non_member_sale_names_no_buying_cooperative(api: Api) -> None:
    shop = await a_shop(api)
    await receive(api, shop, shop.rice, 5000, 60_000)
    sold = await api.post(shop.path("/sales"), a_sale(shop, [(shop.rice, 1000)], 14_000),
                          shop.clerk)
    assert sold.json()["buyer_cooperative_id"] is None
    (published,) = await api.outbox("SaleRecorded")
    assert published["buyer_cooperative_id"] is None


@pytest.mark.parametrize(
    ("case", "status", "code"),
    [
        ("unknown", 422, "unknown-buyer-cooperative"),
        ("outside-federation", 409, "outside-federation"),
        ("itself", 422, "sale-to-own-cooperative"),
        ("not-named", 422, "buyer-cooperative-required"),
        ("on-credit", 422, "credit-needs-member"),
        ("with-member", 422, "member-id-for-non-member"),
        ("named-for-non-member", 422, "buyer-cooperative-not-expected"),
    ],
)
async def test_a_bad_cooperative_buyer_is_refused_and_changes_nothing(
    api: Api, case: str, status: int, code: str
) -> None:
    shop = await a_shop(api)
    await receive(api, shop, shop.rice, 5000, 60_000)
    known = await a_cooperative(api)
    body = a_sale(shop, [(shop.rice, 1000)], 14_000, **to_cooperative(known))
    if case == "unknown":
        body["buyer_cooperative_id"] = "cooperative-0190f3c2-0000-7000-8000-00000000dead"
    elif case == "outside-federation":
        body["buyer_cooperative_id"] = await a_cooperative(api, federation=False)
    elif case == "itself":
        body["buyer_cooperative_id"] = shop.coop
    elif case == "not-named":
        body["buyer_cooperative_id"] = None
    elif case == "on-credit":
        body["payments"] = [{"method": "credit", "amount_idr": 14_000}]
    elif case == "with-member":
        body["member_id"] = "member-0190f3c2-0000-7000-8000-000000000000"
    else:
        body["buyer_type"] = "non_member"
    before = await api.event_counts()
    answer = await api.post(shop.path("/sales"), body, shop.clerk)
    assert (answer.status_code, answer.json()["code"]) == (status, code), answer.text
    assert answer.headers["content-type"].startswith("application/problem+json")
    assert await api.event_counts() == before


async def test_offline_a_sale_to_an_unknown_cooperative_is_accepted_and_flagged(
    api: Api,
) -> None:
    shop = await a_shop(api)
    await receive(api, shop, shop.rice, 5000, 60_000)
    unknown = "cooperative-0190f3c2-0000-7000-8000-00000000beef"
    item = an_item(1, "sale", a_sale(shop, [(shop.rice, 1000)], 14_000,
                                     **to_cooperative(unknown)))
    answer = await api.post(shop.path("/sync"), {"device_id": DEVICE, "items": [item]}, shop.clerk)
    (result,) = answer.json()["results"]
    assert (result["status"], result["flags"]) == ("accepted", ["buyer_cooperative_unverified"])
    (published,) = await api.outbox("SaleRecorded")
    assert published["buyer_cooperative_id"] == unknown
