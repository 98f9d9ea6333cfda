"""API models of orders from outside buyers (separate from the domain and contracts).

Strict integers as everywhere in inventory; unknown fields refused (a client cannot
set a price, a status or a deadline).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from inventory.entrypoints.schemas import Id, Qty, Rupiah

__all__ = [
    "OrderCancelIn",
    "OrderIn",
    "OrderLineIn",
    "OrderList",
    "OrderOut",
    "OrderPaymentIn",
    "OrderShipmentIn",
    "ReleasedOut",
]


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class BuyerIn(_In):
    name: str = Field(min_length=1, max_length=100, examples=["Maria Lende"])
    phone: str = Field(min_length=1, max_length=20, examples=["+62 812-3456-7890"])
    address: str = Field(min_length=1, max_length=300,
                         examples=["Jl. Sudirman 12, RT 3/RW 4, Kupang"])
    regency: str | None = Field(default=None, max_length=100, examples=["Kota Kupang"])


class OrderLineIn(_In):
    product_id: Id
    qty: Qty


class OrderIn(_In):
    """An order from the catalogue: the products and how many; prices are the
    cooperative's prices for outside buyers on the day (the client cannot set them)."""

    model_config = ConfigDict(json_schema_extra={"examples": [{
        "warehouse_id": "warehouse-0190f3c2-7a1b-7c3d-8e4f-5a6b7c8d9e0f",
        "buyer": {"name": "Maria Lende", "phone": "+62 812-3456-7890",
                  "address": "Jl. Sudirman 12, Kupang", "regency": "Kota Kupang"},
        "lines": [{"product_id": "product-0190f3c2-7a1b-7c3d-8e4f-5a6b7c8d9e11",
                   "qty": 2}]}]})

    warehouse_id: Id
    buyer: BuyerIn
    lines: list[OrderLineIn] = Field(min_length=1, max_length=50)


class OrderPaymentIn(_In):
    method: Literal["transfer", "qris"]
    reference: str = Field(min_length=1, max_length=100, examples=["BRI-20261207-0042"])
    amount_idr: Rupiah = Field(description="the whole total of the order")


class OrderShipmentIn(_In):
    courier: str = Field(min_length=1, max_length=100, examples=["JNE"])
    tracking_no: str = Field(min_length=1, max_length=100, examples=["JNE1234567890"])


class OrderCancelIn(_In):
    reason: str | None = Field(default=None, max_length=500)


class OrderLineOut(BaseModel):
    product_id: str
    qty: int
    price_idr: int
    per_qty: int
    line_total_idr: int


class OrderOut(BaseModel):
    order_id: str
    cooperative_id: str
    warehouse_id: str
    status: Literal["placed", "paid", "packed", "shipped", "cancelled", "expired"]
    buyer_name: str
    buyer_phone: str
    delivery_address: str
    delivery_regency: str | None
    lines: list[OrderLineOut]
    total_idr: int
    placed_at: datetime
    pay_by: datetime = Field(description="unpaid by then, the reservation is released")
    business_date: date
    payment_method: str | None
    payment_reference: str | None
    courier: str | None
    tracking_no: str | None
    sale_id: str | None = Field(description="the sale (channel online) the shipment made")


class OrderList(BaseModel):
    items: list[OrderOut]


class ReleasedOut(BaseModel):
    expired: list[str] = Field(description="the orders expired and their stock released")
