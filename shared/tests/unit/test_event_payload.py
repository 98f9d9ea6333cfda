"""The payload encoder's shortcut for plain fields gives what the general encoder gives."""

from __future__ import annotations

import dataclasses
import enum
from datetime import UTC, date, datetime
from typing import ClassVar

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gotong_platform.domain import DomainEvent, _jsonable, event_payload

pytestmark = pytest.mark.unit


class Channel(enum.StrEnum):
    CASH = "cash"
    TRANSFER = "transfer"


class Grade(enum.Enum):  # not a str or int enum: encoded as its value
    A = 1
    B = 2


@dataclasses.dataclass(frozen=True)
class Line:
    n: int
    on: date


@dataclasses.dataclass(frozen=True)
class SomethingHappened(DomainEvent):
    event_type: ClassVar[str] = "SomethingHappened"
    text: str
    amount_idr: int
    ok: bool
    channel: Channel
    grade: Grade
    on: date
    at: datetime
    note: str | None
    lines: tuple[Line, ...]


events = st.builds(
    SomethingHappened, text=st.text(), amount_idr=st.integers(), ok=st.booleans(),
    channel=st.sampled_from(Channel), grade=st.sampled_from(Grade), on=st.dates(),
    at=st.datetimes(timezones=st.just(UTC)), note=st.none() | st.text(),
    lines=st.lists(st.builds(Line, n=st.integers(), on=st.dates())).map(tuple))


@given(events)
def test_the_payload_equals_the_general_encoding_of_every_field(event: SomethingHappened) -> None:
    general = {f.name: _jsonable(getattr(event, f.name)) for f in dataclasses.fields(event)}
    payload = event_payload(event)
    assert payload == general
    assert list(payload) == list(general)  # the same key order, so the same stored JSON
    assert payload["grade"] == event.grade.value
    assert payload["lines"] == [{"n": ln.n, "on": ln.on.isoformat()} for ln in event.lines]
