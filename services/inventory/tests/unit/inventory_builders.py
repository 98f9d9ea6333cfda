"""Readable test data for the inventory domain: valid by default, override what matters.

States are built by running the real deciders, so every state a test starts from is
one the domain can actually reach.

Why the odd names (``inventory_builders``, ``test_inventory_*.py``) and no
``__init__.py``: pytest's default ("prepend") import mode imports a test folder without
``__init__.py`` by file name, so module names must be unique across the repository;
the ``inventory`` prefix keeps them so (see ``members_builders``).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import date, timedelta
from typing import Any

from inventory.domain import (
    BaseUnit,
    BuyerType,
    DefineProduct,
    IssueReason,
    IssueStock,
    LotTracking,
    PaymentMethod,
    PriceList,
    Product,
    ProductCategory,
    ReceiveGoods,
    RecordSale,
    RegisterWarehouse,
    Sale,
    SaleEvent,
    SaleLine,
    SalePayment,
    SetPrice,
    StockEvent,
    StockLedger,
    Warehouse,
    WarehouseKind,
    define_product,
    evolve_product,
    evolve_sale,
    evolve_stock,
    issue_stock,
    line_amount,
    new_ledger,
    receive_goods,
    record_sale,
    register_warehouse,
    replay_warehouse,
    set_price,
)

TODAY = date(2025, 6, 30)  # the cooperative's business date in every test
YESTERDAY = TODAY - timedelta(days=1)



def new_id(kind: str) -> str:
    """A unique id per test, shaped like ``gotong_platform.ids.new_id``."""
    return f"{kind}-{uuid.uuid4()}"


def days(n: int) -> date:
    """``n`` days after TODAY (before it when negative)."""
    return TODAY + timedelta(days=n)


# --- catalogue -----------------------------------------------------------------


def a_warehouse_registration(**overrides: Any) -> RegisterWarehouse:
    fields: dict[str, Any] = {
        "cooperative_id": "cooperative-test",
        "name": "Gudang Desa Sukamaju",
        "kind": WarehouseKind.WAREHOUSE,
        "capacity_kg": 20_000,
    }
    return RegisterWarehouse(**(fields | overrides))


def a_warehouse(**overrides: Any) -> Warehouse:
    events = register_warehouse(
        None, a_warehouse_registration(**overrides), warehouse_id=new_id("warehouse")
    )
    warehouse = replay_warehouse(events)
    assert warehouse is not None
    return warehouse


def a_definition(**overrides: Any) -> DefineProduct:
    fields: dict[str, Any] = {
        "cooperative_id": "cooperative-test",
        "sku": "BRS-PW-5KG",
        "name": "Beras Pandan Wangi",
        "category": ProductCategory.STAPLE_GOODS,
        "base_unit": BaseUnit.GRAM,
        "lot_tracking": LotTracking.NONE,
    }
    return DefineProduct(**(fields | overrides))


def a_product(*, prices: Iterable[SetPrice] = (), **overrides: Any) -> Product:
    """A defined product; ``prices`` are set on TODAY's business date."""
    product = fold_product(
        None, define_product(None, a_definition(**overrides), product_id=new_id("product"))
    )
    for price in prices:
        product = fold_product(product, set_price(product, price, today=TODAY))
    return product


def produce(**overrides: Any) -> Product:
    """Farm produce weighed in grams and tracked by lot and expiry (shelf life 30 days)."""
    fields: dict[str, Any] = {
        "sku": "CABAI-MRH",
        "name": "Cabai Merah",
        "category": ProductCategory.FARM_PRODUCE,
        "lot_tracking": LotTracking.LOT_EXPIRY,
        "shelf_life_days": 30,
    }
    return a_product(**(fields | overrides))


def a_price(**overrides: Any) -> SetPrice:
    fields: dict[str, Any] = {
        "price_list": PriceList.MEMBER,
        "price_idr": 45_000,
        "per_qty": 1000,
        "effective_from": TODAY,
    }
    return SetPrice(**(fields | overrides))


def fold_product(state: Product | None, events: Iterable[Any]) -> Product:
    for event in events:
        state = evolve_product(state, event)
    assert state is not None
    return state


# --- stock ---------------------------------------------------------------------


def a_ledger(product: Product, warehouse_id: str = "warehouse-main") -> StockLedger:
    return new_ledger(warehouse_id=warehouse_id, product_id=product.product_id)


def fold_stock(ledger: StockLedger, events: Iterable[StockEvent]) -> StockLedger:
    for event in events:
        ledger = evolve_stock(ledger, event)
    return ledger


def a_receipt(qty: int = 1000, cost: int = 10_000, **overrides: Any) -> ReceiveGoods:
    fields: dict[str, Any] = {
        "receipt_id": new_id("grn"),
        "qty": qty,
        "total_cost_idr": cost,
        "business_date": TODAY,
    }
    return ReceiveGoods(**(fields | overrides))


def received(
    ledger: StockLedger, product: Product, qty: int = 1000, cost: int = 10_000, **overrides: Any
) -> StockLedger:
    """``ledger`` after a receipt of ``qty`` at ``cost`` (total)."""
    events = receive_goods(ledger, a_receipt(qty, cost, **overrides), product=product, today=TODAY)
    return fold_stock(ledger, events)


def an_issue(qty: int, **overrides: Any) -> IssueStock:
    fields: dict[str, Any] = {
        "issue_id": new_id("issue"),
        "reason": IssueReason.SALE,
        "reference": new_id("sale"),
        "qty": qty,
        "business_date": TODAY,
    }
    return IssueStock(**(fields | overrides))


def issued(
    ledger: StockLedger, product: Product, qty: int, **overrides: Any
) -> tuple[list[StockEvent], StockLedger]:
    """The events of an issue of ``qty`` and the ledger after it."""
    options = {k: overrides.pop(k) for k in ("allow_negative", "allow_expired") if k in overrides}
    events = issue_stock(
        ledger, an_issue(qty, **overrides), product=product, today=TODAY, **options
    )
    return events, fold_stock(ledger, events)


def lot_quantities(ledger: StockLedger) -> dict[str | None, int]:
    """Lot → quantity, leaving out empty lots."""
    return {lot_id: lot.qty for lot_id, lot in ledger.lots.items() if lot.qty != 0}


# --- sales ---------------------------------------------------------------------


def a_line(
    qty: int = 2500, price_idr: int = 13_500, per_qty: int = 1000, **overrides: Any
) -> SaleLine:
    fields: dict[str, Any] = {
        "product_id": "product-beras",
        "qty": qty,
        "price_idr": price_idr,
        "per_qty": per_qty,
        "line_total_idr": line_amount(qty, price_idr, per_qty),
    }
    return SaleLine(**(fields | overrides))


def a_sale_command(
    lines: tuple[SaleLine, ...] | None = None, discount_idr: int = 0, **overrides: Any
) -> RecordSale:
    """A valid member sale paid in cash; payments follow the lines unless overridden."""
    lines = (
        lines if lines is not None else (a_line(), a_line(1, 3_000, 1, product_id="product-telur"))
    )
    total = sum(line.line_total_idr for line in lines) - discount_idr
    fields: dict[str, Any] = {
        "cooperative_id": "cooperative-test",
        "warehouse_id": "warehouse-shop",
        "buyer_type": BuyerType.MEMBER,
        "member_id": "member-siti",
        "lines": lines,
        "payments": (SalePayment(method=PaymentMethod.CASH, amount_idr=total),) if total else (),
        "business_date": TODAY,
        "discount_idr": discount_idr,
    }
    return RecordSale(**(fields | overrides))


def fold_sale(state: Sale | None, events: Iterable[SaleEvent]) -> Sale:
    for event in events:
        state = evolve_sale(state, event)
    assert state is not None
    return state


def a_sale(**overrides: Any) -> Sale:
    return fold_sale(
        None, record_sale(None, a_sale_command(**overrides), sale_id=new_id("sale"), today=TODAY)
    )
