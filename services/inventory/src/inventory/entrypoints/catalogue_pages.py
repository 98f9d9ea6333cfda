"""The public catalogue's HTML: a cooperative's page and a product's page, in Indonesian.

Light by design (a cheap phone on a poor connection): one HTML document of a few KB
with its style inline, no script, no web font; photos sized and lazy beyond the first.
A product page carries schema.org ``Product``/``Offer`` JSON-LD (search engines) and
Open Graph tags (WhatsApp and Facebook link previews: title, picture, price).
"""

from __future__ import annotations

import base64
import hashlib
import json
from html import escape
from typing import Any

from inventory.domain import Availability
from inventory.entrypoints.catalogue_views import SCHEMA_AVAILABILITY

__all__ = ["CSP", "catalogue_page", "gone_page", "product_json_ld", "product_page", "rupiah"]

_STYLE = (
    "body{margin:0;font:16px/1.45 system-ui,sans-serif;color:#1f2421;background:#faf7f2}"
    "header,main,footer{max-width:40rem;margin:0 auto;padding:.75rem 1rem}"
    "header{background:#7a2e1c;color:#fff;max-width:none}header a{color:#fff}"
    "header .muted{color:#f6e3dc}"
    "h1{font-size:1.3rem;margin:.2rem 0}h2{font-size:1.1rem;margin:.4rem 0}"
    "ul{list-style:none;padding:0;margin:0}li{margin:0 0 1rem}"
    ".card{display:flex;gap:.75rem;background:#fff;border-radius:.5rem;padding:.5rem;"
    "color:inherit;text-decoration:none;box-shadow:0 1px 2px #0002}"
    ".card img{width:6rem;height:6rem;object-fit:cover;border-radius:.3rem;flex:none}"
    ".hero{width:100%;height:auto;aspect-ratio:4/3;object-fit:cover;border-radius:.5rem;"
    "background:#eee}"
    ".price{font-weight:700;font-size:1.15rem}.muted{color:#5b605c;font-size:.9rem}"
    ".stok{display:inline-block;padding:.05rem .5rem;border-radius:1rem;font-size:.85rem}"
    ".in_stock{background:#dcefdc;color:#1d5c1d}.low{background:#fde9c8;color:#7a4b00}"
    ".out{background:#eee;color:#555}p{margin:.5rem 0}"
)
# The one inline style is allowed by its hash: no other style, and no script, can run.
_STYLE_HASH = base64.b64encode(hashlib.sha256(_STYLE.encode()).digest()).decode()
CSP = (f"default-src 'none'; style-src 'sha256-{_STYLE_HASH}'; img-src 'self' https: data:; "
       "base-uri 'none'; form-action 'none'; frame-ancestors 'none'")

_BAND_WORDS = {Availability.IN_STOCK: "Stok tersedia", Availability.LOW: "Stok terbatas",
               Availability.OUT: "Stok habis"}


def rupiah(amount: int) -> str:
    """Rp 1.500.000: the thousands separated by dots, as Indonesians write them."""
    return "Rp " + f"{amount:,}".replace(",", ".")


def _band(offer: dict[str, Any]) -> str:
    band = Availability(offer["availability"])
    words = _BAND_WORDS[band]
    if offer["units_in_stock"] is not None and band is not Availability.OUT:
        words += f" ({offer['units_in_stock']} {offer['unit']})"
    return f'<span class="stok {band.value}">{escape(words)}</span>'


def _origin(listing: dict[str, Any]) -> str:
    origin = listing["origin"]
    return ", ".join(escape(p) for p in (origin["village"], origin["regency"]) if p)


def _page(*, title: str, head: str, body: str) -> str:
    return (f'<!doctype html><html lang="id"><head><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width,initial-scale=1">'
            # No favicon: the browser would ask for /favicon.ico, a request for nothing.
            f'<link rel="icon" href="data:,">'
            f"<title>{escape(title)}</title>{head}<style>{_STYLE}</style></head>"
            f"<body>{body}</body></html>")


def _meta(prop: str, content: str) -> str:
    return f'<meta property="{prop}" content="{escape(content, quote=True)}">'


def _short(text: str, limit: int = 200) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1].rstrip() + "…"


def catalogue_page(shop: dict[str, Any], listings: list[dict[str, Any]], url: str) -> str:
    """The cooperative's page: its story, then its products (photo, price, band)."""
    name = shop["name"]
    cards = "".join(
        f'<li><a class="card" href="{escape(item["url"], quote=True)}">'
        f'<img src="{escape(item["photos"][0], quote=True)}" alt="" width="96" height="96"'
        f'{" loading=lazy" if i > 3 else ""}>'
        f'<div><h2>{escape(item["title"])}</h2>'
        f'<div class="price">{rupiah(item["offer"]["price_idr"])}'
        f' <span class="muted">/ {escape(item["offer"]["unit"])}</span></div>'
        f'<div class="muted">{_origin(item)}</div>{_band(item["offer"])}</div></a></li>'
        for i, item in enumerate(listings))
    story = f"<p>{escape(shop['story'])}</p>" if shop.get("story") else ""
    region = f'<div class="muted">{escape(shop["region"])}</div>' if shop.get("region") else ""
    description = _short(shop.get("story") or f"Produk {name}")
    head = "".join([
        f'<meta name="description" content="{escape(description, quote=True)}">',
        f'<link rel="canonical" href="{escape(url, quote=True)}">',
        _meta("og:type", "website"), _meta("og:title", f"Katalog {name}"),
        _meta("og:description", description), _meta("og:url", url),
        _meta("og:site_name", name), _meta("og:locale", "id_ID"),
        *([_meta("og:image", listings[0]["photos"][0])] if listings else [])])
    products = (f"<ul>{cards}</ul>" if listings
                else "<p>Belum ada produk yang dijual.</p>")
    body = (f"<header><h1>{escape(name)}</h1>{region}</header>"
            f"<main>{story}<h2>Produk kami ({len(listings)})</h2>{products}</main>"
            f'<footer class="muted">Harga untuk pembeli di luar koperasi, dalam rupiah.'
            f"</footer>")
    return _page(title=f"Katalog {name}", head=head, body=body)


def product_json_ld(shop: dict[str, Any], item: dict[str, Any]) -> dict[str, Any]:
    """schema.org Product with its Offer (price in IDR, availability, seller)."""
    offer = item["offer"]
    seller = {"@type": "Organization", "name": shop["name"], "url": shop["url"]}
    return {
        "@context": "https://schema.org", "@type": "Product", "name": item["title"],
        "description": item["description"], "image": item["photos"],
        "sku": item["listing_id"], "url": item["url"],
        "brand": {"@type": "Brand", "name": shop["name"]},
        "offers": {"@type": "Offer", "url": item["url"], "price": str(offer["price_idr"]),
                   "priceCurrency": "IDR",
                   "availability": SCHEMA_AVAILABILITY[Availability(offer["availability"])],
                   "itemCondition": "https://schema.org/NewCondition", "seller": seller}}


def _json_ld(data: dict[str, Any]) -> str:
    # Inside <script>, "</script>" in a description would end the block: escape "<", ">"
    # and "&" as JSON does (\\u003c...), which every JSON-LD reader decodes.
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return f'<script type="application/ld+json">{text}</script>'


def product_page(shop: dict[str, Any], item: dict[str, Any]) -> str:
    offer = item["offer"]
    name, url = shop["name"], item["url"]
    description = _short(item["description"])
    head = "".join([
        f'<meta name="description" content="{escape(description, quote=True)}">',
        f'<link rel="canonical" href="{escape(url, quote=True)}">',
        _meta("og:type", "product"), _meta("og:title", item["title"]),
        _meta("og:description", description), _meta("og:url", url),
        _meta("og:image", item["photos"][0]), _meta("og:site_name", name),
        _meta("og:locale", "id_ID"),
        _meta("product:price:amount", str(offer["price_idr"])),
        _meta("product:price:currency", "IDR"),
        _meta("product:availability", offer["availability"].replace("_", " ")),
        '<meta name="twitter:card" content="summary_large_image">',
        _json_ld(product_json_ld(shop, item))])
    more = "".join(f'<img class="hero" src="{escape(p, quote=True)}" alt="" loading="lazy"'
                   f' width="640" height="480">' for p in item["photos"][1:])
    paragraphs = "".join(f"<p>{escape(p)}</p>" for p in item["description"].split("\n") if p)
    body = (f'<header><a href="{escape(shop["url"], quote=True)}">← {escape(name)}</a></header>'
            f'<main><img class="hero" src="{escape(item["photos"][0], quote=True)}"'
            f' alt="{escape(item["title"], quote=True)}" width="640" height="480">'
            f'<h1>{escape(item["title"])}</h1>'
            f'<div class="price">{rupiah(offer["price_idr"])}'
            f' <span class="muted">/ {escape(offer["unit"])}</span></div>'
            f"{_band(offer)}<p class=\"muted\">Asal: {_origin(item)}</p>{paragraphs}{more}"
            f"</main><footer class=\"muted\">Dijual oleh {escape(name)}.</footer>")
    return _page(title=f"{item['title']} · {name}", head=head, body=body)


def gone_page(shop: dict[str, Any]) -> str:
    body = (f"<header><h1>{escape(shop['name'])}</h1></header><main>"
            f"<p>Produk ini tidak dijual lagi.</p>"
            f'<p><a href="{escape(shop["url"], quote=True)}">Lihat produk lainnya</a></p></main>')
    return _page(title=f"Tidak dijual lagi · {shop['name']}", head="", body=body)
