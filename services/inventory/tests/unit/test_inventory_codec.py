"""Stored payloads turn back into the same events (what loading a stream relies on)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from inventory_builders import TODAY, a_ledger, a_product, issued, received

from gotong_platform.domain import DomainEvent
from inventory.domain import (
    PRODUCT_EVENTS,
    SALE_EVENTS,
    STOCK_EVENTS,
    WAREHOUSE_EVENTS,
    StockIssued,
    UnknownEventType,
    event_to_payload,
    product_event_from_payload,
    sale_event_from_payload,
    stock_event_from_payload,
    warehouse_event_from_payload,
)

pytestmark = pytest.mark.unit

DECODERS = [
    (WAREHOUSE_EVENTS, warehouse_event_from_payload),
    (PRODUCT_EVENTS, product_event_from_payload),
    (STOCK_EVENTS, stock_event_from_payload),
    (SALE_EVENTS, sale_event_from_payload),
]
events = st.one_of(*(st.builds(cls) for registry, _ in DECODERS for cls in registry.values()))


def stored(event: DomainEvent) -> dict[str, Any]:
    """The payload as it comes back from a JSON column."""
    loaded: dict[str, Any] = json.loads(json.dumps(event_to_payload(event)))
    return loaded


def decode(event_type: str, payload: dict[str, Any], version: int = 1) -> DomainEvent:
    for registry, decoder in DECODERS:
        if event_type in registry:
            return decoder(event_type, payload, schema_version=version)
    raise AssertionError(f"no registry holds {event_type}")


@given(events)
def test_every_event_survives_its_stored_payload(event: DomainEvent) -> None:
    assert decode(event.event_type, stored(event)) == event


def test_lines_are_stored_as_objects() -> None:
    product = a_product()
    (event,), _ = issued(received(a_ledger(product), product, 10, 100), product, 4)
    assert isinstance(event, StockIssued)

    payload = stored(event)

    assert payload["lines"] == [{"lot_id": None, "qty": 4, "cost_idr": 40, "expiry_date": None}]
    assert payload["business_date"] == TODAY.isoformat()
    assert stock_event_from_payload("StockIssued", event_to_payload(event)) == event


def test_the_registries_name_each_event_by_its_type_at_version_1() -> None:
    seen: set[str] = set()
    for registry, _ in DECODERS:
        for event_type, cls in registry.items():
            assert (cls.event_type, cls.schema_version) == (event_type, 1)
        assert not seen & registry.keys()
        seen |= registry.keys()


def test_fields_a_later_version_adds_are_ignored() -> None:
    product = a_product()
    (event,), _ = issued(received(a_ledger(product), product, 10, 100), product, 4)
    payload = stored(event) | {"added_in_a_later_release": 1}

    assert stock_event_from_payload(event.event_type, payload) == event


@pytest.mark.parametrize(
    ("event_type", "version"), [("StockTeleported", 1), ("StockIssued", 2), ("SaleRecorded", 1)]
)
def test_an_unknown_type_or_version_is_reported(event_type: str, version: int) -> None:
    with pytest.raises(UnknownEventType):
        stock_event_from_payload(event_type, {}, schema_version=version)
