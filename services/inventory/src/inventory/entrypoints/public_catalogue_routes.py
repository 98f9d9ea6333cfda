"""The public catalogue, read without signing in: the cooperative's catalogue page and
each product's page (Indonesian, server-rendered, no script: a cheap phone on a poor
connection), their JSON, the product feeds for marketplaces, and the images kept.

Nothing here names the stock count unless the cooperative chose to show it; a listing
withdrawn is gone (410) from its page and from the feeds. These routes take no token,
so the per-principal rate limit does not apply: they are reads of small query rows
(a cache or CDN in front is the way to carry a viral link).
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.responses import Response

from gotong_platform.http import HTTPProblem
from inventory.adapters import queries
from inventory.entrypoints.deps import Ctx

__all__ = ["router"]

router = APIRouter(tags=["public catalogue"])

# An image is served as what it is, never as a page: an SVG opened on its own runs no
# script and loads nothing (sandbox), whatever slipped past the upload's check.
_IMAGE_HEADERS = {"Cache-Control": "public, max-age=31536000, immutable",
                  "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; "
                                             "sandbox",
                  "X-Content-Type-Options": "nosniff"}


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
