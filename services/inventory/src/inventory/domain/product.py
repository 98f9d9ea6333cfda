"""A product of the cooperative's catalogue and its price lists, as a decider.

Quantities of a product are integers in its base unit (g, pcs, ml). Prices are per
pricing unit (``price_idr`` per ``per_qty`` base units, see ``pricing``) and take
effect from a date, so a receipt or sale is priced by the list in force on its
business date.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable
from datetime import date
from typing import assert_never

from gotong_platform.domain import replay
from inventory.domain import checks
from inventory.domain.commands import DefineProduct, SetPrice
from inventory.domain.errors import (
    EventSequenceError,
    InvalidShelfLife,
    InvalidSku,
    PriceBackdated,
    PriceNotPositive,
    PricingQtyNotPositive,
    ProductAlreadyDefined,
    ProductNotFound,
)
from inventory.domain.events import ProductDefined, ProductEvent, ProductPriceSet
from inventory.domain.pricing import Price, latest_price
from inventory.domain.values import BaseUnit, LotTracking, PriceList, ProductCategory

__all__ = [
    "Product",
    "define_product",
    "evolve_product",
    "replay_product",
    "set_price",
]

NAME_MAX = 200
SKU_MAX = 40
_SKU = re.compile(r"[A-Za-z0-9._-]+")


@dataclasses.dataclass(frozen=True, kw_only=True)
class Product:
    product_id: str
    cooperative_id: str
    sku: str
    name: str
    category: ProductCategory
    base_unit: BaseUnit
    lot_tracking: LotTracking
    shelf_life_days: int | None
    prices: tuple[Price, ...] = ()  # in the order they were set

    def price_on(self, price_list: PriceList, day: date) -> Price | None:
        """The price in force on ``day``: the latest ``effective_from`` not after it."""
        return latest_price(self.prices, price_list, day)


def define_product(
    state: Product | None, command: DefineProduct, *, product_id: str
) -> list[ProductEvent]:
    """Add a product to the catalogue under ``product_id`` (the stream id).

    The SKU's uniqueness within the cooperative is the caller's to ensure: this stream
    sees one product only.
    """
    if state is not None:
        raise ProductAlreadyDefined("A product is already defined under this id.")
    sku = checks.required_text(command.sku, what="The SKU", max_length=SKU_MAX)
    if not _SKU.fullmatch(sku):
        raise InvalidSku(f"The SKU {sku!r} may hold only letters, digits, '.', '-' and '_'.")
    name = checks.required_text(command.name, what="The product name", max_length=NAME_MAX)
    _check_shelf_life(command.shelf_life_days, command.lot_tracking)
    return [
        ProductDefined(
            product_id=product_id,
            cooperative_id=command.cooperative_id,
            sku=sku,
            name=name,
            category=command.category,
            base_unit=command.base_unit,
            lot_tracking=command.lot_tracking,
            shelf_life_days=command.shelf_life_days,
        )
    ]


def _check_shelf_life(days: int | None, tracking: LotTracking) -> None:
    if days is None:
        return
    if days <= 0:
        raise InvalidShelfLife(f"The shelf life must be at least 1 day; it is {days}.")
    if tracking is not LotTracking.LOT_EXPIRY:
        raise InvalidShelfLife(
            "A shelf life needs lots with expiry dates; track the product by lot and expiry."
        )


def set_price(state: Product | None, command: SetPrice, *, today: date) -> list[ProductEvent]:
    """Put a price on one of the product's price lists from ``effective_from`` on.

    A price may start today or later. It may start earlier only while the list has
    no price yet (a catalogue set up after the shop opened, or offline sales uploaded
    for days before): once a list was used, sales and receipts of past days were
    priced with it, and ``price_on`` must keep answering so.
    """
    product = _existing(state)
    if command.price_idr <= 0:
        raise PriceNotPositive(f"The price must be above Rp 0; it is Rp {command.price_idr}.")
    checks.amount(command.price_idr, what="The price")
    if command.per_qty <= 0:
        raise PricingQtyNotPositive(
            f"The price must be for a quantity above 0 {product.base_unit}; "
            f"it is for {command.per_qty}."
        )
    if command.effective_from < today and product.price_on(command.price_list,
                                                           date.max) is not None:
        raise PriceBackdated(
            f"The price cannot take effect on {command.effective_from.isoformat()}, before "
            f"today's business date ({today.isoformat()})."
        )
    return [
        ProductPriceSet(
            product_id=product.product_id,
            cooperative_id=product.cooperative_id,
            price_list=command.price_list,
            price_idr=command.price_idr,
            per_qty=command.per_qty,
            effective_from=command.effective_from,
        )
    ]


def _existing(state: Product | None) -> Product:
    if state is None:
        raise ProductNotFound("No product is defined under this id.")
    return state


def evolve_product(state: Product | None, event: ProductEvent) -> Product:
    """The state after ``event``. Events are facts: nothing is checked but the stream order."""
    if isinstance(event, ProductDefined):
        if state is not None:
            raise EventSequenceError("ProductDefined in an existing stream")
        return Product(
            product_id=event.product_id,
            cooperative_id=event.cooperative_id,
            sku=event.sku,
            name=event.name,
            category=event.category,
            base_unit=event.base_unit,
            lot_tracking=event.lot_tracking,
            shelf_life_days=event.shelf_life_days,
        )
    if state is None:
        raise EventSequenceError(f"{event.event_type} before ProductDefined")
    match event:
        case ProductPriceSet():
            price = Price(
                price_list=event.price_list,
                price_idr=event.price_idr,
                per_qty=event.per_qty,
                effective_from=event.effective_from,
            )
            return dataclasses.replace(state, prices=(*state.prices, price))
        case _:
            assert_never(event)


def replay_product(events: Iterable[ProductEvent]) -> Product | None:
    """Fold a stream into its state; ``None`` for an empty stream."""
    return replay(evolve_product, events)
