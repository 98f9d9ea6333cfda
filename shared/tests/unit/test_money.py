"""Integer-rupiah rounding and splitting: no rupiah created or lost, halves rounded up."""

from __future__ import annotations

import random
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import TypeAdapter, ValidationError

from gotong_platform.money import (
    MAX_AMOUNT_IDR,
    MAX_TOTAL_IDR,
    PositiveRupiah,
    Rupiah,
    SignedRupiah,
    TotalRupiah,
    apply_bp,
    largest_remainder,
    round_half_up_div,
    within_amount,
)

pytestmark = pytest.mark.unit

totals = st.integers(min_value=0, max_value=10**15)
weight_lists = st.lists(st.integers(min_value=0, max_value=10**12), min_size=1, max_size=30).filter(
    lambda ws: sum(ws) > 0
)


def exact_half_up(value: Fraction) -> int:
    """The oracle: round to nearest, halves away from zero, on an exact fraction."""
    magnitude = abs(value)
    rounded = int(magnitude) + (1 if magnitude - int(magnitude) >= Fraction(1, 2) else 0)
    return rounded if value >= 0 else -rounded


# --- round_half_up_div and apply_bp -------------------------------------------------


@pytest.mark.parametrize(
    ("n", "d", "expected"),
    [(5, 2, 3), (7, 2, 4), (4, 3, 1), (5, 3, 2), (-5, 2, -3), (5, -2, -3), (-4, 3, -1), (0, 7, 0)],
)
def test_halves_round_away_from_zero(n: int, d: int, expected: int) -> None:
    assert round_half_up_div(n, d) == expected


def test_dividing_by_zero_is_refused() -> None:
    with pytest.raises(ZeroDivisionError):
        round_half_up_div(1, 0)


@given(st.integers(-(10**18), 10**18), st.integers(-(10**9), 10**9).filter(bool))
def test_round_half_up_div_matches_exact_arithmetic(n: int, d: int) -> None:
    assert round_half_up_div(n, d) == exact_half_up(Fraction(n, d))


@pytest.mark.parametrize(
    ("amount", "bp", "expected"),
    [
        (150, 50, 1),
        (100, 50, 1),
        (99, 50, 0),
        (10_000, 1, 1),
        (1_000_000, 250, 25_000),
        (-100, 50, -1),
    ],
)
def test_apply_bp_rounds_half_up(amount: int, bp: int, expected: int) -> None:
    assert apply_bp(amount, bp) == expected


@given(st.integers(-(10**15), 10**15), st.integers(0, 100_000))
def test_apply_bp_is_within_half_a_rupiah_of_the_exact_value(amount: int, bp: int) -> None:
    exact = Fraction(amount * bp, 10_000)
    assert abs(apply_bp(amount, bp) - exact) <= Fraction(1, 2)
    assert apply_bp(-amount, bp) == -apply_bp(amount, bp)


# --- largest_remainder -------------------------------------------------------------------


def test_the_handbook_example_gives_the_extra_rupiah_to_the_first() -> None:
    assert largest_remainder(100, [1, 1, 1]) == [34, 33, 33]


def test_ties_follow_the_tie_break_before_the_position() -> None:
    assert largest_remainder(100, [1, 1, 1], tie_break=["M-3", "M-2", "M-1"]) == [33, 33, 34]


def test_the_largest_remainder_wins_before_any_tie_break() -> None:
    # shares 0.6, 1.2, 1.2 → floors 0, 1, 1; remainders .6, .2, .2 → the first gets the rupiah
    assert largest_remainder(3, [1, 2, 2], tie_break=[9, 1, 2]) == [1, 1, 1]


def test_a_zero_weight_gets_nothing() -> None:
    assert largest_remainder(10, [0, 3, 0, 1]) == [0, 8, 0, 2]


def test_nothing_to_split_among_nobody_is_allowed() -> None:
    assert largest_remainder(0, [0, 0]) == [0, 0]
    assert largest_remainder(0, []) == []


@pytest.mark.parametrize(
    ("total", "weights", "tie_break"),
    [
        (5, [0, 0], None),
        (5, [], None),
        (-1, [1, 1], None),
        (5, [1, -1], None),
        (5, [1, 1], ["only-one"]),
    ],
)
def test_impossible_splits_are_refused(
    total: int, weights: list[int], tie_break: list[str] | None
) -> None:
    with pytest.raises(ValueError):  # noqa: PT011 - the message varies with the cause
        largest_remainder(total, weights, tie_break)


@given(totals, weight_lists)
def test_parts_always_sum_to_the_total(total: int, weights: list[int]) -> None:
    assert sum(largest_remainder(total, weights)) == total


@given(totals, weight_lists)
def test_each_part_lies_within_one_rupiah_of_its_exact_share(
    total: int, weights: list[int]
) -> None:
    parts = largest_remainder(total, weights)
    for part, weight in zip(parts, weights, strict=True):
        exact = Fraction(total * weight, sum(weights))
        assert exact - 1 < part < exact + 1
        assert part >= 0


@given(totals, weight_lists, st.randoms(use_true_random=False))
def test_the_split_is_deterministic_and_follows_the_tie_break_not_the_input_order(
    total: int, weights: list[int], rnd: random.Random
) -> None:
    keys = [f"M-{i:03d}" for i in range(len(weights))]
    parts = largest_remainder(total, weights, keys)
    assert largest_remainder(total, weights, keys) == parts

    order = list(range(len(weights)))
    rnd.shuffle(order)
    shuffled = largest_remainder(total, [weights[i] for i in order], [keys[i] for i in order])
    assert {keys[i]: p for i, p in zip(order, shuffled, strict=True)} == dict(
        zip(keys, parts, strict=True)
    )


# --- the platform's money limits ------------------------------------------------------


def test_one_fact_is_below_rp_10_to_the_12() -> None:
    assert MAX_AMOUNT_IDR == 999_999_999_999
    assert MAX_TOTAL_IDR == 999_999_999_999_999
    assert MAX_TOTAL_IDR < 2**63 - 1  # a total still fits a bigint column


@given(st.integers(min_value=-(2**70), max_value=2**70))
def test_the_money_types_accept_exactly_their_range(amount: int) -> None:
    for kind, low, high in ((Rupiah, 0, MAX_AMOUNT_IDR), (PositiveRupiah, 1, MAX_AMOUNT_IDR),
                            (SignedRupiah, -MAX_AMOUNT_IDR, MAX_AMOUNT_IDR),
                            (TotalRupiah, 0, MAX_TOTAL_IDR)):
        accepted = True
        try:
            TypeAdapter(kind).validate_python(amount)
        except ValidationError:
            accepted = False
        assert accepted == (low <= amount <= high)
    assert within_amount(amount) == (-MAX_AMOUNT_IDR <= amount <= MAX_AMOUNT_IDR)


@pytest.mark.parametrize("amount", [10**12, 2**62, 2**63 - 1, 2**63, 2**64])
def test_the_probes_amounts_are_refused(amount: int) -> None:
    with pytest.raises(ValidationError):
        TypeAdapter(PositiveRupiah).validate_python(amount)


def test_the_json_schema_publishes_the_limit() -> None:
    assert TypeAdapter(PositiveRupiah).json_schema() == {
        "type": "integer", "exclusiveMinimum": 0, "maximum": MAX_AMOUNT_IDR}
