"""Where events come from: the command's metadata, and the stored event it becomes.

Every service records events the same way: a use case decides domain events, and the
repository turns each into a ``NewEvent`` with ``new_event``, copying who sent the
command and within which flow (``CommandMeta``), what caused it (a consumed event, for
a reaction) and when it happened (the device's clock for an offline fact, otherwise
the store's clock). One name, ``Provenance``, for all of that, in every service.
"""

from __future__ import annotations

import dataclasses
import uuid
from datetime import date, datetime
from typing import Any

from gotong_platform.domain import DomainEvent
from gotong_platform.eventstore import NewEvent
from gotong_platform.ids import uuid7
from gotong_platform.telemetry.tracing import current_trace_headers

__all__ = ["CommandMeta", "Provenance", "new_event"]


@dataclasses.dataclass(frozen=True, slots=True)
class CommandMeta:
    """Who sent the command and within which flow: copied onto every event it makes."""

    actor: str
    command_id: str
    correlation_id: uuid.UUID
    traceparent: str | None
    tracestate: str | None

    @classmethod
    def current(cls, *, actor: str, command_id: str, correlation: str | None) -> CommandMeta:
        """The meta of a command handled now: the current trace, the caller's correlation
        id when it is a UUID (a new one otherwise)."""
        traceparent, tracestate = current_trace_headers()
        try:
            correlation_id = uuid.UUID(correlation) if correlation else uuid7()
        except ValueError:
            correlation_id = uuid7()
        return cls(actor=actor, command_id=command_id, correlation_id=correlation_id,
                   traceparent=traceparent, tracestate=tracestate)


@dataclasses.dataclass(frozen=True, slots=True)
class Provenance:
    """Where the events of one command, offline fact or reaction come from.

    ``occurred_at`` is the device's clock for a fact recorded offline; None means "when
    the server records it" (the store's clock). ``causation_id`` is the consumed event a
    reaction answers.
    """

    meta: CommandMeta
    causation_id: uuid.UUID | None = None
    occurred_at: datetime | None = None


def new_event(
    event: DomainEvent, payload: dict[str, Any], public: dict[str, Any] | None, *,
    cooperative_id: str, business_date: date, provenance: Provenance, now: datetime,
    event_type: str | None = None,
) -> NewEvent:
    """The stored event of ``event``: its internal ``payload``, its published ``public``
    payload (None: not published) and the provenance's metadata. ``now`` (the store's
    clock) is its ``occurred_at`` unless the provenance brings the device's;
    ``event_type`` overrides the name it is stored and published under."""
    meta = provenance.meta
    return NewEvent(
        event_id=uuid7(), event_type=event_type or event.event_type,
        schema_version=event.schema_version, payload=payload, public_payload=public,
        cooperative_id=cooperative_id, occurred_at=provenance.occurred_at or now,
        business_date=business_date, correlation_id=meta.correlation_id,
        causation_id=provenance.causation_id, command_id=meta.command_id, actor=meta.actor,
        traceparent=meta.traceparent, tracestate=meta.tracestate,
    )
