"""Inventory contracts to fact rows: discount and credit spread by largest remainder,
and the sign of every stock movement."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gotong_platform.contracts import inventory as c
from reporting.adapters.projection.inventory_facts import sale_lines, stock_movement

pytestmark = pytest.mark.unit

DAY = date(2026, 1, 15)
BASE: dict[str, Any] = {"cooperative_id": "C", "warehouse_id": "W", "product_id": "P",
                        "business_date": DAY}


def sale(totals: list[int], discount: int, payments: list[tuple[str, int]]
         ) -> c.SaleRecordedV1:
    lines = tuple(c.SaleLine(product_id=f"P{n}", category="staple_goods", qty=1, price_idr=t,
                             per_qty=1, line_total_idr=t) for n, t in enumerate(totals))
    return c.SaleRecordedV1(
        cooperative_id="C", sale_id="S", warehouse_id="W", buyer_type="member", member_id="M",
        lines=lines, discount_idr=discount, total_idr=sum(totals) - discount,
        payments=tuple(c.SalePayment(method=m, amount_idr=a) for m, a in payments),
        business_date=DAY)


def test_a_discount_is_spread_by_largest_remainder() -> None:
    lines = sale([10_000, 10_000, 10_000], 100, [("cash", 29_900)])
    lines_ = sale_lines(lines)
    assert [line.discount_idr for line in lines_] == [34, 33, 33]
    assert [line.amount_idr for line in lines_] == [9_966, 9_967, 9_967]
    assert [line.line_no for line in lines_] == [1, 2, 3]


def test_the_credit_share_is_spread_over_the_lines_after_discount() -> None:
    lines = sale_lines(sale([70_000, 30_000], 1_000, [("cash", 49_000), ("credit", 50_000)]))
    assert [line.amount_idr for line in lines] == [69_300, 29_700]
    assert [line.credit_idr for line in lines] == [35_000, 15_000]


def test_a_discount_larger_than_the_lines_is_refused() -> None:
    with pytest.raises(ValueError, match="discount"):
        sale_lines(sale([100], 0, [("cash", 100)]).model_copy(update={"discount_idr": 101}))


@given(st.lists(st.integers(0, 5_000_000), min_size=1, max_size=8), st.data())
def test_lines_always_add_up_to_the_sale(totals: list[int], data: st.DataObject) -> None:
    discount = data.draw(st.integers(0, sum(totals)))
    total = sum(totals) - discount
    credit = data.draw(st.integers(0, total)) if total else 0
    payments = [("credit", credit)] if credit else []
    lines = sale_lines(sale(totals, discount, payments))
    assert sum(line.amount_idr for line in lines) == total
    assert sum(line.discount_idr for line in lines) == discount
    assert sum(line.credit_idr for line in lines) == credit
    assert all(0 <= line.credit_idr <= line.amount_idr for line in lines)


def test_stock_movements_carry_their_direction() -> None:
    received = stock_movement(c.GoodsReceivedV1(**BASE, qty=10, cost_idr=50_000,
                                                settlement_variance_idr=2_000))
    assert received is not None
    assert (received.kind, received.qty_delta, received.value_delta_idr) == ("receipt", 10,
                                                                             48_000)
    issued = stock_movement(c.StockIssuedV1(**BASE, reason="sale", reference="S", qty=2,
                                            cost_idr=9_000))
    assert issued is not None
    assert (issued.qty_delta, issued.value_delta_idr, issued.reason) == (-2, -9_000, "sale")


def test_an_adjustment_value_takes_the_sign_of_its_quantity() -> None:
    rotten = stock_movement(c.StockAdjustedV1(**BASE, qty_delta=-3, reason="rotten",
                                              value_idr=12_000))
    found = stock_movement(c.StockAdjustedV1(**BASE, qty_delta=2, reason="count_correction",
                                             value_idr=8_000))
    assert rotten is not None
    assert found is not None
    assert (rotten.qty_delta, rotten.value_delta_idr) == (-3, -12_000)
    assert (found.qty_delta, found.value_delta_idr) == (2, 8_000)


def test_transfers_name_the_other_cooperative() -> None:
    out = stock_movement(c.StockTransferredOutV1(
        **BASE, transfer_id="T", to_warehouse_id="W2", to_cooperative_id="D", qty=5,
        cost_idr=20_000))
    arrived = stock_movement(c.StockTransferredInV1(
        **{**BASE, "cooperative_id": "D"}, transfer_id="T", from_warehouse_id="W",
        from_cooperative_id="C", qty_sent=5, qty_received=4, shrinkage_qty=1,
        cost_idr=20_000))
    assert out is not None
    assert arrived is not None
    assert (out.kind, out.value_delta_idr, out.counterparty_cooperative_id) == (
        "transfer_out", -20_000, "D")
    assert (arrived.kind, arrived.qty_delta, arrived.value_delta_idr,
            arrived.counterparty_cooperative_id) == ("transfer_in", 5, 20_000, "C")


def test_events_without_a_movement_give_none() -> None:
    assert stock_movement(c.SaleVoidedV1(cooperative_id="C", sale_id="S",
                                         reason_code="x")) is None
