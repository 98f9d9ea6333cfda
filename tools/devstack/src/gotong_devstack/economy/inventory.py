"""What the demo sends to inventory: warehouses, products and their prices, goods receipts,
produce bought from members (the scale's offline facts) and the till's sales, each with its
request body or sync item."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Literal

from gotong_devstack.economy.keys import economy_key
from gotong_devstack.economy.money import line_amount

PriceListName = Literal["member", "non_member", "buy_from_member"]
Category = Literal["farm_produce", "handicraft", "staple_goods", "farm_inputs"]
BaseUnit = Literal["g", "pcs", "ml"]
Tracking = Literal["none", "lot", "lot_expiry"]
WarehouseKind = Literal["warehouse", "cold_storage", "shop"]
Method = Literal["cash", "qris", "transfer", "credit"]


@dataclass(frozen=True)
class Price:
    price_list: PriceListName
    price_idr: int
    per_qty: int = 1

    def body(self, effective_from: date) -> dict[str, Any]:
        # From a past day: inventory accepts it while the price list is still empty.
        return {"price_list": self.price_list, "price_idr": self.price_idr,
                "per_qty": self.per_qty, "effective_from": effective_from.isoformat()}

    def key(self, slug: str, sku: str, effective_from: date) -> str:
        # The date is part of the key: a price of another demo calendar is another
        # command, and inventory answers it `price-backdated`.
        return economy_key("price", slug, sku, self.price_list, f"{effective_from:%Y%m%d}")

    def amount(self, qty: int) -> int:
        return line_amount(qty, self.price_idr, self.per_qty)


@dataclass(frozen=True)
class Product:
    sku: str
    name: str
    category: Category
    base_unit: BaseUnit
    warehouse: str  # the code of the warehouse it is kept in
    prices: tuple[Price, ...]
    unit_cost_idr: int | None = None  # bought from suppliers at this cost per unit
    lot_tracking: Tracking = "none"
    shelf_life_days: int | None = None
    weight: int = 0  # how often the shop sells it (0: not sold in the shop)
    max_qty: int = 3  # units of it in one sale at most
    supplier: str = ""  # who delivers it (goods receipts)

    def body(self) -> dict[str, Any]:
        return {"sku": self.sku, "name": self.name, "category": self.category,
                "base_unit": self.base_unit, "lot_tracking": self.lot_tracking,
                "shelf_life_days": self.shelf_life_days}

    def price(self, price_list: PriceListName) -> Price | None:
        return next((p for p in self.prices if p.price_list == price_list), None)


@dataclass(frozen=True)
class Warehouse:
    code: str
    name: str
    kind: WarehouseKind
    capacity_kg: int | None = None

    def body(self) -> dict[str, Any]:
        return {"name": self.name, "kind": self.kind, "capacity_kg": self.capacity_kg}


@dataclass(frozen=True)
class GoodsReceipt:
    sku: str
    qty: int
    total_cost_idr: int
    supplier_ref: str
    received_on: date  # the first day of the demo's months, before any sale

    def body(self, product_id: str) -> dict[str, Any]:
        return {"product_id": product_id, "qty": self.qty, "total_cost_idr": self.total_cost_idr,
                "supplier_ref": self.supplier_ref, "received_on": self.received_on.isoformat()}


@dataclass(frozen=True)
class ProducePurchase:
    """A member's delivery, weighed at the warehouse: an offline fact of its scale."""

    n: int  # 1.. in date order: the device seq
    client_id: str
    on: date
    at: datetime  # occurred_at, in the cooperative's time zone
    member_seq: int
    sku: str
    gross_qty_g: int
    tare_g: int
    grade: str
    lot_id: str
    harvest_date: date

    @property
    def net_qty_g(self) -> int:
        return self.gross_qty_g - self.tare_g

    def body(self, member_id: str, product_id: str) -> dict[str, Any]:
        """The `POST .../produce-receipts` body (the offline payload adds the warehouse)."""
        return {"member_id": member_id, "product_id": product_id,
                "gross_qty_g": self.gross_qty_g, "tare_g": self.tare_g, "grade": self.grade,
                "lot_id": self.lot_id, "harvest_date": self.harvest_date.isoformat()}

    def item(self, warehouse_id: str, member_id: str, product_id: str) -> dict[str, Any]:
        """The sync item (`produce_receipt`)."""
        payload = {"warehouse_id": warehouse_id, **self.body(member_id, product_id)}
        return {"client_id": self.client_id, "device_seq": self.n, "type": "produce_receipt",
                "occurred_at": self.at.isoformat(), "business_date": self.on.isoformat(),
                "payload": payload}


@dataclass(frozen=True)
class SaleLine:
    sku: str
    qty: int
    price_idr: int
    per_qty: int

    @property
    def total_idr(self) -> int:
        return line_amount(self.qty, self.price_idr, self.per_qty)


@dataclass(frozen=True)
class Tender:
    method: Method
    amount_idr: int


@dataclass(frozen=True)
class Sale:
    """A sale rung up at the shop's till: an offline fact of the till."""

    n: int  # 1.. in date order: the device seq
    client_id: str
    on: date
    at: datetime  # occurred_at, in the cooperative's time zone
    member_seq: int | None  # None: a non-member
    lines: tuple[SaleLine, ...]
    tenders: tuple[Tender, ...]
    receipt_no: str

    @property
    def total_idr(self) -> int:
        return sum(line.total_idr for line in self.lines)

    @property
    def buyer_type(self) -> Literal["member", "non_member"]:
        return "non_member" if self.member_seq is None else "member"

    def body(self, warehouse_id: str, product_ids: dict[str, str],
             member_id: str | None) -> dict[str, Any]:
        return {
            "warehouse_id": warehouse_id,
            "buyer_type": self.buyer_type,
            "member_id": member_id,
            "lines": [{"product_id": product_ids[line.sku], "qty": line.qty}
                      for line in self.lines],
            "discount_idr": 0,
            "payments": [{"method": t.method, "amount_idr": t.amount_idr} for t in self.tenders],
            "receipt_no": self.receipt_no,
        }

    def item(self, warehouse_id: str, product_ids: dict[str, str],
             member_id: str | None) -> dict[str, Any]:
        """The sync item (`sale`): the `POST /sales` body as its payload."""
        return {"client_id": self.client_id, "device_seq": self.n, "type": "sale",
                "occurred_at": self.at.isoformat(), "business_date": self.on.isoformat(),
                "payload": self.body(warehouse_id, product_ids, member_id)}
