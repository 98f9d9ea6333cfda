"""Stock coming in: goods from suppliers and produce weighed in from members."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest
from inventory_builders import (
    TODAY,
    a_ledger,
    a_price,
    a_product,
    a_receipt,
    days,
    fold_stock,
    produce,
    received,
)

from gotong_testing.deciders import refused
from inventory.domain import (
    AmountNegative,
    BaseUnit,
    DateInFuture,
    ExpiryBeforeHarvest,
    ExpiryNotTracked,
    GoodsReceived,
    InvalidTare,
    LotExpiryMismatch,
    LotIdRequired,
    LotNotTracked,
    LotTracking,
    NoPriceOnDate,
    PriceList,
    ProduceReceivedFromMember,
    ProductNotWeighed,
    QuantityNotPositive,
    ReceiveProduce,
    RequiredFieldMissing,
    receive_goods,
    receive_produce,
)

pytestmark = pytest.mark.unit


# --- goods ---------------------------------------------------------------------


def test_a_receipt_adds_its_quantity_and_its_total_cost() -> None:
    product = a_product()
    ledger = received(a_ledger(product), product, qty=5000, cost=67_500)
    ledger = received(ledger, product, qty=5000, cost=70_000)

    assert (ledger.on_hand, ledger.value_idr) == (10_000, 137_500)
    assert ledger.average_cost_idr(1000) == 13_750  # per kg


def test_a_receipt_names_the_ledger_and_keeps_what_the_clerk_typed() -> None:
    product = a_product()
    command = a_receipt(250, 5_000, supplier_ref="  INV-0042 ")

    (event,) = receive_goods(a_ledger(product), command, product=product, today=TODAY)

    assert isinstance(event, GoodsReceived)
    assert (event.product_id, event.warehouse_id) == (product.product_id, "warehouse-main")
    assert (event.qty, event.total_cost_idr, event.supplier_ref) == (250, 5_000, "INV-0042")
    assert event.settlement_variance_idr == 0


@pytest.mark.parametrize("qty", [0, -1])
def test_a_receipt_brings_something(qty: int) -> None:
    product = a_product()

    refused(
        QuantityNotPositive,
        receive_goods,
        a_ledger(product),
        a_receipt(qty),
        product=product,
        today=TODAY,
    )


def test_a_receipt_costs_nothing_or_more() -> None:
    product = a_product()
    command = a_receipt(10, -1)

    refused(AmountNegative, receive_goods, a_ledger(product), command, product=product, today=TODAY)


def test_a_receipt_is_not_dated_after_today() -> None:
    product = a_product()
    command = a_receipt(business_date=days(1))

    refused(DateInFuture, receive_goods, a_ledger(product), command, product=product, today=TODAY)


def test_a_receipt_needs_its_document_id() -> None:
    product = a_product()
    command = a_receipt(receipt_id=" ")

    refused(
        RequiredFieldMissing,
        receive_goods,
        a_ledger(product),
        command,
        product=product,
        today=TODAY,
    )


def test_a_lot_tracked_product_is_received_into_a_named_lot() -> None:
    product = a_product(lot_tracking=LotTracking.LOT)

    refused(
        LotIdRequired, receive_goods, a_ledger(product), a_receipt(), product=product, today=TODAY
    )


def test_a_product_without_lots_takes_no_lot() -> None:
    product = a_product()
    command = a_receipt(lot_id="L1")

    refused(LotNotTracked, receive_goods, a_ledger(product), command, product=product, today=TODAY)


@pytest.mark.parametrize("tracking", [LotTracking.NONE, LotTracking.LOT])
def test_only_an_expiry_tracked_product_takes_an_expiry_date(tracking: LotTracking) -> None:
    product = a_product(lot_tracking=tracking)
    lot = None if tracking is LotTracking.NONE else "L1"
    command = a_receipt(lot_id=lot, expiry_date=days(30))

    refused(
        ExpiryNotTracked, receive_goods, a_ledger(product), command, product=product, today=TODAY
    )


def test_an_expiry_defaults_to_harvest_plus_shelf_life() -> None:
    product = produce(shelf_life_days=30)
    command = a_receipt(lot_id="L1", harvest_date=days(-2))

    (event,) = receive_goods(a_ledger(product), command, product=product, today=TODAY)

    assert isinstance(event, GoodsReceived)
    assert event.expiry_date == days(28)


def test_a_printed_expiry_wins_over_the_shelf_life() -> None:
    product = produce(shelf_life_days=30)
    command = a_receipt(lot_id="L1", harvest_date=days(-2), expiry_date=days(5))

    (event,) = receive_goods(a_ledger(product), command, product=product, today=TODAY)

    assert isinstance(event, GoodsReceived)
    assert event.expiry_date == days(5)


def test_a_lot_does_not_expire_before_its_harvest() -> None:
    product = produce()
    command = a_receipt(lot_id="L1", harvest_date=days(-2), expiry_date=days(-3))

    refused(
        ExpiryBeforeHarvest, receive_goods, a_ledger(product), command, product=product, today=TODAY
    )


def test_goods_are_not_harvested_after_their_receipt() -> None:
    product = produce()
    command = a_receipt(lot_id="L1", harvest_date=days(-1), business_date=days(-2))

    refused(DateInFuture, receive_goods, a_ledger(product), command, product=product, today=TODAY)


def test_a_known_lot_keeps_its_expiry() -> None:
    product = produce()
    ledger = received(a_ledger(product), product, lot_id="L1", expiry_date=days(10))
    command = a_receipt(lot_id="L1", expiry_date=days(11))

    refused(LotExpiryMismatch, receive_goods, ledger, command, product=product, today=TODAY)


def test_more_of_a_known_lot_adds_to_it() -> None:
    product = produce()
    ledger = received(a_ledger(product), product, 100, lot_id="L1", expiry_date=days(10))
    ledger = received(ledger, product, 50, lot_id="L1", expiry_date=days(10))

    assert ledger.lot_qty("L1") == 150


def test_a_ledger_is_for_its_own_product() -> None:
    product, other = a_product(), a_product()

    with pytest.raises(ValueError, match="product"):
        receive_goods(a_ledger(product), a_receipt(), product=other, today=TODAY)


# --- produce from members ----------------------------------------------------------


def a_delivery(**overrides: Any) -> ReceiveProduce:
    fields: dict[str, Any] = {
        "receipt_id": "rcpt-1",
        "member_id": "member-siti",
        "gross_qty_g": 52_300,
        "tare_g": 1_800,
        "lot_id": "CBM-0630-01",
        "harvest_date": days(-1),
        "business_date": TODAY,
        "grade": "A",
    }
    return ReceiveProduce(**(fields | overrides))


def test_produce_is_weighed_net_of_tare_and_bought_at_the_list_price() -> None:
    product = produce(prices=[a_price(price_list=PriceList.BUY_FROM_MEMBER, price_idr=28_500)])

    (event,) = receive_produce(a_ledger(product), a_delivery(), product=product, today=TODAY)

    assert isinstance(event, ProduceReceivedFromMember)
    assert (event.gross_qty_g, event.tare_g, event.net_qty_g) == (52_300, 1_800, 50_500)
    assert (event.price_idr, event.per_qty) == (28_500, 1000)
    assert event.amount_idr == 1_439_250  # 50,5 kg * Rp 28.500
    assert event.expiry_date == days(29)  # harvest + 30 days shelf life
    ledger = fold_stock(a_ledger(product), [event])
    assert (ledger.on_hand, ledger.value_idr, ledger.lot_qty("CBM-0630-01")) == (
        50_500,
        1_439_250,
        50_500,
    )


def test_the_member_is_paid_to_the_rupiah_rounded_half_up() -> None:
    product = produce(prices=[a_price(price_list=PriceList.BUY_FROM_MEMBER, price_idr=28_500)])
    command = a_delivery(gross_qty_g=1_003, tare_g=0)  # 1,003 kg * 28.500 = 28.585,5

    (event,) = receive_produce(a_ledger(product), command, product=product, today=TODAY)

    assert isinstance(event, ProduceReceivedFromMember)
    assert event.amount_idr == 28_586


def test_an_offline_receipt_keeps_the_price_the_device_used() -> None:
    product = produce(prices=[a_price(price_list=PriceList.BUY_FROM_MEMBER, price_idr=28_500)])
    command = a_delivery(price_idr=27_000, per_qty=1000, recorded_offline=True)

    (event,) = receive_produce(a_ledger(product), command, product=product, today=TODAY)

    assert isinstance(event, ProduceReceivedFromMember)
    assert (event.price_idr, event.amount_idr, event.recorded_offline) == (27_000, 1_363_500, True)


def test_produce_needs_a_buying_price_on_the_day() -> None:
    product = produce(prices=[a_price(price_list=PriceList.MEMBER)])

    refused(
        NoPriceOnDate,
        receive_produce,
        a_ledger(product),
        a_delivery(),
        product=product,
        today=TODAY,
    )


def test_produce_is_bought_by_weight() -> None:
    product = produce(base_unit=BaseUnit.PIECE)

    refused(
        ProductNotWeighed,
        receive_produce,
        a_ledger(product),
        a_delivery(),
        product=product,
        today=TODAY,
    )


def test_produce_is_kept_by_lot() -> None:
    product = a_product()

    refused(
        LotNotTracked,
        receive_produce,
        a_ledger(product),
        a_delivery(),
        product=product,
        today=TODAY,
    )


def test_produce_names_its_lot() -> None:
    product = produce()

    refused(
        LotIdRequired,
        receive_produce,
        a_ledger(product),
        a_delivery(lot_id=" "),
        product=product,
        today=TODAY,
    )


@pytest.mark.parametrize(("gross", "tare"), [(1000, 1000), (1000, 1200), (1000, -1)])
def test_the_tare_lies_below_the_gross_weight(gross: int, tare: int) -> None:
    product = produce()
    command = a_delivery(gross_qty_g=gross, tare_g=tare)

    refused(InvalidTare, receive_produce, a_ledger(product), command, product=product, today=TODAY)


def test_produce_names_the_member_who_delivered_it() -> None:
    product = produce()

    refused(
        RequiredFieldMissing,
        receive_produce,
        a_ledger(product),
        a_delivery(member_id=""),
        product=product,
        today=TODAY,
    )


def test_a_delivery_weighs_something() -> None:
    product = produce()

    refused(
        QuantityNotPositive,
        receive_produce,
        a_ledger(product),
        a_delivery(gross_qty_g=0),
        product=product,
        today=TODAY,
    )


def test_produce_is_not_harvested_after_its_delivery() -> None:
    product = produce()
    command = a_delivery(harvest_date=TODAY, business_date=days(-1))

    refused(DateInFuture, receive_produce, a_ledger(product), command, product=product, today=TODAY)


def test_expiry_tracking_is_optional_for_produce_kept_by_lot() -> None:
    product = a_product(
        lot_tracking=LotTracking.LOT, prices=[a_price(price_list=PriceList.BUY_FROM_MEMBER)]
    )

    (event,) = receive_produce(a_ledger(product), a_delivery(), product=product, today=TODAY)

    assert isinstance(event, ProduceReceivedFromMember)
    assert event.expiry_date is None
    assert dataclasses.asdict(event)["lot_id"] == "CBM-0630-01"
