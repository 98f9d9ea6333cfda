"""From domain events to stored events: the envelope every payments event gets.

One quirk: the domain names a loan application ``LoanApplicationSubmitted`` but the
published contract calls it ``LoanApplied``, and the relay publishes an event under
its stored type. It is stored under the contract's name, and loading translates
back, so partners find the contract and the domain keeps its name.
"""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import Mapping
from datetime import date, datetime
from types import MappingProxyType
from typing import Any

from gotong_platform.commands import CommandMeta
from gotong_platform.domain import DomainEvent
from gotong_platform.eventstore import NewEvent
from gotong_platform.ids import uuid7

__all__ = ["Origin", "domain_type", "new_event", "stored_type"]

_STORED_AS: Mapping[str, str] = MappingProxyType(
    {"LoanApplicationSubmitted": "LoanApplied"})
_DOMAIN_TYPE: Mapping[str, str] = MappingProxyType({v: k for k, v in _STORED_AS.items()})


@dataclasses.dataclass(frozen=True, slots=True)
class Origin:
    """What caused the events: a command (``meta``), maybe a consumed event, and when.

    ``occurred_at`` is the device's clock for offline facts; None means now.
    """

    meta: CommandMeta
    causation_id: uuid.UUID | None = None
    occurred_at: datetime | None = None


def new_event(
    event: DomainEvent, payload: dict[str, Any], public: dict[str, Any] | None, *,
    cooperative_id: str, business_date: date, origin: Origin, now: datetime,
) -> NewEvent:
    """The stored event; ``now`` (the store's clock) is its ``occurred_at`` unless the
    origin brings the device's."""
    meta = origin.meta
    return NewEvent(
        event_id=uuid7(), event_type=stored_type(event.event_type),
        schema_version=event.schema_version, payload=payload, public_payload=public,
        cooperative_id=cooperative_id,
        occurred_at=origin.occurred_at or now, business_date=business_date,
        correlation_id=meta.correlation_id, causation_id=origin.causation_id,
        command_id=meta.command_id, actor=meta.actor, traceparent=meta.traceparent,
        tracestate=meta.tracestate,
    )


def stored_type(event_type: str) -> str:
    """The name a domain event is stored (and published) under."""
    return _STORED_AS.get(event_type, event_type)


def domain_type(stored: str) -> str:
    """The domain's name of an event stored under ``stored``."""
    return _DOMAIN_TYPE.get(stored, stored)
