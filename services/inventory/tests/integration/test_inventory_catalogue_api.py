"""Warehouses, products and price lists over the API: setup, roles, tenancy, bad input."""

from __future__ import annotations

import uuid

import pytest
from inventory_api_support import Api, a_cooperative, a_product, a_shop, a_warehouse, today

pytestmark = pytest.mark.integration


async def test_setup_lists_warehouses_products_and_prices(api: Api) -> None:
    shop = await a_shop(api)
    warehouses = await api.get(shop.path("/warehouses"), shop.clerk)
    assert [w["warehouse_id"] for w in warehouses.json()] == [shop.warehouse]
    assert warehouses.json()[0]["kind"] == "shop"
    products = {p["product_id"]: p for p in (await api.get(shop.path("/products"),
                                                           shop.clerk)).json()}
    assert set(products) == {shop.rice, shop.coffee}
    coffee = products[shop.coffee]
    assert coffee["lot_tracking"] == "lot_expiry"
    assert {(p["price_list"], p["price_idr"], p["per_qty"], p["effective_from"])
            for p in coffee["prices"]} == {
        ("member", 90000, 1000, today().isoformat()),
        ("non_member", 100000, 1000, today().isoformat()),
        ("buy_from_member", 60000, 1000, today().isoformat())}
    published = await api.outbox("ProductPriceSet")
    assert len(published) == 5
    assert all(p["cooperative_id"] == shop.coop for p in published)


async def test_a_sku_is_unique_per_cooperative(api: Api) -> None:
    shop = await a_shop(api)
    body = {"sku": "BERAS-5KG", "name": "Beras 5 kg", "category": "staple_goods",
            "base_unit": "pcs"}
    first = await api.post(shop.path("/products"), body, shop.admin)
    assert first.status_code == 201, first.text
    again = await api.post(shop.path("/products"), {**body, "name": "Beras lagi"}, shop.admin)
    assert again.status_code == 409
    assert again.json()["code"] == "duplicate-sku"
    other = await a_cooperative(api)
    elsewhere = await api.post(f"/cooperatives/{other}/products", body,
                               api.token("coop_admin", cooperative_id=other))
    assert elsewhere.status_code == 201  # another cooperative's catalogue
    skus = [p["sku"] for p in (await api.get(shop.path("/products"), shop.clerk)).json()]
    assert skus.count("BERAS-5KG") == 1


async def test_clerks_record_but_do_not_set_up(api: Api) -> None:
    shop = await a_shop(api)
    product = await api.post(shop.path("/products"),
                             {"sku": "X-1", "name": "X", "category": "handicraft",
                              "base_unit": "pcs"}, shop.clerk)
    assert product.status_code == 403
    warehouse = await api.post(shop.path("/warehouses"), {"name": "W", "kind": "warehouse"},
                               shop.clerk)
    assert warehouse.status_code == 403
    price = await api.post(shop.path(f"/products/{shop.rice}/prices"),
                           {"price_list": "member", "price_idr": 1, "per_qty": 1}, shop.clerk)
    assert price.status_code == 403
    officer = api.token("regional_officer", region="53")
    assert (await api.get(shop.path("/products"), officer)).status_code == 200
    sale = await api.post(shop.path("/sales"), {}, officer)
    assert sale.status_code == 403  # officers read, never write


async def test_other_cooperatives_and_their_things_are_not_found(api: Api) -> None:
    mine = await a_shop(api)
    theirs = await a_shop(api, regency="8105", time_zone="WIT")
    before = await api.event_counts()
    foreign = await api.get(theirs.path("/products"), mine.clerk)
    unknown = await api.get("/cooperatives/cooperative-nope/products", mine.clerk)
    assert foreign.status_code == unknown.status_code == 404
    assert foreign.json() == unknown.json()  # no existence leak
    # Their warehouse or product named under my cooperative: not found either.
    into_theirs = await api.post(
        mine.path(f"/warehouses/{theirs.warehouse}/goods-receipts"),
        {"product_id": mine.rice, "qty": 1000, "total_cost_idr": 10000}, mine.clerk)
    assert into_theirs.status_code == 404
    assert into_theirs.json()["code"] == "warehouse-not-found"
    their_product = await api.post(
        mine.wh("/goods-receipts"),
        {"product_id": theirs.rice, "qty": 1000, "total_cost_idr": 10000}, mine.clerk)
    assert their_product.status_code == 404
    assert their_product.json()["code"] == "product-not-found"
    price = await api.post(mine.path(f"/products/{theirs.rice}/prices"),
                           {"price_list": "member", "price_idr": 1, "per_qty": 1}, mine.admin)
    assert price.status_code == 404
    stock = await api.get(mine.path(f"/warehouses/{theirs.warehouse}/stock"), mine.clerk)
    assert stock.status_code == 404
    assert await api.event_counts() == before


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        ({"price_list": "member", "price_idr": 13000, "per_qty": 1000,
          "effective_from": "2020-01-01"}, 422, "price-backdated"),
        ({"price_list": "member", "price_idr": 0, "per_qty": 1000}, 422, "invalid-request"),
        ({"price_list": "member", "price_idr": 13000.5, "per_qty": 1000}, 422,
         "invalid-request"),
        ({"price_list": "grosir", "price_idr": 13000, "per_qty": 1000}, 422,
         "invalid-request"),
    ],
)
async def test_bad_prices_get_a_clear_4xx_and_change_nothing(
    api: Api, body: dict[str, object], status: int, code: str
) -> None:
    shop = await a_shop(api)
    before = await api.event_counts()
    answer = await api.post(shop.path(f"/products/{shop.rice}/prices"), body, shop.admin)
    assert answer.status_code == status, answer.text
    assert answer.headers["content-type"].startswith("application/problem+json")
    assert answer.json()["code"] == code
    assert await api.event_counts() == before


async def test_idempotency_key_replays_the_first_answer(api: Api) -> None:
    coop = await a_cooperative(api)
    admin = api.token("coop_admin", cooperative_id=coop)
    key = uuid.uuid4().hex
    body = {"name": "Gudang Kopi", "kind": "warehouse"}
    first = await api.post(f"/cooperatives/{coop}/warehouses", body, admin, key=key)
    again = await api.post(f"/cooperatives/{coop}/warehouses", body, admin, key=key)
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    assert again.headers["Idempotency-Replayed"] == "true"
    listed = await api.get(f"/cooperatives/{coop}/warehouses", admin)
    assert len(listed.json()) == 1
    missing = await api.client.post(f"/cooperatives/{coop}/warehouses", json=body,
                                    headers=admin)
    assert missing.status_code == 400
    assert missing.json()["code"] == "idempotency-key-required"


async def test_unknown_fields_are_refused(api: Api) -> None:
    coop = await a_cooperative(api)
    admin = api.token("coop_admin", cooperative_id=coop)
    await a_warehouse(api, coop, admin)
    answer = await api.post(f"/cooperatives/{coop}/products",
                            {"sku": "A", "name": "A", "category": "handicraft",
                             "base_unit": "pcs", "cooperative_id": "cooperative-other"}, admin)
    assert answer.status_code == 422
    product = await a_product(api, coop, admin, {}, sku="B")
    assert product.startswith("product-")
