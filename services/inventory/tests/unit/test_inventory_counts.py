"""Write-offs (rusak, busuk, kedaluwarsa, hilang) and stock counts (stock opname)."""

from __future__ import annotations

from typing import Any

import pytest
from inventory_builders import (
    TODAY,
    a_ledger,
    a_product,
    days,
    fold_stock,
    issued,
    lot_quantities,
    produce,
    received,
)

from gotong_testing.deciders import refused
from inventory.domain import (
    AdjustmentReason,
    AdjustStock,
    CountCorrectionNeedsCount,
    CountedLot,
    CountedQuantityNegative,
    CountLine,
    CountStock,
    DuplicateLotInCount,
    InsufficientStock,
    LotIdRequired,
    LotNotFound,
    LotNotTracked,
    QuantityNotPositive,
    StockAdjusted,
    StockCounted,
    adjust_stock,
    count_stock,
)

pytestmark = pytest.mark.unit


def a_write_off(qty: int, **overrides: Any) -> AdjustStock:
    fields: dict[str, Any] = {
        "adjustment_id": "adj-1",
        "qty": qty,
        "reason": AdjustmentReason.ROTTEN,
        "business_date": TODAY,
    }
    return AdjustStock(**(fields | overrides))


def a_count(*counted: tuple[str | None, int], count_id: str = "opname-06") -> CountStock:
    lots = tuple(CountedLot(lot_id=lot, qty=qty) for lot, qty in counted)
    return CountStock(count_id=count_id, counted=lots, business_date=TODAY)


# --- write-offs ------------------------------------------------------------------------


def test_a_write_off_takes_stock_out_at_the_moving_average() -> None:
    product = a_product()
    ledger = received(a_ledger(product), product, 1000, 15_000)

    (event,) = adjust_stock(ledger, a_write_off(200), product=product, today=TODAY)

    assert isinstance(event, StockAdjusted)
    assert (event.qty_delta, event.value_idr, event.reason) == (
        -200,
        3_000,
        AdjustmentReason.ROTTEN,
    )
    ledger = fold_stock(ledger, [event])
    assert (ledger.on_hand, ledger.value_idr) == (800, 12_000)


def test_a_write_off_of_a_lot_tracked_product_names_the_lot() -> None:
    product = produce()
    ledger = received(a_ledger(product), product, lot_id="L1", expiry_date=days(-1))

    refused(LotIdRequired, adjust_stock, ledger, a_write_off(10), product=product, today=TODAY)


def test_a_write_off_names_a_lot_the_ledger_holds() -> None:
    product = produce()
    ledger = received(a_ledger(product), product, lot_id="L1", expiry_date=days(-1))
    command = a_write_off(10, lot_id="L9", reason=AdjustmentReason.EXPIRED)

    refused(LotNotFound, adjust_stock, ledger, command, product=product, today=TODAY)


def test_no_more_is_written_off_than_the_lot_holds() -> None:
    product = produce()
    ledger = received(a_ledger(product), product, 100, lot_id="L1", expiry_date=days(-1))
    ledger = received(ledger, product, 100, lot_id="L2", expiry_date=days(5))
    command = a_write_off(101, lot_id="L1", reason=AdjustmentReason.EXPIRED)

    refused(InsufficientStock, adjust_stock, ledger, command, product=product, today=TODAY)


def test_no_more_is_written_off_than_is_on_hand() -> None:
    product = a_product()
    ledger = received(a_ledger(product), product, 100)

    refused(InsufficientStock, adjust_stock, ledger, a_write_off(101), product=product, today=TODAY)


def test_a_write_off_takes_something() -> None:
    product = a_product()
    ledger = received(a_ledger(product), product, 100)

    refused(QuantityNotPositive, adjust_stock, ledger, a_write_off(0), product=product, today=TODAY)


def test_a_count_correction_comes_from_a_count() -> None:
    product = a_product()
    ledger = received(a_ledger(product), product, 100)
    command = a_write_off(5, reason=AdjustmentReason.COUNT_CORRECTION)

    refused(CountCorrectionNeedsCount, adjust_stock, ledger, command, product=product, today=TODAY)


# --- counts --------------------------------------------------------------------------------


def test_a_count_records_what_was_found_and_corrects_the_difference() -> None:
    product = a_product()
    ledger = received(a_ledger(product), product, 1000, 10_000)

    counted, correction = count_stock(ledger, a_count((None, 950)), product=product, today=TODAY)

    assert counted == StockCounted(
        count_id="opname-06",
        warehouse_id=ledger.warehouse_id,
        product_id=product.product_id,
        lines=(CountLine(lot_id=None, counted_qty=950, system_qty=1000),),
        business_date=TODAY,
    )
    assert isinstance(correction, StockAdjusted)
    assert (correction.qty_delta, correction.value_idr) == (-50, 500)
    assert (correction.reason, correction.reference) == (
        AdjustmentReason.COUNT_CORRECTION,
        "opname-06",
    )
    assert correction.adjustment_id == "opname-06/1"
    assert fold_stock(ledger, [counted, correction]).on_hand == 950


def test_a_count_that_agrees_needs_no_correction() -> None:
    product = a_product()
    ledger = received(a_ledger(product), product, 1000)

    events = count_stock(ledger, a_count((None, 1000)), product=product, today=TODAY)

    assert [type(event) for event in events] == [StockCounted]


def test_a_lot_the_count_does_not_list_was_not_found() -> None:
    product = produce()
    ledger = received(a_ledger(product), product, 100, 1_000, lot_id="L1", expiry_date=days(3))
    ledger = received(ledger, product, 100, 1_000, lot_id="L2", expiry_date=days(9))

    events = count_stock(ledger, a_count(("L2", 120), ("L3", 7)), product=product, today=TODAY)
    ledger = fold_stock(ledger, events)

    assert lot_quantities(ledger) == {"L2": 120, "L3": 7}
    assert ledger.on_hand == 127
    deltas = [(e.lot_id, e.qty_delta) for e in events if isinstance(e, StockAdjusted)]
    assert deltas == [("L1", -100), ("L2", 20), ("L3", 7)]  # shortages first


def test_a_count_after_an_oversell_clears_the_flag_and_settles_the_value() -> None:
    product = a_product()
    ledger = received(a_ledger(product), product, 10, 1_000)
    _, ledger = issued(ledger, product, 15, recorded_offline=True)
    assert ledger.negative_flagged

    ledger = fold_stock(
        ledger, count_stock(ledger, a_count((None, 4)), product=product, today=TODAY)
    )

    assert (ledger.on_hand, ledger.value_idr, ledger.negative_flagged) == (4, 400, False)
    assert ledger.last_counted_on == TODAY


def test_a_count_of_a_lot_tracked_product_clears_what_an_oversell_took_beyond_every_lot() -> None:
    product = produce()
    ledger = received(a_ledger(product), product, 10, 1_000, lot_id="L1", expiry_date=days(3))
    _, ledger = issued(ledger, product, 15, recorded_offline=True)

    ledger = fold_stock(
        ledger, count_stock(ledger, a_count(("L1", 2)), product=product, today=TODAY)
    )

    assert lot_quantities(ledger) == {"L1": 2}
    assert (ledger.on_hand, ledger.value_idr) == (2, 200)


def test_a_count_lists_each_lot_once() -> None:
    product = produce()
    command = a_count(("L1", 1), ("L1", 2))

    refused(
        DuplicateLotInCount, count_stock, a_ledger(product), command, product=product, today=TODAY
    )


def test_a_counted_quantity_is_zero_or_more() -> None:
    product = a_product()

    refused(
        CountedQuantityNegative,
        count_stock,
        a_ledger(product),
        a_count((None, -1)),
        product=product,
        today=TODAY,
    )


def test_a_count_of_a_lot_tracked_product_names_lots() -> None:
    product = produce()

    refused(
        LotIdRequired,
        count_stock,
        a_ledger(product),
        a_count((None, 1)),
        product=product,
        today=TODAY,
    )


def test_a_count_of_a_product_without_lots_names_none() -> None:
    product = a_product()

    refused(
        LotNotTracked,
        count_stock,
        a_ledger(product),
        a_count(("L1", 1)),
        product=product,
        today=TODAY,
    )
