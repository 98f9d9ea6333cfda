"""Product feeds of a cooperative's catalogue, in the formats marketplaces and social
commerce catalogues read: Google Merchant Center's product data and Meta's catalogue
(the same field names): a CSV, and RSS 2.0 with the ``g:`` namespace.

A feed is made from the listings and the stock at the moment it is fetched, so a
catalogue fetching it on its schedule sees each stock change. Feeds know "in stock" and
"out of stock" only: "low" is still in stock there (the page says "terbatas").
"""

from __future__ import annotations

from typing import Any
from xml.etree import ElementTree as ET

from gotong_platform.csv_cells import write_csv
from inventory.domain import Availability

__all__ = ["FEED_FIELDS", "feed_csv", "feed_rows", "feed_xml"]

FEED_FIELDS = ("id", "title", "description", "availability", "condition", "price", "link",
               "image_link", "additional_image_link", "brand", "inventory")
G = "http://base.google.com/ns/1.0"


def feed_rows(shop: dict[str, Any], listings: list[dict[str, Any]]) -> list[dict[str, str]]:
    """One row per published listing (``public_listing`` dicts), in the feed's fields."""
    rows = []
    for item in listings:
        offer = item["offer"]
        out = Availability(offer["availability"]) is Availability.OUT
        rows.append({
            "id": item["listing_id"], "title": item["title"],
            "description": item["description"],
            "availability": "out of stock" if out else "in stock", "condition": "new",
            "price": f"{offer['price_idr']} IDR", "link": item["url"],
            "image_link": item["photos"][0],
            "additional_image_link": ",".join(item["photos"][1:]),
            "brand": shop["name"],
            # Meta's quantity field, only when the cooperative shows its stock.
            "inventory": "" if offer["units_in_stock"] is None else str(offer["units_in_stock"]),
        })
    return rows


def feed_csv(rows: list[dict[str, str]]) -> str:
    """Cells a spreadsheet would run as a formula are text (``gotong_platform.csv_cells``):
    a feed is also opened by the cooperative's staff."""
    return write_csv(FEED_FIELDS, ([row[f] for f in FEED_FIELDS] for row in rows),
                     lineterminator="\n")


def feed_xml(shop: dict[str, Any], rows: list[dict[str, str]]) -> bytes:
    ET.register_namespace("g", G)
    rss = ET.Element("rss", {"version": "2.0"})
    channel = ET.SubElement(rss, "channel")
    ET.SubElement(channel, "title").text = f"Katalog {shop['name']}"
    ET.SubElement(channel, "link").text = shop["url"]
    ET.SubElement(channel, "description").text = shop.get("story") or f"Produk {shop['name']}"
    for row in rows:
        item = ET.SubElement(channel, "item")
        for field in FEED_FIELDS:
            if field == "additional_image_link":
                for link in filter(None, row[field].split(",")):
                    ET.SubElement(item, f"{{{G}}}{field}").text = link
            elif row[field]:
                ET.SubElement(item, f"{{{G}}}{field}").text = row[field]
    body: bytes = ET.tostring(rss, encoding="utf-8", xml_declaration=True)
    return body
