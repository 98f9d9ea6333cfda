"""Payments' events carry money as integers and name whom they concern.

The rules every service's domain keeps (pure imports, stable error codes, no float) are
checked for all of them in tests/architecture/test_service_shape.py.
"""

from __future__ import annotations

import dataclasses
import typing

import pytest

from gotong_platform.domain import DomainEvent
from payments.domain.codec import LOAN_EVENTS, SALE_EVENTS, SAVINGS_EVENTS

pytestmark = pytest.mark.unit

EVENTS: list[type[DomainEvent]] = [
    *SAVINGS_EVENTS.values(),
    *LOAN_EVENTS.values(),
    *SALE_EVENTS.values(),
]


def test_every_money_field_is_an_integer_of_rupiah_and_every_rate_basis_points() -> None:
    for cls in EVENTS:
        hints = typing.get_type_hints(cls)
        for field in dataclasses.fields(cls):
            if field.name.endswith(("_idr", "_bp", "_bp_per_month")):
                assert hints[field.name] in (int, int | None), (cls.__name__, field.name)


@pytest.mark.parametrize("cls", [c for c in EVENTS if not c.__name__.startswith("Sale")])
def test_every_account_and_loan_event_names_its_cooperative_stream_and_member(
    cls: type[DomainEvent],
) -> None:
    fields = {f.name for f in dataclasses.fields(cls)}
    stream = "account_id" if cls in SAVINGS_EVENTS.values() else "loan_id"
    assert {"cooperative_id", stream, "member_id"} <= fields
