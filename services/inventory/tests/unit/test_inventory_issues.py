"""Stock going out: lot picking (FEFO/FIFO), moving-average cost, offline oversells, returns."""

from __future__ import annotations

import pytest
from inventory_builders import (
    TODAY,
    a_ledger,
    a_product,
    a_receipt,
    an_issue,
    days,
    fold_stock,
    issued,
    lot_quantities,
    produce,
    received,
)

from gotong_testing.deciders import refused
from inventory.domain import (
    DateInFuture,
    ExpiredStockNotSellable,
    GoodsReceived,
    InsufficientStock,
    IssueAlreadyRecorded,
    IssueAlreadyReturned,
    IssueNotFound,
    IssueReason,
    LotTracking,
    Product,
    QuantityNotPositive,
    RequiredFieldMissing,
    ReturnStock,
    StockEvent,
    StockIssued,
    StockLedger,
    StockLine,
    StockReturned,
    issue_stock,
    receive_goods,
    return_stock,
)

pytestmark = pytest.mark.unit


def only_issue(events: list[StockEvent]) -> StockIssued:
    (event,) = events
    assert isinstance(event, StockIssued)
    return event


def taken(events: list[StockEvent]) -> list[tuple[str | None, int]]:
    return [(line.lot_id, line.qty) for line in only_issue(events).lines]


def fresh_and_dated(product: Product) -> StockLedger:
    """Lots received in the order L-late, L-none, L-early, L-early-2 (same expiry as L-early)."""
    ledger = a_ledger(product)
    ledger = received(ledger, product, 100, 1_000, lot_id="L-late", expiry_date=days(20))
    ledger = received(ledger, product, 100, 1_000, lot_id="L-none")
    ledger = received(ledger, product, 100, 1_000, lot_id="L-early", expiry_date=days(5))
    return received(ledger, product, 100, 1_000, lot_id="L-early-2", expiry_date=days(5))


# --- picking -----------------------------------------------------------------------


def test_fefo_takes_the_earliest_expiry_first_then_undated_lots_ties_by_receipt() -> None:
    product = produce(shelf_life_days=None)

    events, ledger = issued(fresh_and_dated(product), product, 350)

    assert taken(events) == [("L-early", 100), ("L-early-2", 100), ("L-late", 100), ("L-none", 50)]
    assert lot_quantities(ledger) == {"L-none": 50}


def test_fifo_takes_lots_in_receipt_order() -> None:
    product = a_product(lot_tracking=LotTracking.LOT)
    ledger = received(a_ledger(product), product, 100, lot_id="L2")
    ledger = received(ledger, product, 100, lot_id="L1")

    events, _ = issued(ledger, product, 150)

    assert taken(events) == [("L2", 100), ("L1", 50)]


def test_a_sale_leaves_expired_lots_for_last() -> None:
    product = produce(shelf_life_days=None)
    ledger = received(a_ledger(product), product, 100, lot_id="OLD", expiry_date=days(-1))
    ledger = received(ledger, product, 100, lot_id="NEW", expiry_date=days(3))

    events, _ = issued(ledger, product, 80)

    assert taken(events) == [("NEW", 80)]
    assert only_issue(events).issued_expired is False


def test_a_lot_is_still_sold_on_its_expiry_date() -> None:
    product = produce(shelf_life_days=None)
    ledger = received(a_ledger(product), product, 100, lot_id="TODAY", expiry_date=TODAY)

    events, _ = issued(ledger, product, 10)

    assert taken(events) == [("TODAY", 10)]


def test_an_online_sale_that_needs_expired_lots_is_refused() -> None:
    product = produce(shelf_life_days=None)
    ledger = received(a_ledger(product), product, 100, lot_id="OLD", expiry_date=days(-1))
    ledger = received(ledger, product, 10, lot_id="NEW", expiry_date=days(3))

    refused(
        ExpiredStockNotSellable, issue_stock, ledger, an_issue(50), product=product, today=TODAY
    )


def test_an_offline_sale_of_expired_goods_is_accepted_and_flagged() -> None:
    product = produce(shelf_life_days=None)
    ledger = received(a_ledger(product), product, 100, lot_id="OLD", expiry_date=days(-1))
    ledger = received(ledger, product, 10, lot_id="NEW", expiry_date=days(3))

    events, _ = issued(ledger, product, 50, recorded_offline=True)

    assert taken(events) == [("NEW", 10), ("OLD", 40)]
    assert only_issue(events).issued_expired is True
    assert only_issue(events).recorded_offline is True


def test_the_caller_may_allow_an_online_sale_of_expired_goods() -> None:
    product = produce(shelf_life_days=None)
    ledger = received(a_ledger(product), product, 100, lot_id="OLD", expiry_date=days(-1))

    events, _ = issued(ledger, product, 50, allow_expired=True)

    assert only_issue(events).issued_expired is True


def test_a_return_to_the_supplier_takes_expired_lots_first() -> None:
    product = produce(shelf_life_days=None)
    ledger = received(a_ledger(product), product, 100, lot_id="NEW", expiry_date=days(3))
    ledger = received(ledger, product, 100, lot_id="OLD", expiry_date=days(-1))

    events, _ = issued(ledger, product, 100, reason=IssueReason.RETURN_TO_SUPPLIER)

    assert taken(events) == [("OLD", 100)]
    assert only_issue(events).issued_expired is False


def test_lots_expiring_by_a_day_are_listed_earliest_first() -> None:
    product = produce(shelf_life_days=None)
    ledger = fresh_and_dated(product)
    _, ledger = issued(ledger, product, 100)  # empties L-early

    expiring = ledger.lots_expiring_by(days(20))

    assert [lot.lot_id for lot in expiring] == ["L-early-2", "L-late"]
    assert ledger.lots_expiring_by(days(4)) == ()


# --- online and offline beyond the stock ----------------------------------------------


def test_an_online_issue_beyond_the_stock_is_refused() -> None:
    product = a_product()
    ledger = received(a_ledger(product), product, 100)

    refused(InsufficientStock, issue_stock, ledger, an_issue(101), product=product, today=TODAY)


def test_the_caller_may_allow_an_online_issue_beyond_the_stock() -> None:
    product = a_product()
    ledger = received(a_ledger(product), product, 100, 1_000)

    events, ledger = issued(ledger, product, 130, allow_negative=True)

    assert only_issue(events).went_negative is True
    assert ledger.on_hand == -30


def test_an_offline_sale_may_drive_stock_below_zero_and_is_flagged() -> None:
    product = a_product()
    ledger = received(a_ledger(product), product, 100, 1_000)

    events, ledger = issued(ledger, product, 130, recorded_offline=True, business_date=days(-1))

    issue = only_issue(events)
    assert issue.went_negative is True
    assert issue.lines == (StockLine(lot_id=None, qty=130, cost_idr=1_300),)
    assert (ledger.on_hand, ledger.value_idr) == (-30, -300)
    assert (ledger.negative_flagged, ledger.went_negative_on) == (True, days(-1))


def test_an_offline_sale_on_an_empty_ledger_costs_nothing_known() -> None:
    product = a_product()

    events, ledger = issued(a_ledger(product), product, 5, recorded_offline=True)

    assert only_issue(events).lines == (StockLine(lot_id=None, qty=5, cost_idr=0),)
    assert ledger.on_hand == -5


def test_an_oversell_of_a_lot_tracked_product_goes_to_the_unlotted_line() -> None:
    product = produce(shelf_life_days=None)
    ledger = received(a_ledger(product), product, 100, 1_000, lot_id="L1", expiry_date=days(9))

    events, ledger = issued(ledger, product, 120, recorded_offline=True)

    assert taken(events) == [("L1", 100), (None, 20)]
    assert lot_quantities(ledger) == {None: -20}


def test_an_issue_takes_something() -> None:
    product = a_product()
    ledger = received(a_ledger(product), product)

    refused(QuantityNotPositive, issue_stock, ledger, an_issue(0), product=product, today=TODAY)


def test_an_issue_names_its_reference() -> None:
    product = a_product()
    ledger = received(a_ledger(product), product)

    refused(
        RequiredFieldMissing,
        issue_stock,
        ledger,
        an_issue(1, reference=" "),
        product=product,
        today=TODAY,
    )


def test_an_issue_is_not_dated_after_today() -> None:
    product = a_product()
    ledger = received(a_ledger(product), product)
    command = an_issue(1, business_date=days(1))

    refused(DateInFuture, issue_stock, ledger, command, product=product, today=TODAY)


def test_an_issue_id_is_used_once() -> None:
    product = a_product()
    _, ledger = issued(received(a_ledger(product), product), product, 1, issue_id="issue-1")

    refused(
        IssueAlreadyRecorded,
        issue_stock,
        ledger,
        an_issue(1, issue_id="issue-1"),
        product=product,
        today=TODAY,
    )


# --- moving-average cost -----------------------------------------------------------


def test_an_issue_costs_the_moving_average_rounded_half_up() -> None:
    product = a_product()
    ledger = received(a_ledger(product), product, 3, 100)  # Rp 33,33 each

    first, ledger = issued(ledger, product, 1)
    second, ledger = issued(ledger, product, 1)
    last, ledger = issued(ledger, product, 1)

    costs = [only_issue(events).lines[0].cost_idr for events in (first, second, last)]
    assert costs == [33, 34, 33]  # 100*1/3 = 33,3 → 33; 67*1/2 = 33,5 → 34; the last takes 33
    assert (ledger.on_hand, ledger.value_idr) == (0, 0)


def test_the_average_moves_with_each_receipt() -> None:
    product = a_product()
    ledger = received(a_ledger(product), product, 1000, 10_000)
    _, ledger = issued(ledger, product, 500)
    ledger = received(ledger, product, 500, 7_500)

    assert (ledger.on_hand, ledger.value_idr) == (1000, 12_500)
    events, _ = issued(ledger, product, 400)
    assert only_issue(events).lines[0].cost_idr == 5_000


def test_a_receipt_after_an_oversell_settles_it_and_reports_the_variance() -> None:
    product = a_product()
    ledger = received(a_ledger(product), product, 10, 1_000)  # Rp 100 each
    _, ledger = issued(ledger, product, 15, recorded_offline=True)  # 5 beyond at Rp 100
    assert (ledger.on_hand, ledger.value_idr) == (-5, -500)

    (receipt,) = receive_goods(ledger, a_receipt(20, 2_400), product=product, today=TODAY)
    ledger = fold_stock(ledger, [receipt])

    # The 15 left are valued at the receipt's Rp 120; the 5 sold cost Rp 20 more each.
    assert (ledger.on_hand, ledger.value_idr, ledger.average_cost_idr()) == (15, 1_800, 120)
    assert isinstance(receipt, GoodsReceived)
    assert receipt.settlement_variance_idr == 100


# --- returns -------------------------------------------------------------------------


def test_a_return_puts_back_exactly_what_the_issue_took() -> None:
    product = produce(shelf_life_days=None)
    before = fresh_and_dated(product)
    events, after_issue = issued(before, product, 250, issue_id="issue-7")

    (event,) = return_stock(
        after_issue, ReturnStock(issue_id="issue-7", business_date=TODAY), today=TODAY
    )

    assert isinstance(event, StockReturned)
    assert event.lines == only_issue(events).lines
    assert event.reference == only_issue(events).reference
    after = fold_stock(after_issue, [event])
    assert lot_quantities(after) == lot_quantities(before)
    assert (after.on_hand, after.value_idr) == (before.on_hand, before.value_idr)


def test_a_return_undoes_an_oversell_without_variance() -> None:
    product = a_product()
    before = received(a_ledger(product), product, 3, 100)
    _, after_issue = issued(before, product, 7, issue_id="issue-8", recorded_offline=True)

    (event,) = return_stock(
        after_issue, ReturnStock(issue_id="issue-8", business_date=TODAY), today=TODAY
    )

    assert isinstance(event, StockReturned)
    assert event.settlement_variance_idr == 0
    after = fold_stock(after_issue, [event])
    assert (after.on_hand, after.value_idr) == (3, 100)


def test_a_return_needs_a_known_issue() -> None:
    product = a_product()
    command = ReturnStock(issue_id="issue-x", business_date=TODAY)

    refused(IssueNotFound, return_stock, a_ledger(product), command, today=TODAY)


def test_an_issue_is_returned_once() -> None:
    product = a_product()
    _, ledger = issued(received(a_ledger(product), product), product, 10, issue_id="issue-9")
    command = ReturnStock(issue_id="issue-9", business_date=TODAY)
    ledger = fold_stock(ledger, return_stock(ledger, command, today=TODAY))

    refused(IssueAlreadyReturned, return_stock, ledger, command, today=TODAY)
