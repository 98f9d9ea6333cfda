"""The pure KPI math: ratios from sums, quartiles, rankings, growth."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from reporting.domain.reports.ratios import Ratio, growth_bp, quartile, ranking, spread

pytestmark = pytest.mark.unit


def test_a_ratio_is_basis_points_rounded_half_up() -> None:
    assert Ratio(1, 3).bp == 3333  # 3333.33
    assert Ratio(2, 3).bp == 6667  # 6666.67
    assert Ratio(1, 8).bp == 1250
    assert Ratio(1, 20_000).bp == 1  # 0.5 bp rounds up
    assert Ratio(1, 20_001).bp == 0
    assert Ratio(5, 0).bp is None
    assert Ratio(0, 0).as_dict() == {"numerator": 0, "denominator": 0, "bp": None}


def test_a_group_ratio_is_recomputed_from_sums_not_averaged() -> None:
    small = Ratio(50, 100)  # 50 %
    large = Ratio(100, 10_000)  # 1 %
    assert (small + large).bp == 149  # 150 / 10100, not (5000 + 100) / 2
    assert (small + large).bp != (5000 + 100) // 2


def test_growth_in_basis_points() -> None:
    assert growth_bp(110, 100) == 1000
    assert growth_bp(90, 100) == -1000
    assert growth_bp(1, 3) == -6667  # -6666.67 rounds away from zero
    assert growth_bp(5, 0) is None
    assert growth_bp(5, -2) is None


def test_quartiles_interpolate_between_closest_ranks() -> None:
    # numpy.percentile([10, 20, 30, 40], [25, 50, 75]) == [17.5, 25, 32.5]
    values = [40, 10, 30, 20]
    assert [quartile(values, k) for k in range(5)] == [10, 18, 25, 33, 40]
    assert quartile([7], 2) == 7
    assert quartile([1, 2], 2) == 2  # 1.5 rounds half up
    assert spread([]) == {"n": 0, "min": None, "p25": None, "median": None, "p75": None,
                          "max": None}
    assert spread([5, 1, 3]) == {"n": 3, "min": 1, "p25": 2, "median": 3, "p75": 4, "max": 5}


@given(st.lists(st.integers(-100_000, 100_000), min_size=1, max_size=40))
def test_quartiles_are_ordered_and_within_the_values(values: list[int]) -> None:
    qs = [quartile(values, k) for k in range(5)]
    assert qs == sorted(qs)
    assert qs[0] == min(values)
    assert qs[4] == max(values)


def test_ranking_is_best_first_with_shared_ranks() -> None:
    entries = [("c", 300), ("a", 500), ("b", 300), ("d", 100)]
    assert [(r["rank"], r["cooperative_id"]) for r in ranking(entries, higher_is_better=True)
            ] == [(1, "a"), (2, "b"), (2, "c"), (4, "d")]
    assert [(r["rank"], r["cooperative_id"]) for r in ranking(entries, higher_is_better=False)
            ] == [(1, "d"), (2, "b"), (2, "c"), (4, "a")]
