"""Domain event ↔ stored payload, so the application layer can store and load streams.

``event_to_payload`` writes dates as ISO strings, enums as their values and nested
records (schedule instalments, allocations, sale tenders) as JSON objects; for an
event without nested records it gives exactly what ``gotong_platform.domain.event_payload``
gives. Use it for payments events: ``event_payload`` does not descend into nested
records.

The ``*_from_payload`` functions rebuild each field from the event class's own
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
from payments.domain.loan_events import (
    LoanApplicationSubmitted,
    LoanApproved,
    LoanClosed,
    LoanDisbursed,
    LoanEvent,
    LoanOverpaid,
    LoanPenaltyCharged,
    LoanRejected,
    LoanRepaid,
    LoanRepaymentReceived,
    LoanRestructured,
    LoanWrittenOff,
)
from payments.domain.sales import SaleEvent, SalePaymentRecorded, SalePaymentRefused
from payments.domain.savings_events import (
    SavingsAccountOpened,
    SavingsDeposited,
    SavingsEvent,
    SavingsRefunded,
    SavingsWithdrawn,
    WajibBilled,
)

__all__ = [
    "LOAN_EVENTS",
    "SALE_EVENTS",
    "SAVINGS_EVENTS",
    "UnknownEventType",
    "event_to_payload",
    "loan_event_from_payload",
    "sale_event_from_payload",
    "savings_event_from_payload",
]

_E = TypeVar("_E", bound=DomainEvent)
_T = TypeVar("_T")


class UnknownEventType(ValueError):
    """The stream holds an event type or schema version this code does not know."""


def _registry(*classes: type[_E]) -> Mapping[str, type[_E]]:
    return types.MappingProxyType({cls.event_type: cls for cls in classes})


SAVINGS_EVENTS: Mapping[str, type[SavingsEvent]] = _registry(
    SavingsAccountOpened, SavingsDeposited, SavingsWithdrawn, WajibBilled, SavingsRefunded
)

LOAN_EVENTS: Mapping[str, type[LoanEvent]] = _registry(
    LoanApplicationSubmitted,
    LoanApproved,
    LoanRejected,
    LoanDisbursed,
    LoanPenaltyCharged,
    LoanRepaymentReceived,
    LoanOverpaid,
    LoanRepaid,
    LoanRestructured,
    LoanWrittenOff,
    LoanClosed,
)

SALE_EVENTS: Mapping[str, type[SaleEvent]] = _registry(SalePaymentRecorded, SalePaymentRefused)


def event_to_payload(event: DomainEvent) -> dict[str, Any]:
    """The JSON-ready payload of a payments event."""
    return {f.name: _plain(getattr(event, f.name)) for f in dataclasses.fields(event)}


def savings_event_from_payload(
    event_type: str, payload: Mapping[str, Any], *, schema_version: int = 1
) -> SavingsEvent:
    """Rebuild a savings-account event from its stored type name and JSON payload."""
    return _rebuild(_lookup(SAVINGS_EVENTS, event_type, schema_version), payload)


def loan_event_from_payload(
    event_type: str, payload: Mapping[str, Any], *, schema_version: int = 1
) -> LoanEvent:
    """Rebuild a loan event from its stored type name and JSON payload."""
    return _rebuild(_lookup(LOAN_EVENTS, event_type, schema_version), payload)


def sale_event_from_payload(
    event_type: str, payload: Mapping[str, Any], *, schema_version: int = 1
) -> SaleEvent:
    """Rebuild a sale-payment event from its stored type name and JSON payload."""
    return _rebuild(_lookup(SALE_EVENTS, event_type, schema_version), payload)


def _lookup(registry: Mapping[str, type[_E]], event_type: str, schema_version: int) -> type[_E]:
    cls = registry.get(event_type)
    if cls is None or cls.schema_version != schema_version:
        raise UnknownEventType(f"unknown event {event_type!r} version {schema_version}")
    return cls


def _plain(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, tuple | list):
        return [_plain(item) for item in value]
    return value


def _rebuild(cls: type[_T], payload: Mapping[str, Any]) -> _T:
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
    if typing.get_origin(annotation) is tuple:  # ``tuple[X, ...]``
        item_type = typing.get_args(annotation)[0]
        return tuple(_decode(item_type, item) for item in value)
    if annotation is date:
        return value if isinstance(value, date) else date.fromisoformat(value)
    if isinstance(annotation, type) and issubclass(annotation, enum.Enum):
        return annotation(value)
    if isinstance(annotation, type) and dataclasses.is_dataclass(annotation):
        return value if isinstance(value, annotation) else _rebuild(annotation, value)
    return value
