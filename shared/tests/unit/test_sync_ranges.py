"""Gap detection: missing device_seq numbers as compact inclusive ranges (no database)."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gotong_platform.sync import missing_ranges

pytestmark = pytest.mark.unit


@pytest.mark.parametrize(
    ("present", "gaps"),
    [
        ([], []),
        ([(1, 1)], []),
        ([(1, 500)], []),
        ([(1, 2), (5, 5)], [(3, 4)]),
        ([(3, 3)], [(1, 2)]),
        ([(2, 2), (4, 4), (6, 9)], [(1, 1), (3, 3), (5, 5)]),
        ([(1, 1), (1_000_000, 1_000_000)], [(2, 999_999)]),
    ],
)
def test_missing_numbers_between_1_and_the_highest(
    present: list[tuple[int, int]], gaps: list[tuple[int, int]]
) -> None:
    assert missing_ranges(present) == gaps


def test_ranges_may_come_unordered_overlapping_or_touching() -> None:
    assert missing_ranges([(8, 9), (1, 2), (2, 3), (6, 7), (12, 12), (8, 8)]) == [
        (4, 5), (10, 11)
    ]


def test_a_backwards_range_is_refused() -> None:
    with pytest.raises(ValueError, match="not a range"):
        missing_ranges([(5, 3)])


def islands(numbers: set[int]) -> list[tuple[int, int]]:
    """Runs of consecutive numbers, the way the gaps-and-islands query returns them."""
    runs: list[tuple[int, int]] = []
    for n in sorted(numbers):
        if runs and runs[-1][1] == n - 1:
            runs[-1] = (runs[-1][0], n)
        else:
            runs.append((n, n))
    return runs


@given(st.sets(st.integers(min_value=1, max_value=300), max_size=80))
def test_the_ranges_cover_exactly_the_missing_numbers_compactly(present: set[int]) -> None:
    gaps = missing_ranges(islands(present))
    covered = [n for lo, hi in gaps for n in range(lo, hi + 1)]
    assert covered == sorted(set(range(1, max(present, default=0) + 1)) - present)
    # Compact: ranges are ordered, never empty, and never touch each other.
    assert all(lo <= hi for lo, hi in gaps)
    assert all(a_hi + 1 < b_lo for (_, a_hi), (b_lo, _) in itertools.pairwise(gaps))
