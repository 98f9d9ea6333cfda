"""Commands of the catalogue and the shop: what a clerk asks for, in the imperative.

Commands carry the form as typed; the deciders clean and check it. Stream ids and the
business date ``today`` are passed to the decider separately. Stock commands are in
``stock_commands``.
"""

from __future__ import annotations

import dataclasses
from datetime import date

from inventory.domain.sale_events import SaleLine, SalePayment
from inventory.domain.values import (
    BaseUnit,
    BuyerType,
    LotTracking,
    PriceList,
    ProductCategory,
    SaleChannel,
    VoidReason,
    WarehouseKind,
)

__all__ = [
    "CompleteSale",
    "DefineProduct",
    "RecordSale",
    "RegisterWarehouse",
    "SetPrice",
    "VoidSale",
]


@dataclasses.dataclass(frozen=True, kw_only=True)
class RegisterWarehouse:
    cooperative_id: str
    name: str
    kind: WarehouseKind
    capacity_kg: int | None = None


@dataclasses.dataclass(frozen=True, kw_only=True)
class DefineProduct:
    cooperative_id: str
    sku: str
    name: str
    category: ProductCategory
    base_unit: BaseUnit
    lot_tracking: LotTracking = LotTracking.NONE
    shelf_life_days: int | None = None


@dataclasses.dataclass(frozen=True, kw_only=True)
class SetPrice:
    """``price_idr`` for every ``per_qty`` base units, e.g. Rp 45.000 per 1000 g."""

    price_list: PriceList
    price_idr: int
    per_qty: int
    effective_from: date


@dataclasses.dataclass(frozen=True, kw_only=True)
class RecordSale:
    cooperative_id: str
    warehouse_id: str
    buyer_type: BuyerType
    member_id: str | None
    lines: tuple[SaleLine, ...]
    payments: tuple[SalePayment, ...]
    business_date: date
    buyer_cooperative_id: str | None = None  # buyer_type COOPERATIVE only
    discount_idr: int = 0
    receipt_no: str | None = None  # device-unique, e.g. <koperasi>-<unit>-<device>-<seq>
    device_id: str | None = None
    recorded_offline: bool = False
    channel: SaleChannel = SaleChannel.SHOP  # ONLINE: an order shipped to an outside buyer


@dataclasses.dataclass(frozen=True, kw_only=True)
class VoidSale:
    reason_code: VoidReason
    voided_on: date
    detail: str | None = None


@dataclasses.dataclass(frozen=True, kw_only=True)
class CompleteSale:
    """The payments service recorded the sale's payment (``payment_ref``)."""

    payment_ref: str
    completed_on: date
