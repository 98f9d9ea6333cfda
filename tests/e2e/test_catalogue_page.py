"""End to end: the public catalogue in a real headless Chromium at phone size (360x740).

Members, inventory and payments run with their relays and consumers on the real stack.
The weavers' cooperative of the demo is registered through the members API (inventory
learns of it from the events), its gallery receives cloth, and its clerk uploads the
demo's placeholder pictures and publishes the demo's listings; the pengurus tells its
story. Inventory is then served on a real port and a buyer, signed in nowhere, opens the
catalogue and a product: what the page shows is what inventory's stock says (the count
only where the cooperative shows it), nothing is wider than the phone, every picture
loads, no style or script is refused by the page's policy, and the product page's
JSON-LD and Open Graph tags carry the name, picture and price. Screenshots are kept in
``artifacts/catalogue-*.png``.
"""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

import pytest
from builders import a_cooperative, a_goods_receipt, a_product, a_warehouse
from e2e_support import Federation, federation_running
from headless_chromium import PHONE, Chromium
from test_member_page import bound, served

from gotong_devstack.economy.catalogue import CATALOGUES, placeholder_svg
from gotong_platform.calendar import FixedClock

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(600)]

ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts"
# The gallery's stock, per demo listing: in stock (count shown), low (count shown), out.
STOCK = {"TENUN-HINGGI-KOMBU": 3, "TENUN-LAU-PAHIKUNG": 1, "SELENDANG-IKAT": 0}
SHOWN = {"TENUN-HINGGI-KOMBU": "Stok tersedia (3 lembar)",
         "TENUN-LAU-PAHIKUNG": "Stok terbatas (1 lembar)", "SELENDANG-IKAT": "Stok habis"}


async def a_gallery(f: Federation) -> tuple[str, dict[str, str]]:
    """The weavers' cooperative with the demo's catalogue: (its id, listing id by SKU)."""
    catalogue = CATALOGUES["tenun-lambanapu"]
    c = await a_cooperative(f, "Koperasi Pemasaran Tenun Ikat Lambanapu Lestari", "5311")
    gallery = await a_warehouse(f, c, "Galeri Tenun Lambanapu", "shop")
    listings = {}
    for item in catalogue.listings:
        product = await a_product(f, c, item.sku, "handicraft", "pcs",
                                  {"non_member": item.price_idr})
        if STOCK[item.sku]:
            await a_goods_receipt(f, c, gallery, product, STOCK[item.sku], 1_000_000)
        image = await f.inventory.post(
            c.path("/catalogue-images"), content=placeholder_svg(item.title, item.colours),
            headers={**c.clerk, "Content-Type": "image/svg+xml",
                     "Idempotency-Key": uuid.uuid4().hex})
        assert image.status_code == 201, image.text
        body = item.body(product, gallery, image.json()["path"], catalogue.regency)
        listings[item.sku] = (await f.post(f.inventory, c.path("/listings"), body,
                                           c.clerk, expect=201))["listing_id"]
    await f.post(f.inventory, c.path("/storefront"),
                 {"story": catalogue.story, "region": catalogue.region}, c.admin)
    return c.cooperative_id, listings


async def fits_the_phone(browser: Chromium) -> None:
    wide = await browser.evaluate("""[...document.querySelectorAll('body *')]
      .filter(e => e.getBoundingClientRect().right > 360.5)
      .map(e => e.tagName + ':' + e.textContent.slice(0, 30))""")
    assert wide == []  # no sideways scrolling
    broken = await browser.evaluate("""[...document.images]
      .filter(i => !(i.complete && i.naturalWidth > 0)).map(i => i.src)""")
    assert broken == []
    assert browser.exceptions == []
    assert browser.console_errors == []  # a style or script refused by the CSP logs one
    assert browser.failed_requests == []


async def test_a_buyer_browses_the_catalogue_and_a_product_on_a_phone(
        database_factory: Any, topic_factory: Any, kafka_bootstrap: str,
        clock: FixedClock) -> None:
    sock = bound()
    async with federation_running(database_factory, topic_factory, kafka_bootstrap,
                                  clock) as f:
        coop, listings = await a_gallery(f)
        async with Chromium.launch() as browser, served(f.apps["inventory"], sock) as site:
            await browser.set_viewport(PHONE)
            await browser.open(f"{site}/katalog/{coop}")
            # Every picture, the lazy ones too, is drawn before the checks.
            await browser.evaluate("window.scrollTo(0, document.body.scrollHeight); true")
            await browser.wait_for("[...document.images].every(i => i.complete)")
            text = await browser.evaluate("document.body.innerText")
            assert "Koperasi Pemasaran Tenun Ikat Lambanapu Lestari" in text
            assert "Kami perempuan penenun Lambanapu" in text
            for item in CATALOGUES["tenun-lambanapu"].listings:
                card = await browser.evaluate(
                    f"document.querySelector('a[href$=\"{listings[item.sku]}\"]').innerText")
                assert item.title in card
                assert SHOWN[item.sku] in card
            assert "Rp 2.750.000" in text
            await fits_the_phone(browser)
            await browser.evaluate("window.scrollTo(0, 0); true")
            await browser.screenshot(ARTIFACTS / "catalogue-phone.png")

            hinggi = listings["TENUN-HINGGI-KOMBU"]
            await browser.evaluate(f"document.querySelector('a[href$=\"{hinggi}\"]').click()")
            await browser.wait_for(f"location.pathname.endsWith('{hinggi}') && "
                                   "document.readyState === 'complete'")
            await browser.wait_for("[...document.images].every(i => i.complete)")
            product = await browser.evaluate("""(() => ({
              ld: JSON.parse(document.querySelector(
                'script[type="application/ld+json"]').textContent),
              og: Object.fromEntries([...document.querySelectorAll('meta[property]')]
                .map(m => [m.getAttribute('property'), m.content])),
              text: document.body.innerText}))()""")
            assert product["ld"]["@type"] == "Product"
            assert product["ld"]["offers"]["price"] == "2750000"
            assert product["ld"]["offers"]["priceCurrency"] == "IDR"
            assert product["ld"]["offers"]["availability"] == "https://schema.org/InStock"
            assert product["og"]["og:image"] == product["ld"]["image"][0]
            assert product["og"]["og:image"].startswith(f"{site}/gambar/image-")
            assert product["og"]["product:price:amount"] == "2750000"
            assert "Stok tersedia (3 lembar)" in product["text"]
            assert "Asal: Lambanapu, Sumba Timur" in product["text"]
            await fits_the_phone(browser)
            await browser.screenshot(ARTIFACTS / "catalogue-product-phone.png")
