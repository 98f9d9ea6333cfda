"""``sum_amounts`` adds every amount of every cooperative, exactly, whatever the sizes
(a federation's sums pass 64 bits when every cooperative records the largest amount)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from reporting.domain.reports.figures import AMOUNT_KEYS, CoopFigures, sum_amounts

pytestmark = pytest.mark.unit

_AMOUNT = st.integers(min_value=-(2**70), max_value=2**70)


def _figures(values: dict[str, int]) -> CoopFigures:
    f = CoopFigures()
    f.amounts.update(values)
    return f


@given(st.lists(st.dictionaries(st.sampled_from(AMOUNT_KEYS), _AMOUNT), max_size=12))
def test_each_amount_is_the_sum_over_the_cooperatives(coops: list[dict[str, int]]) -> None:
    total = sum_amounts(_figures(values) for values in coops)
    assert list(total) == list(AMOUNT_KEYS)
    for key in AMOUNT_KEYS:
        assert total[key] == sum(values.get(key, 0) for values in coops)


def test_no_cooperative_sums_to_zero() -> None:
    assert sum_amounts([]) == dict.fromkeys(AMOUNT_KEYS, 0)


def test_a_figure_no_report_knows_is_refused() -> None:
    odd = CoopFigures()
    odd.amounts["sales.contraband_idr"] = 5
    with pytest.raises(KeyError, match="contraband"):
        sum_amounts([CoopFigures(), odd])
    missing = CoopFigures()
    del missing.amounts[AMOUNT_KEYS[0]]
    missing.amounts["sales.contraband_idr"] = 5
    with pytest.raises(KeyError):
        sum_amounts([missing])
