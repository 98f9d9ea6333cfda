"""API models of the public catalogue: the staff's listings and storefront, and the
catalogue as anyone reads it (``/public/...``). Bounds are the domain's; the API
refuses what is far beyond them before the domain names the rule."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, Field

from inventory.entrypoints.schemas import Id, _In

Units = Annotated[int, Field(strict=True, ge=0, le=1_000_000)]
AvailabilityOut = Literal["in_stock", "low", "out"]


class Origin(_In):
    regency: str = Field(max_length=200, examples=["Sumba Timur"])
    village: str | None = Field(default=None, max_length=200, examples=["Lambanapu"])


class SaleUnit(_In):
    label: str = Field(max_length=60, examples=["lembar"],
                       description="what a buyer orders one of: kg, lembar, bungkus 250 g")
    qty: int = Field(strict=True, description="base units of the product in one sale unit",
                     examples=[1])


class ListingRevisionIn(_In):
    warehouse_id: Id = Field(description="the stock online buyers are served from")
    title: str = Field(max_length=300, examples=["Kain tenun ikat Sumba motif kuda"])
    description: str = Field(max_length=10_000)
    photos: list[Annotated[str, Field(max_length=1000)]] = Field(
        max_length=20, examples=[["/gambar/image-0190f3c2-0000-7000-8000-000000000000"]])
    origin: Origin
    unit: SaleUnit
    price_idr: int = Field(strict=True, description="for outside buyers, per sale unit",
                           examples=[1_500_000])
    low_threshold: int = Field(default=0, strict=True,
                               description="at or below this many units: 'low'")
    show_quantity: bool = Field(default=False,
                                description="show buyers how many units are in stock")


class ListingIn(ListingRevisionIn):
    product_id: Id


class ListingOut(BaseModel):
    """A listing as its cooperative's staff see it (the exact stock included)."""

    listing_id: str
    cooperative_id: str
    product_id: str
    warehouse_id: str
    status: Literal["published", "withdrawn"]
    title: str
    description: str
    photos: list[str]
    origin: Origin
    unit: SaleUnit
    price_idr: int
    low_threshold: int
    show_quantity: bool
    availability: AvailabilityOut
    units_in_stock: int
    public_url: str


class StorefrontIn(_In):
    story: str = Field(max_length=4000)
    region: str = Field(max_length=240, examples=["Sumba Timur, Nusa Tenggara Timur"])


class StorefrontOut(BaseModel):
    cooperative_id: str
    name: str
    story: str | None
    region: str | None
    public_url: str


class ImageOut(BaseModel):
    image_id: str
    path: str = Field(description="put it in a listing's photos", examples=[
        "/gambar/image-0190f3c2-0000-7000-8000-000000000000"])
    content_type: str


class PublicOffer(BaseModel):
    price_idr: int
    currency: Literal["IDR"] = "IDR"
    unit: str
    availability: AvailabilityOut
    units_in_stock: int | None = Field(description="only when the cooperative shows it")


class PublicListing(BaseModel):
    listing_id: str
    title: str
    description: str
    photos: list[str] = Field(description="absolute URLs")
    origin: Origin
    offer: PublicOffer
    url: str


class PublicCatalogue(BaseModel):
    cooperative_id: str
    name: str
    story: str | None
    region: str | None
    url: str
    listings: list[PublicListing]
