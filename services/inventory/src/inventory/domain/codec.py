"""Domain event ↔ stored JSON payload, so the application layer can save and load streams.

``event_to_payload`` is ``gotong_platform.domain.event_payload`` extended to the line
objects inventory events carry (``StockLine``, ``CountLine``, ``SaleLine``,
``SalePayment``): nested dataclasses become objects, dates ISO strings, enums their
values. The ``*_from_payload`` functions rebuild each field from the event class's own
annotations, so a new event type needs only its entry in a registry below. Unknown
payload keys are ignored (consumers ignore fields added later); a missing field is an
error unless the class gives it a default.
"""

from __future__ import annotations

import dataclasses
import enum
import types
import typing
from collections.abc import Mapping
from datetime import date
from typing import Any, TypeVar

from gotong_platform.domain import DomainEvent
from inventory.domain.events import (
    ProductDefined,
    ProductEvent,
    ProductPriceSet,
    WarehouseEvent,
    WarehouseRegistered,
)
from inventory.domain.sale_events import SaleCompleted, SaleEvent, SaleRecorded, SaleVoided
from inventory.domain.stock_events import (
    GoodsReceived,
    ProduceReceivedFromMember,
    StockAdjusted,
    StockCounted,
    StockEvent,
    StockIssued,
    StockReturned,
    StockTransferredIn,
    StockTransferredOut,
)

__all__ = [
    "PRODUCT_EVENTS",
    "SALE_EVENTS",
    "STOCK_EVENTS",
    "WAREHOUSE_EVENTS",
    "UnknownEventType",
    "event_to_payload",
    "product_event_from_payload",
    "sale_event_from_payload",
    "stock_event_from_payload",
    "warehouse_event_from_payload",
]

_E = TypeVar("_E", bound=DomainEvent)
_T = TypeVar("_T")


class UnknownEventType(ValueError):
    """The stream holds an event type or schema version this code does not know."""


def _registry(*classes: type[_E]) -> Mapping[str, type[_E]]:
    return types.MappingProxyType({cls.event_type: cls for cls in classes})


WAREHOUSE_EVENTS: Mapping[str, type[WarehouseEvent]] = _registry(WarehouseRegistered)

PRODUCT_EVENTS: Mapping[str, type[ProductEvent]] = _registry(ProductDefined, ProductPriceSet)

STOCK_EVENTS: Mapping[str, type[StockEvent]] = _registry(
    GoodsReceived,
    ProduceReceivedFromMember,
    StockIssued,
    StockReturned,
    StockAdjusted,
    StockCounted,
    StockTransferredOut,
    StockTransferredIn,
)

SALE_EVENTS: Mapping[str, type[SaleEvent]] = _registry(SaleRecorded, SaleCompleted, SaleVoided)


def event_to_payload(event: DomainEvent) -> dict[str, Any]:
    """The JSON-ready payload of an inventory event (nested lines as objects)."""
    return {f.name: _jsonable(getattr(event, f.name)) for f in dataclasses.fields(event)}


def _jsonable(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _jsonable(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, tuple | list):
        return [_jsonable(item) for item in value]
    return value


def warehouse_event_from_payload(
    event_type: str, payload: Mapping[str, Any], *, schema_version: int = 1
) -> WarehouseEvent:
    """Rebuild a warehouse-stream event from its stored type name and JSON payload."""
    return _rebuild(_lookup(WAREHOUSE_EVENTS, event_type, schema_version), payload)


def product_event_from_payload(
    event_type: str, payload: Mapping[str, Any], *, schema_version: int = 1
) -> ProductEvent:
    """Rebuild a product-stream event from its stored type name and JSON payload."""
    return _rebuild(_lookup(PRODUCT_EVENTS, event_type, schema_version), payload)


def stock_event_from_payload(
    event_type: str, payload: Mapping[str, Any], *, schema_version: int = 1
) -> StockEvent:
    """Rebuild a stock-ledger event from its stored type name and JSON payload."""
    return _rebuild(_lookup(STOCK_EVENTS, event_type, schema_version), payload)


def sale_event_from_payload(
    event_type: str, payload: Mapping[str, Any], *, schema_version: int = 1
) -> SaleEvent:
    """Rebuild a sale-stream event from its stored type name and JSON payload."""
    return _rebuild(_lookup(SALE_EVENTS, event_type, schema_version), payload)


def _lookup(registry: Mapping[str, type[_E]], event_type: str, schema_version: int) -> type[_E]:
    cls = registry.get(event_type)
    if cls is None or cls.schema_version != schema_version:
        raise UnknownEventType(f"unknown event {event_type!r} version {schema_version}")
    return cls


def _rebuild(cls: type[_T], payload: Mapping[str, Any]) -> _T:
    """An event or a line object from its payload, field by field from its annotations."""
    hints = typing.get_type_hints(cls)
    values = {
        field.name: _decode(hints[field.name], payload[field.name])
        for field in dataclasses.fields(cls)  # type: ignore[arg-type]
        if field.name in payload or not _has_default(field)
    }
    return cls(**values)


def _has_default(field: dataclasses.Field[Any]) -> bool:
    return (
        field.default is not dataclasses.MISSING or field.default_factory is not dataclasses.MISSING
    )


def _decode(annotation: Any, value: Any) -> Any:
    if value is None:
        return None
    if isinstance(annotation, types.UnionType):  # only ``X | None`` occurs in events
        (inner,) = (arg for arg in typing.get_args(annotation) if arg is not type(None))
        return _decode(inner, value)
    if typing.get_origin(annotation) is tuple:  # ``tuple[Line, ...]``
        (item, _) = typing.get_args(annotation)
        return tuple(_decode(item, entry) for entry in value)
    if isinstance(annotation, type) and dataclasses.is_dataclass(annotation):
        return value if isinstance(value, annotation) else _rebuild(annotation, value)
    if annotation is date:
        return value if isinstance(value, date) else date.fromisoformat(value)
    if isinstance(annotation, type) and issubclass(annotation, enum.Enum):
        return annotation(value)
    return value
