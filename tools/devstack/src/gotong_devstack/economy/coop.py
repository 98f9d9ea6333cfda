"""One cooperative's economy: everything the seeding sends for it, and its devices."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone

from gotong_devstack.demo_dates import DemoDates
from gotong_devstack.economy.inventory import (
    GoodsReceipt,
    ProducePurchase,
    Product,
    Sale,
    Warehouse,
)
from gotong_devstack.economy.payments import Fact, Loan, Pokok, Policy

# The demo's regencies' time zones (stdlib only, like the rest of the tool).
ZONES = {"WITA": timezone(timedelta(hours=8), "WITA"),
         "WIT": timezone(timedelta(hours=9), "WIT")}


@dataclass(frozen=True)
class CoopEconomy:
    slug: str
    code: str  # short, for receipt numbers and references
    time_zone: str
    policy: Policy
    pokok: tuple[Pokok, ...]
    loans: tuple[Loan, ...]
    facts: tuple[Fact, ...]  # in device_seq order: seq = position + 1
    warehouses: tuple[Warehouse, ...]
    products: tuple[Product, ...]
    receipts: tuple[GoodsReceipt, ...]
    produce: tuple[ProducePurchase, ...]  # in device seq order (the scale's)
    sales: tuple[Sale, ...]  # in device seq order (the till's)
    last_day: date  # the day of its last fact: dates.until, or earlier if it stopped syncing
    dates: DemoDates

    @property
    def device_id(self) -> str:
        """The collector's phone (payments: savings deposits and loan repayments)."""
        return f"demo-{self.slug}-kolektor"

    @property
    def till_device_id(self) -> str:
        """The shop's till (inventory: sales)."""
        return f"demo-{self.slug}-gerai"

    @property
    def scale_device_id(self) -> str:
        """The warehouse's scale (inventory: produce bought from members)."""
        return f"demo-{self.slug}-gudang"

    @property
    def shop(self) -> Warehouse:
        return next(w for w in self.warehouses if w.kind == "shop")

    def product(self, sku: str) -> Product:
        return next(p for p in self.products if p.sku == sku)

    def occurred_at(self, index: int) -> datetime:
        """When fact `index` was recorded: from 08:00 on its day, six minutes apart."""
        fact = self.facts[index]
        earlier = sum(1 for f in self.facts[:index] if f.on == fact.on)
        start = datetime.combine(fact.on, time(8, 0), ZONES[self.time_zone])
        return start + timedelta(minutes=6 * earlier)

    def fact_reference(self, index: int) -> str:
        return f"{self.code}-KW-{index + 1:04d}"
