"""Domain events of the catalogue: warehouses and products, facts in the past tense.

Two streams: ``warehouse-<uuid>`` and ``product-<uuid>``; the id fields hold the stream
id itself. Every event names its cooperative (the tenant). Stock and sale events live
in ``stock_events`` and ``sale_events``.
"""

from __future__ import annotations

import dataclasses
from datetime import date

from gotong_platform.domain import DomainEvent
from inventory.domain.values import (
    BaseUnit,
    LotTracking,
    PriceList,
    ProductCategory,
    WarehouseKind,
)

__all__ = [
    "ProductDefined",
    "ProductEvent",
    "ProductPriceSet",
    "WarehouseEvent",
    "WarehouseRegistered",
]


@dataclasses.dataclass(frozen=True, kw_only=True)
class WarehouseRegistered(DomainEvent):
    """A place that holds stock (gudang, cold storage, gerai) was registered."""

    event_type = "WarehouseRegistered"
    schema_version = 1

    warehouse_id: str
    cooperative_id: str
    name: str
    kind: WarehouseKind
    capacity_kg: int | None


@dataclasses.dataclass(frozen=True, kw_only=True)
class ProductDefined(DomainEvent):
    """A product entered the cooperative's catalogue.

    ``sku`` is unique within the cooperative; the application checks that, since this
    stream sees one product only.
    """

    event_type = "ProductDefined"
    schema_version = 1

    product_id: str
    cooperative_id: str
    sku: str
    name: str
    category: ProductCategory
    base_unit: BaseUnit
    lot_tracking: LotTracking
    shelf_life_days: int | None


@dataclasses.dataclass(frozen=True, kw_only=True)
class ProductPriceSet(DomainEvent):
    """A price list got ``price_idr`` per ``per_qty`` base units from ``effective_from``."""

    event_type = "ProductPriceSet"
    schema_version = 1

    product_id: str
    cooperative_id: str
    price_list: PriceList
    price_idr: int
    per_qty: int
    effective_from: date


WarehouseEvent = WarehouseRegistered

ProductEvent = ProductDefined | ProductPriceSet
