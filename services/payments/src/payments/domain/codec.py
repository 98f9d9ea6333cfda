"""Domain event ↔ stored payload, so the application layer can store and load streams.

``event_to_payload`` is ``gotong_platform.domain.event_payload``: dates as ISO strings,
enums as their values and nested records (schedule instalments, allocations, sale
tenders) as JSON objects (plain fields take the platform encoder's shortcut).

The ``*_from_payload`` functions are ``gotong_platform.codec``: each field is rebuilt
from the event class's own annotations, so a new event type needs only its place in
its stream's union of event types (the registries below are built from the unions).
Unknown payload keys are ignored (consumers ignore fields added later); a missing field
is an error unless the class gives it a default.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from gotong_platform.codec import UnknownEventType, event_from_payload, registry_of
from gotong_platform.domain import DomainEvent, event_payload
from payments.domain.loan_events import LoanEvent
from payments.domain.sales import SaleEvent
from payments.domain.savings_events import SavingsEvent

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

SAVINGS_EVENTS: Mapping[str, type[SavingsEvent]] = registry_of(SavingsEvent)

LOAN_EVENTS: Mapping[str, type[LoanEvent]] = registry_of(LoanEvent)

SALE_EVENTS: Mapping[str, type[SaleEvent]] = registry_of(SaleEvent)


def event_to_payload(event: DomainEvent) -> dict[str, Any]:
    """The JSON-ready payload of a domain event: ``gotong_platform.domain.event_payload``."""
    return event_payload(event)


def savings_event_from_payload(
    event_type: str, payload: Mapping[str, Any], *, schema_version: int = 1
) -> SavingsEvent:
    """Rebuild a savings-account event from its stored type name and JSON payload."""
    return event_from_payload(SAVINGS_EVENTS, event_type, payload, schema_version=schema_version)


def loan_event_from_payload(
    event_type: str, payload: Mapping[str, Any], *, schema_version: int = 1
) -> LoanEvent:
    """Rebuild a loan event from its stored type name and JSON payload."""
    return event_from_payload(LOAN_EVENTS, event_type, payload, schema_version=schema_version)


def sale_event_from_payload(
    event_type: str, payload: Mapping[str, Any], *, schema_version: int = 1
) -> SaleEvent:
    """Rebuild a sale-payment event from its stored type name and JSON payload."""
    return event_from_payload(SALE_EVENTS, event_type, payload, schema_version=schema_version)
