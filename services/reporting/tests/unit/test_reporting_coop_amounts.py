"""A cooperative's row in a group report: ``coop_amounts`` is ``group_amounts`` of a
group of one, for any figures (its own warehouses' transfers move inside it, its sales to
other cooperatives and to itself stay)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from reporting.domain.reports.consolidate import coop_amounts, group_amounts
from reporting.domain.reports.figures import AMOUNT_KEYS, CoopFigures

pytestmark = pytest.mark.unit

ME = "coop-a"
OTHERS = st.sampled_from([ME, "coop-b", "coop-c"])
RUPIAH = st.integers(min_value=-(10**15), max_value=10**15)
SALE_KEYS = ["sales.gross_idr", "sales.net_idr", "sales.member_idr", "volume_usaha_idr"]


@st.composite
def figures(draw: st.DrawFn) -> CoopFigures:
    f = CoopFigures()
    for key in draw(st.lists(st.sampled_from(sorted(AMOUNT_KEYS)), max_size=12)):
        f.amounts[key] = draw(RUPIAH)
    for party in draw(st.lists(OTHERS, max_size=3, unique=True)):
        f.transfers[party] = [draw(RUPIAH), draw(RUPIAH)]
    for buyer in draw(st.lists(OTHERS, max_size=3, unique=True)):
        f.sales_to[buyer] = {key: draw(RUPIAH) for key in SALE_KEYS}
    return f


@given(figures())
def test_a_cooperatives_amounts_are_those_of_its_group_of_one(f: CoopFigures) -> None:
    before = f.copy()
    assert coop_amounts(f, ME) == group_amounts({ME: f}, [ME])[0]
    assert f == before  # nothing of the figures changed


def test_own_warehouse_transfers_leave_and_sales_to_itself_stay() -> None:
    f = CoopFigures()
    f.amounts |= {"stock.transfer_out_idr": 500, "stock.transfer_in_idr": 500,
                  "sales.gross_idr": 900, "sales.net_idr": 900}
    f.transfers = {ME: [300, 300], "coop-b": [200, 0]}
    f.sales_to = {ME: {"sales.gross_idr": 100, "sales.net_idr": 100}}
    amounts = coop_amounts(f, ME)
    assert (amounts["stock.transfer_out_idr"], amounts["stock.transfer_in_idr"]) == (200, 200)
    assert (amounts["sales.gross_idr"], amounts["sales.net_idr"]) == (900, 900)
