"""The public catalogue as a buyer and a marketplace read it, without signing in: the
pages (Open Graph, schema.org Product JSON-LD checked against its shape), the JSON, the
feeds, and the stock band they show as the stock moves."""

from __future__ import annotations

import csv
import io
import json
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from xml.etree import ElementTree as ET

import jsonschema
import pytest
from inventory_api_support import Api, Shop, a_sale, a_shop, receive
from test_inventory_listings_api import publish

pytestmark = pytest.mark.integration

PRODUCT_SHAPE = json.loads((Path(__file__).parent / "schema_org_product.json").read_text())
G = "{http://base.google.com/ns/1.0}"


class Head(HTMLParser):
    """The meta properties, the JSON-LD blocks and the scripts that would run."""

    def __init__(self) -> None:
        super().__init__()
        self.meta: dict[str, str] = {}
        self.json_ld: list[Any] = []
        self.scripts = 0
        self._in_ld = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "meta" and a.get("property"):
            self.meta[str(a["property"])] = str(a.get("content"))
        if tag == "script":
            self._in_ld = a.get("type") == "application/ld+json"
            self.scripts += not self._in_ld

    def handle_data(self, data: str) -> None:
        if self._in_ld:
            self.json_ld.append(json.loads(data))
            self._in_ld = False


def head_of(html: str) -> Head:
    parser = Head()
    parser.feed(html)
    return parser


async def a_storefront(api: Api) -> tuple[Shop, dict[str, Any]]:
    shop = await a_shop(api)
    story = {"story": "Kopi <b>Wewewa</b> & tenun.", "region": "Sumba Barat Daya, NTT"}
    assert (await api.post(shop.path("/storefront"), story, shop.admin)).status_code == 200
    listing = await publish(api, shop, title="Kopi </script><script>alert(1)</script>",
                            description="Sangrai sedang.\nPanen 2026.", low_threshold=2,
                            photos=["https://example.org/a.jpg", "https://example.org/b.jpg"])
    return shop, listing


async def test_the_product_page_previews_with_picture_and_price(api: Api) -> None:
    shop, listing = await a_storefront(api)
    await receive(api, shop, shop.coffee, 5000, 300_000, lot_id="L1", expiry_date="2099-01-01")
    page = await api.client.get(f"/katalog/{shop.coop}/produk/{listing['listing_id']}")
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    assert "script-src" not in page.headers["content-security-policy"]  # default-src 'none'
    head = head_of(page.text)
    assert head.scripts == 0  # the title's "<script>" stayed text
    assert head.meta["og:title"] == "Kopi </script><script>alert(1)</script>"
    assert head.meta["og:image"] == "https://example.org/a.jpg"
    assert head.meta["og:type"] == "product"
    assert head.meta["og:description"] == "Sangrai sedang. Panen 2026."
    assert head.meta["product:price:amount"] == "120000"
    assert head.meta["product:price:currency"] == "IDR"
    assert head.meta["og:url"].endswith(f"/katalog/{shop.coop}/produk/{listing['listing_id']}")
    (ld,) = head.json_ld
    jsonschema.Draft202012Validator(
        PRODUCT_SHAPE, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER,
    ).validate(ld)
    assert ld["name"] == "Kopi </script><script>alert(1)</script>"
    assert ld["offers"]["price"] == "120000"
    assert ld["offers"]["availability"] == "https://schema.org/InStock"
    assert ld["offers"]["seller"] == {"@type": "Organization", "name": "Koperasi Tani Makmur",
                                      "url": head.meta["og:url"].split("/produk/")[0]}
    assert "Rp 120.000" in page.text
    assert "Stok tersedia" in page.text
    assert "5 kg" not in page.text  # the count is not shown unless the cooperative chooses


async def test_the_json_ld_shape_refuses_what_search_engines_would() -> None:
    validator = jsonschema.Draft202012Validator(PRODUCT_SHAPE)
    good = {"@context": "https://schema.org", "@type": "Product", "name": "Kain",
            "description": "Tenun", "image": ["https://e.org/a.jpg"],
            "brand": {"@type": "Brand", "name": "K"},
            "offers": {"@type": "Offer", "price": "12000", "priceCurrency": "IDR",
                       "availability": "https://schema.org/InStock", "url": "https://e.org/p",
                       "seller": {"@type": "Organization", "name": "K"}}}
    assert validator.is_valid(good)
    for broken in ({"offers": {**good["offers"], "price": "Rp 12.000"}},
                   {"offers": {**good["offers"], "price": 12000.5}},
                   {"offers": {**good["offers"], "availability": "in stock"}},
                   {"offers": {**good["offers"], "seller": {"name": "K"}}},
                   {"image": []}, {"@type": "Thing"}):
        assert not validator.is_valid({**good, **broken}), broken


async def test_the_band_on_the_pages_and_feeds_follows_the_stock(api: Api) -> None:
    shop, listing = await a_storefront(api)
    page = f"/katalog/{shop.coop}/produk/{listing['listing_id']}"

    async def shown() -> tuple[str, str, str]:
        ld = head_of((await api.client.get(page)).text).json_ld[0]
        item = (await api.client.get(f"/public/catalogue/{shop.coop}")).json()["listings"][0]
        feed = list(csv.DictReader(io.StringIO(
            (await api.client.get(f"/katalog/{shop.coop}/feed.csv")).text)))
        return ld["offers"]["availability"], item["offer"]["availability"], \
            feed[0]["availability"]

    assert await shown() == ("https://schema.org/OutOfStock", "out", "out of stock")
    await receive(api, shop, shop.coffee, 2500, 150_000, lot_id="L1", expiry_date="2099-01-01")
    assert await shown() == ("https://schema.org/LimitedAvailability", "low", "in stock")
    await receive(api, shop, shop.coffee, 1000, 60_000, lot_id="L2", expiry_date="2099-01-01")
    assert await shown() == ("https://schema.org/InStock", "in_stock", "in stock")
    sold = await api.post(shop.path("/sales"), a_sale(shop, [(shop.coffee, 3000)], 300_000),
                          shop.clerk)
    assert sold.status_code == 201, sold.text
    assert await shown() == ("https://schema.org/OutOfStock", "out", "out of stock")


async def test_the_exact_quantity_only_when_the_cooperative_shows_it(api: Api) -> None:
    shop, listing = await a_storefront(api)
    await receive(api, shop, shop.coffee, 7500, 450_000, lot_id="L1", expiry_date="2099-01-01")
    public = f"/public/catalogue/{shop.coop}/listings/{listing['listing_id']}"
    assert (await api.client.get(public)).json()["offer"]["units_in_stock"] is None
    feed = (await api.client.get(f"/katalog/{shop.coop}/feed.csv")).text
    assert next(csv.DictReader(io.StringIO(feed)))["inventory"] == ""
    body = {k: v for k, v in listing.items() if k in (
        "warehouse_id", "title", "description", "photos", "origin", "unit", "price_idr",
        "low_threshold")}
    shown = await api.post(shop.path(f"/listings/{listing['listing_id']}"),
                           {**body, "show_quantity": True}, shop.clerk)
    assert shown.status_code == 200, shown.text
    assert (await api.client.get(public)).json()["offer"]["units_in_stock"] == 7
    page = (await api.client.get(f"/katalog/{shop.coop}/produk/{listing['listing_id']}")).text
    assert "Stok tersedia (7 kg)" in page


async def test_the_feeds_carry_the_marketplace_fields(api: Api) -> None:
    shop, listing = await a_storefront(api)
    await receive(api, shop, shop.coffee, 9000, 540_000, lot_id="L1", expiry_date="2099-01-01")
    rows = list(csv.DictReader(io.StringIO(
        (await api.client.get(f"/katalog/{shop.coop}/feed.csv")).text)))
    url = f"/katalog/{shop.coop}/produk/{listing['listing_id']}"
    (row,) = rows
    assert row["id"] == listing["listing_id"]
    assert row["price"] == "120000 IDR"
    assert (row["availability"], row["condition"]) == ("in stock", "new")
    assert row["link"].endswith(url)
    assert row["image_link"] == "https://example.org/a.jpg"
    assert row["additional_image_link"] == "https://example.org/b.jpg"
    assert row["brand"] == "Koperasi Tani Makmur"
    assert row["description"] == "Sangrai sedang.\nPanen 2026."
    answer = await api.client.get(f"/katalog/{shop.coop}/feed.xml")
    assert answer.headers["content-type"] == "application/rss+xml"
    rss = ET.fromstring(answer.content)  # noqa: S314 (our own service's answer)
    assert rss.tag == "rss"
    assert rss.attrib["version"] == "2.0"
    (item,) = rss.findall("channel/item")
    assert item.findtext(f"{G}id") == listing["listing_id"]
    assert item.findtext(f"{G}price") == "120000 IDR"
    assert item.findtext(f"{G}availability") == "in stock"
    assert item.findtext(f"{G}title") == "Kopi </script><script>alert(1)</script>"
    assert [e.text for e in item.findall(f"{G}additional_image_link")] == [
        "https://example.org/b.jpg"]
    assert rss.findtext("channel/description") == "Kopi <b>Wewewa</b> & tenun."


async def test_a_withdrawn_product_is_gone_from_pages_and_feeds(api: Api) -> None:
    shop, listing = await a_storefront(api)
    withdrawn = await api.post(shop.path(f"/listings/{listing['listing_id']}/withdraw"), {},
                               shop.clerk)
    assert withdrawn.status_code == 200
    page = await api.client.get(f"/katalog/{shop.coop}/produk/{listing['listing_id']}")
    assert page.status_code == 410
    assert "tidak dijual lagi" in page.text
    api_answer = await api.client.get(
        f"/public/catalogue/{shop.coop}/listings/{listing['listing_id']}")
    assert (api_answer.status_code, api_answer.json()["code"]) == (410, "listing-withdrawn")
    assert (await api.client.get(f"/public/catalogue/{shop.coop}")).json()["listings"] == []
    assert (await api.client.get(f"/katalog/{shop.coop}/feed.csv")).text.count("\n") == 1
    catalogue = (await api.client.get(f"/katalog/{shop.coop}")).text
    assert "Belum ada produk" in catalogue


async def test_unknown_ids_are_not_found(api: Api) -> None:
    shop, listing = await a_storefront(api)
    other = await a_shop(api)
    for path in ("/katalog/cooperative-nope", f"/katalog/{shop.coop}/produk/listing-nope",
                 # a listing under another cooperative's address is not found there
                 f"/katalog/{other.coop}/produk/{listing['listing_id']}",
                 f"/public/catalogue/{other.coop}/listings/{listing['listing_id']}",
                 "/gambar/image-nope"):
        answer = await api.client.get(path)
        assert answer.status_code == 404, path
        assert answer.headers["content-type"] == "application/problem+json"


async def test_the_catalogue_page_tells_the_story_and_lists_products(api: Api) -> None:
    shop, listing = await a_storefront(api)
    page = await api.client.get(f"/katalog/{shop.coop}")
    assert page.status_code == 200
    assert "Kopi &lt;b&gt;Wewewa&lt;/b&gt; &amp; tenun." in page.text
    assert f"/katalog/{shop.coop}/produk/{listing['listing_id']}" in page.text
    head = head_of(page.text)
    assert head.meta["og:image"] == "https://example.org/a.jpg"
    assert head.scripts == 0
    assert len(page.content) < 8_000  # light: one small document, no script or font
