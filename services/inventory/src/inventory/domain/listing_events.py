"""Domain events of the public catalogue: listings and the cooperative's storefront.

A listing (``listing-<uuid>``) is one product of the cooperative offered to buyers
outside it; a storefront (``storefront-<cooperative_id>``) is the cooperative's public
profile. ``ListingPublished`` carries the whole listing as shown, so a revision is the
same event again and a consumer never merges partial changes.
"""

from __future__ import annotations

import dataclasses

from gotong_platform.domain import DomainEvent

__all__ = [
    "ListingEvent",
    "ListingPublished",
    "ListingWithdrawn",
    "StorefrontEvent",
    "StorefrontProfileSet",
]


@dataclasses.dataclass(frozen=True, kw_only=True)
class ListingPublished(DomainEvent):
    """A product was put in the public catalogue, or its listing revised (or put back).

    ``price_idr`` is the price for outside buyers per sale unit of ``unit_qty`` base
    units (e.g. Rp 95.000 per "kg" of 1000 g); ``low_threshold`` is in sale units.
    """

    event_type = "ListingPublished"
    schema_version = 1

    listing_id: str
    cooperative_id: str
    product_id: str
    warehouse_id: str  # the stock online buyers are served from
    title: str
    description: str
    photos: tuple[str, ...]
    origin_regency: str
    origin_village: str | None
    unit_label: str
    unit_qty: int
    price_idr: int
    low_threshold: int
    show_quantity: bool


@dataclasses.dataclass(frozen=True, kw_only=True)
class ListingWithdrawn(DomainEvent):
    """The listing left the public catalogue (its page answers 410, feeds drop it)."""

    event_type = "ListingWithdrawn"
    schema_version = 1

    listing_id: str
    cooperative_id: str


@dataclasses.dataclass(frozen=True, kw_only=True)
class StorefrontProfileSet(DomainEvent):
    """The cooperative's public profile: its story and the region it names."""

    event_type = "StorefrontProfileSet"
    schema_version = 1

    cooperative_id: str
    story: str
    region: str


ListingEvent = ListingPublished | ListingWithdrawn

StorefrontEvent = StorefrontProfileSet
