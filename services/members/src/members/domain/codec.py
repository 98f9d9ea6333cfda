"""Stored payload → domain event, so the application layer can load a stream.

The payload is what ``gotong_platform.domain.event_payload`` wrote: dates as ISO
strings, enums as their values. Each field is rebuilt from the event class's own
annotations, so a new event type needs only its entry in the registry below.
Unknown payload keys are ignored (consumers ignore fields added later); a missing
field is an error unless the class gives it a default.
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
from members.domain.events import (
    CooperativeEvent,
    CooperativeJoinedFederation,
    CooperativeLeftFederation,
    CooperativeRegistered,
    MemberAdmitted,
    MemberApplicationRejected,
    MemberApplied,
    MemberEvent,
    MemberExited,
    MemberReinstated,
    MemberSuspended,
)

__all__ = [
    "COOPERATIVE_EVENTS",
    "MEMBER_EVENTS",
    "UnknownEventType",
    "cooperative_event_from_payload",
    "member_event_from_payload",
]

_E = TypeVar("_E", bound=DomainEvent)


class UnknownEventType(ValueError):
    """The stream holds an event type or schema version this code does not know."""


def _registry(*classes: type[_E]) -> Mapping[str, type[_E]]:
    return types.MappingProxyType({cls.event_type: cls for cls in classes})


COOPERATIVE_EVENTS: Mapping[str, type[CooperativeEvent]] = _registry(
    CooperativeRegistered, CooperativeJoinedFederation, CooperativeLeftFederation
)

MEMBER_EVENTS: Mapping[str, type[MemberEvent]] = _registry(
    MemberApplied,
    MemberAdmitted,
    MemberApplicationRejected,
    MemberSuspended,
    MemberReinstated,
    MemberExited,
)


def member_event_from_payload(
    event_type: str, payload: Mapping[str, Any], *, schema_version: int = 1
) -> MemberEvent:
    """Rebuild a member-stream event from its stored type name and JSON payload."""
    return _rebuild(_lookup(MEMBER_EVENTS, event_type, schema_version), payload)


def cooperative_event_from_payload(
    event_type: str, payload: Mapping[str, Any], *, schema_version: int = 1
) -> CooperativeEvent:
    """Rebuild a cooperative-stream event from its stored type name and JSON payload."""
    return _rebuild(_lookup(COOPERATIVE_EVENTS, event_type, schema_version), payload)


def _lookup(registry: Mapping[str, type[_E]], event_type: str, schema_version: int) -> type[_E]:
    cls = registry.get(event_type)
    if cls is None or cls.schema_version != schema_version:
        raise UnknownEventType(f"unknown event {event_type!r} version {schema_version}")
    return cls


def _rebuild(cls: type[_E], payload: Mapping[str, Any]) -> _E:
    hints = typing.get_type_hints(cls)
    values = {
        field.name: _decode(hints[field.name], payload[field.name])
        for field in dataclasses.fields(cls)
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
    if annotation is date:
        return value if isinstance(value, date) else date.fromisoformat(value)
    if isinstance(annotation, type) and issubclass(annotation, enum.Enum):
        return annotation(value)
    return value
