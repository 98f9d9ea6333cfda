"""Base types for the pure domain layer of every service.

Nothing here does I/O. Domain errors name the broken rule; the HTTP edge maps
their *kind* (the base class) to a status code, so the domain never knows HTTP.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable
from datetime import date, datetime
from typing import Any, ClassVar, TypeVar

__all__ = [
    "ConcurrencyConflict",
    "DomainError",
    "DomainEvent",
    "InvalidInput",
    "NotFound",
    "RuleViolated",
    "event_payload",
    "replay",
]


class DomainError(Exception):
    """A command was refused. ``code`` is a stable slug clients may switch on."""

    code: ClassVar[str] = "domain-error"

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


class InvalidInput(DomainError):
    """The command itself is malformed or breaks a rule on its own values (HTTP 422)."""

    code = "invalid-input"


class RuleViolated(DomainError):
    """The command is well formed but the current state forbids it (HTTP 409)."""

    code = "rule-violated"


class NotFound(DomainError):
    """The thing the command names does not exist (HTTP 404)."""

    code = "not-found"


class ConcurrencyConflict(DomainError):
    """Another writer appended to the stream first (HTTP 409); the client may retry."""

    code = "concurrency-conflict"


@dataclasses.dataclass(frozen=True, kw_only=True)
class DomainEvent:
    """Base of every domain event: a frozen dataclass named in the past tense.

    Subclasses set ``event_type`` and ``schema_version``. The payload stored in
    the event store is ``event_payload(event)``; the envelope (ids, times, actor,
    trace) is added by the application layer, not here.
    """

    event_type: ClassVar[str]
    schema_version: ClassVar[int] = 1


def _jsonable(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):  # nested records
        return {f.name: _jsonable(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, tuple | list):
        return [_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if hasattr(value, "value") and not isinstance(value, int | str):  # enums
        return value.value
    return value


_FIELD_NAMES: dict[type, tuple[str, ...]] = {}


def event_payload(event: DomainEvent) -> dict[str, Any]:
    """The JSON-ready payload of a domain event (dates as ISO strings, enums as values).

    Every command encodes its events, so plain fields (text, numbers, str/int enums,
    which stay themselves, dates) skip the general recursive encoder, and the field
    names are read once per class: ``dataclasses.fields`` and ``_jsonable`` per field
    were most of the encoding's cost.
    """
    cls = type(event)
    names = _FIELD_NAMES.get(cls)
    if names is None:
        names = _FIELD_NAMES[cls] = tuple(f.name for f in dataclasses.fields(event))
    payload: dict[str, Any] = {}
    for name in names:
        value = getattr(event, name)
        if value is None or isinstance(value, str | int):
            payload[name] = value
        elif type(value) is date or type(value) is datetime:
            payload[name] = value.isoformat()
        else:  # nested records, tuples, other enums
            payload[name] = _jsonable(value)
    return payload


_State = TypeVar("_State")
_Event = TypeVar("_Event")


def replay(evolve: Callable[[_State | None, _Event], _State], events: Iterable[_Event],
           state: _State | None = None) -> _State | None:
    """Fold ``events`` over ``state`` with ``evolve``: an aggregate rebuilt from its stream
    (None for an empty stream). Every service's ``replay_*`` is this with its ``evolve``."""
    for event in events:
        state = evolve(state, event)
    return state
