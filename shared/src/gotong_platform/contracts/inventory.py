"""Published events of the inventory service (topic ``gotong.inventory.events``).

Quantities are integers in the product's base unit (grams, pieces or
millilitres); money is integer rupiah. A price is ``price_idr`` per ``per_qty``
base units (e.g. Rp 45.000 per 1000 g), because a price per gram is fractional.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field

from gotong_platform.contracts.base import EventContract, register
from gotong_platform.money import PositiveRupiah, Rupiah, SignedRupiah

__all__ = [
    "INVENTORY_TOPIC",
    "GoodsReceivedV1",
    "ListingPublishedV1",
    "ListingWithdrawnV1",
    "OrderCancelledV1",
    "OrderExpiredV1",
    "OrderLine",
    "OrderPackedV1",
    "OrderPaidV1",
    "OrderPlacedV1",
    "OrderShippedV1",
    "ProduceReceivedFromMemberV1",
    "ProductDefinedV1",
    "ProductPriceSetV1",
    "SaleCompletedV1",
    "SaleLine",
    "SalePayment",
    "SaleRecordedV1",
    "SaleVoidedV1",
    "StockAdjustedV1",
    "StockIssuedV1",
    "StockReturnedV1",
    "StockTransferredInV1",
    "StockTransferredOutV1",
    "StorefrontProfileSetV1",
    "WarehouseRegisteredV1",
]

INVENTORY_TOPIC = "gotong.inventory.events"
Category = Literal["farm_produce", "handicraft", "staple_goods", "farm_inputs"]
PaymentMethod = Literal["cash", "qris", "transfer", "credit"]
BuyerType = Literal["member", "non_member"]


class _Part(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore")


class _Inventory(EventContract):
    source: ClassVar[str] = "inventory"
    cooperative_id: str


@register
class WarehouseRegisteredV1(_Inventory):
    event_type: ClassVar[str] = "WarehouseRegistered"
    warehouse_id: str
    name: str
    kind: Literal["warehouse", "cold_storage", "shop"]
    capacity_kg: int | None = None


@register
class ProductDefinedV1(_Inventory):
    event_type: ClassVar[str] = "ProductDefined"
    product_id: str
    sku: str
    name: str
    category: Category
    base_unit: Literal["g", "pcs", "ml"]
    lot_tracking: Literal["none", "lot", "lot_expiry"]


@register
class ProductPriceSetV1(_Inventory):
    event_type: ClassVar[str] = "ProductPriceSet"
    product_id: str
    price_list: Literal["member", "non_member", "buy_from_member"]
    price_idr: Rupiah
    per_qty: int = Field(gt=0)
    effective_from: date


@register
class GoodsReceivedV1(_Inventory):
    event_type: ClassVar[str] = "GoodsReceived"
    receipt_id: str | None = None
    warehouse_id: str
    product_id: str
    qty: int = Field(gt=0)
    cost_idr: Rupiah
    lot_id: str | None = None
    expiry_date: date | None = None
    business_date: date
    settlement_variance_idr: SignedRupiah = Field(
        default=0, description="cost correction when stock arriving settles an oversell")


@register
class ProduceReceivedFromMemberV1(_Inventory):
    """Produce bought from a member: payments pays it out, with deductions."""

    event_type: ClassVar[str] = "ProduceReceivedFromMember"
    receipt_id: str
    warehouse_id: str
    product_id: str
    member_id: str
    gross_qty_g: int = Field(ge=0)
    net_qty_g: int = Field(gt=0)
    grade: str
    lot_id: str
    price_idr: Rupiah
    per_qty: int = Field(gt=0)
    amount_idr: Rupiah
    business_date: date
    recorded_offline: bool = False
    settlement_variance_idr: SignedRupiah = Field(
        default=0, description="cost correction when stock arriving settles an oversell")


@register
class StockIssuedV1(_Inventory):
    event_type: ClassVar[str] = "StockIssued"
    issue_id: str | None = None
    warehouse_id: str
    product_id: str
    reason: str
    reference: str
    qty: int = Field(gt=0)
    cost_idr: SignedRupiah
    went_negative: bool = False
    business_date: date


@register
class StockReturnedV1(_Inventory):
    event_type: ClassVar[str] = "StockReturned"
    issue_id: str | None = Field(default=None, description="the issue this return reverses")
    warehouse_id: str
    product_id: str
    reference: str
    qty: int = Field(gt=0)
    cost_idr: SignedRupiah
    business_date: date
    settlement_variance_idr: SignedRupiah = Field(
        default=0, description="cost correction when stock arriving settles an oversell")



@register
class StockAdjustedV1(_Inventory):
    event_type: ClassVar[str] = "StockAdjusted"
    adjustment_id: str | None = None
    warehouse_id: str
    product_id: str
    lot_id: str | None = None
    qty_delta: int
    reason: Literal["damaged", "rotten", "expired", "lost", "count_correction"]
    value_idr: SignedRupiah = Field(description="unsigned; the direction is the sign of qty_delta")
    business_date: date
    settlement_variance_idr: SignedRupiah = Field(
        default=0, description="cost correction when stock arriving settles an oversell")



@register
class StockTransferredOutV1(_Inventory):
    event_type: ClassVar[str] = "StockTransferredOut"
    transfer_id: str
    warehouse_id: str
    product_id: str
    to_warehouse_id: str
    to_cooperative_id: str
    qty: int = Field(gt=0)
    cost_idr: SignedRupiah
    business_date: date


@register
class StockTransferredInV1(_Inventory):
    event_type: ClassVar[str] = "StockTransferredIn"
    transfer_id: str
    warehouse_id: str
    product_id: str
    from_warehouse_id: str
    from_cooperative_id: str
    qty_sent: int = Field(gt=0)
    qty_received: int = Field(ge=0)
    shrinkage_qty: int = Field(ge=0)
    cost_idr: SignedRupiah
    business_date: date
    settlement_variance_idr: SignedRupiah = Field(
        default=0, description="cost correction when stock arriving settles an oversell")



class SaleLine(_Part):
    product_id: str
    category: Category
    qty: int = Field(gt=0)
    price_idr: Rupiah
    per_qty: int = Field(gt=0)
    line_total_idr: Rupiah


class SalePayment(_Part):
    method: PaymentMethod
    amount_idr: PositiveRupiah


@register
class SaleRecordedV1(_Inventory):
    """A sale at the shop. ``buyer_type`` matters for SHU (member-sourced surplus).

    A sale to another cooperative of the federation names it in ``buyer_cooperative_id``
    (online, inventory checks it is a known cooperative of the federation; a sale
    recorded offline may name one it could not check, flagged for staff). Its
    ``buyer_type`` is ``non_member``, which it is for the selling cooperative's SHU, so a
    v1 consumer that knows only ``member`` and ``non_member`` reads it unchanged (a third
    value would be a breaking change). Group reports eliminate such a sale when both
    cooperatives are in the group.
    """

    event_type: ClassVar[str] = "SaleRecorded"
    sale_id: str
    warehouse_id: str
    buyer_type: BuyerType
    member_id: str | None = None
    buyer_cooperative_id: str | None = Field(
        default=None, description="the buying cooperative, for a sale to another "
                                  "cooperative of the federation (buyer_type non_member)")
    lines: tuple[SaleLine, ...]
    discount_idr: Rupiah
    total_idr: Rupiah
    payments: tuple[SalePayment, ...]
    business_date: date
    receipt_no: str | None = None
    recorded_offline: bool = False
    channel: Literal["shop", "online"] = Field(
        default="shop", description="where the sale was made: the shop's till, or an order "
                                    "from an outside buyer (OrderShipped names the sale); "
                                    "absent in events published before orders existed")


@register
class SaleCompletedV1(_Inventory):
    event_type: ClassVar[str] = "SaleCompleted"
    sale_id: str


@register
class SaleVoidedV1(_Inventory):
    """The sale was compensated: its stock is returned (StockReturned) and it no longer counts."""

    event_type: ClassVar[str] = "SaleVoided"
    sale_id: str
    reason_code: str
    detail: str = ""


# --- the public catalogue: what the cooperative offers buyers outside it ---------------


@register
class ListingPublishedV1(_Inventory):
    """A product in the public catalogue, as shown (a revision publishes the whole of it
    again). ``price_idr`` is for outside buyers, per sale unit of ``unit_qty`` base units
    of the product (e.g. "kg" = 1000 g); stock is served from ``warehouse_id``."""

    event_type: ClassVar[str] = "ListingPublished"
    listing_id: str
    product_id: str
    warehouse_id: str
    title: str = Field(max_length=150)
    description: str = Field(max_length=5000)
    photos: tuple[str, ...] = Field(min_length=1, max_length=6)
    origin_regency: str
    origin_village: str | None = None
    unit_label: str
    unit_qty: int = Field(gt=0)
    price_idr: PositiveRupiah
    low_threshold: int = Field(ge=0)
    show_quantity: bool


@register
class ListingWithdrawnV1(_Inventory):
    """The listing left the public catalogue (no new orders; it may be published again)."""

    event_type: ClassVar[str] = "ListingWithdrawn"
    listing_id: str


@register
class StorefrontProfileSetV1(_Inventory):
    """The cooperative's public profile: its story and its region, as it tells them."""

    event_type: ClassVar[str] = "StorefrontProfileSet"
    story: str = Field(max_length=2000)
    region: str = Field(max_length=120)


# --- orders from outside buyers (stream order-<uuid>) -------------------------------
# The buyer's name, phone and address stay inside inventory: a contract names the
# delivery regency at most.


class OrderLine(_Part):
    product_id: str
    qty: int = Field(gt=0)
    price_idr: Rupiah = Field(description="the price for outside buyers, per per_qty")
    per_qty: int = Field(gt=0)
    line_total_idr: Rupiah


@register
class OrderPlacedV1(_Inventory):
    """A buyer ordered; the lines' stock is reserved in ``warehouse_id`` until
    ``pay_by`` (the reservation is released by OrderCancelled or OrderExpired, or taken
    by the sale OrderShipped names)."""

    event_type: ClassVar[str] = "OrderPlaced"
    order_id: str
    warehouse_id: str
    lines: tuple[OrderLine, ...]
    total_idr: Rupiah
    pay_by: datetime
    business_date: date
    delivery_regency: str | None = None


@register
class OrderPaidV1(_Inventory):
    event_type: ClassVar[str] = "OrderPaid"
    order_id: str
    method: Literal["transfer", "qris"]
    amount_idr: Rupiah
    business_date: date


@register
class OrderPackedV1(_Inventory):
    event_type: ClassVar[str] = "OrderPacked"
    order_id: str
    business_date: date


@register
class OrderShippedV1(_Inventory):
    """Handed to the courier; the goods left in ``sale_id`` (SaleRecorded, channel
    ``online``)."""

    event_type: ClassVar[str] = "OrderShipped"
    order_id: str
    sale_id: str
    courier: str
    tracking_no: str
    business_date: date


@register
class OrderCancelledV1(_Inventory):
    event_type: ClassVar[str] = "OrderCancelled"
    order_id: str
    business_date: date


@register
class OrderExpiredV1(_Inventory):
    """Not paid by ``pay_by``: the reservation is released."""

    event_type: ClassVar[str] = "OrderExpired"
    order_id: str
    pay_by: datetime
    business_date: date
