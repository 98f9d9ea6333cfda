"""Stored payloads turn back into the same events (what loading a stream relies on)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from members_builders import a_cooperative, apply

from gotong_platform.domain import DomainEvent, event_payload
from members.domain import (
    COOPERATIVE_EVENTS,
    MEMBER_EVENTS,
    CooperativeEvent,
    MemberEvent,
    UnknownEventType,
    cooperative_event_from_payload,
    member_event_from_payload,
)

pytestmark = pytest.mark.unit

member_events = st.one_of(*(st.builds(cls) for cls in MEMBER_EVENTS.values()))
cooperative_events = st.one_of(*(st.builds(cls) for cls in COOPERATIVE_EVENTS.values()))


def stored(event: DomainEvent) -> dict[str, Any]:
    """The payload as it comes back from a JSON column."""
    loaded: dict[str, Any] = json.loads(json.dumps(event_payload(event)))
    return loaded


@given(member_events)
def test_every_member_event_survives_its_stored_payload(event: MemberEvent) -> None:
    assert member_event_from_payload(event.event_type, stored(event)) == event


@given(cooperative_events)
def test_every_cooperative_event_survives_its_stored_payload(event: CooperativeEvent) -> None:
    assert cooperative_event_from_payload(event.event_type, stored(event)) == event


def test_the_registries_name_each_event_by_its_type_at_version_1() -> None:
    for registry in (MEMBER_EVENTS, COOPERATIVE_EVENTS):
        for event_type, cls in registry.items():
            assert (cls.event_type, cls.schema_version) == (event_type, 1)
    assert not MEMBER_EVENTS.keys() & COOPERATIVE_EVENTS.keys()


def test_fields_a_later_version_adds_are_ignored() -> None:
    (event,) = apply(a_cooperative())
    payload = stored(event) | {"added_in_a_later_release": 1}

    assert member_event_from_payload(event.event_type, payload) == event


def test_a_payload_not_yet_encoded_as_json_is_rebuilt_too() -> None:
    (event,) = apply(a_cooperative())

    assert member_event_from_payload(event.event_type, event_payload(event)) == event


@pytest.mark.parametrize(
    ("event_type", "version"),
    [("MemberPromoted", 1), ("MemberAdmitted", 2), ("CooperativeRegistered", 1)],
)
def test_an_unknown_type_or_version_is_reported(event_type: str, version: int) -> None:
    with pytest.raises(UnknownEventType):
        member_event_from_payload(event_type, {}, schema_version=version)
