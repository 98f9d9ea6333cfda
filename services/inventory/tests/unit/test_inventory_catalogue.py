"""Warehouses, products and their price lists."""

from __future__ import annotations

import pytest
from inventory_builders import (
    TODAY,
    YESTERDAY,
    a_definition,
    a_price,
    a_product,
    a_warehouse,
    a_warehouse_registration,
    days,
    fold_product,
)

from gotong_testing.deciders import refused
from inventory.domain import (
    BaseUnit,
    InvalidShelfLife,
    InvalidSku,
    LotTracking,
    Price,
    PriceBackdated,
    PriceList,
    PriceNotPositive,
    PricingQtyNotPositive,
    ProductAlreadyDefined,
    ProductDefined,
    ProductNotFound,
    ProductPriceSet,
    RequiredFieldMissing,
    TextTooLong,
    WarehouseAlreadyRegistered,
    WarehouseCapacityNotPositive,
    WarehouseKind,
    WarehouseRegistered,
    define_product,
    line_amount,
    register_warehouse,
    replay_product,
    set_price,
)

pytestmark = pytest.mark.unit


# --- warehouses ----------------------------------------------------------------


def test_a_warehouse_is_registered_with_its_kind_and_capacity() -> None:
    command = a_warehouse_registration(name="  Cold Storage Desa ", kind=WarehouseKind.COLD_STORAGE)

    (event,) = register_warehouse(None, command, warehouse_id="warehouse-1")

    assert event == WarehouseRegistered(
        warehouse_id="warehouse-1",
        cooperative_id="cooperative-test",
        name="Cold Storage Desa",
        kind=WarehouseKind.COLD_STORAGE,
        capacity_kg=20_000,
    )


def test_a_shop_needs_no_capacity() -> None:
    (event,) = register_warehouse(
        None, a_warehouse_registration(kind=WarehouseKind.SHOP, capacity_kg=None), warehouse_id="w"
    )

    assert isinstance(event, WarehouseRegistered)
    assert event.capacity_kg is None


def test_a_warehouse_is_registered_once() -> None:
    refused(
        WarehouseAlreadyRegistered,
        register_warehouse,
        a_warehouse(),
        a_warehouse_registration(),
        warehouse_id="w",
    )


@pytest.mark.parametrize("capacity", [0, -5])
def test_a_capacity_is_above_zero(capacity: int) -> None:
    refused(
        WarehouseCapacityNotPositive,
        register_warehouse,
        None,
        a_warehouse_registration(capacity_kg=capacity),
        warehouse_id="w",
    )


def test_a_warehouse_has_a_name() -> None:
    refused(
        RequiredFieldMissing,
        register_warehouse,
        None,
        a_warehouse_registration(name="  "),
        warehouse_id="w",
    )


# --- products ------------------------------------------------------------------


def test_a_product_is_defined_with_its_unit_and_tracking() -> None:
    command = a_definition(
        sku=" CABAI-01 ", lot_tracking=LotTracking.LOT_EXPIRY, shelf_life_days=14
    )

    (event,) = define_product(None, command, product_id="product-1")

    assert isinstance(event, ProductDefined)
    assert (event.sku, event.base_unit, event.lot_tracking, event.shelf_life_days) == (
        "CABAI-01",
        BaseUnit.GRAM,
        LotTracking.LOT_EXPIRY,
        14,
    )


def test_a_product_is_defined_once() -> None:
    refused(ProductAlreadyDefined, define_product, a_product(), a_definition(), product_id="p")


@pytest.mark.parametrize("sku", ["BERAS 5KG", "BERAS/5", "ÉPI"])
def test_a_sku_holds_letters_digits_dots_dashes_and_underscores(sku: str) -> None:
    refused(InvalidSku, define_product, None, a_definition(sku=sku), product_id="p")


def test_a_sku_is_required_and_short() -> None:
    refused(RequiredFieldMissing, define_product, None, a_definition(sku=""), product_id="p")
    refused(TextTooLong, define_product, None, a_definition(sku="X" * 41), product_id="p")


def test_a_product_has_a_name() -> None:
    refused(RequiredFieldMissing, define_product, None, a_definition(name=" "), product_id="p")


def test_a_shelf_life_is_at_least_a_day() -> None:
    command = a_definition(lot_tracking=LotTracking.LOT_EXPIRY, shelf_life_days=0)

    refused(InvalidShelfLife, define_product, None, command, product_id="p")


@pytest.mark.parametrize("tracking", [LotTracking.NONE, LotTracking.LOT])
def test_a_shelf_life_needs_expiry_tracking(tracking: LotTracking) -> None:
    command = a_definition(lot_tracking=tracking, shelf_life_days=30)

    refused(InvalidShelfLife, define_product, None, command, product_id="p")


# --- prices --------------------------------------------------------------------


def test_a_price_is_set_per_pricing_unit() -> None:
    product = a_product()

    (event,) = set_price(product, a_price(price_idr=45_000, per_qty=1000), today=TODAY)

    assert isinstance(event, ProductPriceSet)
    assert (event.price_idr, event.per_qty, event.effective_from) == (45_000, 1000, TODAY)


def test_a_price_needs_a_product() -> None:
    refused(ProductNotFound, set_price, None, a_price(), today=TODAY)


@pytest.mark.parametrize("price", [0, -1])
def test_a_price_is_above_zero(price: int) -> None:
    refused(PriceNotPositive, set_price, a_product(), a_price(price_idr=price), today=TODAY)


def test_a_price_is_for_a_positive_quantity() -> None:
    refused(PricingQtyNotPositive, set_price, a_product(), a_price(per_qty=0), today=TODAY)


def test_a_used_price_list_cannot_be_changed_for_past_days() -> None:
    product = a_product(prices=[a_price(price_idr=40_000, effective_from=days(-30))])
    command = a_price(effective_from=YESTERDAY)

    refused(PriceBackdated, set_price, product, command, today=TODAY)


def test_a_first_price_may_start_in_the_past_for_uploads_of_earlier_days() -> None:
    events = set_price(a_product(), a_price(effective_from=days(-30)), today=TODAY)

    assert [e.effective_from for e in events] == [days(-30)]  # type: ignore[union-attr]


def test_the_price_on_a_day_is_the_latest_in_force() -> None:
    product = a_product(
        prices=[
            a_price(price_idr=40_000, effective_from=TODAY),
            a_price(price_idr=42_000, effective_from=days(10)),
            a_price(price_idr=50_000, effective_from=days(5), price_list=PriceList.NON_MEMBER),
        ]
    )

    assert product.price_on(PriceList.MEMBER, days(-1)) is None
    assert _idr(product.price_on(PriceList.MEMBER, TODAY)) == 40_000
    assert _idr(product.price_on(PriceList.MEMBER, days(9))) == 40_000
    assert _idr(product.price_on(PriceList.MEMBER, days(10))) == 42_000
    assert _idr(product.price_on(PriceList.NON_MEMBER, days(6))) == 50_000
    assert product.price_on(PriceList.BUY_FROM_MEMBER, days(30)) is None


def test_a_price_set_later_for_the_same_day_wins() -> None:
    product = a_product(
        prices=[
            a_price(price_idr=40_000, effective_from=days(1)),
            a_price(price_idr=41_000, effective_from=days(1)),
        ]
    )

    assert _idr(product.price_on(PriceList.MEMBER, days(1))) == 41_000


def test_a_product_stream_replays_to_its_state() -> None:
    defined = define_product(None, a_definition(), product_id="product-1")
    priced = set_price(fold_product(None, defined), a_price(price_idr=9_000), today=TODAY)

    product = replay_product([*defined, *priced])

    assert product is not None
    assert (product.product_id, product.sku) == ("product-1", "BRS-PW-5KG")
    assert [price.price_idr for price in product.prices] == [9_000]
    assert replay_product([]) is None


def _idr(price: Price | None) -> int:
    assert price is not None
    return price.price_idr


# --- the rounding rule -----------------------------------------------------------


@pytest.mark.parametrize(
    ("qty", "price", "per_qty", "amount"),
    [
        (750, 13_500, 1000, 10_125),  # 750 g of rice at Rp 13.500/kg
        (1, 500, 1000, 1),  # Rp 0,5 rounds half up to Rp 1
        (1, 499, 1000, 0),
        (3, 1000, 3, 1000),
        (2500, 45_000, 1000, 112_500),
        (12, 3_000, 1, 36_000),
    ],
)
def test_a_line_amount_is_rounded_half_up_to_the_rupiah(
    qty: int, price: int, per_qty: int, amount: int
) -> None:
    assert line_amount(qty, price, per_qty) == amount


def test_a_line_amount_needs_a_pricing_quantity() -> None:
    with pytest.raises(ValueError, match="per_qty"):
        line_amount(1, 1, 0)
