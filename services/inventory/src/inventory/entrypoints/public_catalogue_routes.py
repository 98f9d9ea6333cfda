"""The public catalogue, read without signing in: the cooperative's catalogue page and
each product's page (Indonesian, server-rendered, no script: a cheap phone on a poor
connection), their JSON, the product feeds for marketplaces, and the images kept.

Nothing here names the stock count unless the cooperative chose to show it; a listing
withdrawn is gone (410) from its page and from the feeds. These routes take no token,
so the per-principal rate limit does not apply: they are reads of small query rows
(a cache or CDN in front is the way to carry a viral link).
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from starlette.responses import HTMLResponse, Response

from gotong_platform.http import HTTPProblem
from inventory.adapters import queries
from inventory.entrypoints import catalogue_feeds as feeds
from inventory.entrypoints import catalogue_pages as pages
from inventory.entrypoints import listing_schemas as s
from inventory.entrypoints.catalogue_views import catalogue_path, origin_of, public_listing
from inventory.entrypoints.deps import AppContext, Ctx

__all__ = ["router"]

router = APIRouter(tags=["public catalogue"])

# An image is served as what it is, never as a page: an SVG opened on its own runs no
# script and loads nothing (sandbox), whatever slipped past the upload's check.
_IMAGE_HEADERS = {"Cache-Control": "public, max-age=31536000, immutable",
                  "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; "
                                             "sandbox",
                  "X-Content-Type-Options": "nosniff"}
# Pages and feeds show the stock band of the moment: shared caches may keep them a minute.
_PAGE_HEADERS = {"Cache-Control": "public, max-age=60", "Content-Security-Policy": pages.CSP,
                 "Referrer-Policy": "strict-origin-when-cross-origin",
                 "X-Content-Type-Options": "nosniff"}
_FEED_HEADERS = {"Cache-Control": "public, max-age=60", "X-Content-Type-Options": "nosniff"}


@router.get("/gambar/{image_id}", include_in_schema=False)
async def image(image_id: str, ctx: Ctx, request: Request) -> Response:
    found = await queries.catalogue_image(ctx.pool, image_id)
    if found is None:
        raise HTTPProblem(404, "Not Found", "no such image", "image-not-found")
    etag = f'"{found["sha256"]}"'
    if request.headers.get("if-none-match") == etag:
        return Response(status_code=304, headers={**_IMAGE_HEADERS, "ETag": etag})
    return Response(bytes(found["body"]), media_type=found["content_type"],
                    headers={**_IMAGE_HEADERS, "ETag": etag})


async def _shop(ctx: AppContext, request: Request, cooperative_id: str) -> dict[str, Any]:
    found = await queries.storefront(ctx.pool, cooperative_id)
    if found is None:
        raise HTTPProblem(404, "Not Found", "no such cooperative", "cooperative-not-found")
    return {**found, "url": origin_of(request) + catalogue_path(cooperative_id)}


async def _listings(ctx: AppContext, request: Request, cooperative_id: str,
                    listing_id: str | None = None) -> list[dict[str, Any]]:
    rows = await queries.cooperative_listings(ctx.pool, cooperative_id, listing_id=listing_id,
                                              published_only=listing_id is None)
    return [public_listing(r, origin_of(request)) | {"status": r["status"]} for r in rows]


async def _listing(ctx: AppContext, request: Request, cooperative_id: str, listing_id: str
                   ) -> dict[str, Any]:
    """The published listing; 404 for none, 410 for one withdrawn."""
    found = await _listings(ctx, request, cooperative_id, listing_id)
    if not found:
        raise HTTPProblem(404, "Not Found", "no such product", "listing-not-found")
    return found[0]


def _html(text: str, status: int = 200) -> HTMLResponse:
    return HTMLResponse(text, status_code=status, headers=_PAGE_HEADERS)


# The pages are for people and previews, not an API: out of the OpenAPI document (as the
# member's page is), whose error answers are all problem+json; a withdrawn product's page
# is an HTML 410 a buyer can read. Their content is the JSON routes' below.
@router.get("/katalog/{cooperative_id}", response_class=HTMLResponse, include_in_schema=False)
async def catalogue(cooperative_id: str, ctx: Ctx, request: Request) -> HTMLResponse:
    """The cooperative's catalogue page (HTML, Indonesian)."""
    shop = await _shop(ctx, request, cooperative_id)
    listings = await _listings(ctx, request, cooperative_id)
    return _html(pages.catalogue_page(shop, listings, shop["url"]))


@router.get("/katalog/{cooperative_id}/produk/{listing_id}", response_class=HTMLResponse,
            include_in_schema=False)
async def product(cooperative_id: str, listing_id: str, ctx: Ctx, request: Request
                  ) -> HTMLResponse:
    """A product's page: Open Graph tags and schema.org Product JSON-LD in its head."""
    shop = await _shop(ctx, request, cooperative_id)
    item = await _listing(ctx, request, cooperative_id, listing_id)
    if item["status"] != "published":
        return _html(pages.gone_page(shop), 410)
    return _html(pages.product_page(shop, item))


@router.get("/katalog/{cooperative_id}/feed.csv", response_class=Response,
            responses={200: {"content": {"text/csv; charset=utf-8": {
                "schema": {"type": "string"}}}}})
async def feed_csv(cooperative_id: str, ctx: Ctx, request: Request) -> Response:
    """Product feed, CSV (Google Merchant Center / Meta catalogue fields)."""
    shop = await _shop(ctx, request, cooperative_id)
    rows = feeds.feed_rows(shop, await _listings(ctx, request, cooperative_id))
    return Response(feeds.feed_csv(rows), media_type="text/csv; charset=utf-8",
                    headers=_FEED_HEADERS)


@router.get("/katalog/{cooperative_id}/feed.xml", response_class=Response,
            responses={200: {"content": {"application/rss+xml": {
                "schema": {"type": "string"}}}}})
async def feed_xml(cooperative_id: str, ctx: Ctx, request: Request) -> Response:
    """Product feed, RSS 2.0 with the ``g:`` namespace (Google Merchant Center, Meta)."""
    shop = await _shop(ctx, request, cooperative_id)
    rows = feeds.feed_rows(shop, await _listings(ctx, request, cooperative_id))
    return Response(feeds.feed_xml(shop, rows), media_type="application/rss+xml",
                    headers=_FEED_HEADERS)


@router.get("/public/catalogue/{cooperative_id}", response_model=s.PublicCatalogue)
async def catalogue_json(cooperative_id: str, ctx: Ctx, request: Request) -> dict[str, Any]:
    """The catalogue page's content as JSON: the storefront and its published listings."""
    shop = await _shop(ctx, request, cooperative_id)
    listings = await _listings(ctx, request, cooperative_id)
    return {"cooperative_id": cooperative_id, "name": shop["name"], "story": shop["story"],
            "region": shop["region"], "url": shop["url"], "listings": listings}


@router.get("/public/catalogue/{cooperative_id}/listings/{listing_id}",
            response_model=s.PublicListing,
            responses={410: {"description": "withdrawn from the catalogue"}})
async def listing_json(cooperative_id: str, listing_id: str, ctx: Ctx, request: Request
                       ) -> dict[str, Any]:
    item = await _listing(ctx, request, cooperative_id, listing_id)
    if item["status"] != "published":
        raise HTTPProblem(410, "Gone", "this product is no longer offered", "listing-withdrawn")
    return item
