"""The demo federation's money and goods (issue 3): savings, loans, shops, produce. Pure data.

`build_economy(federation, today)` turns the members demo (`demo.build_demo(today)`) into,
per cooperative, everything `economy_seed` sends to the payments and inventory APIs, over
the last three months of business up to `today` (`demo_dates.DemoDates`: the month of
`today` and the two before it, facts up to `today`, `until`):

* payments: a savings policy; every admitted member's simpanan pokok (paid on the day of
  admission); simpanan wajib billed for the three months and mostly paid (some members in
  arrears on bills already due; a bill not due yet is paid early or not yet); sukarela
  deposits; loans (applied by the clerk, approved and disbursed by the treasurer) with
  their repayments, one of them left overdue. Wajib, sukarela and repayments are a
  collector's offline facts for `POST /sync` (device `demo-<slug>-kolektor`, seq 1, 2, ...
  in date order).
* inventory: warehouses (a shop everywhere, a coffee warehouse, a cold storage for the
  fishery), a catalogue with member, non-member and buy-from-member prices in force from
  `dates.prices_from`, goods receipts on the first day that cover what the shop sells,
  produce bought from members (coffee, fish; the scale's offline facts, device
  `demo-<slug>-gudang`) and the shop's sales to members and non-members month by month
  (the till's offline facts, device `demo-<slug>-gerai`).

The months differ on purpose, so the regional office sees a federation move: the coffee
cooperative grows month over month (harvest money in the village, and the harvest itself
in the last month; two pre-harvest loans), the weavers' gallery shrinks after the tourist
season, and the KDKMP Kilwaru's devices stopped syncing `STALE_DAYS` before the end: every
fact of it (shop, collector) ends on `last_day`, so its last facts are older than the
others'. A profile's counts are for a whole month: a month the facts reach only in part
(the running month, or the stopped village's last) gets its share by days, so the month
to date compares fairly with the same days of the month before.

Every amount is an integer number of rupiah; a sale's tenders add up to its total, which
is computed with the inventory service's rounding (`line_amount`). Fixed seeds, one
generator per cooperative and concern: the same members give the same data, so the
request bodies (hashed with their Idempotency-Keys) and the offline facts (deduplicated by
device and seq) are the same on every run.

Dates. Payments accepts past business dates for deposits, loans and repayments. Inventory
takes a price from a past day only while that price list is still empty (a price list
already used cannot be backdated: 422 `price-backdated`), so every price takes effect on
`dates.prices_from`, before any fact. Sales and produce purchases are offline facts
carrying their own business dates, priced from the list in force on that day. Goods
receipts are online, dated (`received_on`) the first day of the three months: they are
received in full before the offline facts are uploaded (enough for all three months), so
the till never oversells. Nothing is dated after `dates.until`, which is `today`.
"""

from __future__ import annotations

import calendar
import random
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from typing import Any, Literal

from gotong_devstack.demo import DEMO_VERSION, SEED, Applicant, DemoCoop
from gotong_devstack.demo_dates import DemoDates, add_months

__all__ = [
    "DEFAULT_POKOK_IDR",
    "PROFILES",
    "STALE_DAYS",
    "CoopEconomy",
    "Fact",
    "GoodsReceipt",
    "Instalment",
    "Loan",
    "Pokok",
    "Policy",
    "Price",
    "PriceListName",
    "ProducePurchase",
    "Product",
    "Sale",
    "SaleLine",
    "Tender",
    "Warehouse",
    "add_months",
    "build_economy",
    "economy_key",
    "line_amount",
    "month_days",
    "month_share",
    "round_half_up_div",
]

# The cooperative whose devices stopped syncing: its facts end this many days earlier.
STALE_DAYS = 10
# The payments service's default policy: a member admitted before the cooperative set its
# own policy has a pokok account that expects this amount.
DEFAULT_POKOK_IDR = 50_000

PriceListName = Literal["member", "non_member", "buy_from_member"]
Category = Literal["farm_produce", "handicraft", "staple_goods", "farm_inputs"]
BaseUnit = Literal["g", "pcs", "ml"]
Tracking = Literal["none", "lot", "lot_expiry"]
WarehouseKind = Literal["warehouse", "cold_storage", "shop"]
Method = Literal["cash", "qris", "transfer", "credit"]
Channel = Literal["cash", "transfer", "qris"]
InterestMethod = Literal["flat", "declining_balance"]
SavingsType = Literal["pokok", "wajib", "sukarela"]
FactType = Literal["savings_deposit", "loan_repayment"]

_OFFSETS = {"WITA": timezone(timedelta(hours=8), "WITA"),
            "WIT": timezone(timedelta(hours=9), "WIT")}


def economy_key(*parts: object) -> str:
    """An Idempotency-Key or client id of the economy: `demo-v1-<parts>`."""
    return "-".join(["demo", DEMO_VERSION, *(str(p) for p in parts)])


# --- money arithmetic (the services' own rules, re-stated: the tool is stdlib only) ---


def round_half_up_div(n: int, d: int) -> int:
    """`n / d` to the nearest integer, halves away from zero (gotong_platform.money)."""
    if d == 0:
        raise ZeroDivisionError("round_half_up_div by zero")
    negative = (n < 0) != (d < 0)
    quotient, remainder = divmod(abs(n), abs(d))
    if 2 * remainder >= abs(d):
        quotient += 1
    return -quotient if negative else quotient


def line_amount(qty: int, price_idr: int, per_qty: int) -> int:
    """`qty` base units at `price_idr` per `per_qty` units, half up (inventory's pricing)."""
    return round_half_up_div(qty * price_idr, per_qty)


def month_days(month: str, last_day: date) -> tuple[date, date]:
    """The first and the last day of `month` (`YYYY-MM`) on which facts happen (the last
    before the first when the facts end before the month begins)."""
    year, number = (int(part) for part in month.split("-"))
    first = date(year, number, 1)
    last = date(year, number, calendar.monthrange(year, number)[1])
    return first, min(last, last_day)


def month_share(count: int, month: str, last_day: date) -> int:
    """A whole month's `count` for the days of `month` up to `last_day` (half up)."""
    first, last = month_days(month, last_day)
    if last < first:
        return 0
    length = calendar.monthrange(first.year, first.month)[1]
    return round_half_up_div(count * ((last - first).days + 1), length)


# --- payments ---------------------------------------------------------------------


@dataclass(frozen=True)
class Policy:
    pokok_idr: int
    wajib_idr: int
    wajib_due_day: int
    # Which instalments a produce payout deducts (payments' rule): those due by the
    # receipt's date, or the whole month's (a cooperative whose members repay at harvest).
    payout_instalments: Literal["due_by_receipt_date", "due_this_month"] = (
        "due_by_receipt_date")

    def body(self) -> dict[str, Any]:
        return {"pokok_idr": self.pokok_idr, "wajib_idr": self.wajib_idr,
                "wajib_due_day": self.wajib_due_day,
                "payout_instalments": self.payout_instalments}

    def due_date(self, period: str) -> date:
        year, month = (int(part) for part in period.split("-"))
        return date(year, month, self.wajib_due_day)


@dataclass(frozen=True)
class Pokok:
    """Simpanan pokok, paid at the office on the day of admission (online, backdated)."""

    member_seq: int
    on: date
    reference: str

    def key(self, slug: str, amount_idr: int) -> str:
        # The amount is part of the key: a member admitted before the policy was set owes
        # the default pokok, and a retry with the other amount must not reuse the key.
        return economy_key("pokok", slug, self.member_seq, amount_idr)

    def body(self, amount_idr: int) -> dict[str, Any]:
        return {"amount_idr": amount_idr, "channel": "cash", "business_date": self.on.isoformat(),
                "reference": self.reference}


@dataclass(frozen=True)
class Instalment:
    n: int
    due_date: date
    principal_idr: int
    interest_idr: int

    @property
    def total_idr(self) -> int:
        return self.principal_idr + self.interest_idr


@dataclass(frozen=True)
class Loan:
    """A loan and its life up to disbursement; repayments are `Fact`s."""

    n: int  # 1.. within the cooperative; part of the keys
    member_seq: int
    principal_idr: int
    term_months: int
    interest_rate_bp_per_month: int
    method: InterestMethod
    penalty_bp_per_month: int
    applied_on: date
    approved_on: date
    disbursed_on: date
    first_due_date: date
    purpose: str
    overdue: bool = False  # stops repaying after its first instalment

    def keys(self, slug: str) -> tuple[str, str, str]:
        """Idempotency-Keys of applying, approving and disbursing."""
        return (economy_key("loan", slug, self.n), economy_key("approve", slug, self.n),
                economy_key("disburse", slug, self.n))

    def apply_body(self, member_id: str) -> dict[str, Any]:
        return {
            "member_id": member_id,
            "principal_idr": self.principal_idr,
            "term_months": self.term_months,
            "interest_rate_bp_per_month": self.interest_rate_bp_per_month,
            "method": self.method,
            "penalty_bp_per_month": self.penalty_bp_per_month,
            "first_due_date": self.first_due_date.isoformat(),
            "applied_on": self.applied_on.isoformat(),
            "purpose": self.purpose,
        }

    def approve_body(self) -> dict[str, Any]:
        return {"approved_on": self.approved_on.isoformat()}

    def disburse_body(self) -> dict[str, Any]:
        return {"disbursed_on": self.disbursed_on.isoformat()}

    def schedule(self) -> tuple[Instalment, ...]:
        """The payments service's schedule (equal principal, the last absorbs the rest)."""
        base, remainder = divmod(self.principal_idr, self.term_months)
        outstanding = self.principal_idr
        out: list[Instalment] = []
        for n in range(1, self.term_months + 1):
            principal = base + (remainder if n == self.term_months else 0)
            basis = self.principal_idr if self.method == "flat" else outstanding
            out.append(Instalment(
                n=n, due_date=add_months(self.first_due_date, n - 1), principal_idr=principal,
                interest_idr=round_half_up_div(basis * self.interest_rate_bp_per_month, 10_000)))
            outstanding -= principal
        return tuple(out)


@dataclass(frozen=True)
class Fact:
    """One offline fact of the collector's phone: a savings deposit or a loan repayment."""

    client_id: str
    type: FactType
    on: date
    amount_idr: int
    channel: Channel
    member_seq: int | None = None  # savings_deposit
    savings_type: SavingsType | None = None
    loan_n: int | None = None  # loan_repayment
    instalment_n: int | None = None

    def item(self, seq: int, occurred_at: datetime, target_id: str,
             reference: str) -> dict[str, Any]:
        """The sync item; `target_id` is the member id or the loan id the API assigned."""
        payload: dict[str, Any]
        if self.type == "savings_deposit":
            payload = {"member_id": target_id, "savings_type": self.savings_type,
                       "amount_idr": self.amount_idr, "channel": self.channel,
                       "reference": reference}
        else:
            payload = {"loan_id": target_id, "amount_idr": self.amount_idr,
                       "channel": self.channel, "reference": reference}
        return {"client_id": self.client_id, "device_seq": seq, "type": self.type,
                "occurred_at": occurred_at.isoformat(), "business_date": self.on.isoformat(),
                "payload": payload}


# --- inventory --------------------------------------------------------------------


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


# --- one cooperative --------------------------------------------------------------


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
        start = datetime.combine(fact.on, time(8, 0), _OFFSETS[self.time_zone])
        return start + timedelta(minutes=6 * earlier)

    def fact_reference(self, index: int) -> str:
        return f"{self.code}-KW-{index + 1:04d}"


# --- the cooperatives' profiles ---------------------------------------------------


@dataclass(frozen=True)
class LoanProfile:
    count: int
    principals: tuple[int, ...]
    terms: tuple[int, ...]
    rates_bp: tuple[int, ...]
    methods: tuple[InterestMethod, ...]
    purposes: tuple[str, ...]
    overdue: int = 0  # loans that stop repaying after their first instalment
    # Instalments due in the last month wait for the harvest instead of being repaid in
    # cash (the coffee farmers repay by deduction from the produce payout).
    harvest_repays: bool = False
    # Applications during the demo's months (the coffee farmers' pre-harvest loans), on
    # top of the `count` applied in the four months before: (index of the month, day).
    later: tuple[tuple[int, int], ...] = ()

    def cash_until(self, dates: DemoDates) -> date:
        """The last due date of the instalments repaid in cash."""
        return dates.month_start(2) - timedelta(days=1) if self.harvest_repays else dates.until

    def later_days(self, dates: DemoDates) -> list[date]:
        return [dates.month_start(month) + timedelta(days=day - 1) for month, day in self.later]


@dataclass(frozen=True)
class ProduceProfile:
    deliveries: tuple[int, int, int]  # per whole month of the three
    # occupation word -> the SKUs such a member delivers
    by_occupation: tuple[tuple[str, tuple[str, ...]], ...]
    # sku -> (gross min, gross max, tare min, tare max) in grams
    weights: tuple[tuple[str, tuple[int, int, int, int]], ...]
    grades: tuple[str, ...]
    warehouse: str
    harvest_lag: tuple[int, int] = (0, 1)  # days from harvest (or catch) to delivery


@dataclass(frozen=True)
class Profile:
    code: str
    policy: Policy
    warehouses: tuple[Warehouse, ...]
    products: tuple[Product, ...]
    sales: tuple[int, int, int]  # per whole month of the three
    member_share: float  # of the sales
    loans: LoanProfile | None = None
    produce: ProduceProfile | None = None
    # The devices stopped syncing this many days before the demo's last day: nothing later.
    stopped_syncing_days: int = 0
    # sku -> how often the shop sells it in each of the three months (instead of its weight)
    season: tuple[tuple[str, tuple[int, int, int]], ...] = ()

    def weight(self, product: Product, month_index: int) -> int:
        return dict(self.season).get(product.sku, (product.weight,) * 3)[month_index]

    def last_day(self, dates: DemoDates) -> date:
        return dates.until - timedelta(days=self.stopped_syncing_days)


def _pcs(sku: str, name: str, category: Category, member: int, non_member: int, cost: int,
         *, weight: int, supplier: str, max_qty: int = 3) -> Product:
    return Product(sku=sku, name=name, category=category, base_unit="pcs", warehouse="shop",
                   prices=(Price("member", member), Price("non_member", non_member)),
                   unit_cost_idr=cost, weight=weight, max_qty=max_qty, supplier=supplier)


def _produce(sku: str, name: str, buy_per_kg: int, sell_per_kg: int, warehouse: str,
             shelf_life_days: int) -> Product:
    return Product(sku=sku, name=name, category="farm_produce", base_unit="g",
                   warehouse=warehouse,
                   prices=(Price("buy_from_member", buy_per_kg, 1000),
                           Price("non_member", sell_per_kg, 1000)),
                   lot_tracking="lot_expiry", shelf_life_days=shelf_life_days)


def _beras(member: int, non_member: int, cost: int, supplier: str) -> Product:
    return _pcs("BERAS-5KG", "Beras medium 5 kg", "staple_goods", member, non_member, cost,
                weight=6, max_qty=2, supplier=supplier)


def _minyak(member: int, non_member: int, cost: int, supplier: str) -> Product:
    return _pcs("MINYAK-1L", "Minyak goreng 1 liter", "staple_goods", member, non_member,
                cost, weight=5, supplier=supplier)


def _gula(member: int, non_member: int, cost: int, supplier: str) -> Product:
    return _pcs("GULA-1KG", "Gula pasir 1 kg", "staple_goods", member, non_member, cost,
                weight=4, supplier=supplier)


def _npk(member: int, non_member: int, cost: int, weight: int, supplier: str) -> Product:
    return _pcs("PUPUK-NPK-50KG", "Pupuk NPK Phonska 50 kg", "farm_inputs", member,
                non_member, cost, weight=weight, max_qty=2, supplier=supplier)


_WEAVERS = "setoran penenun anggota"


def _shop(name: str) -> Warehouse:
    return Warehouse("shop", name, "shop")


PROFILES: dict[str, Profile] = {
    "tenun-lambanapu": Profile(
        code="TLL",
        policy=Policy(pokok_idr=50_000, wajib_idr=10_000, wajib_due_day=10),
        warehouses=(_shop("Galeri dan Kios Tenun Lambanapu"),),
        products=(
            # The members' cloth, bought from the weavers for the gallery.
            _pcs("TENUN-HINGGI-KOMBU", "Kain tenun ikat hinggi kombu (pewarna alami)",
                 "handicraft", 2_250_000, 2_500_000, 1_800_000, weight=1, max_qty=1,
                 supplier=_WEAVERS),
            _pcs("TENUN-LAU-PAHIKUNG", "Sarung tenun lau pahikung", "handicraft",
                 1_575_000, 1_750_000, 1_300_000, weight=1, max_qty=1, supplier=_WEAVERS),
            _pcs("SELENDANG-IKAT", "Selendang tenun ikat", "handicraft", 315_000, 350_000,
                 250_000, weight=2, max_qty=2, supplier=_WEAVERS),
            _pcs("BENANG-KATUN-500G", "Benang katun tenun, pak 500 g", "farm_inputs", 82_000,
                 90_000, 72_000, weight=4, supplier="Toko Benang Kupang"),
            _beras(72_000, 76_000, 67_000, "UD Sinar Waingapu"),
            _gula(18_000, 19_500, 16_500, "UD Sinar Waingapu"),
        ),
        # The gallery lives on visitors: busy in September, quiet after the season.
        sales=(24, 21, 12), member_share=0.55,
        season=(("TENUN-HINGGI-KOMBU", (1, 0, 0)), ("TENUN-LAU-PAHIKUNG", (1, 1, 0)),
                ("SELENDANG-IKAT", (2, 2, 1))),
    ),
    "kopi-wewewa": Profile(
        code="KWM",
        # The farmers repay at harvest: the payout takes the month's instalment.
        policy=Policy(pokok_idr=100_000, wajib_idr=20_000, wajib_due_day=15,
                      payout_instalments="due_this_month"),
        warehouses=(Warehouse("gudang", "Gudang Kopi Wewewa", "warehouse", 20_000),
                    _shop("Kios Koperasi Kopi Wewewa")),
        products=(
            _produce("KOPI-ARABIKA-GB", "Kopi arabika green bean", 68_000, 90_000, "gudang",
                     365),
            _produce("KOPI-ROBUSTA-GB", "Kopi robusta green bean", 40_000, 52_000, "gudang",
                     365),
            _pcs("KOPI-BUBUK-250G", "Kopi bubuk arabika Wewewa 250 g", "farm_produce", 42_000,
                 48_000, 32_000, weight=3, supplier="unit sangrai koperasi"),
            _npk(125_000, 135_000, 115_000, 3, "Kios Pupuk Lengkap Waitabula"),
            _beras(71_000, 75_000, 66_000, "UD Tambolaka Jaya"),
            _gula(18_000, 19_500, 16_500, "UD Tambolaka Jaya"),
            _minyak(18_000, 19_500, 16_500, "UD Tambolaka Jaya"),
        ),
        # Growing month over month: the harvest brings money into the village.
        sales=(22, 30, 38), member_share=0.7,
        loans=LoanProfile(
            count=3, principals=(1_500_000, 2_000_000, 2_500_000, 3_000_000),
            terms=(10, 12), rates_bp=(100, 125), methods=("flat",),
            purposes=("modal tani: pupuk dan perawatan kebun kopi",
                      "alat pengolahan: mesin pengupas kopi",
                      "modal tani: bibit kopi arabika"),
            harvest_repays=True,
            later=((0, 20), (1, 5))),
        produce=ProduceProfile(
            deliveries=(4, 6, 10),  # the harvest peaks in the last month
            by_occupation=(("kopi", ("KOPI-ARABIKA-GB", "KOPI-ARABIKA-GB", "KOPI-ROBUSTA-GB")),
                           ("petani", ("KOPI-ROBUSTA-GB", "KOPI-ARABIKA-GB"))),
            weights=(("KOPI-ARABIKA-GB", (15_000, 90_000, 200, 600)),
                     ("KOPI-ROBUSTA-GB", (20_000, 120_000, 200, 600))),
            grades=("A", "A", "B"), warehouse="gudang", harvest_lag=(2, 7)),
    ),
    "ksp-nusa-kenari": Profile(
        code="KNK",
        policy=Policy(pokok_idr=75_000, wajib_idr=25_000, wajib_due_day=10),
        warehouses=(_shop("Kios Anggota KSP Nusa Kenari"),),
        products=(
            _pcs("KENARI-KUPAS-250G", "Kenari kupas Alor 250 g", "farm_produce", 45_000,
                 50_000, 38_000, weight=3, supplier="UD Kenari Alor"),
            _pcs("TELUR-30", "Telur ayam ras, 1 rak (30 butir)", "staple_goods", 58_000, 62_000,
                 53_000, weight=3, max_qty=2, supplier="Peternakan Ayam Moru"),
            _beras(72_000, 76_000, 67_000, "Toko Sumber Rejeki Kalabahi"),
            _minyak(18_500, 20_000, 17_000, "Toko Sumber Rejeki Kalabahi"),
            _gula(18_500, 20_000, 17_000, "Toko Sumber Rejeki Kalabahi"),
        ),
        sales=(24, 26, 21), member_share=0.75,
        loans=LoanProfile(
            count=4, principals=(2_000_000, 2_500_000, 3_000_000, 4_000_000, 5_000_000),
            terms=(6, 10, 12), rates_bp=(150, 175, 200),
            methods=("flat", "declining_balance"),
            purposes=("modal usaha kios", "biaya sekolah anak", "perbaikan rumah",
                      "modal melaut: mesin ketinting", "modal ternak kambing"),
            overdue=1),
    ),
    "kdkmp-kilwaru": Profile(
        code="KMP",
        policy=Policy(pokok_idr=50_000, wajib_idr=10_000, wajib_due_day=10),
        warehouses=(_shop("Gerai Sembako KDMP Kilwaru"),),
        products=(
            _beras(76_000, 80_000, 71_000, "CV Bula Makmur"),
            _minyak(19_500, 21_000, 18_000, "CV Bula Makmur"),
            _gula(19_500, 21_000, 18_000, "CV Bula Makmur"),
            _pcs("TEPUNG-1KG", "Tepung terigu 1 kg", "staple_goods", 14_000, 15_500, 12_500,
                 weight=3, supplier="CV Bula Makmur"),
            _pcs("MIE-INSTAN-40", "Mi instan, 1 dus (40 bungkus)", "staple_goods", 125_000,
                 132_000, 116_000, weight=2, max_qty=2, supplier="CV Bula Makmur"),
            _pcs("LPG-3KG", "LPG 3 kg (isi ulang)", "staple_goods", 25_000, 28_000, 22_000,
                 weight=4, max_qty=2, supplier="Agen LPG Geser"),
            _npk(135_000, 145_000, 125_000, 1, "Kios Pupuk Bula"),
        ),
        # A young village cooperative, growing, whose devices stopped syncing: its
        # facts end STALE_DAYS early.
        sales=(30, 36, 40), member_share=0.5, stopped_syncing_days=STALE_DAYS,
        loans=LoanProfile(
            count=3, principals=(1_000_000, 1_500_000, 2_000_000, 3_000_000),
            terms=(6, 10), rates_bp=(100, 125, 150), methods=("flat",),
            purposes=("modal kios", "modal melaut: jaring dan es", "bibit pala dan cengkeh",
                      "modal dagang ikan")),
    ),
    "nelayan-jargaria": Profile(
        code="NJA",
        policy=Policy(pokok_idr=60_000, wajib_idr=15_000, wajib_due_day=5),
        warehouses=(Warehouse("cold", "Cold Storage Jargaria", "cold_storage", 10_000),
                    _shop("Kios Perbekalan Nelayan Jargaria")),
        products=(
            _produce("IKAN-KAKAP-MERAH", "Ikan kakap merah beku", 48_000, 62_000, "cold", 180),
            _produce("IKAN-TONGKOL", "Ikan tongkol beku", 24_000, 32_000, "cold", 180),
            _produce("TERIPANG-KERING", "Teripang kering", 380_000, 480_000, "cold", 730),
            _produce("RUMPUT-LAUT-KERING", "Rumput laut kering (Eucheuma cottonii)", 14_000,
                     18_000, "cold", 365),
            _pcs("ES-BALOK", "Es balok", "farm_inputs", 18_000, 22_000, 12_000, weight=5,
                 supplier="Pabrik Es Dobo"),
            _beras(78_000, 82_000, 73_000, "UD Dobo Sejahtera"),
            _minyak(20_000, 22_000, 18_500, "UD Dobo Sejahtera"),
        ),
        sales=(24, 23, 17), member_share=0.6,
        produce=ProduceProfile(
            deliveries=(7, 7, 5),
            by_occupation=(("nelayan", ("IKAN-KAKAP-MERAH", "IKAN-TONGKOL", "IKAN-TONGKOL")),
                           ("rumput laut", ("RUMPUT-LAUT-KERING",)),
                           ("pengolah ikan", ("TERIPANG-KERING",)),
                           ("pedagang ikan", ("IKAN-TONGKOL", "TERIPANG-KERING"))),
            weights=(("IKAN-KAKAP-MERAH", (8_000, 40_000, 500, 1_500)),
                     ("IKAN-TONGKOL", (10_000, 60_000, 500, 1_500)),
                     ("TERIPANG-KERING", (1_500, 6_000, 100, 300)),
                     ("RUMPUT-LAUT-KERING", (30_000, 120_000, 500, 1_500))),
            grades=("A", "A", "B"), warehouse="cold"),
    ),
}


# --- generation -------------------------------------------------------------------


def build_economy(federation: Sequence[DemoCoop], today: date) -> tuple[CoopEconomy, ...]:
    """The economy of every demo cooperative of `demo.build_demo(today)`, seeded on `today`
    (pure: the same federation and day give the same data)."""
    dates = DemoDates.of(today)
    return tuple(_coop(coop, dates) for coop in federation)


def _coop(coop: DemoCoop, dates: DemoDates) -> CoopEconomy:
    spec = coop.spec
    profile = PROFILES[spec.slug]
    # Generators of its own, one per concern: the members' data (demo.py), the other
    # cooperatives and the other concerns are unchanged by a change to one of them.
    rng = random.Random(f"{SEED}:economy:{spec.slug}")  # noqa: S311 - demo data
    shop_rng = random.Random(f"{SEED}:economy:{spec.slug}:shop")  # noqa: S311
    produce_rng = random.Random(f"{SEED}:economy:{spec.slug}:produce")  # noqa: S311
    members = [a for a in coop.applicants if a.outcome == "admitted"]
    if not members:
        raise ValueError(f"{spec.slug} has no admitted members")
    if any(a.admitted_on is None or a.admitted_on > dates.until for a in members):
        raise ValueError(f"{spec.slug}: every admitted member must be admitted by "
                         f"{dates.until.isoformat()}")
    zone = _OFFSETS[spec.regency.time_zone]

    pokok = tuple(Pokok(a.seq, _admitted(a), f"{profile.code}-SP-{a.seq:03d}") for a in members)
    arrears = _arrears(rng, members)
    loans = _loans(rng, profile.loans, members, dates) if profile.loans else ()
    facts = _facts(rng, spec.slug, profile, members, arrears, loans, dates)
    sales = _sales(shop_rng, spec.slug, profile, members, zone, dates)
    produce = _produce_purchases(produce_rng, spec.slug, profile, members, loans, arrears, zone,
                                 dates)
    return CoopEconomy(
        slug=spec.slug, code=profile.code, time_zone=spec.regency.time_zone,
        policy=profile.policy, pokok=pokok, loans=loans, facts=facts,
        warehouses=profile.warehouses, products=profile.products,
        receipts=_receipts(shop_rng, profile, sales, dates.money_from), produce=produce,
        sales=sales, last_day=profile.last_day(dates), dates=dates,
    )


def _admitted(a: Applicant) -> date:
    if a.admitted_on is None:
        raise ValueError(f"{a.coop} applicant {a.seq} was not admitted")
    return a.admitted_on


def _arrears(rng: random.Random, members: list[Applicant]) -> dict[int, int]:
    """member seq -> how many of the latest wajib periods the member has not paid."""
    owing: dict[int, int] = {}
    for a in members:
        draw = rng.random()
        if draw < 0.10:
            owing[a.seq] = 2
        elif draw < 0.30:
            owing[a.seq] = 1
    if not owing:
        owing[rng.choice(members).seq] = 1
    return owing


def _day_between(rng: random.Random, low: date, high: date) -> date:
    return low + timedelta(days=rng.randint(0, max(0, (high - low).days)))


def _loans(rng: random.Random, profile: LoanProfile, members: list[Applicant],
           dates: DemoDates) -> tuple[Loan, ...]:
    applied = sorted(_day_between(rng, dates.loans_from, dates.loans_until)
                     for _ in range(profile.count))
    applied += sorted(profile.later_days(dates))
    chosen: list[Applicant] = []
    for day in applied:
        # Members of some standing: admitted at least 60 days before they apply.
        eligible = [a for a in members if a not in chosen
                    and _admitted(a) <= day - timedelta(days=60)]
        if not eligible:
            raise ValueError("too few long-standing members for the loans")
        chosen.append(rng.choice(eligible))
    overdue = set(rng.sample(range(profile.count), profile.overdue))
    loans = []
    for i, (day, borrower) in enumerate(zip(applied, chosen, strict=True)):
        approved = day + timedelta(days=rng.randint(1, 3))
        disbursed = approved + timedelta(days=rng.randint(0, 2))
        first_due = add_months(disbursed, 1).replace(day=min(disbursed.day, 20))
        loans.append(Loan(
            n=i + 1, member_seq=borrower.seq, principal_idr=rng.choice(profile.principals),
            term_months=rng.choice(profile.terms),
            interest_rate_bp_per_month=rng.choice(profile.rates_bp),
            method=rng.choice(profile.methods), penalty_bp_per_month=200, applied_on=day,
            approved_on=approved, disbursed_on=disbursed, first_due_date=first_due,
            purpose=rng.choice(profile.purposes), overdue=i in overdue,
        ))
    return tuple(loans)


_FACT_ORDER = {"savings_deposit": 0, "loan_repayment": 1}


def due_periods(policy: Policy, dates: DemoDates) -> tuple[str, ...]:
    """The months whose wajib bill is due by the demo's last day (the running month's may
    not be yet: its members have paid early, or not yet, but are not in arrears)."""
    return tuple(p for p in dates.months if policy.due_date(p) <= dates.until)


def _facts(rng: random.Random, slug: str, profile: Profile, members: list[Applicant],
           arrears: dict[int, int], loans: tuple[Loan, ...], dates: DemoDates
           ) -> tuple[Fact, ...]:
    policy = profile.policy
    last_day = profile.last_day(dates)
    due = due_periods(policy, dates)
    channels: tuple[Channel, ...] = ("cash", "cash", "cash", "transfer", "qris")
    facts: list[Fact] = []
    for a in members:
        admitted = _admitted(a)
        # In arrears: the latest bills already due are unpaid.
        unpaid = set(due[len(due) - arrears.get(a.seq, 0):]) if a.seq in arrears else set()
        for period in dates.months:
            due_date = policy.due_date(period)
            start = due_date.replace(day=1)
            on = max(due_date - timedelta(days=rng.randint(0, 6)), start, admitted)
            if period in unpaid or on > last_day:  # not paid (yet), or not uploaded
                continue
            facts.append(Fact(economy_key(slug, "wajib", a.seq, period), "savings_deposit",
                              on, policy.wajib_idr, rng.choice(channels), member_seq=a.seq,
                              savings_type="wajib"))
        if rng.random() < 0.4:
            for k in range(1, rng.randint(1, 2) + 1):
                on = _day_between(rng, max(dates.money_from, admitted), last_day)
                amount = rng.choice((25_000, 50_000, 100_000, 150_000, 200_000, 250_000, 500_000))
                facts.append(Fact(economy_key(slug, "sukarela", a.seq, k), "savings_deposit",
                                  on, amount, rng.choice(channels), member_seq=a.seq,
                                  savings_type="sukarela"))
    cash_until = min(profile.loans.cash_until(dates) if profile.loans else last_day, last_day)
    for loan in loans:
        for inst in loan.schedule():
            if inst.due_date > cash_until or (loan.overdue and inst.n > 1):
                break
            on = max(inst.due_date - timedelta(days=rng.randint(0, 4)),
                     loan.disbursed_on + timedelta(days=1))
            facts.append(Fact(economy_key(slug, "angsuran", loan.n, inst.n), "loan_repayment",
                              on, inst.total_idr, rng.choice(channels), loan_n=loan.n,
                              instalment_n=inst.n))
    facts.sort(key=lambda f: (f.on, _FACT_ORDER[f.type], f.member_seq or 0, f.loan_n or 0,
                              f.client_id))
    return tuple(facts)


def _weighted_distinct(rng: random.Random, items: dict[Product, int],
                       k: int) -> list[Product]:
    """Up to `k` different products, each drawn by its weight (`items`)."""
    pool = [p for p, weight in items.items() if weight > 0]
    chosen: list[Product] = []
    while pool and len(chosen) < k:
        pick = rng.choices(pool, weights=[items[p] for p in pool])[0]
        chosen.append(pick)
        pool.remove(pick)
    return chosen


def _moments(days: Sequence[date], zone: timezone, start: time,
             step_minutes: int) -> list[datetime]:
    """When each fact of `days` (sorted) happened: from `start`, `step_minutes` apart."""
    earlier: Counter[date] = Counter()
    moments = []
    for day in days:
        moments.append(datetime.combine(day, start, zone)
                       + timedelta(minutes=step_minutes * earlier[day]))
        earlier[day] += 1
    return moments


def _sales(rng: random.Random, slug: str, profile: Profile, members: list[Applicant],
           zone: timezone, dates: DemoDates) -> tuple[Sale, ...]:
    """The till's sales, month by month (`profile.sales`, by days in a month it reaches
    only in part), on days up to its `last_day`, the last of them on that day."""
    shelf = [p for p in profile.products if p.weight > 0 and p.warehouse == "shop"]
    last_day = profile.last_day(dates)
    days: list[date] = []
    for month, count in zip(dates.months, profile.sales, strict=True):
        first, last = month_days(month, last_day)
        if last < first:
            continue  # its devices stopped before this month began
        share = month_share(count, month, last_day)
        month_sales = [_day_between(rng, first, last) for _ in range(share)]
        if month_sales and last == last_day:
            month_sales[-1] = last  # the shop sells up to its last day
        days += sorted(month_sales)
    sales: list[Sale] = []
    for n, (day, at) in enumerate(zip(days, _moments(days, zone, time(7, 30), 23),
                                      strict=True), start=1):
        # A member buys as a member only once admitted.
        eligible = [a for a in members if _admitted(a) <= day]
        member = (rng.choice(eligible) if eligible and rng.random() < profile.member_share
                  else None)
        price_list: PriceListName = "non_member" if member is None else "member"
        month_index = dates.months.index(f"{day:%Y-%m}")
        items = {p: profile.weight(p, month_index) for p in shelf}
        lines = []
        for product in _weighted_distinct(rng, items, rng.choices((1, 2, 3), (5, 3, 2))[0]):
            price = product.price(price_list)
            if price is None:
                raise ValueError(f"{product.sku} has no {price_list} price")
            lines.append(SaleLine(product.sku, rng.randint(1, product.max_qty), price.price_idr,
                                  price.per_qty))
        total = sum(line.total_idr for line in lines)
        sales.append(Sale(n, economy_key(slug, "sale", n), day, at,
                          None if member is None else member.seq, tuple(lines),
                          _tenders(rng, total, member is not None),
                          f"{profile.code}-G1-{n:04d}"))
    return tuple(sales)


def _tenders(rng: random.Random, total: int, is_member: bool) -> tuple[Tender, ...]:
    draw = rng.random()
    if not is_member:
        return (Tender("cash" if draw < 0.7 else "qris", total),)
    if draw < 0.45:
        return (Tender("cash", total),)
    if draw < 0.65:
        return (Tender("qris", total),)
    if draw < 0.85 or total < 2_000:
        return (Tender("credit", total),)
    # Part now, the rest on the member's account (kasbon), in whole thousands.
    cash = max(1_000, total * rng.randint(30, 70) // 100 // 1_000 * 1_000)
    return (Tender("cash", cash), Tender("credit", total - cash))


def _receipts(rng: random.Random, profile: Profile, sales: tuple[Sale, ...],
              received_on: date) -> tuple[GoodsReceipt, ...]:
    """Enough of every shop product for all the months' sales, and some left on the shelf.

    Goods receipts are online commands, dated (`received_on`) the first day of the months:
    the whole stock comes in before the till's offline sales are uploaded, so none of them
    oversells, and every month's stock on hand is what its sales left.
    """
    receipts = []
    for i, product in enumerate(p for p in profile.products if p.unit_cost_idr is not None):
        sold = sum(line.qty for sale in sales for line in sale.lines if line.sku == product.sku)
        spare = rng.randint(2, 4) if product.max_qty == 1 else rng.randint(5, 15)
        qty = sold + spare
        receipts.append(GoodsReceipt(product.sku, qty, qty * (product.unit_cost_idr or 0),
                                     f"{product.supplier}, DO {profile.code}-{i + 1:03d}",
                                     received_on))
    return tuple(receipts)


def _produce_purchases(rng: random.Random, slug: str, profile: Profile,
                       members: list[Applicant], loans: tuple[Loan, ...],
                       arrears: dict[int, int], zone: timezone, dates: DemoDates
                       ) -> tuple[ProducePurchase, ...]:
    """Members' deliveries, month by month (`produce.deliveries`, by days in a month the
    facts reach only in part).

    Payments pays each out, withholding first the loan instalments due (by the receipt's
    date, or, for the coffee cooperative's policy, the whole month's), then the member's
    wajib arrears as they stand when it pays. So every borrower delivers in the last month
    (the harvest repays that month's instalment), and a member in arrears delivers after
    the last wajib due date when the month has a day for it (the payout then settles bills
    that are really due, not next month's).
    """
    produce = profile.produce
    if produce is None:
        return ()
    skus_of: dict[int, tuple[str, ...]] = {}
    for a in members:
        for word, skus in produce.by_occupation:
            if word in a.occupation:
                skus_of[a.seq] = skus
                break
    default = produce.by_occupation[0][1]
    admitted = {a.seq: _admitted(a) for a in members}
    last_day = profile.last_day(dates)
    last_month = month_days(dates.months[-1], last_day)
    if last_month[1] < last_month[0]:
        raise ValueError(f"{slug}: a cooperative that buys produce must sync to the end")
    due = due_periods(profile.policy, dates)
    settles_after = (profile.policy.due_date(due[-1]) + timedelta(days=1) if due
                     else last_month[0])

    def window(seq: int, first: date, last: date) -> tuple[date, date]:
        low = max(first, admitted[seq], settles_after if seq in arrears else first)
        return min(low, last), last

    deliveries: list[tuple[date, int]] = []
    # Borrowers deliver in the last month: their payouts withhold the instalments due.
    for seq in dict.fromkeys(loan.member_seq for loan in loans):
        deliveries.append((_day_between(rng, *window(seq, *last_month)), seq))
    # A member in arrears delivers too: the payout settles the arrears.
    owing = sorted(seq for seq in arrears if seq in skus_of)
    if owing and not set(owing) & {seq for _, seq in deliveries}:
        seq = rng.choice(owing)
        deliveries.append((_day_between(rng, *window(seq, *last_month)), seq))
    regulars = sorted(seq for seq in skus_of if seq not in arrears
                      and seq not in {s for _, s in deliveries})
    regulars = rng.sample(regulars, min(len(regulars), 8))
    for month, count in zip(dates.months, produce.deliveries, strict=True):
        first, last = month_days(month, last_day)
        have = sum(1 for day, _ in deliveries if first <= day <= last)
        for _ in range(month_share(count, month, last_day) - have):
            day = _day_between(rng, first, last)
            eligible = [seq for seq in regulars if admitted[seq] <= day]
            deliveries.append((day, rng.choice(eligible)))
    deliveries.sort()

    weights = dict(produce.weights)
    days = [day for day, _ in deliveries]
    purchases = []
    for n, ((day, seq), at) in enumerate(zip(deliveries, _moments(days, zone, time(7, 0), 20),
                                             strict=True), start=1):
        sku = rng.choice(skus_of.get(seq, default))
        gross_min, gross_max, tare_min, tare_max = weights[sku]
        harvest = day - timedelta(days=rng.randint(*produce.harvest_lag))
        grade = rng.choice(produce.grades)
        purchases.append(ProducePurchase(
            n=n, client_id=economy_key(slug, "produce", n), on=day, at=at, member_seq=seq,
            sku=sku, gross_qty_g=rng.randint(gross_min // 100, gross_max // 100) * 100,
            tare_g=rng.randint(tare_min // 10, tare_max // 10) * 10, grade=grade,
            # One lot per product, harvest day and grade: a lot has one expiry date.
            lot_id=f"{sku.split('-')[0]}-{sku.split('-')[1][:3]}-{harvest:%y%m%d}-{grade}",
            harvest_date=harvest))
    return tuple(purchases)
