"""API request and response models (separate from domain events and contracts).

Quantities are integers in the product's base unit (g, pcs, ml); money is integer
rupiah below Rp 10^12 (docs/money.md). Both are strict integers: ``1.5`` or ``"2"`` is
refused, never rounded.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, Strict

from gotong_platform import money

Kind = Literal["warehouse", "cold_storage", "shop"]
Category = Literal["farm_produce", "handicraft", "staple_goods", "farm_inputs"]
BaseUnitIn = Literal["g", "pcs", "ml"]
Tracking = Literal["none", "lot", "lot_expiry"]
PriceListIn = Literal["member", "non_member", "buy_from_member"]
WriteOffReason = Literal["damaged", "rotten", "expired", "lost"]
Method = Literal["cash", "qris", "transfer", "credit"]

# Quantities stay at 10^8 base units (100 t in grams); money is the platform's
# (gotong_platform.money: one fact is never Rp 10^12 or more), a price at most Rp 1
# miliar per pricing unit.
Qty = Annotated[int, Field(strict=True, ge=1, le=100_000_000)]
Counted = Annotated[int, Field(strict=True, ge=0, le=100_000_000)]
Rupiah = Annotated[money.Rupiah, Strict()]
PriceIdr = Annotated[money.PositiveRupiah, Strict(), Field(le=1_000_000_000)]
Id = Annotated[str, Field(min_length=1, max_length=100)]
LotId = Annotated[str, Field(min_length=1, max_length=100, examples=["KOPI-2026-07-A"])]


class _In(BaseModel):
    # Unknown fields are refused: a client cannot slip in a price, a status or a cost
    # the server computes (mass assignment).
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


# --- catalogue -----------------------------------------------------------------


class WarehouseIn(_In):
    name: str = Field(max_length=200, examples=["Gerai Sembako Desa Lewa"])
    kind: Kind = Field(examples=["shop"])
    capacity_kg: int | None = Field(default=None, strict=True, ge=1, le=100_000_000,
                                    examples=[2000])


class WarehouseOut(BaseModel):
    warehouse_id: str
    cooperative_id: str
    name: str
    kind: str
    capacity_kg: int | None


class ProductIn(_In):
    sku: str = Field(max_length=40, description="unique within the cooperative",
                     examples=["KOPI-ARABIKA-GB"])
    name: str = Field(max_length=200, examples=["Kopi arabika green bean"])
    category: Category = Field(examples=["farm_produce"])
    base_unit: BaseUnitIn = Field(examples=["g"])
    lot_tracking: Tracking = Field(default="none", examples=["lot_expiry"])
    shelf_life_days: int | None = Field(default=None, strict=True, ge=1, le=36500,
                                        examples=[365])


class PriceIn(_In):
    price_list: PriceListIn = Field(examples=["member"])
    price_idr: PriceIdr = Field(description="for every per_qty base units", examples=[45000])
    per_qty: Qty = Field(default=1, examples=[1000])
    effective_from: date | None = Field(default=None, description="defaults to today")


class PriceOut(BaseModel):
    price_list: str
    price_idr: int
    per_qty: int
    effective_from: date


class ProductOut(BaseModel):
    product_id: str
    cooperative_id: str
    sku: str
    name: str
    category: str
    base_unit: str
    lot_tracking: str
    shelf_life_days: int | None
    prices: list[PriceOut] = Field(default_factory=list)


# --- stock ---------------------------------------------------------------------


class LotOut(BaseModel):
    lot_id: str | None = Field(description="null: the unlotted balance")
    qty: int
    expiry_date: date | None
    harvest_date: date | None


class StockLevelOut(BaseModel):
    warehouse_id: str
    product_id: str
    sku: str
    name: str
    base_unit: str
    on_hand: int = Field(description="below zero after an offline oversell")
    reserved: int = Field(default=0, description="on hand but held for orders not yet "
                                                 "shipped (not for sale at the shop)")
    available: int = Field(default=0, description="on_hand - reserved: what the shop may "
                                                  "still sell")
    value_idr: int
    average_cost_idr: int = Field(description="moving average for average_cost_per_qty units")
    average_cost_per_qty: int = Field(examples=[1000])
    negative: bool = Field(description="an oversell happened and no count followed yet")
    lots: list[LotOut] = Field(description="first expiry (FEFO) or first in (FIFO) first")


class GoodsReceiptIn(_In):
    product_id: Id
    qty: Qty = Field(examples=[50000])
    total_cost_idr: Rupiah = Field(description="what the whole receipt cost",
                                   examples=[600000])
    lot_id: LotId | None = None
    harvest_date: date | None = None
    expiry_date: date | None = Field(default=None,
                                     description="default: harvest date + shelf life")
    supplier_ref: str | None = Field(default=None, max_length=200, examples=["DO-4471"])
    received_on: date | None = Field(
        default=None, description="the business day the goods arrived (default: today; "
        "a delivery note entered late keeps its own day, never a future one)")


class ReceiptOut(BaseModel):
    receipt_id: str
    stock: StockLevelOut


class ProduceReceiptIn(_In):
    member_id: Id = Field(examples=["member-0190f3c2-7a1b-7c3d-8e4f-5a6b7c8d9e0f"])
    product_id: Id
    gross_qty_g: Qty = Field(examples=[52300])
    tare_g: int = Field(default=0, strict=True, ge=0, le=100_000_000,
                        description="sacks or crates weighed with it", examples=[300])
    grade: str = Field(min_length=1, max_length=50, examples=["A"])
    lot_id: LotId
    harvest_date: date = Field(examples=["2026-07-02"])


class ProduceReceiptOut(BaseModel):
    receipt_id: str
    member_id: str
    net_qty_g: int
    price_idr: int
    per_qty: int
    amount_idr: int = Field(description="what the member is owed (paid out by payments)")
    flags: list[str]
    stock: StockLevelOut


class AdjustmentIn(_In):
    product_id: Id
    qty: Qty = Field(description="written off", examples=[1200])
    reason: WriteOffReason = Field(examples=["rotten"])
    lot_id: LotId | None = None


class AdjustmentOut(BaseModel):
    adjustment_id: str
    stock: StockLevelOut


class CountLineIn(_In):
    product_id: Id
    lot_id: LotId | None = Field(default=None, description="null for an unlotted product")
    counted_qty: Counted = Field(examples=[48500])


class StockCountIn(_In):
    """A full count (stock opname) of the products listed; a lot not listed was not found."""

    lines: list[CountLineIn] = Field(min_length=1, max_length=500)


class StockCountOut(BaseModel):
    count_id: str
    corrections: int = Field(description="StockAdjusted(count_correction) events recorded")
    stock: list[StockLevelOut]


class TransferLineIn(_In):
    product_id: Id
    qty: Qty


class TransferIn(_In):
    to_warehouse_id: Id = Field(description="a warehouse of this or another cooperative "
                                            "of the federation")
    lines: list[TransferLineIn] = Field(min_length=1, max_length=100)


class TransferReceiptLineIn(_In):
    product_id: Id = Field(description="the product as the transfer sent it")
    qty_received: Counted


class TransferReceiptIn(_In):
    lines: list[TransferReceiptLineIn] = Field(min_length=1, max_length=100)


class TransferLineOut(BaseModel):
    product_id: str
    qty_sent: int
    received_product_id: str | None
    qty_received: int | None
    shrinkage_qty: int | None


class TransferOut(BaseModel):
    transfer_id: str
    from_warehouse_id: str
    from_cooperative_id: str
    to_warehouse_id: str
    to_cooperative_id: str
    status: Literal["sent", "received"]
    sent_on: date
    received_on: date | None
    lines: list[TransferLineOut]


# --- sales ---------------------------------------------------------------------


class SaleLineIn(_In):
    product_id: Id
    qty: Qty = Field(examples=[5000])


class PaymentIn(_In):
    method: Method = Field(examples=["cash"])
    amount_idr: Rupiah = Field(examples=[70000])


class SaleIn(_In):
    """A sale rung up at the till; prices come from the price list of the buyer type."""

    model_config = ConfigDict(json_schema_extra={"examples": [{
        "warehouse_id": "warehouse-0190f3c2-7a1b-7c3d-8e4f-5a6b7c8d9e0f",
        "buyer_type": "member", "member_id": "member-0190f3c2-7a1b-7c3d-8e4f-5a6b7c8d9e10",
        "lines": [{"product_id": "product-0190f3c2-7a1b-7c3d-8e4f-5a6b7c8d9e11", "qty": 5000}],
        "discount_idr": 0, "payments": [{"method": "cash", "amount_idr": 70000}],
        "receipt_no": "KTM-G1-HP03-41"}]})

    warehouse_id: Id
    buyer_type: Literal["member", "non_member", "cooperative"] = Field(
        description="cooperative: another cooperative of the federation, named by "
                    "buyer_cooperative_id; it pays the non-member price, not on credit")
    member_id: Id | None = None
    buyer_cooperative_id: Id | None = Field(
        default=None, description="the buying cooperative (buyer_type cooperative only)")
    lines: list[SaleLineIn] = Field(min_length=1, max_length=50)
    discount_idr: Rupiah = 0
    payments: list[PaymentIn] = Field(min_length=1, max_length=10,
                                      description="must add up to the total")
    receipt_no: str | None = Field(default=None, max_length=100)


class SaleLineOut(BaseModel):
    product_id: str
    qty: int
    price_idr: int
    per_qty: int
    line_total_idr: int


class PaymentOut(BaseModel):
    method: str
    amount_idr: int


class SaleOut(BaseModel):
    sale_id: str
    cooperative_id: str
    warehouse_id: str
    status: Literal["recorded", "completed", "voided"] = Field(
        description="recorded → completed when payments recorded it, or voided")
    buyer_type: str
    member_id: str | None
    buyer_cooperative_id: str | None = Field(
        default=None, description="the buying cooperative of a sale to a cooperative")
    lines: list[SaleLineOut]
    discount_idr: int
    total_idr: int
    payments: list[PaymentOut]
    receipt_no: str | None
    business_date: date
    recorded_offline: bool
    void_reason: str | None = Field(description="e.g. payment_failed")
    void_detail: str | None = Field(
        description="why, e.g. the payments service's reason code and explanation")
    flags: list[str] = Field(description="went_negative, member_unverified, issued_expired, "
                                         "buyer_cooperative_unverified")
    channel: Literal["shop", "online"] = Field(
        default="shop", description="online: an order from an outside buyer, shipped")


class SaleList(BaseModel):
    items: list[SaleOut]
