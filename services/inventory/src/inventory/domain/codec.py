"""Domain event ↔ stored JSON payload, so the application layer can save and load streams.

``event_to_payload`` is ``gotong_platform.domain.event_payload``, which writes the line
objects inventory events carry (``StockLine``, ``CountLine``, ``SaleLine``,
``SalePayment``) as objects, dates as ISO strings and enums as their values. The
``*_from_payload`` functions are ``gotong_platform.codec``: each field is rebuilt from
the event class's own annotations, so a new event type needs only its place in
its stream's union of event types (the registries below are built from the unions).
Unknown payload keys are ignored (consumers ignore fields added later); a missing field
is an error unless the class gives it a default.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from gotong_platform.codec import UnknownEventType, event_from_payload, registry_of
from gotong_platform.domain import event_payload as event_to_payload
from inventory.domain.events import ProductEvent, WarehouseEvent
from inventory.domain.listing_events import ListingEvent, StorefrontEvent
from inventory.domain.order_events import OrderEvent
from inventory.domain.sale_events import SaleEvent
from inventory.domain.stock_events import StockEvent

__all__ = [
    "LISTING_EVENTS",
    "ORDER_EVENTS",
    "PRODUCT_EVENTS",
    "SALE_EVENTS",
    "STOCK_EVENTS",
    "STOREFRONT_EVENTS",
    "WAREHOUSE_EVENTS",
    "UnknownEventType",
    "event_to_payload",
    "listing_event_from_payload",
    "order_event_from_payload",
    "product_event_from_payload",
    "sale_event_from_payload",
    "stock_event_from_payload",
    "storefront_event_from_payload",
    "warehouse_event_from_payload",
]

WAREHOUSE_EVENTS: Mapping[str, type[WarehouseEvent]] = registry_of(WarehouseEvent)

PRODUCT_EVENTS: Mapping[str, type[ProductEvent]] = registry_of(ProductEvent)

STOCK_EVENTS: Mapping[str, type[StockEvent]] = registry_of(StockEvent)

SALE_EVENTS: Mapping[str, type[SaleEvent]] = registry_of(SaleEvent)

LISTING_EVENTS: Mapping[str, type[ListingEvent]] = registry_of(ListingEvent)

STOREFRONT_EVENTS: Mapping[str, type[StorefrontEvent]] = registry_of(StorefrontEvent)
ORDER_EVENTS: Mapping[str, type[OrderEvent]] = registry_of(OrderEvent)


def warehouse_event_from_payload(
    event_type: str, payload: Mapping[str, Any], *, schema_version: int = 1
) -> WarehouseEvent:
    """Rebuild a warehouse-stream event from its stored type name and JSON payload."""
    return event_from_payload(WAREHOUSE_EVENTS, event_type, payload, schema_version=schema_version)


def product_event_from_payload(
    event_type: str, payload: Mapping[str, Any], *, schema_version: int = 1
) -> ProductEvent:
    """Rebuild a product-stream event from its stored type name and JSON payload."""
    return event_from_payload(PRODUCT_EVENTS, event_type, payload, schema_version=schema_version)


def stock_event_from_payload(
    event_type: str, payload: Mapping[str, Any], *, schema_version: int = 1
) -> StockEvent:
    """Rebuild a stock-ledger event from its stored type name and JSON payload."""
    return event_from_payload(STOCK_EVENTS, event_type, payload, schema_version=schema_version)


def sale_event_from_payload(
    event_type: str, payload: Mapping[str, Any], *, schema_version: int = 1
) -> SaleEvent:
    """Rebuild a sale-stream event from its stored type name and JSON payload."""
    return event_from_payload(SALE_EVENTS, event_type, payload, schema_version=schema_version)


def listing_event_from_payload(
    event_type: str, payload: Mapping[str, Any], *, schema_version: int = 1
) -> ListingEvent:
    """Rebuild a listing-stream event from its stored type name and JSON payload."""
    return event_from_payload(LISTING_EVENTS, event_type, payload, schema_version=schema_version)


def storefront_event_from_payload(
    event_type: str, payload: Mapping[str, Any], *, schema_version: int = 1
) -> StorefrontEvent:
    """Rebuild a storefront-stream event from its stored type name and JSON payload."""
    return event_from_payload(STOREFRONT_EVENTS, event_type, payload,
                              schema_version=schema_version)
def order_event_from_payload(
    event_type: str, payload: Mapping[str, Any], *, schema_version: int = 1
) -> OrderEvent:
    """Rebuild an order-stream event from its stored type name and JSON payload."""
    return event_from_payload(ORDER_EVENTS, event_type, payload, schema_version=schema_version)
