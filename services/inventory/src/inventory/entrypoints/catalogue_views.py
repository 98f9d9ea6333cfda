"""A listing's query row as each audience sees it: the staff (the exact stock) and the
public (the band, the quantity only when the cooperative chose to show it).

Links are absolute (previews and feeds are read elsewhere), made from the catalogue's
public origin (``GOTONG_INVENTORY_PUBLIC_URL``, else the request's).
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request

from inventory.domain import Availability, availability_of

__all__ = [
    "SCHEMA_AVAILABILITY",
    "absolute",
    "catalogue_path",
    "listing_path",
    "origin_of",
    "public_listing",
    "staff_listing",
]

SCHEMA_AVAILABILITY = {Availability.IN_STOCK: "https://schema.org/InStock",
                       Availability.LOW: "https://schema.org/LimitedAvailability",
                       Availability.OUT: "https://schema.org/OutOfStock"}


def origin_of(request: Request) -> str:
    configured: str | None = getattr(request.app.state, "public_url", None)
    return (configured or str(request.base_url)).rstrip("/")


def absolute(origin: str, path_or_url: str) -> str:
    return path_or_url if path_or_url.startswith("https://") else origin + path_or_url


def catalogue_path(cooperative_id: str) -> str:
    return f"/katalog/{cooperative_id}"


def listing_path(cooperative_id: str, listing_id: str) -> str:
    return f"/katalog/{cooperative_id}/produk/{listing_id}"


def _band(row: dict[str, Any]) -> tuple[Availability, int]:
    return availability_of(row["on_hand"], row["unit_qty"], row["low_threshold"])


def _common(row: dict[str, Any]) -> dict[str, Any]:
    return {"listing_id": row["listing_id"], "title": row["title"],
            "description": row["description"],
            "origin": {"regency": row["origin_regency"], "village": row["origin_village"]}}


def staff_listing(row: dict[str, Any], origin: str) -> dict[str, Any]:
    band, units = _band(row)
    return {**_common(row), **{k: row[k] for k in (
        "cooperative_id", "product_id", "warehouse_id", "status", "photos", "price_idr",
        "low_threshold", "show_quantity")},
        "unit": {"label": row["unit_label"], "qty": row["unit_qty"]},
        "availability": band.value, "units_in_stock": units,
        "public_url": origin + listing_path(row["cooperative_id"], row["listing_id"])}


def public_listing(row: dict[str, Any], origin: str) -> dict[str, Any]:
    """What anyone may read: never the stock count unless ``show_quantity``."""
    band, units = _band(row)
    return {**_common(row), "photos": [absolute(origin, p) for p in row["photos"]],
            "offer": {"price_idr": row["price_idr"], "currency": "IDR",
                      "unit": row["unit_label"], "availability": band.value,
                      "units_in_stock": units if row["show_quantity"] else None},
            "url": origin + listing_path(row["cooperative_id"], row["listing_id"])}
