"""Stored payloads turn back into the same events (what loading a stream relies on)."""

from __future__ import annotations

import dataclasses
import json
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from payments_builders import a_loan, a_repayment

from gotong_platform.domain import DomainEvent, _jsonable
from payments.domain import (
    LOAN_EVENTS,
    SALE_EVENTS,
    SAVINGS_EVENTS,
    LoanEvent,
    SaleEvent,
    SavingsEvent,
    UnknownEventType,
    event_to_payload,
    loan_event_from_payload,
    receive_repayment,
    sale_event_from_payload,
    savings_event_from_payload,
)

pytestmark = pytest.mark.unit

savings_events = st.one_of(*(st.builds(cls) for cls in SAVINGS_EVENTS.values()))
loan_events = st.one_of(*(st.builds(cls) for cls in LOAN_EVENTS.values()))
sale_events = st.one_of(*(st.builds(cls) for cls in SALE_EVENTS.values()))
REGISTRIES = (SAVINGS_EVENTS, LOAN_EVENTS, SALE_EVENTS)


def stored(event: DomainEvent) -> dict[str, Any]:
    """The payload as it comes back from a JSON column."""
    loaded: dict[str, Any] = json.loads(json.dumps(event_to_payload(event)))
    return loaded


@given(savings_events)
def test_every_savings_event_survives_its_stored_payload(event: SavingsEvent) -> None:
    assert savings_event_from_payload(event.event_type, stored(event)) == event


@given(loan_events)
def test_every_loan_event_survives_its_stored_payload(event: LoanEvent) -> None:
    assert loan_event_from_payload(event.event_type, stored(event)) == event


@given(sale_events)
def test_every_sale_event_survives_its_stored_payload(event: SaleEvent) -> None:
    assert sale_event_from_payload(event.event_type, stored(event)) == event


def test_nested_records_are_stored_as_objects() -> None:
    events = receive_repayment(a_loan(), a_repayment(118_000))
    payload = stored(events[0])

    assert payload["allocations"] == [
        {"n": 1, "penalty_idr": 0, "interest_idr": 18_000, "principal_idr": 100_000}
    ]
    assert payload["paid_on"] == "2025-02-10"
    assert payload["channel"] == "cash"


def test_the_registries_name_each_event_by_its_type_at_version_1() -> None:
    names: list[str] = []
    for registry in REGISTRIES:
        for event_type, cls in registry.items():
            assert (cls.event_type, cls.schema_version) == (event_type, 1)
            names.append(event_type)
    assert len(names) == len(set(names))


def test_fields_a_later_version_adds_are_ignored() -> None:
    (event,) = receive_repayment(a_loan(), a_repayment(118_000))
    payload = stored(event) | {"added_in_a_later_release": 1}

    assert loan_event_from_payload(event.event_type, payload) == event


@pytest.mark.parametrize(
    ("event_type", "version"), [("LoanDisbursed", 2), ("LoanEaten", 1), ("SavingsDeposited", 1)]
)
def test_an_unknown_type_or_version_is_refused(event_type: str, version: int) -> None:
    with pytest.raises(UnknownEventType):
        loan_event_from_payload(event_type, {}, schema_version=version)


@given(st.one_of(savings_events, loan_events, sale_events))
def test_every_event_is_stored_as_the_general_encoder_would(event: DomainEvent) -> None:
    general = {f.name: _jsonable(getattr(event, f.name)) for f in dataclasses.fields(event)}
    assert event_to_payload(event) == general
