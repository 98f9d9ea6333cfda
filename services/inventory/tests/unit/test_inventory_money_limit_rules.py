"""The money limit in the inventory domain: no amount, and no ledger's value, reaches
Rp 10^12 (either sign), whatever the commands.

The random runs of ``test_inventory_stock_properties`` are replayed with costs and
prices up to 2^64 and quantities up to the API's 10^8: every event accepted publishes
under its bounded contract and leaves the ledger's value within the limit; a command
the domain refuses changes nothing.
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from inventory_builders import (
    TODAY,
    a_ledger,
    a_line,
    a_product,
    a_receipt,
    a_sale_command,
    an_issue,
    fold_stock,
    received,
)
from test_inventory_stock_properties import EXPIRY, WRITE_OFF, decide, start

from gotong_platform.domain import DomainError
from gotong_platform.money import MAX_AMOUNT_IDR
from inventory.adapters.publishing import stock_contract
from inventory.domain import (
    AmountTooLarge,
    IssueReason,
    LotTracking,
    StockValueLimitReached,
    evolve_stock,
    issue_stock,
    receive_goods,
    record_sale,
)

pytestmark = pytest.mark.unit

qtys = st.integers(1, 100_000_000)
costs = st.integers(0, MAX_AMOUNT_IDR) | st.integers(MAX_AMOUNT_IDR - 5, 2**64)
lot_keys = st.sampled_from(sorted(EXPIRY))
operations = st.one_of(
    st.tuples(st.just("receive"), qtys, costs, lot_keys),
    st.tuples(st.just("produce"), qtys, st.integers(0, 200), costs, lot_keys),
    st.tuples(st.just("issue"), qtys, st.sampled_from(IssueReason), st.booleans(), st.booleans()),
    st.tuples(st.just("return"), st.integers(min_value=0)),
    st.tuples(st.just("adjust"), qtys, lot_keys, st.sampled_from(WRITE_OFF)),
    st.tuples(st.just("count"), st.dictionaries(lot_keys, st.integers(0, 100_000_000),
                                                 max_size=4)),
    st.tuples(st.just("transfer_out"), qtys, st.booleans()),
    st.tuples(st.just("transfer_in"),
              st.lists(st.tuples(lot_keys, qtys, costs), min_size=1, max_size=3),
              st.integers(0, 100)),
)


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(LotTracking), st.lists(operations, max_size=25))
def test_no_ledger_value_or_amount_reaches_the_limit(
    tracking: LotTracking, ops: list[tuple[Any, ...]],
) -> None:
    run = start(tracking)
    for op in ops:
        try:
            events = decide(run, op)
        except DomainError:
            continue
        for event in events:
            run.ledger = evolve_stock(run.ledger, event)
            stock_contract(event, cooperative_id="cooperative-test")  # within its contract
            assert abs(run.ledger.value_idr) <= MAX_AMOUNT_IDR


def test_a_receipt_that_would_take_the_value_past_the_limit_is_refused() -> None:
    product = a_product()
    full = received(a_ledger(product), product, qty=10, cost=MAX_AMOUNT_IDR - 1)
    assert full.value_idr == MAX_AMOUNT_IDR - 1
    assert received(full, product, qty=1, cost=1).value_idr == MAX_AMOUNT_IDR
    with pytest.raises(StockValueLimitReached) as refused:
        receive_goods(full, a_receipt(1, 2), product=product, today=TODAY)
    assert refused.value.code == "stock-value-limit-reached"
    with pytest.raises(AmountTooLarge):
        receive_goods(a_ledger(product), a_receipt(1, 10**12), product=product, today=TODAY)


def test_an_oversell_whose_cost_would_reach_the_limit_is_refused() -> None:
    """Units beyond the stock cost the last known average: Rp 10^11 a unit here, so an
    offline sale of 10 units (the one on hand and 9 more) would cost Rp 10^12."""
    product = a_product()
    one = received(a_ledger(product), product, qty=1, cost=10**11)
    with pytest.raises(StockValueLimitReached):
        issue_stock(one, an_issue(10, recorded_offline=True), product=product, today=TODAY,
                    allow_negative=True)
    fits = issue_stock(one, an_issue(9, recorded_offline=True), product=product, today=TODAY,
                       allow_negative=True)
    assert fold_stock(one, fits).value_idr == -8 * 10**11


def test_a_sale_of_rp_10_to_the_12_is_refused() -> None:
    # 10^8 g at Rp 1 miliar per 100 g is Rp 10^15: the prices the API allows add up
    line = a_line(100_000_000, 1_000_000_000, 100)
    with pytest.raises(AmountTooLarge):
        record_sale(None, a_sale_command((line,)), sale_id="sale-1", today=TODAY)
    largest = a_line(999_999_999_999, 1, 1)
    assert record_sale(None, a_sale_command((largest,)), sale_id="sale-2", today=TODAY)
    with pytest.raises(AmountTooLarge):
        record_sale(None, a_sale_command((largest, a_line(1, 1, 1))), sale_id="sale-3",
                    today=TODAY)
