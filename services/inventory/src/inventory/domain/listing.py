"""The public catalogue as deciders: a listing per product offered outside the
cooperative, the cooperative's storefront profile, and the availability band a buyer sees.

A buyer sees "in stock", "low" or "out", never the quantity unless the cooperative
chooses (``show_quantity``): a shelf count tells competitors and middlemen too much.
The band is decided here from the stock the listing's warehouse holds, in sale units.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable
from enum import StrEnum
from typing import assert_never

from gotong_platform.domain import replay
from inventory.domain import checks
from inventory.domain.errors import (
    EventSequenceError,
    InvalidListingPhoto,
    InvalidListingUnit,
    InvalidLowThreshold,
    ListingAlreadyWithdrawn,
    ListingNotFound,
    ListingPhotoRequired,
    ListingPriceOutOfRange,
)
from inventory.domain.listing_events import (
    ListingEvent,
    ListingPublished,
    ListingWithdrawn,
    StorefrontEvent,
    StorefrontProfileSet,
)

__all__ = [
    "DESCRIPTION_MAX",
    "MAX_LISTING_PRICE_IDR",
    "MAX_PHOTOS",
    "Availability",
    "Listing",
    "ListingStatus",
    "PublishListing",
    "SetStorefrontProfile",
    "Storefront",
    "availability_of",
    "evolve_listing",
    "evolve_storefront",
    "publish_listing",
    "replay_listing",
    "replay_storefront",
    "set_storefront_profile",
    "storefront_stream_id",
    "withdraw_listing",
]

TITLE_MAX = 150  # Google Merchant's and Meta's title limit
DESCRIPTION_MAX = 5000  # their description limit
PLACE_MAX = 100
UNIT_LABEL_MAX = 30
STORY_MAX = 2000
REGION_MAX = 120
MAX_PHOTOS = 6
PHOTO_URL_MAX = 500
MAX_UNIT_QTY = 1_000_000_000
MAX_LOW_THRESHOLD = 1_000_000
# The price lists' limit (docs/money.md): at most Rp 1 miliar per pricing unit.
MAX_LISTING_PRICE_IDR = 1_000_000_000
# A photo is a public https URL, or an image this service keeps (``/gambar/<id>``).
_PHOTO = re.compile(r"(https://[^\s<>\"'\\]+|/gambar/image-[0-9a-f-]{36})")


class ListingStatus(StrEnum):
    PUBLISHED = "published"
    WITHDRAWN = "withdrawn"


class Availability(StrEnum):
    """What a buyer sees (schema.org InStock, LimitedAvailability, OutOfStock)."""

    IN_STOCK = "in_stock"
    LOW = "low"
    OUT = "out"


@dataclasses.dataclass(frozen=True, kw_only=True)
class PublishListing:
    """Publish (or revise and publish again) a listing, as the staff typed it."""

    cooperative_id: str
    product_id: str
    warehouse_id: str
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
class SetStorefrontProfile:
    cooperative_id: str
    story: str
    region: str


@dataclasses.dataclass(frozen=True, kw_only=True)
class Listing:
    listing_id: str
    cooperative_id: str
    product_id: str
    warehouse_id: str
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
    status: ListingStatus


@dataclasses.dataclass(frozen=True, kw_only=True)
class Storefront:
    cooperative_id: str
    story: str
    region: str


def storefront_stream_id(cooperative_id: str) -> str:
    """One storefront per cooperative, so its stream is named after the cooperative."""
    return f"storefront-{cooperative_id}"


def availability_of(on_hand: int, unit_qty: int, low_threshold: int) -> tuple[Availability, int]:
    """The band and the whole sale units in stock (a part unit cannot be sold online)."""
    units = max(on_hand, 0) // unit_qty
    if units == 0:
        return Availability.OUT, 0
    if units <= low_threshold:
        return Availability.LOW, units
    return Availability.IN_STOCK, units


def publish_listing(state: Listing | None, command: PublishListing, *, listing_id: str
                    ) -> list[ListingEvent]:
    """A new listing under ``listing_id``, or the listing ``state`` revised (a withdrawn
    one is put back). The product and warehouse belong to the cooperative: the caller
    checked; a product is listed once, the caller checks that too."""
    if state is not None and state.product_id != command.product_id:
        raise ListingNotFound("This listing offers another product.")
    return [ListingPublished(
        listing_id=listing_id, cooperative_id=command.cooperative_id,
        product_id=command.product_id, warehouse_id=command.warehouse_id,
        title=checks.required_text(command.title, what="The title", max_length=TITLE_MAX),
        description=checks.required_text(command.description, what="The description",
                                         max_length=DESCRIPTION_MAX),
        photos=_photos(command.photos),
        origin_regency=checks.required_text(command.origin_regency, what="The regency of origin",
                                            max_length=PLACE_MAX),
        origin_village=checks.optional_text(command.origin_village,
                                            what="The village of origin", max_length=PLACE_MAX),
        unit_label=checks.required_text(command.unit_label, what="The unit",
                                        max_length=UNIT_LABEL_MAX),
        unit_qty=_unit_qty(command.unit_qty), price_idr=_price(command.price_idr),
        low_threshold=_low_threshold(command.low_threshold),
        show_quantity=command.show_quantity)]


def _photos(photos: tuple[str, ...]) -> tuple[str, ...]:
    cleaned = tuple(p.strip() for p in photos)
    if not cleaned:
        raise ListingPhotoRequired("A listing needs at least one photo (link previews and "
                                   "product feeds show one).")
    if len(cleaned) > MAX_PHOTOS:
        raise InvalidListingPhoto(f"A listing has at most {MAX_PHOTOS} photos; "
                                  f"it has {len(cleaned)}.")
    for photo in cleaned:
        if len(photo) > PHOTO_URL_MAX or not _PHOTO.fullmatch(photo):
            raise InvalidListingPhoto(
                f"A photo is an https:// link of at most {PHOTO_URL_MAX} characters or an "
                f"image uploaded to the catalogue (/gambar/...); {photo[:60]!r} is neither.")
    return cleaned


def _unit_qty(qty: int) -> int:
    if not 0 < qty <= MAX_UNIT_QTY:
        raise InvalidListingUnit(f"A sale unit holds 1 to {MAX_UNIT_QTY} of the product's "
                                 f"base unit; it holds {qty}.")
    return qty


def _price(price_idr: int) -> int:
    if not 0 < price_idr <= MAX_LISTING_PRICE_IDR:
        raise ListingPriceOutOfRange(f"The price for buyers is Rp 1 to Rp 1.000.000.000 per "
                                     f"unit; it is Rp {price_idr}.")
    return price_idr


def _low_threshold(units: int) -> int:
    if not 0 <= units <= MAX_LOW_THRESHOLD:
        raise InvalidLowThreshold(f"The low-stock threshold is 0 to {MAX_LOW_THRESHOLD} "
                                  f"units; it is {units}.")
    return units


def withdraw_listing(state: Listing | None) -> list[ListingEvent]:
    listing = _existing(state)
    if listing.status is ListingStatus.WITHDRAWN:
        raise ListingAlreadyWithdrawn("This listing is already withdrawn from the catalogue.")
    return [ListingWithdrawn(listing_id=listing.listing_id,
                             cooperative_id=listing.cooperative_id)]


def _existing(state: Listing | None) -> Listing:
    if state is None:
        raise ListingNotFound("No listing is published under this id.")
    return state


def set_storefront_profile(state: Storefront | None, command: SetStorefrontProfile
                           ) -> list[StorefrontEvent]:
    """The profile as typed; setting the same text again is a harmless repeat."""
    story = checks.required_text(command.story, what="The story", max_length=STORY_MAX)
    region = checks.required_text(command.region, what="The region", max_length=REGION_MAX)
    return [StorefrontProfileSet(cooperative_id=command.cooperative_id, story=story,
                                 region=region)]


def evolve_listing(state: Listing | None, event: ListingEvent) -> Listing:
    match event:
        case ListingPublished():
            fields = {f.name: getattr(event, f.name) for f in dataclasses.fields(event)
                      if f.name in _LISTING_FIELDS}
            return Listing(**fields, status=ListingStatus.PUBLISHED)
        case ListingWithdrawn():
            if state is None:
                raise EventSequenceError("ListingWithdrawn before ListingPublished")
            return dataclasses.replace(state, status=ListingStatus.WITHDRAWN)
        case _:
            assert_never(event)


_LISTING_FIELDS = frozenset(f.name for f in dataclasses.fields(Listing)) - {"status"}


def evolve_storefront(state: Storefront | None, event: StorefrontEvent) -> Storefront:
    return Storefront(cooperative_id=event.cooperative_id, story=event.story,
                      region=event.region)


def replay_listing(events: Iterable[ListingEvent]) -> Listing | None:
    return replay(evolve_listing, events)


def replay_storefront(events: Iterable[StorefrontEvent]) -> Storefront | None:
    return replay(evolve_storefront, events)
