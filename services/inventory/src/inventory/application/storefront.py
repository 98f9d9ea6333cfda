"""Use cases of the public catalogue: listings, the storefront profile, its images.

Each: load, decide (pure domain), save, inside the command's transaction (the Runner's,
with the Idempotency-Key). The product and the warehouse a listing names must be the
cooperative's own (404 otherwise, as every id of another cooperative).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

from gotong_platform.db import DbConnection
from gotong_platform.ids import new_id
from gotong_platform.provenance import Provenance
from inventory.application.lookups import product_in, warehouse_in
from inventory.application.ports import (
    CatalogueImages,
    Listings,
    Products,
    Storefronts,
    Warehouses,
)
from inventory.domain import (
    Listing,
    ListingNotFound,
    ProductAlreadyListed,
    PublishListing,
    SetStorefrontProfile,
    Storefront,
    check_image,
    publish_listing,
    set_storefront_profile,
    withdraw_listing,
)

__all__ = ["StorefrontService"]


@dataclass(frozen=True)
class StorefrontService:
    listings: Listings
    storefronts: Storefronts
    images: CatalogueImages
    products: Products
    warehouses: Warehouses

    async def publish(self, conn: DbConnection, command: PublishListing, today: date,
                      provenance: Provenance) -> Listing:
        """List a product for the first time (a listed product is revised instead)."""
        await self._check_places(conn, command)
        listed = await self.listings.id_of_product(conn, command.product_id)
        if listed is not None:
            raise ProductAlreadyListed(f"This product is already listed as {listed}; "
                                       "revise that listing instead.")
        listing_id = new_id("listing")
        events = publish_listing(None, command, listing_id=listing_id)
        return await self.listings.save(conn, None, 0, events, provenance, today)

    async def revise(self, conn: DbConnection, listing_id: str, command: PublishListing,
                     today: date, provenance: Provenance) -> Listing:
        """Publish the listing again as ``command`` says (a withdrawn one comes back)."""
        state, version = await self._listing_in(conn, command.cooperative_id, listing_id)
        command = replace(command, product_id=state.product_id)
        await self._check_places(conn, command)
        events = publish_listing(state, command, listing_id=listing_id)
        return await self.listings.save(conn, state, version, events, provenance, today)

    async def withdraw(self, conn: DbConnection, cooperative_id: str, listing_id: str,
                       today: date, provenance: Provenance) -> Listing:
        state, version = await self._listing_in(conn, cooperative_id, listing_id)
        events = withdraw_listing(state)
        return await self.listings.save(conn, state, version, events, provenance, today)

    async def set_profile(self, conn: DbConnection, command: SetStorefrontProfile,
                          today: date, provenance: Provenance) -> Storefront:
        state, version = await self.storefronts.load(conn, command.cooperative_id)
        events = set_storefront_profile(state, command)
        return await self.storefronts.save(conn, state, version, events, provenance, today)

    async def keep_image(self, conn: DbConnection, cooperative_id: str, content_type: str,
                         body: bytes) -> tuple[str, str]:
        """The image's id and the media type it is served with."""
        media = check_image(content_type, body)
        image_id = await self.images.save(conn, new_id("image"), cooperative_id, media, body)
        return image_id, media

    async def _check_places(self, conn: DbConnection, command: PublishListing) -> None:
        await product_in(conn, self.products, command.cooperative_id, command.product_id)
        await warehouse_in(conn, self.warehouses, command.cooperative_id, command.warehouse_id)

    async def _listing_in(self, conn: DbConnection, cooperative_id: str, listing_id: str
                          ) -> tuple[Listing, int]:
        state, version = await self.listings.load(conn, listing_id)
        if state is None or state.cooperative_id != cooperative_id:
            raise ListingNotFound("No listing with this id in this cooperative.")
        return state, version
