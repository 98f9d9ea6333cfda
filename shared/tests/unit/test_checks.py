"""The checks every service's commands share: cleaned values, or the error naming the rule."""

from __future__ import annotations

from datetime import date

import pytest

from gotong_platform.checks import (
    AmountTooLarge,
    DateOutOfOrder,
    RequiredFieldMissing,
    TextTooLong,
    at_most_one_fact,
    not_before,
    optional_text,
    required_text,
)
from gotong_platform.domain import InvalidInput, RuleViolated
from gotong_platform.money import MAX_AMOUNT_IDR

pytestmark = pytest.mark.unit


def test_required_text_is_stripped_and_refused_when_blank() -> None:
    assert required_text("  Siti  ", what="The name", max_length=4) == "Siti"
    with pytest.raises(RequiredFieldMissing, match=r"^The name is required\.$"):
        required_text(" \t", what="The name", max_length=4)


def test_required_text_is_held_to_its_length_only_when_one_is_given() -> None:
    with pytest.raises(TextTooLong, match="at most 3 characters; it has 4"):
        required_text(" Siti ", what="The name", max_length=3)
    assert required_text("x" * 10_000, what="The reason") == "x" * 10_000


def test_optional_text_makes_blank_none_and_keeps_the_length_limit() -> None:
    assert optional_text(None, what="The note", max_length=3) is None
    assert optional_text("   ", what="The note", max_length=3) is None
    assert optional_text(" ok ", what="The note", max_length=3) == "ok"
    with pytest.raises(TextTooLong):
        optional_text("four", what="The note", max_length=3)


def test_not_before_refuses_only_an_earlier_day() -> None:
    approved = date(2026, 3, 10)
    assert not_before(approved, approved, what="The disbursement", earlier_step="the approval")
    with pytest.raises(DateOutOfOrder, match=r"\(2026-03-09\) is before the approval"):
        not_before(date(2026, 3, 9), approved, what="The disbursement",
                   earlier_step="the approval")


def test_at_most_one_fact_stops_at_the_platform_limit() -> None:
    assert at_most_one_fact(MAX_AMOUNT_IDR, what="The price") == MAX_AMOUNT_IDR
    with pytest.raises(AmountTooLarge, match=f"at most Rp {MAX_AMOUNT_IDR}"):
        at_most_one_fact(MAX_AMOUNT_IDR + 1, what="The price")


@pytest.mark.parametrize(
    ("error", "kind", "code"),
    [
        (RequiredFieldMissing, InvalidInput, "required-field-missing"),
        (TextTooLong, InvalidInput, "text-too-long"),
        (AmountTooLarge, InvalidInput, "amount-too-large"),
        (DateOutOfOrder, RuleViolated, "date-out-of-order"),
    ],
)
def test_each_error_keeps_its_http_kind_and_code(
    error: type[InvalidInput | RuleViolated], kind: type, code: str
) -> None:
    assert issubclass(error, kind)
    assert error.code == code
