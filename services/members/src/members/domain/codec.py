"""Stored payload → domain event, so the application layer can load a stream.

The payload is what ``gotong_platform.domain.event_payload`` wrote; the decoding itself
is ``gotong_platform.codec`` (each field rebuilt from the event class's annotations,
unknown payload keys ignored, a missing field an error unless it has a default), so a
new event type needs only its place in its stream's union of event types, from which
the registries below are built.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from gotong_platform.codec import UnknownEventType, event_from_payload, registry_of
from members.domain.events import CooperativeEvent, MemberEvent

__all__ = [
    "COOPERATIVE_EVENTS",
    "MEMBER_EVENTS",
    "UnknownEventType",
    "cooperative_event_from_payload",
    "member_event_from_payload",
]

COOPERATIVE_EVENTS: Mapping[str, type[CooperativeEvent]] = registry_of(CooperativeEvent)

MEMBER_EVENTS: Mapping[str, type[MemberEvent]] = registry_of(MemberEvent)


def member_event_from_payload(
    event_type: str, payload: Mapping[str, Any], *, schema_version: int = 1
) -> MemberEvent:
    """Rebuild a member-stream event from its stored type name and JSON payload."""
    return event_from_payload(MEMBER_EVENTS, event_type, payload, schema_version=schema_version)


def cooperative_event_from_payload(
    event_type: str, payload: Mapping[str, Any], *, schema_version: int = 1
) -> CooperativeEvent:
    """Rebuild a cooperative-stream event from its stored type name and JSON payload."""
    return event_from_payload(
        COOPERATIVE_EVENTS, event_type, payload, schema_version=schema_version
    )
