"""Routes of the public catalogue for the cooperative's staff: listings, the storefront
profile and its images. Clerks and pengurus publish and withdraw listings and upload
photos (``record_transaction``); the pengurus tells the cooperative's story
(``manage_setup``). Every POST takes an Idempotency-Key; another cooperative's ids are 404.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends, Header, Request
from starlette.responses import JSONResponse

from gotong_platform.auth import Action
from gotong_platform.db import DbConnection
from gotong_platform.http import HTTPProblem, cooperative_router, require_action
from gotong_platform.http.runner import Runner
from gotong_platform.provenance import Provenance
from inventory.adapters import queries
from inventory.domain import IMAGE_TYPES, MAX_IMAGE_BYTES, PublishListing, SetStorefrontProfile
from inventory.entrypoints import listing_schemas as s
from inventory.entrypoints.catalogue_views import catalogue_path, origin_of, staff_listing
from inventory.entrypoints.deps import NOT_FOUND, Ctx, ScopeDep, Today

__all__ = ["router"]

router = cooperative_router(tags=["public catalogue"], responses=NOT_FOUND)
_STAFF = [Depends(require_action(Action.RECORD_TRANSACTION))]
_PENGURUS = [Depends(require_action(Action.MANAGE_SETUP))]


def _command(cooperative_id: str, product_id: str, body: s.ListingRevisionIn) -> PublishListing:
    return PublishListing(
        cooperative_id=cooperative_id, product_id=product_id, warehouse_id=body.warehouse_id,
        title=body.title, description=body.description, photos=tuple(body.photos),
        origin_regency=body.origin.regency, origin_village=body.origin.village,
        unit_label=body.unit.label, unit_qty=body.unit.qty, price_idr=body.price_idr,
        low_threshold=body.low_threshold, show_quantity=body.show_quantity)


@router.post("/listings", status_code=201, response_model=s.ListingOut, dependencies=_STAFF)
async def publish_listing(scope: ScopeDep, body: s.ListingIn, ctx: Ctx, run: Runner,
                          today: Today, request: Request) -> JSONResponse:
    """Put a product in the public catalogue (409 `product-already-listed` if it is)."""
    command = _command(scope.cooperative_id, body.product_id, body)

    async def work(conn: DbConnection, prov: Provenance) -> tuple[int, Any]:
        listing = await ctx.storefront.publish(conn, command, today, prov)
        return 201, await _listing_out(conn, request, scope.cooperative_id, listing.listing_id)

    return await run(work)


@router.post("/listings/{listing_id}", response_model=s.ListingOut, dependencies=_STAFF)
async def revise_listing(scope: ScopeDep, listing_id: str, body: s.ListingRevisionIn,
                         ctx: Ctx, run: Runner, today: Today, request: Request
                         ) -> JSONResponse:
    """Publish the listing again as sent (the whole of it; a withdrawn one comes back)."""
    command = _command(scope.cooperative_id, "", body)  # the listing's own product

    async def work(conn: DbConnection, prov: Provenance) -> tuple[int, Any]:
        await ctx.storefront.revise(conn, listing_id, command, today, prov)
        return 200, await _listing_out(conn, request, scope.cooperative_id, listing_id)

    return await run(work)


@router.post("/listings/{listing_id}/withdraw", response_model=s.ListingOut,
             dependencies=_STAFF)
async def withdraw_listing(scope: ScopeDep, listing_id: str, ctx: Ctx, run: Runner,
                           today: Today, request: Request) -> JSONResponse:
    """Take the listing out of the catalogue and its feeds."""

    async def work(conn: DbConnection, prov: Provenance) -> tuple[int, Any]:
        await ctx.storefront.withdraw(conn, scope.cooperative_id, listing_id, today, prov)
        return 200, await _listing_out(conn, request, scope.cooperative_id, listing_id)

    return await run(work)


@router.get("/listings", response_model=list[s.ListingOut])
async def list_listings(scope: ScopeDep, ctx: Ctx, request: Request) -> list[dict[str, Any]]:
    """Every listing, withdrawn ones too, with the exact stock the staff may see."""
    rows = await queries.cooperative_listings(ctx.pool, scope.cooperative_id)
    return [staff_listing(r, origin_of(request)) for r in rows]


@router.get("/listings/{listing_id}", response_model=s.ListingOut)
async def get_listing(scope: ScopeDep, listing_id: str, ctx: Ctx, request: Request
                      ) -> dict[str, Any]:
    return await _listing_out(ctx.pool, request, scope.cooperative_id, listing_id)


@router.post("/storefront", response_model=s.StorefrontOut, dependencies=_PENGURUS)
async def set_storefront(scope: ScopeDep, body: s.StorefrontIn, ctx: Ctx, run: Runner,
                         today: Today, request: Request) -> JSONResponse:
    """The cooperative's public profile: its story and its region."""
    command = SetStorefrontProfile(cooperative_id=scope.cooperative_id, story=body.story,
                                   region=body.region)

    async def work(conn: DbConnection, prov: Provenance) -> tuple[int, Any]:
        await ctx.storefront.set_profile(conn, command, today, prov)
        return 200, await _storefront_out(conn, request, scope.cooperative_id)

    return await run(work)


@router.get("/storefront", response_model=s.StorefrontOut)
async def get_storefront(scope: ScopeDep, ctx: Ctx, request: Request) -> dict[str, Any]:
    return await _storefront_out(ctx.pool, request, scope.cooperative_id)


# The body is the image itself (no JSON, no multipart): documented here, read raw below.
_IMAGE_BODY = {"requestBody": {"required": True, "description": (
    f"the image's bytes: {', '.join(IMAGE_TYPES)}; at most {MAX_IMAGE_BYTES // 1024} KiB"),
    "content": {t: {"schema": {"type": "string", "format": "binary"}} for t in IMAGE_TYPES}}}


@router.post("/catalogue-images", status_code=201, response_model=s.ImageOut,
             dependencies=_STAFF, openapi_extra=_IMAGE_BODY)
async def upload_image(scope: ScopeDep, request: Request, ctx: Ctx, run: Runner,
                       content_type: Annotated[str, Header()] = "") -> JSONResponse:
    """Keep a photo for the catalogue (the body is the image; its Content-Type says which
    kind). The answer's ``path`` goes in a listing's ``photos``."""
    body = await request.body()

    async def work(conn: DbConnection, prov: Provenance) -> tuple[int, Any]:
        image_id, media = await ctx.storefront.keep_image(conn, scope.cooperative_id,
                                                          content_type, body)
        return 201, {"image_id": image_id, "path": f"/gambar/{image_id}",
                     "content_type": media}

    return await run(work)


async def _listing_out(db: queries.Db, request: Request, cooperative_id: str,
                       listing_id: str) -> dict[str, Any]:
    found = await queries.cooperative_listings(db, cooperative_id, listing_id=listing_id)
    if not found:
        raise HTTPProblem(404, "Not Found", "listing not found", "listing-not-found")
    return staff_listing(found[0], origin_of(request))


async def _storefront_out(db: queries.Db, request: Request, cooperative_id: str
                          ) -> dict[str, Any]:
    found = await queries.storefront(db, cooperative_id)
    if found is None:
        raise HTTPProblem(404, "Not Found", "cooperative not found", "cooperative-not-found")
    return {"cooperative_id": cooperative_id, "name": found["name"], "story": found["story"],
            "region": found["region"],
            "public_url": origin_of(request) + catalogue_path(cooperative_id)}
