"""Stored JSON payload → frozen-dataclass domain event: the one decoder every service uses.

The payload is what ``gotong_platform.domain.event_payload`` (the one encoder) wrote:
dates as ISO strings, enums as their values, nested dataclasses as objects, tuples as
lists. Each field is rebuilt from the class's own type hints, so a new event type needs
only its entry in a registry (``registry(...)``, or ``registry_of`` a stream's union of
event types, so that the union is the one list of them). Unknown payload keys are ignored
(consumers ignore fields a later release adds); a missing field is an error unless the
class gives it a default. A payload not yet encoded as JSON (values still dates, enums
or dataclasses) is rebuilt too.

Pure: standard library only, no I/O, so the domain layers may use it.
"""

from __future__ import annotations

import dataclasses
import enum
import functools
import types
import typing
from collections.abc import Mapping
from datetime import date, datetime
from typing import Any, TypeVar

from gotong_platform.domain import DomainEvent

__all__ = [
    "UnknownEventType",
    "dataclass_from_payload",
    "event_from_payload",
    "registry",
    "registry_of",
]

_E = TypeVar("_E", bound=DomainEvent)
_T = TypeVar("_T")


class UnknownEventType(ValueError):
    """The stream holds an event type or schema version this code does not know."""


def registry(*classes: type[_E]) -> Mapping[str, type[_E]]:
    """A read-only map from each class's ``event_type`` to the class."""
    by_type: dict[str, type[_E]] = {}
    for cls in classes:
        if cls.event_type in by_type:
            raise ValueError(f"event type {cls.event_type!r} registered twice")
        by_type[cls.event_type] = cls
    return types.MappingProxyType(by_type)


def registry_of(events: Any) -> Mapping[str, type[Any]]:
    """The registry of a stream's event type ``events``: a union ``A | B | ...`` of event
    classes (or one class). Every class of the union, by its ``event_type``."""
    return registry(*(typing.get_args(events) or (events,)))


def event_from_payload(
    registry: Mapping[str, type[_E]],
    event_type: str,
    payload: Mapping[str, Any],
    *,
    schema_version: int = 1,
) -> _E:
    """Rebuild the event ``registry`` names ``event_type`` from its stored payload.

    Raises ``UnknownEventType`` if the registry does not hold the type, or holds it at
    another schema version.
    """
    cls = registry.get(event_type)
    if cls is None or cls.schema_version != schema_version:
        raise UnknownEventType(f"unknown event {event_type!r} version {schema_version}")
    return dataclass_from_payload(cls, payload)


def dataclass_from_payload(cls: type[_T], payload: Mapping[str, Any]) -> _T:
    """An instance of the dataclass ``cls`` (an event or a record it nests) from its payload."""
    plain_cls: type = cls  # a ``type[_T]`` is not ``Hashable`` to mypy, a ``type`` is
    values = {
        name: _decode(hint, payload[name])
        for name, hint, has_default in _init_fields(plain_cls)
        if name in payload or not has_default
    }
    return cls(**values)


@functools.cache
def _init_fields(cls: type) -> tuple[tuple[str, Any, bool], ...]:
    """(name, resolved type hint, has a default) of each ``__init__`` field of ``cls``."""
    if not dataclasses.is_dataclass(cls):
        raise TypeError(f"{cls!r} is not a dataclass")
    hints = typing.get_type_hints(cls)
    return tuple(
        (
            field.name,
            hints[field.name],
            field.default is not dataclasses.MISSING
            or field.default_factory is not dataclasses.MISSING,
        )
        for field in dataclasses.fields(cls)
        if field.init
    )


def _decode(annotation: Any, value: Any) -> Any:
    """``value`` as read from JSON, turned back into the type ``annotation`` names."""
    if value is None:
        return None
    origin = typing.get_origin(annotation)
    if origin is types.UnionType or origin is typing.Union:
        inner = [arg for arg in typing.get_args(annotation) if arg is not type(None)]
        if len(inner) != 1:
            raise TypeError(f"cannot decode {annotation}: only ``X | None`` unions are supported")
        return _decode(inner[0], value)
    if origin is tuple:
        args = typing.get_args(annotation)
        if len(args) == 2 and args[1] is Ellipsis:  # ``tuple[X, ...]``
            return tuple(_decode(args[0], item) for item in value)
        return tuple(_decode(arg, item) for arg, item in zip(args, value, strict=True))
    if origin is dict or origin is Mapping:  # ``dict[K, V]``, ``Mapping[K, V]``
        key_type, value_type = typing.get_args(annotation)
        return {_decode(key_type, k): _decode(value_type, v) for k, v in value.items()}
    if annotation is datetime:
        return value if isinstance(value, datetime) else datetime.fromisoformat(value)
    if annotation is date:
        return value if isinstance(value, date) else date.fromisoformat(value)
    if isinstance(annotation, type) and issubclass(annotation, enum.Enum):
        return annotation(value)
    if isinstance(annotation, type) and dataclasses.is_dataclass(annotation):
        return value if isinstance(value, annotation) else dataclass_from_payload(annotation, value)
    return value
