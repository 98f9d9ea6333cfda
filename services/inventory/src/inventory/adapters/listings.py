"""The public catalogue on PostgreSQL: a stream per listing and per storefront, with
their query rows (``listings``, ``storefronts``), and the images the catalogue keeps.

A listing's stream is short (a publication, its revisions, withdrawals), so it loads by
replaying it; the rows are written with the events, for the pages and feeds to read.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from datetime import date

import asyncpg

from gotong_platform.db import DbConnection, json_dumps
from gotong_platform.eventstore import PostgresEventStore
from gotong_platform.provenance import Provenance
from inventory.adapters.publishing import listing_contract, storefront_contract
from inventory.adapters.streams import new_events, outgoing
from inventory.domain import (
    Listing,
    ListingEvent,
    ProductAlreadyListed,
    Storefront,
    StorefrontEvent,
    evolve_listing,
    evolve_storefront,
    listing_event_from_payload,
    replay_listing,
    replay_storefront,
    storefront_event_from_payload,
    storefront_stream_id,
)

__all__ = ["PostgresCatalogueImages", "PostgresListings", "PostgresStorefronts"]

_UPSERT_LISTING = """
INSERT INTO listings (listing_id, cooperative_id, product_id, warehouse_id, status, title,
    description, photos, origin_regency, origin_village, unit_label, unit_qty, price_idr,
    low_threshold, show_quantity, version, updated_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8::text::jsonb, $9, $10, $11, $12, $13, $14, $15, $16, $17)
ON CONFLICT (listing_id) DO UPDATE SET warehouse_id = EXCLUDED.warehouse_id,
    status = EXCLUDED.status, title = EXCLUDED.title, description = EXCLUDED.description,
    photos = EXCLUDED.photos, origin_regency = EXCLUDED.origin_regency,
    origin_village = EXCLUDED.origin_village, unit_label = EXCLUDED.unit_label,
    unit_qty = EXCLUDED.unit_qty, price_idr = EXCLUDED.price_idr,
    low_threshold = EXCLUDED.low_threshold, show_quantity = EXCLUDED.show_quantity,
    version = EXCLUDED.version, updated_at = EXCLUDED.updated_at
"""

_UPSERT_STOREFRONT = """
INSERT INTO storefronts (cooperative_id, story, region, version) VALUES ($1, $2, $3, $4)
ON CONFLICT (cooperative_id) DO UPDATE SET story = EXCLUDED.story, region = EXCLUDED.region,
    version = EXCLUDED.version
"""


class PostgresListings:
    """The ``Listings`` port (``inventory.application.ports``)."""

    def __init__(self, store: PostgresEventStore) -> None:
        self.store = store

    async def load(self, conn: DbConnection, listing_id: str) -> tuple[Listing | None, int]:
        if not listing_id.startswith("listing-"):
            return None, 0  # another kind of stream: "not found", not a decoding error
        return await self.store.replay(conn, listing_id, listing_event_from_payload,
                                       replay_listing)

    async def id_of_product(self, conn: DbConnection, product_id: str) -> str | None:
        found: str | None = await conn.fetchval(
            "SELECT listing_id FROM listings WHERE product_id = $1", product_id)
        return found

    async def save(self, conn: DbConnection, before: Listing | None, version: int,
                   events: Sequence[ListingEvent], provenance: Provenance, today: date
                   ) -> Listing:
        state = before
        for e in events:
            state = evolve_listing(state, e)
        if state is None:
            raise ValueError("save needs at least one event for a new listing")
        new = new_events(self.store, [outgoing(e, listing_contract(e), today) for e in events],
                         state.cooperative_id, provenance)
        await self.store.write(conn, state.listing_id, version, new)
        try:
            await conn.execute(
                _UPSERT_LISTING, state.listing_id, state.cooperative_id, state.product_id,
                state.warehouse_id, state.status.value, state.title, state.description,
                json_dumps(list(state.photos)), state.origin_regency, state.origin_village,
                state.unit_label, state.unit_qty, state.price_idr, state.low_threshold,
                state.show_quantity, version + len(new), self.store.clock.now())
        except asyncpg.UniqueViolationError as exc:
            # Two first listings of one product raced past the service's check.
            raise ProductAlreadyListed("This product is already listed.") from exc
        return state


class PostgresStorefronts:
    """The ``Storefronts`` port (``inventory.application.ports``)."""

    def __init__(self, store: PostgresEventStore) -> None:
        self.store = store

    async def load(self, conn: DbConnection, cooperative_id: str
                   ) -> tuple[Storefront | None, int]:
        return await self.store.replay(conn, storefront_stream_id(cooperative_id),
                                       storefront_event_from_payload, replay_storefront)

    async def save(self, conn: DbConnection, before: Storefront | None, version: int,
                   events: Sequence[StorefrontEvent], provenance: Provenance, today: date
                   ) -> Storefront:
        state = before
        for e in events:
            state = evolve_storefront(state, e)
        if state is None:
            raise ValueError("save needs the profile event")
        new = new_events(self.store,
                         [outgoing(e, storefront_contract(e), today) for e in events],
                         state.cooperative_id, provenance)
        await self.store.write(conn, storefront_stream_id(state.cooperative_id), version, new)
        await conn.execute(_UPSERT_STOREFRONT, state.cooperative_id, state.story, state.region,
                           version + len(new))
        return state


class PostgresCatalogueImages:
    """The ``CatalogueImages`` port: the bytes in ``catalogue_images``."""

    def __init__(self, store: PostgresEventStore) -> None:
        self.store = store

    async def save(self, conn: DbConnection, image_id: str, cooperative_id: str,
                   media_type: str, body: bytes) -> str:
        await conn.execute(
            """INSERT INTO catalogue_images (image_id, cooperative_id, content_type, body,
                   sha256, uploaded_at) VALUES ($1, $2, $3, $4, $5, $6)""",
            image_id, cooperative_id, media_type, body, hashlib.sha256(body).hexdigest(),
            self.store.clock.now())
        return image_id
