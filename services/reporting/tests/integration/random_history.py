"""Random histories of a small federation, drawn with hypothesis, for the equivalence test.

A few cooperatives in different time zones, with members, sales (to members, to other
people, to another cooperative; with discounts and kasbon), voids (before and after
their sale, dated in the same or a later month), produce, stock (receipts, issues,
returns, adjustments, transfers between cooperatives), savings and wajib bills, loans
(restructured, repaid, written off, closed, overpaid) and federation joins and leaves,
over four months. Each fact is recorded on its day, late (days to weeks after, across
month ends), early, or exactly on the instants the read model cuts at (a month's end in
each zone, the end of a day in WIT, a microsecond either side). Some histories hold what
the maintained tables cannot represent (a sale recorded twice with other lines, a void
of another cooperative's sale, a member or a loan in two cooperatives).

``history(data)`` returns the events in order; the test delivers them shuffled, with
duplicates, in random batches.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from hypothesis import strategies as st

from gotong_platform.consumer import ConsumedEvent
from gotong_platform.contracts import EventContract
from gotong_platform.contracts import inventory as i
from gotong_platform.contracts import members as m
from gotong_platform.contracts import payments as p

ZONES = {"WIB": 7, "WITA": 8, "WIT": 9}
REGENCIES = ("5302", "5311", "8101", "3201")
FIRST_DAY = date(2025, 11, 1)
DAYS = 120  # November 2025 to February 2026
CATEGORIES = ("farm_produce", "handicraft", "staple_goods", "farm_inputs")
# the cooperatives' history ends here; "now" for the reports lies after it or inside it
LAST_MOMENT = datetime(2026, 4, 15, tzinfo=UTC)


@dataclass
class Coop:
    cooperative_id: str
    zone: str
    regency: str
    members: list[str] = field(default_factory=list)
    warehouse: str = ""
    products: list[str] = field(default_factory=list)


@dataclass
class History:
    data: st.DataObject
    events: list[ConsumedEvent] = field(default_factory=list)
    versions: dict[str, int] = field(default_factory=dict)
    moments: list[datetime] = field(default_factory=list)  # recorded times used
    # busy days: many facts of one day, so a known_at can fall between two of them
    busy: list[date] = field(default_factory=list)
    odd: bool = False  # may hold what a ledger cannot represent

    def draw_day(self, low: date = FIRST_DAY, span: int = DAYS) -> date:
        if self.busy and self.data.draw(st.booleans()):
            day = self.data.draw(st.sampled_from(self.busy))
            if low <= day < low + timedelta(days=span):
                return day
        return low + timedelta(days=self.data.draw(st.integers(0, span - 1)))

    def oddly(self) -> bool:
        """Whether to record something a ledger cannot represent, now."""
        return self.odd and self.data.draw(st.integers(0, 5)) == 0

    def recorded(self, coop: Coop, day: date) -> datetime:
        """When a fact of ``day`` is recorded: on its day mostly, else late, early or on
        an instant the read model cuts at."""
        offset = timedelta(hours=ZONES[coop.zone])
        how = self.data.draw(st.sampled_from(
            ("on_time", "on_time", "on_time", "late", "late", "early", "month_end",
             "day_end", "midnight")))
        local_midnight = datetime.combine(day, time(0), UTC) - offset
        if how == "on_time":
            moment = local_midnight + timedelta(minutes=self.data.draw(st.integers(0, 1439)))
        elif how == "late":
            moment = local_midnight + timedelta(
                days=self.data.draw(st.integers(1, 50)),
                minutes=self.data.draw(st.integers(0, 1439)))
        elif how == "early":
            moment = local_midnight - timedelta(minutes=self.data.draw(st.integers(1, 1500)))
        elif how == "month_end":
            first = (day.replace(day=28) + timedelta(days=4)).replace(day=1)
            hours = self.data.draw(st.sampled_from(sorted(ZONES.values())))
            moment = datetime.combine(first, time(0), UTC) - timedelta(hours=hours)
        elif how == "day_end":  # the end of the day in WIT: on time / late
            moment = datetime.combine(day, time(15), UTC)
        else:
            moment = local_midnight + timedelta(days=1)
        moment += timedelta(microseconds=self.data.draw(st.sampled_from((0, 0, -1, 1))))
        self.moments.append(moment)
        return moment

    def add(self, contract: EventContract, *, stream: str, coop: Coop, on: date,
            recorded_at: datetime | None = None) -> ConsumedEvent:
        from gotong_platform.envelope import Envelope

        self.versions[stream] = self.versions.get(stream, 0) + 1
        data = contract.model_dump(mode="json")
        at = recorded_at or self.recorded(coop, on)
        env = Envelope(
            event_id=uuid.UUID(int=len(self.events) + 1), event_type=contract.event_type,
            schema_version=contract.schema_version, source=contract.source,
            stream_id=stream, stream_version=self.versions[stream],
            cooperative_id=data["cooperative_id"], occurred_at=at, business_date=on,
            recorded_at=at)
        event = ConsumedEvent(envelope=env, data=data, topic=f"t-{contract.source}",
                              partition=len(self.events) % 3, offset=len(self.events))
        self.events.append(event)
        return event


def _cooperatives(h: History) -> list[Coop]:
    n = h.data.draw(st.integers(2, 3))
    coops = [Coop(f"k{k}", h.data.draw(st.sampled_from(sorted(ZONES))),
                  h.data.draw(st.sampled_from(REGENCIES))) for k in range(n)]
    for coop in coops:
        registered = date(2024, 1, 1)
        h.add(m.CooperativeRegisteredV1(
            cooperative_id=coop.cooperative_id, name=f"Koperasi {coop.cooperative_id}",
            legal_registration_number="AHU-1", coop_type="multi_purpose",
            province_code=coop.regency[:2], regency_code=coop.regency, time_zone=coop.zone,
            fiscal_year_start_month=1, loop="closed", registered_on=registered),
            stream=coop.cooperative_id, coop=coop, on=registered,
            recorded_at=datetime(2024, 1, 1, 3, tzinfo=UTC))
        h.add(m.CooperativeJoinedFederationV1(cooperative_id=coop.cooperative_id,
                                              effective_date=registered),
              stream=coop.cooperative_id, coop=coop, on=registered,
              recorded_at=datetime(2024, 1, 1, 4, tzinfo=UTC))
        if h.data.draw(st.integers(0, 4)) == 0:
            left = h.draw_day()
            h.add(m.CooperativeLeftFederationV1(cooperative_id=coop.cooperative_id,
                                                effective_date=left, reason="merged"),
                  stream=coop.cooperative_id, coop=coop, on=left)
            if h.data.draw(st.booleans()):
                back = left + timedelta(days=h.data.draw(st.integers(0, 40)))
                h.add(m.CooperativeJoinedFederationV1(cooperative_id=coop.cooperative_id,
                                                      effective_date=back),
                      stream=coop.cooperative_id, coop=coop, on=back)
        coop.warehouse = f"{coop.cooperative_id}-w"
        h.add(i.WarehouseRegisteredV1(cooperative_id=coop.cooperative_id,
                                      warehouse_id=coop.warehouse, name="Gudang", kind="shop"),
              stream=coop.warehouse, coop=coop, on=registered,
              recorded_at=datetime(2024, 1, 2, tzinfo=UTC))
        for n_product in range(h.data.draw(st.integers(1, 3))):
            product = f"{coop.cooperative_id}-p{n_product}"
            coop.products.append(product)
            for version in range(h.data.draw(st.integers(1, 2))):
                h.add(i.ProductDefinedV1(
                    cooperative_id=coop.cooperative_id, product_id=product,
                    sku=f"SKU{n_product}", name=f"Produk {n_product}.{version}",
                    category=h.data.draw(st.sampled_from(CATEGORIES)), base_unit="pcs",
                    lot_tracking="none"), stream=product, coop=coop, on=registered)
    return coops


def _members(h: History, coop: Coop, others: list[Coop]) -> None:
    for n in range(h.data.draw(st.integers(0, 3))):
        member = f"{coop.cooperative_id}-m{n}"
        coop.members.append(member)
        gender = h.data.draw(st.sampled_from(("L", "P")))
        day = h.draw_day()
        if h.data.draw(st.booleans()):
            h.add(m.MemberAppliedV1(cooperative_id=coop.cooperative_id, member_id=member,
                                    gender=gender, age_band="26-35",
                                    village_code="5302012001", applied_on=day),
                  stream=member, coop=coop, on=day)
        for _ in range(h.data.draw(st.integers(0, 3))):
            day = h.draw_day()
            change = h.data.draw(st.sampled_from(
                ("admitted", "admitted", "suspended", "reinstated", "exited", "rejected")))
            owner = coop
            if h.oddly():  # a member id in another cooperative
                owner = h.data.draw(st.sampled_from(others))
            ids = {"cooperative_id": owner.cooperative_id, "member_id": member}
            contract: EventContract
            if change == "admitted":
                contract = m.MemberAdmittedV1(**ids, member_no=member, gender=gender,
                                              village_code="5302012001", admitted_on=day)
            elif change == "suspended":
                contract = m.MemberSuspendedV1(**ids, suspended_on=day)
            elif change == "reinstated":
                contract = m.MemberReinstatedV1(**ids, reinstated_on=day)
            elif change == "exited":
                contract = m.MemberExitedV1(**ids, exited_on=day, reason="moved_away")
            else:
                contract = m.MemberApplicationRejectedV1(**ids, rejected_on=day)
            h.add(contract, stream=member, coop=owner, on=day)


def _sales(h: History, coop: Coop, others: list[Coop]) -> None:
    for n in range(h.data.draw(st.integers(0, 5))):
        sale = f"{coop.cooperative_id}-s{n}"
        day = h.draw_day()
        lines = []
        for k in range(h.data.draw(st.integers(1, 3))):
            total = h.data.draw(st.sampled_from((1_000, 25_000, 70_000, 333_333)))
            lines.append(i.SaleLine(product_id=h.data.draw(st.sampled_from(coop.products)),
                                    category=h.data.draw(st.sampled_from(CATEGORIES)),
                                    qty=k + 1, price_idr=total, per_qty=k + 1,
                                    line_total_idr=total))
        gross = sum(x.line_total_idr for x in lines)
        discount = h.data.draw(st.sampled_from((0, 0, 1, 999)))
        total = gross - discount
        credit = h.data.draw(st.sampled_from((0, 0, total // 3)))
        payments = [i.SalePayment(method="cash", amount_idr=total - credit)] if total > credit \
            else []
        if credit:
            payments.append(i.SalePayment(method="credit", amount_idr=credit))
        buyer = h.data.draw(st.sampled_from(("member", "non_member", "cooperative")))
        member = (h.data.draw(st.sampled_from(coop.members))
                  if buyer == "member" and coop.members else None)
        buyer_coop = (h.data.draw(st.sampled_from(others)).cooperative_id
                      if buyer == "cooperative" else None)
        # an order from an outside buyer, shipped, is an online sale; a sale to a
        # cooperative drawn online still counts as produce trade
        channel = h.data.draw(st.sampled_from(("shop", "shop", "online")))
        recorded = i.SaleRecordedV1(
            cooperative_id=coop.cooperative_id, sale_id=sale, warehouse_id=coop.warehouse,
            buyer_type="member" if member else "non_member", member_id=member,
            buyer_cooperative_id=buyer_coop, lines=tuple(lines), discount_idr=discount,
            total_idr=total, payments=tuple(payments), business_date=day, channel=channel)
        h.add(recorded, stream=sale, coop=coop, on=day)
        if h.oddly():  # the same sale recorded again, other lines
            again = recorded.model_copy(update={"lines": (*lines, lines[0].model_copy(
                update={"qty": 9})), "total_idr": total + lines[0].line_total_idr,
                "business_date": h.draw_day()})
            h.add(again, stream=f"{sale}-again", coop=coop, on=again.business_date)
        if h.data.draw(st.integers(0, 2)) == 0:
            void_day = day + timedelta(days=h.data.draw(st.sampled_from(
                (-20, -3, -1, 0, 0, 2, 10, 35))))
            owner = h.data.draw(st.sampled_from(others)) if h.oddly() else coop
            h.add(i.SaleVoidedV1(cooperative_id=owner.cooperative_id, sale_id=sale,
                                 reason_code="refused"), stream=sale, coop=owner, on=void_day)


def _stock(h: History, coop: Coop, others: list[Coop]) -> None:
    for n in range(h.data.draw(st.integers(0, 6))):
        day = h.draw_day()
        product = h.data.draw(st.sampled_from(coop.products))
        at = {"cooperative_id": coop.cooperative_id, "warehouse_id": coop.warehouse,
              "product_id": product, "business_date": day}
        kind = h.data.draw(st.sampled_from(("receipt", "issue", "adjust", "return",
                                            "transfer", "produce")))
        cost = h.data.draw(st.sampled_from((0, 5_000, 120_000)))
        variance = h.data.draw(st.sampled_from((0, 0, 7_000)))
        contract: EventContract
        if kind == "receipt":
            contract = i.GoodsReceivedV1(**at, qty=3, cost_idr=cost,
                                         settlement_variance_idr=variance)
        elif kind == "issue":
            contract = i.StockIssuedV1(**at, reason=h.data.draw(st.sampled_from(
                ("sale", "damaged"))), reference="r", qty=2,
                cost_idr=h.data.draw(st.sampled_from((cost, -cost))))
        elif kind == "adjust":
            contract = i.StockAdjustedV1(
                **at, qty_delta=h.data.draw(st.sampled_from((-2, 0, 4))),
                reason=h.data.draw(st.sampled_from(("damaged", "rotten", "expired", "lost",
                                                    "count_correction"))),
                value_idr=cost, settlement_variance_idr=variance)
        elif kind == "return":
            contract = i.StockReturnedV1(**at, reference="r", qty=1, cost_idr=cost)
        elif kind == "produce":
            member = (h.data.draw(st.sampled_from(coop.members)) if coop.members
                      else "someone")
            contract = i.ProduceReceivedFromMemberV1(
                **at, receipt_id=f"{coop.cooperative_id}-r{n}", member_id=member,
                gross_qty_g=5_200, net_qty_g=5_000, grade="A", lot_id="L", price_idr=9_000,
                per_qty=1_000, amount_idr=45_000, settlement_variance_idr=variance)
        else:
            other = h.data.draw(st.sampled_from(others))
            transfer = f"{coop.cooperative_id}-t{n}"
            h.add(i.StockTransferredOutV1(**at, transfer_id=transfer,
                                          to_warehouse_id=other.warehouse,
                                          to_cooperative_id=other.cooperative_id, qty=2,
                                          cost_idr=cost),
                  stream=f"{coop.warehouse}/{product}", coop=coop, on=day)
            arrived = day + timedelta(days=h.data.draw(st.integers(0, 20)))
            contract = i.StockTransferredInV1(
                cooperative_id=other.cooperative_id, warehouse_id=other.warehouse,
                product_id=other.products[0], from_warehouse_id=coop.warehouse,
                from_cooperative_id=coop.cooperative_id, qty_sent=2, qty_received=2,
                shrinkage_qty=0, cost_idr=cost, transfer_id=transfer, business_date=arrived,
                settlement_variance_idr=variance)
            h.add(contract, stream=f"{other.warehouse}/{other.products[0]}", coop=other,
                  on=arrived)
            continue
        h.add(contract, stream=f"{coop.warehouse}/{product}", coop=coop, on=day)


def _savings(h: History, coop: Coop) -> None:
    for member in coop.members:
        for _ in range(h.data.draw(st.integers(0, 3))):
            day = h.draw_day()
            kind = h.data.draw(st.sampled_from(("pokok", "wajib", "sukarela")))
            account = f"{member}-{kind}"
            ids = {"cooperative_id": coop.cooperative_id, "account_id": account,
                   "member_id": member, "savings_type": kind, "business_date": day}
            amount = h.data.draw(st.sampled_from((10_000, 25_000, 50_000)))
            what = h.data.draw(st.sampled_from(("deposit", "deposit", "withdraw", "refund")))
            contract: EventContract
            if what == "deposit":
                contract = p.SavingsDepositedV1(**ids, amount_idr=amount, channel="cash")
            elif what == "withdraw":
                contract = p.SavingsWithdrawnV1(**ids, amount_idr=amount)
            else:
                contract = p.SavingsRefundedV1(**ids, amount_idr=amount, reason="exit")
            h.add(contract, stream=account, coop=coop, on=day)
        for month in range(h.data.draw(st.integers(0, 3))):
            due = date(2025, 11 + month, 10) if month < 2 else date(2026, month - 1, 10)
            h.add(p.WajibBilledV1(cooperative_id=coop.cooperative_id,
                                  account_id=f"{member}-wajib", member_id=member,
                                  period=f"{due:%Y-%m}", amount_idr=25_000, due_date=due),
                  stream=f"{member}-wajib", coop=coop, on=due - timedelta(days=9))


def _loans(h: History, coop: Coop, others: list[Coop]) -> None:
    for n in range(h.data.draw(st.integers(0, 2)) if coop.members else 0):
        loan = f"{coop.cooperative_id}-l{n}"
        member = h.data.draw(st.sampled_from(coop.members))
        day = h.draw_day(span=60)
        ids = {"cooperative_id": coop.cooperative_id, "loan_id": loan, "member_id": member}

        def plan(first: date, n: int) -> tuple[p.Instalment, ...]:
            return tuple(p.Instalment(number=k + 1, due_date=first + timedelta(days=30 * k),
                                      principal_idr=100_000, interest_idr=5_000)
                         for k in range(n))

        h.add(p.LoanDisbursedV1(**ids, principal_idr=300_000, business_date=day,
                                schedule=plan(day + timedelta(days=20), 3)),
              stream=loan, coop=coop, on=day)
        for _ in range(h.data.draw(st.integers(0, 4))):
            when = day + timedelta(days=h.data.draw(st.integers(0, 60)))
            what = h.data.draw(st.sampled_from(("repay", "repay", "restructure",
                                                "written_off", "closed", "overpaid")))
            owner = h.data.draw(st.sampled_from(others)) if h.oddly() else coop
            at = ids | {"cooperative_id": owner.cooperative_id, "business_date": when}
            contract: EventContract
            if what == "repay":
                contract = p.LoanRepaymentReceivedV1(
                    **at, amount_idr=105_000, penalty_idr=0, interest_idr=5_000,
                    principal_idr=100_000, excess_idr=0, channel="cash")
            elif what == "restructure":
                contract = p.LoanRestructuredV1(**at, outstanding_principal_idr=200_000,
                                                schedule=plan(when + timedelta(days=30), 2))
            elif what == "written_off":
                contract = p.LoanWrittenOffV1(**at, outstanding_principal_idr=200_000)
            elif what == "closed":
                contract = p.LoanClosedV1(**at)
            else:
                contract = p.LoanOverpaidV1(**at, excess_idr=1_000)
            h.add(contract, stream=loan, coop=owner, on=when)


def history(data: st.DataObject) -> History:
    h = History(data, odd=data.draw(st.integers(0, 3)) == 0)
    h.busy = [FIRST_DAY + timedelta(days=data.draw(st.integers(0, DAYS - 1)))
              for _ in range(data.draw(st.integers(0, 4)))]
    coops = _cooperatives(h)
    for coop in coops:
        others = [c for c in coops if c is not coop]
        _members(h, coop, others)
        _sales(h, coop, others)
        _stock(h, coop, others)
        _savings(h, coop)
        _loans(h, coop, others)
    return h
