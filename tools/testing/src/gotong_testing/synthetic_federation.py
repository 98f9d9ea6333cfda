"""A synthetic cooperative's year of events, for load tests of the federation view.

``cooperative_year`` builds, from the published contracts, what one village cooperative
records in a year (the shape of issue 11, per month: ~85 members, ~650 sales of 1 to 5
lines with a stock issue per line, 100 produce receipts, ~200 savings movements, a few
loans and their repayments, wajib bills; 1 % of sales voided, 3 % of facts uploaded
late, days to weeks after their business day). Deterministic: the same arguments give
the same events, and every id starts with the cooperative's id, so another
cooperative's year is the same history under other ids (what a bulk copy of the facts,
``reporting.adapters.read_model.copies``, writes).
"""

from __future__ import annotations

import dataclasses
import random
import uuid
from datetime import UTC, date, datetime, time, timedelta

from gotong_platform.consumer import ConsumedEvent
from gotong_platform.contracts import EventContract
from gotong_platform.contracts import inventory as i
from gotong_platform.contracts import members as m
from gotong_platform.contracts import payments as p
from gotong_platform.envelope import Envelope

__all__ = ["Shape", "cooperative_year"]

_ZONE_HOURS = {"WIB": 7, "WITA": 8, "WIT": 9}
_IDS = uuid.UUID("6f1b3c52-0d4e-4f7e-9a55-5b0c2f9d7e11")  # event ids: uuid5 of coop/n
_CATEGORIES = ("staple_goods", "farm_inputs", "farm_produce", "handicraft")


@dataclasses.dataclass(frozen=True)
class Shape:
    """How much one cooperative records (per month unless said)."""

    months: int = 12
    first_month: date = date(2025, 1, 1)
    members: int = 85  # in all
    sales: int = 650
    max_lines: int = 5
    receipts: int = 100
    savings: int = 200
    loans: int = 4  # disbursed a month, each repaid in monthly instalments
    products: int = 12
    void_per_mille: int = 10
    late_per_mille: int = 30


class _Stream:
    """Events of one cooperative, with stream versions and recorded times."""

    def __init__(self, coop: str, zone: str, rng: random.Random, shape: Shape) -> None:
        self.coop = coop
        self.offset = timedelta(hours=_ZONE_HOURS[zone])
        self.rng = rng
        self.shape = shape
        self.events: list[ConsumedEvent] = []
        self.versions: dict[str, int] = {}

    def recorded(self, day: date) -> datetime:
        """On its day (local office hours), or late: 1 to 30 days after."""
        at = datetime.combine(day, time(8), UTC) - self.offset + timedelta(
            minutes=self.rng.randrange(9 * 60))
        if self.rng.randrange(1000) < self.shape.late_per_mille:
            at += timedelta(days=self.rng.randint(1, 30))
        return at

    def add(self, contract: EventContract, stream: str, day: date,
            at: datetime | None = None) -> None:
        version = self.versions[stream] = self.versions.get(stream, 0) + 1
        n = len(self.events)
        recorded_at = at or self.recorded(day)
        env = Envelope(
            event_id=uuid.uuid5(_IDS, f"{self.coop}/{n}"),
            event_type=contract.event_type, schema_version=contract.schema_version,
            source=contract.source, stream_id=stream, stream_version=version,
            cooperative_id=self.coop, occurred_at=recorded_at, business_date=day,
            recorded_at=recorded_at)
        self.events.append(ConsumedEvent(envelope=env, data=contract.model_dump(mode="json"),
                                         topic=f"synthetic.{contract.source}",
                                         partition=n % 4, offset=n))


def _month_days(first: date) -> list[date]:
    following = (first.replace(day=28) + timedelta(days=4)).replace(day=1)
    return [first + timedelta(days=k) for k in range((following - first).days)]


def cooperative_year(coop: str, regency: str, zone: str, shape: Shape = Shape(),
                     seed: int = 11) -> list[ConsumedEvent]:
    """The events of ``coop`` (see the module), in the order they were recorded."""
    rng = random.Random(seed)  # noqa: S311 - test data, not secrets
    s = _Stream(coop, zone, rng, shape)
    opened = date(2020, 1, 1)
    s.add(m.CooperativeRegisteredV1(
        cooperative_id=coop, name=f"Koperasi {coop}", legal_registration_number=f"AHU-{coop}",
        coop_type="multi_purpose", province_code=regency[:2], regency_code=regency,
        time_zone=zone, fiscal_year_start_month=1, loop="closed", registered_on=opened),
        coop, opened, datetime(2020, 1, 1, 3, tzinfo=UTC))
    s.add(m.CooperativeJoinedFederationV1(cooperative_id=coop, effective_date=opened),
          coop, opened, datetime(2020, 1, 1, 4, tzinfo=UTC))
    warehouse = f"{coop}-w"
    s.add(i.WarehouseRegisteredV1(cooperative_id=coop, warehouse_id=warehouse, name="Toko",
                                  kind="shop"), warehouse, opened,
          datetime(2020, 1, 2, tzinfo=UTC))
    products = [(f"{coop}-p{k}", _CATEGORIES[k % len(_CATEGORIES)])
                for k in range(shape.products)]
    for product, category in products:
        s.add(i.ProductDefinedV1(cooperative_id=coop, product_id=product, sku=product[-4:],
                                 name=f"Produk {product[-3:]}", category=category,
                                 base_unit="pcs", lot_tracking="none"),
              product, opened, datetime(2020, 1, 2, tzinfo=UTC))
    members = [f"{coop}-m{k}" for k in range(shape.members)]
    for k, member in enumerate(members):
        day = opened + timedelta(days=k)
        at = datetime.combine(day, time(3), UTC)
        s.add(m.MemberAdmittedV1(cooperative_id=coop, member_id=member, member_no=member,
                                 gender="P" if k % 2 else "L", village_code="5302012001",
                                 admitted_on=day), member, day, at)
    loans: list[tuple[str, str, date]] = []
    month = shape.first_month
    for n_month in range(shape.months):
        days = _month_days(month)
        for product, _ in products:  # the month's stock
            day = days[0]
            s.add(i.GoodsReceivedV1(cooperative_id=coop, warehouse_id=warehouse,
                                    product_id=product, qty=5_000, cost_idr=25_000_000,
                                    business_date=day), f"{warehouse}/{product}", day)
        for k in range(shape.sales):
            _sale(s, f"{coop}-s{n_month}-{k}", rng.choice(days), warehouse, products, members)
        for k in range(shape.receipts):
            day = rng.choice(days)
            s.add(i.ProduceReceivedFromMemberV1(
                cooperative_id=coop, receipt_id=f"{coop}-r{n_month}-{k}",
                warehouse_id=warehouse, product_id=products[2][0],
                member_id=rng.choice(members), gross_qty_g=10_400, net_qty_g=10_000,
                grade="A", lot_id="L", price_idr=9_000, per_qty=1_000, amount_idr=90_000,
                business_date=day), f"{warehouse}/{products[2][0]}", day)
        _savings(s, month, days, members)
        for k in range(shape.loans):
            loan = f"{coop}-l{n_month}-{k}"
            day = rng.choice(days[:20])
            s.add(p.LoanDisbursedV1(
                cooperative_id=coop, loan_id=loan, member_id=members[k], principal_idr=3_000_000,
                business_date=day, schedule=tuple(
                    p.Instalment(number=n + 1, due_date=day + timedelta(days=30 * (n + 1)),
                                 principal_idr=500_000, interest_idr=30_000)
                    for n in range(6))), loan, day)
            loans.append((loan, members[k], day))
        for loan, member, disbursed in loans:  # a repayment a month while it runs
            due = disbursed + timedelta(days=30 * ((days[0] - disbursed).days // 30 + 1))
            if disbursed < days[0] and due <= disbursed + timedelta(days=180) and \
                    rng.randrange(10):
                day = min(days[-1], max(days[0], due - timedelta(days=rng.randint(0, 5))))
                s.add(p.LoanRepaymentReceivedV1(
                    cooperative_id=coop, loan_id=loan, member_id=member, amount_idr=530_000,
                    penalty_idr=0, interest_idr=30_000, principal_idr=500_000, excess_idr=0,
                    channel="cash", business_date=day), loan, day)
        month = days[-1] + timedelta(days=1)
    s.events.sort(key=lambda e: (e.envelope.recorded_at, e.offset))
    return s.events


def _sale(s: _Stream, sale: str, day: date, warehouse: str,
          products: list[tuple[str, str]], members: list[str]) -> None:
    rng = s.rng
    chosen = rng.sample(products, rng.randint(1, s.shape.max_lines))
    lines = tuple(i.SaleLine(product_id=product, category=category, qty=2,
                             price_idr=7_500, per_qty=1, line_total_idr=15_000)
                  for product, category in chosen)
    total = 15_000 * len(lines)
    member = rng.choice(members) if rng.randrange(3) else None
    at = s.recorded(day)
    s.add(i.SaleRecordedV1(
        cooperative_id=s.coop, sale_id=sale, warehouse_id=warehouse,
        buyer_type="member" if member else "non_member", member_id=member, lines=lines,
        discount_idr=0, total_idr=total,
        payments=(i.SalePayment(method="cash", amount_idr=total),), business_date=day),
        sale, day, at)
    for n, (product, _) in enumerate(chosen):
        s.add(i.StockIssuedV1(cooperative_id=s.coop, warehouse_id=warehouse,
                              product_id=product, reason="sale", reference=f"{sale}/{n}",
                              qty=2, cost_idr=10_000, business_date=day),
              f"{warehouse}/{product}", day, at)
    if rng.randrange(1000) < s.shape.void_per_mille:
        s.add(i.SaleVoidedV1(cooperative_id=s.coop, sale_id=sale, reason_code="refused"),
              sale, day)


def _savings(s: _Stream, month: date, days: list[date], members: list[str]) -> None:
    rng = s.rng
    coop = s.coop
    for member in members:  # the month's wajib bill
        day = month + timedelta(days=1)
        s.add(p.WajibBilledV1(cooperative_id=coop, account_id=f"{member}-wajib",
                              member_id=member, period=f"{month:%Y-%m}", amount_idr=25_000,
                              due_date=month + timedelta(days=9)), f"{member}-wajib", day)
    for _ in range(s.shape.savings):
        member = rng.choice(members)
        kind = rng.choice(("wajib", "wajib", "sukarela", "sukarela", "pokok"))
        day = rng.choice(days)
        ids = {"cooperative_id": coop, "account_id": f"{member}-{kind}", "member_id": member,
               "savings_type": kind, "business_date": day}
        contract: EventContract
        if kind == "sukarela" and rng.randrange(4) == 0:
            contract = p.SavingsWithdrawnV1(**ids, amount_idr=10_000)
        else:
            contract = p.SavingsDepositedV1(**ids, amount_idr=25_000, channel="cash")
        s.add(contract, f"{member}-{kind}", day)
