"""Stored payloads turn back into the same events, whatever the events nest."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Mapping
from datetime import UTC, date, datetime
from enum import Enum, StrEnum
from typing import Any, Optional

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gotong_platform.codec import (
    UnknownEventType,
    dataclass_from_payload,
    event_from_payload,
    registry,
    registry_of,
)
from gotong_platform.domain import DomainEvent, event_payload

pytestmark = pytest.mark.unit


class Colour(StrEnum):
    RED = "red"
    GREEN = "green"


class Size(Enum):
    SMALL = 1
    LARGE = 2


@dataclasses.dataclass(frozen=True, kw_only=True)
class Line:
    product_id: str
    qty: int
    expiry_date: date | None = None
    colour: Colour


@dataclasses.dataclass(frozen=True, kw_only=True)
class Batch:
    label: str
    lines: tuple[Line, ...]


@dataclasses.dataclass(frozen=True, kw_only=True)
class ThingHappened(DomainEvent):
    event_type = "ThingHappened"
    schema_version = 1

    thing_id: str
    on: date
    at: datetime
    colour: Colour
    size: Size
    note: str | None
    legacy_note: Optional[str]  # noqa: UP045 - the typing spelling decodes too
    lines: tuple[Line, ...]
    batches: tuple[Batch, ...]
    main_line: Line | None
    pair: tuple[Colour, date]
    tags: tuple[str, ...]
    counts: Mapping[str, int]
    due: dict[str, date]
    flagged: bool
    retries: int = 0
    extras: tuple[str, ...] = dataclasses.field(default_factory=tuple)


@dataclasses.dataclass(frozen=True, kw_only=True)
class ThingUndone(DomainEvent):
    event_type = "ThingUndone"
    schema_version = 2

    thing_id: str
    on: date


THINGS = registry(ThingHappened, ThingUndone)


def stored(event: DomainEvent) -> dict[str, Any]:
    """The payload as it comes back from a JSON column."""
    loaded: dict[str, Any] = json.loads(json.dumps(event_payload(event)))
    return loaded


def happened(payload: Mapping[str, Any]) -> ThingHappened:
    event = event_from_payload(THINGS, "ThingHappened", payload)
    assert isinstance(event, ThingHappened)
    return event


def a_line(**changes: Any) -> Line:
    return dataclasses.replace(Line(product_id="p-1", qty=3, colour=Colour.RED), **changes)


def a_thing(**changes: Any) -> ThingHappened:
    event = ThingHappened(
        thing_id="t-1",
        on=date(2025, 2, 10),
        at=datetime(2025, 2, 10, 8, 30, tzinfo=UTC),
        colour=Colour.GREEN,
        size=Size.LARGE,
        note=None,
        legacy_note="kept",
        lines=(a_line(), a_line(qty=5, expiry_date=date(2025, 12, 31), colour=Colour.GREEN)),
        batches=(Batch(label="b", lines=(a_line(),)), Batch(label="empty", lines=())),
        main_line=a_line(expiry_date=date(2026, 1, 1)),
        pair=(Colour.RED, date(2024, 1, 1)),
        tags=("a", "b"),
        counts={"x": 1},
        due={"first": date(2025, 3, 1)},
        flagged=True,
        retries=2,
        extras=("e",),
    )
    return dataclasses.replace(event, **changes)


def test_an_event_survives_its_stored_payload() -> None:
    event = a_thing()

    decoded = happened(stored(event))

    assert decoded == event
    assert isinstance(decoded.on, date)
    assert decoded.at.tzinfo is not None
    assert decoded.colour is Colour.GREEN
    assert decoded.size is Size.LARGE
    assert isinstance(decoded.lines, tuple)
    assert all(isinstance(line, Line) for line in decoded.lines)
    assert decoded.lines[1].expiry_date == date(2025, 12, 31)
    assert isinstance(decoded.batches[0].lines, tuple)
    assert decoded.batches[0].lines[0].colour is Colour.RED
    assert decoded.pair == (Colour.RED, date(2024, 1, 1))
    assert decoded.due == {"first": date(2025, 3, 1)}


def test_a_payload_not_yet_encoded_as_json_is_rebuilt_too() -> None:
    event = a_thing()

    assert event_from_payload(THINGS, "ThingHappened", event_payload(event)) == event


def test_optional_fields_decode_none_and_values() -> None:
    event = a_thing(note="here", legacy_note=None, main_line=None)

    decoded = happened(stored(event))

    assert (decoded.note, decoded.legacy_note, decoded.main_line) == ("here", None, None)


def test_a_missing_field_with_a_default_takes_the_default() -> None:
    payload = stored(a_thing())
    for name in ("retries", "extras"):
        del payload[name]
    del payload["lines"][0]["expiry_date"]

    decoded = happened(payload)

    assert (decoded.retries, decoded.extras) == (0, ())
    assert decoded.lines[0].expiry_date is None


def test_a_missing_field_without_a_default_is_an_error() -> None:
    payload = stored(a_thing())
    del payload["flagged"]

    with pytest.raises(KeyError, match="flagged"):
        event_from_payload(THINGS, "ThingHappened", payload)


def test_fields_a_later_version_adds_are_ignored_at_every_level() -> None:
    event = a_thing()
    payload = stored(event) | {"added_in_a_later_release": 1}
    payload["lines"][0]["also_added"] = "x"
    payload["batches"][0]["lines"][0]["also_added"] = "y"

    assert event_from_payload(THINGS, "ThingHappened", payload) == event


@pytest.mark.parametrize(
    ("event_type", "version"),
    [("ThingTeleported", 1), ("ThingHappened", 2), ("ThingUndone", 1)],
)
def test_an_unknown_type_or_version_is_reported(event_type: str, version: int) -> None:
    with pytest.raises(UnknownEventType, match=f"unknown event '{event_type}' version {version}"):
        event_from_payload(THINGS, event_type, {}, schema_version=version)


def test_an_unknown_type_is_a_value_error() -> None:
    assert issubclass(UnknownEventType, ValueError)


def test_a_later_schema_version_is_found_at_its_version() -> None:
    event = ThingUndone(thing_id="t-1", on=date(2025, 1, 1))

    assert event_from_payload(THINGS, "ThingUndone", stored(event), schema_version=2) == event


def test_the_registry_names_each_class_by_its_type_and_is_read_only() -> None:
    assert dict(THINGS) == {"ThingHappened": ThingHappened, "ThingUndone": ThingUndone}
    with pytest.raises(TypeError):
        THINGS["Other"] = ThingUndone  # type: ignore[index]


def test_a_type_registered_twice_is_refused() -> None:
    with pytest.raises(ValueError, match="ThingUndone"):
        registry(ThingUndone, ThingHappened, ThingUndone)


def test_a_streams_union_of_event_types_is_its_registry() -> None:
    assert dict(registry_of(ThingHappened | ThingUndone)) == dict(THINGS)
    assert list(registry_of(ThingUndone | ThingHappened)) == ["ThingUndone", "ThingHappened"]
    assert dict(registry_of(ThingUndone)) == {"ThingUndone": ThingUndone}  # a one-event stream


def test_a_nested_record_is_rebuilt_on_its_own() -> None:
    line = a_line(expiry_date=date(2025, 6, 1))
    payload = {"product_id": "p-1", "qty": 3, "expiry_date": "2025-06-01", "colour": "red"}

    assert dataclass_from_payload(Line, payload) == line


def test_only_dataclasses_are_rebuilt() -> None:
    with pytest.raises(TypeError, match="not a dataclass"):
        dataclass_from_payload(int, {})


@dataclasses.dataclass(frozen=True, kw_only=True)
class Priced:
    qty: int
    price_idr: int
    total_idr: int = dataclasses.field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "total_idr", self.qty * self.price_idr)


def test_a_field_computed_after_init_is_computed_again_not_passed_in() -> None:
    priced = Priced(qty=2, price_idr=500)

    assert dataclass_from_payload(Priced, {"qty": 2, "price_idr": 500, "total_idr": 1000}) == priced


@dataclasses.dataclass(frozen=True, kw_only=True)
class Ambiguous:
    value: int | str | None


def test_a_union_of_more_than_one_type_is_not_guessed() -> None:
    with pytest.raises(TypeError, match="only"):
        dataclass_from_payload(Ambiguous, {"value": 1})


lines = st.builds(
    Line,
    product_id=st.text(max_size=5),
    qty=st.integers(-(10**12), 10**12),
    expiry_date=st.none() | st.dates(),
    colour=st.sampled_from(Colour),
)
things = st.builds(
    ThingHappened,
    thing_id=st.text(max_size=5),
    on=st.dates(),
    at=st.datetimes(timezones=st.just(UTC)),
    colour=st.sampled_from(Colour),
    size=st.sampled_from(Size),
    note=st.none() | st.text(max_size=5),
    legacy_note=st.none() | st.text(max_size=5),
    lines=st.lists(lines, max_size=3).map(tuple),
    batches=st.lists(
        st.builds(Batch, label=st.text(max_size=3), lines=st.lists(lines, max_size=2).map(tuple)),
        max_size=2,
    ).map(tuple),
    main_line=st.none() | lines,
    pair=st.tuples(st.sampled_from(Colour), st.dates()),
    tags=st.lists(st.text(max_size=3), max_size=3).map(tuple),
    counts=st.dictionaries(st.text(max_size=3), st.integers(-(10**12), 10**12), max_size=3),
    due=st.dictionaries(st.text(max_size=3), st.dates(), max_size=3),
    flagged=st.booleans(),
    retries=st.integers(0, 10),
    extras=st.lists(st.text(max_size=3), max_size=2).map(tuple),
)


@given(things)
def test_every_event_survives_its_stored_payload(event: ThingHappened) -> None:
    assert event_from_payload(THINGS, event.event_type, stored(event)) == event
