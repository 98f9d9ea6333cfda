"""The demo's public catalogue data (gotong_devstack.economy.catalogue): every listing is
one inventory would accept, for a product the cooperative has, with a picture it keeps."""

from __future__ import annotations

from datetime import date

import pytest

from gotong_devstack import demo, economy
from gotong_devstack.economy.catalogue import CATALOGUES, placeholder_svg
from inventory.domain import (
    PublishListing,
    SetStorefrontProfile,
    check_image,
    publish_listing,
    set_storefront_profile,
)

pytestmark = pytest.mark.unit


def test_every_demo_cooperative_has_a_catalogue_of_its_own_products() -> None:
    federation = demo.build_demo(date(2026, 12, 7))
    economies = {e.slug: e for e in economy.build_economy(federation, date(2026, 12, 7))}
    assert set(CATALOGUES) == set(economies)
    for slug, catalogue in CATALOGUES.items():
        skus = {p.sku for p in economies[slug].products} | {x.sku for x in catalogue.extra}
        assert catalogue.listings, slug
        assert {item.sku for item in catalogue.listings} <= skus, slug
        set_storefront_profile(None, SetStorefrontProfile(
            cooperative_id="c", story=catalogue.story, region=catalogue.region))


@pytest.mark.parametrize("item", [i for c in CATALOGUES.values() for i in c.listings],
                         ids=lambda i: i.sku)
def test_each_listing_and_its_picture_are_accepted(item: economy.catalogue.Listing) -> None:
    body = item.body("product-1", "warehouse-1",
                     "/gambar/image-01a253c3-3508-75e6-9930-d58cb93ab1e5", "Aru")
    (event,) = publish_listing(None, PublishListing(
        cooperative_id="c", product_id="product-1", warehouse_id="warehouse-1",
        title=body["title"], description=body["description"], photos=tuple(body["photos"]),
        origin_regency="Aru", origin_village=item.village, unit_label=item.unit_label,
        unit_qty=item.unit_qty, price_idr=item.price_idr, low_threshold=item.low_threshold,
        show_quantity=item.show_quantity), listing_id="listing-1")
    assert event.price_idr == item.price_idr
    svg = placeholder_svg(item.title, item.colours)
    assert check_image("image/svg+xml", svg) == "image/svg+xml"
    assert len(svg) < 2_000  # light on a poor connection
    assert svg == placeholder_svg(item.title, item.colours)  # the same bytes: a replay
