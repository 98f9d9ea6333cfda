"""The public catalogue's listings over the API: publish, revise, withdraw, the band a
buyer sees from the stock, images, bad input, tenancy and Idempotency-Key."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from inventory_api_support import Api, Shop, a_cooperative, a_shop, receive

pytestmark = pytest.mark.integration

SVG = (b'<svg xmlns="http://www.w3.org/2000/svg" width="4" height="3" viewBox="0 0 4 3">'
       b'<rect width="4" height="3" fill="#a0522d"/></svg>')


def a_listing(shop: Shop, **overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "product_id": shop.coffee, "warehouse_id": shop.warehouse,
        "title": "Kopi arabika Wewewa", "description": "Biji kopi sangrai, panen 2026.",
        "photos": ["https://example.org/kopi.jpg"],
        "origin": {"regency": "Sumba Barat Daya", "village": "Wee Limbu"},
        "unit": {"label": "kg", "qty": 1000}, "price_idr": 120_000, "low_threshold": 5,
        "show_quantity": False}
    body.update(overrides)
    return body


async def publish(api: Api, shop: Shop, **overrides: Any) -> dict[str, Any]:
    answer = await api.post(shop.path("/listings"), a_listing(shop, **overrides), shop.clerk)
    assert answer.status_code == 201, answer.text
    listing: dict[str, Any] = answer.json()
    return listing


async def test_a_clerk_publishes_revises_and_withdraws_a_listing(api: Api) -> None:
    shop = await a_shop(api)
    listing = await publish(api, shop)
    assert listing["status"] == "published"
    assert listing["unit"] == {"label": "kg", "qty": 1000}
    assert listing["availability"] == "out"  # nothing received yet
    assert listing["public_url"].endswith(f"/katalog/{shop.coop}/produk/"
                                          f"{listing['listing_id']}")
    path = shop.path(f"/listings/{listing['listing_id']}")
    revised = await api.post(path, {k: v for k, v in a_listing(shop, price_idr=125_000).items()
                                    if k != "product_id"}, shop.clerk)
    assert revised.status_code == 200, revised.text
    assert revised.json()["price_idr"] == 125_000
    withdrawn = await api.post(path + "/withdraw", {}, shop.clerk)
    assert withdrawn.json()["status"] == "withdrawn"
    again = await api.post(path + "/withdraw", {}, shop.clerk)
    assert (again.status_code, again.json()["code"]) == (409, "listing-already-withdrawn")
    back = await api.post(path, {k: v for k, v in a_listing(shop).items() if k != "product_id"},
                          shop.clerk)
    assert back.json()["status"] == "published"
    published = await api.outbox("ListingPublished")
    assert [p["price_idr"] for p in published] == [120_000, 125_000, 120_000]
    assert published[0]["photos"] == ["https://example.org/kopi.jpg"]
    assert await api.outbox("ListingWithdrawn") == [
        {"cooperative_id": shop.coop, "listing_id": listing["listing_id"]}]


async def test_a_product_is_listed_once(api: Api) -> None:
    shop = await a_shop(api)
    first = await publish(api, shop)
    twice = await api.post(shop.path("/listings"), a_listing(shop), shop.clerk)
    assert (twice.status_code, twice.json()["code"]) == (409, "product-already-listed")
    assert first["listing_id"] in twice.json()["detail"]
    assert len(await api.outbox("ListingPublished")) == 1


async def test_the_band_follows_the_stock_in_sale_units(api: Api) -> None:
    shop = await a_shop(api)
    listing = await publish(api, shop, low_threshold=5)
    path = shop.path(f"/listings/{listing['listing_id']}")

    async def band() -> tuple[str, int]:
        found = (await api.get(path, shop.clerk)).json()
        return found["availability"], found["units_in_stock"]

    await receive(api, shop, shop.coffee, 999, 60_000, lot_id="L1", expiry_date="2099-01-01")
    assert await band() == ("out", 0)  # 999 g is not one kg
    await receive(api, shop, shop.coffee, 4001, 240_000, lot_id="L2", expiry_date="2099-01-01")
    assert await band() == ("low", 5)  # at the threshold
    await receive(api, shop, shop.coffee, 1000, 60_000, lot_id="L3", expiry_date="2099-01-01")
    assert await band() == ("in_stock", 6)


@pytest.mark.parametrize(("change", "status", "code"), [
    ({"title": "  "}, 422, "required-field-missing"),
    ({"description": "x" * 5001}, 422, "text-too-long"),
    ({"photos": []}, 422, "listing-photo-required"),
    ({"photos": ["http://example.org/a.jpg"]}, 422, "invalid-listing-photo"),
    ({"photos": ["javascript:alert(1)"]}, 422, "invalid-listing-photo"),
    ({"photos": ["https://e.org/a.jpg"] * 7}, 422, "invalid-listing-photo"),
    ({"price_idr": 0}, 422, "listing-price-out-of-range"),
    ({"price_idr": 1_000_000_001}, 422, "listing-price-out-of-range"),
    ({"price_idr": 1.5}, 422, "invalid-request"),
    ({"unit": {"label": "kg", "qty": 0}}, 422, "invalid-listing-unit"),
    ({"low_threshold": -1}, 422, "invalid-low-threshold"),
    ({"status": "published"}, 422, "invalid-request"),
    ({"product_id": "product-00000000-0000-7000-8000-000000000000"}, 404, "product-not-found"),
    ({"warehouse_id": "warehouse-x"}, 404, "warehouse-not-found"),
])
async def test_bad_input_is_refused_and_writes_nothing(
    api: Api, change: dict[str, Any], status: int, code: str,
) -> None:
    shop = await a_shop(api)
    before = await api.event_counts()
    answer = await api.post(shop.path("/listings"), a_listing(shop, **change), shop.clerk)
    assert answer.status_code == status, answer.text
    assert answer.headers["content-type"] == "application/problem+json"
    assert answer.json()["code"] == code
    assert await api.event_counts() == before
    assert await api.pool.fetchval("SELECT count(*) FROM listings") == 0


async def test_another_cooperative_sees_nothing(api: Api) -> None:
    shop = await a_shop(api)
    listing = await publish(api, shop)
    other = await a_cooperative(api)
    outsider = api.token("coop_clerk", cooperative_id=other)
    path = shop.path(f"/listings/{listing['listing_id']}")
    assert (await api.get(path, outsider)).status_code == 404
    assert (await api.post(path + "/withdraw", {}, outsider)).status_code == 404
    assert (await api.post(shop.path("/listings"), a_listing(shop), outsider)).status_code == 404
    # its own route, naming this cooperative's listing and product: not found either
    theirs = f"/cooperatives/{other}/listings/{listing['listing_id']}"
    assert (await api.post(theirs + "/withdraw", {}, outsider)).status_code == 404
    mine = await api.post(f"/cooperatives/{other}/listings", a_listing(shop), outsider)
    assert (mine.status_code, mine.json()["code"]) == (404, "product-not-found")
    assert (await api.get(path, shop.clerk)).json()["status"] == "published"


async def test_a_resent_command_is_answered_once(api: Api) -> None:
    shop = await a_shop(api)
    key = uuid.uuid4().hex
    first = await api.post(shop.path("/listings"), a_listing(shop), shop.clerk, key=key)
    again = await api.post(shop.path("/listings"), a_listing(shop), shop.clerk, key=key)
    assert (first.status_code, again.status_code) == (201, 201)
    assert first.json()["listing_id"] == again.json()["listing_id"]
    other = await api.post(shop.path("/listings"), a_listing(shop, title="Lain"), shop.clerk,
                           key=key)
    assert other.status_code == 422  # the key was used for another request
    missing = await api.client.post(shop.path("/listings"), json=a_listing(shop),
                                    headers=shop.clerk)
    assert missing.status_code == 400
    assert len(await api.outbox("ListingPublished")) == 1


async def test_the_storefront_is_the_pengurus_story(api: Api) -> None:
    shop = await a_shop(api)
    body = {"story": "Penenun Lambanapu menjaga motif leluhur.", "region": "Sumba Timur, NTT"}
    assert (await api.post(shop.path("/storefront"), body, shop.clerk)).status_code == 403
    answer = await api.post(shop.path("/storefront"), body, shop.admin)
    assert answer.status_code == 200, answer.text
    assert answer.json()["story"] == body["story"]
    assert answer.json()["name"] == "Koperasi Tani Makmur"
    long = await api.post(shop.path("/storefront"), {**body, "story": "x" * 2001}, shop.admin)
    assert (long.status_code, long.json()["code"]) == (422, "text-too-long")
    assert await api.outbox("StorefrontProfileSet") == [{"cooperative_id": shop.coop, **body}]


async def test_an_image_is_kept_and_named_in_a_listing(api: Api) -> None:
    shop = await a_shop(api)

    async def upload(body: bytes, content_type: str) -> Any:
        return await api.client.post(shop.path("/catalogue-images"), content=body, headers={
            **shop.clerk, "Content-Type": content_type, "Idempotency-Key": uuid.uuid4().hex})

    kept = await upload(SVG, "image/svg+xml")
    assert kept.status_code == 201, kept.text
    listing = await publish(api, shop, photos=[kept.json()["path"]])
    assert listing["photos"] == [kept.json()["path"]]
    served = await api.client.get(kept.json()["path"])
    assert served.status_code == 200
    assert served.content == SVG
    assert served.headers["content-type"] == "image/svg+xml"
    assert "sandbox" in served.headers["content-security-policy"]
    for body, kind, code in [
        (b'<svg><script>alert(1)</script></svg>', "image/svg+xml", "unsupported-image"),
        (b'<svg onload="x()"></svg>', "image/svg+xml", "unsupported-image"),
        (b"GIF89a....", "image/gif", "unsupported-image"),
        (b"not a png", "image/png", "unsupported-image"),
        (b"\x89PNG\r\n\x1a\n" + b"0" * 400_000, "image/png", "image-too-large"),
    ]:
        refused = await upload(body, kind)
        assert (refused.status_code, refused.json()["code"]) == (422, code), kind
    assert await api.pool.fetchval("SELECT count(*) FROM catalogue_images") == 1
