"""Transfers between warehouses: dispatched at cost, received with shrinkage written off."""

from __future__ import annotations

from typing import Any

import pytest
from inventory_builders import (
    TODAY,
    a_ledger,
    a_product,
    days,
    fold_stock,
    lot_quantities,
    produce,
    received,
)

from gotong_testing.deciders import refused
from inventory.domain import (
    AdjustmentReason,
    InsufficientStock,
    LotExpiryMismatch,
    Product,
    QuantityNotPositive,
    ReceivedQuantityOutOfRange,
    ReceiveTransfer,
    StockAdjusted,
    StockLedger,
    StockLine,
    StockTransferredIn,
    StockTransferredOut,
    TransferAlreadyReceived,
    TransferAlreadySent,
    TransferHasNoLines,
    TransferStockOut,
    TransferToSameWarehouse,
    receive_transfer,
    transfer_stock_out,
)

pytestmark = pytest.mark.unit

SHOP = "warehouse-shop"


def a_transfer_out(qty: int, **overrides: Any) -> TransferStockOut:
    fields: dict[str, Any] = {
        "transfer_id": "trf-1",
        "to_warehouse_id": SHOP,
        "to_cooperative_id": "cooperative-test",
        "qty": qty,
        "business_date": TODAY,
    }
    return TransferStockOut(**(fields | overrides))


def sent(ledger: StockLedger, product: Product, qty: int) -> StockTransferredOut:
    (event,) = transfer_stock_out(ledger, a_transfer_out(qty), product=product, today=TODAY)
    assert isinstance(event, StockTransferredOut)
    return event


def arrival(out: StockTransferredOut, qty_received: int, **overrides: Any) -> ReceiveTransfer:
    fields: dict[str, Any] = {
        "transfer_id": out.transfer_id,
        "from_warehouse_id": out.warehouse_id,
        "lines": out.lines,
        "qty_received": qty_received,
        "business_date": TODAY,
    }
    return ReceiveTransfer(**(fields | overrides))


def test_a_transfer_leaves_lot_by_lot_at_cost() -> None:
    product = produce()
    ledger = received(a_ledger(product), product, 100, 1_000, lot_id="L1", expiry_date=days(3))
    ledger = received(ledger, product, 100, 2_000, lot_id="L2", expiry_date=days(9))

    out = sent(ledger, product, 150)

    assert out.lines == (
        StockLine(lot_id="L1", qty=100, cost_idr=1_500, expiry_date=days(3)),
        StockLine(lot_id="L2", qty=50, cost_idr=750, expiry_date=days(9)),
    )
    after = fold_stock(ledger, [out])
    assert (after.on_hand, after.value_idr) == (50, 750)


def test_a_transfer_arrives_with_its_lots_expiry_and_cost() -> None:
    product = produce()
    source = received(a_ledger(product), product, 100, 1_000, lot_id="L1", expiry_date=days(3))
    out = sent(source, product, 60)
    shop = a_ledger(product, SHOP)

    events = receive_transfer(shop, arrival(out, 60), product=product, today=TODAY)
    shop = fold_stock(shop, events)

    assert [type(event) for event in events] == [StockTransferredIn]
    assert (shop.on_hand, shop.value_idr) == (60, 600)
    assert shop.lots["L1"].expiry_date == days(3)


def test_shrinkage_on_the_way_is_written_off_as_lost() -> None:
    product = produce()
    source = received(a_ledger(product), product, 100, 1_000, lot_id="L1", expiry_date=days(3))
    source = received(source, product, 100, 1_000, lot_id="L2", expiry_date=days(4))
    out = sent(source, product, 150)
    shop = a_ledger(product, SHOP)

    arrived, *lost = receive_transfer(shop, arrival(out, 135), product=product, today=TODAY)
    shop = fold_stock(shop, [arrived, *lost])

    assert isinstance(arrived, StockTransferredIn)
    assert (arrived.qty_received, arrived.shrinkage_qty) == (135, 15)
    assert [(e.lot_id, e.qty_delta, e.reason) for e in lost if isinstance(e, StockAdjusted)] == [
        ("L2", -15, AdjustmentReason.LOST)
    ]
    assert (shop.on_hand, shop.value_idr) == (135, 1_350)
    assert lot_quantities(shop) == {"L1": 100, "L2": 35}


def test_a_transfer_goes_to_another_warehouse() -> None:
    product = a_product()
    ledger = received(a_ledger(product), product)
    command = a_transfer_out(1, to_warehouse_id=ledger.warehouse_id)

    refused(
        TransferToSameWarehouse, transfer_stock_out, ledger, command, product=product, today=TODAY
    )


def test_a_transfer_cannot_send_more_than_is_on_hand() -> None:
    product = a_product()
    ledger = received(a_ledger(product), product, 100)

    refused(
        InsufficientStock,
        transfer_stock_out,
        ledger,
        a_transfer_out(101),
        product=product,
        today=TODAY,
    )


def test_a_transfer_id_leaves_once() -> None:
    product = a_product()
    ledger = received(a_ledger(product), product, 100)
    ledger = fold_stock(ledger, [sent(ledger, product, 10)])

    refused(
        TransferAlreadySent,
        transfer_stock_out,
        ledger,
        a_transfer_out(10),
        product=product,
        today=TODAY,
    )


def test_a_transfer_sends_something() -> None:
    product = a_product()
    ledger = received(a_ledger(product), product, 100)

    refused(
        QuantityNotPositive,
        transfer_stock_out,
        ledger,
        a_transfer_out(0),
        product=product,
        today=TODAY,
    )


@pytest.mark.parametrize("qty_received", [-1, 11])
def test_a_transfer_delivers_between_nothing_and_what_was_sent(qty_received: int) -> None:
    product = a_product()
    out = sent(received(a_ledger(product), product, 100), product, 10)

    refused(
        ReceivedQuantityOutOfRange,
        receive_transfer,
        a_ledger(product, SHOP),
        arrival(out, qty_received),
        product=product,
        today=TODAY,
    )


def test_a_transfer_is_received_once() -> None:
    product = a_product()
    out = sent(received(a_ledger(product), product, 100), product, 10)
    shop = a_ledger(product, SHOP)
    shop = fold_stock(shop, receive_transfer(shop, arrival(out, 10), product=product, today=TODAY))

    refused(
        TransferAlreadyReceived,
        receive_transfer,
        shop,
        arrival(out, 10),
        product=product,
        today=TODAY,
    )


def test_a_transfer_received_carries_its_lines() -> None:
    product = a_product()
    out = sent(received(a_ledger(product), product, 100), product, 10)

    refused(
        TransferHasNoLines,
        receive_transfer,
        a_ledger(product, SHOP),
        arrival(out, 0, lines=()),
        product=product,
        today=TODAY,
    )


def test_a_transferred_lot_keeps_its_expiry_at_the_destination() -> None:
    product = produce()
    out = sent(
        received(a_ledger(product), product, 100, lot_id="L1", expiry_date=days(3)), product, 10
    )
    shop = received(a_ledger(product, SHOP), product, 5, lot_id="L1", expiry_date=days(4))

    refused(
        LotExpiryMismatch, receive_transfer, shop, arrival(out, 10), product=product, today=TODAY
    )


def test_a_transfer_comes_from_another_warehouse() -> None:
    product = a_product()
    out = sent(received(a_ledger(product), product, 100), product, 10)
    command = arrival(out, 10, from_warehouse_id=SHOP)

    refused(
        TransferToSameWarehouse,
        receive_transfer,
        a_ledger(product, SHOP),
        command,
        product=product,
        today=TODAY,
    )
