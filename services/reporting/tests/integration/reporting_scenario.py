"""A small federation's January 2026, built from the published contracts.

Three cooperatives in the federation: A (5302, Timor Tengah Selatan, WITA), B (5311,
Sumba Timur, WITA) and C (8101, Maluku Tengah, WIT); D (5302) left in December.
(Kemendagri codes, as in ``reporting/regions/kemendagri.csv``.)

- members: A admits m1 (P), m2 (L) and m3 (P), m3 exits on 20 Jan; B m4 (L); C m5 (P).
- A's shop: s1 (m1: rice 70.000 + coffee 30.000, discount 1.000), s2 (non-member,
  tenun 50.000), s3 (m2, rice 20.000, voided the same month), and s4 (non-member,
  rice 40.000, dated 30 Jan but uploaded on 3 Feb: a late upload).
- produce: m1 delivers 52.000 g of coffee to A for 2.340.000.
- savings at A: m1 pokok 100.000 (Dec), wajib 25.000 (5 Jan); January wajib bills
  due 10 Jan for m1 (paid) and m2 (unpaid): compliance 1 of 2.
- loans: A/LA1 (m2) 1.000.000 from Oct, paid November only: 61 days late at 31 Jan,
  kurang lancar, in PAR30 with its whole 900.000. A/LA2 (m1) 500.000 disbursed 5 Jan,
  first due 5 Feb: current. B/LB1 (m4) 2.000.000, restructured on 15 Jan: in PAR30
  though current. C/LC1 (m5) 3.000.000, paid on time: 1.000.000 outstanding.
  GLP 4.400.000, PAR30 2.900.000 (6591 bp; the average of the three would be 5476).
- stock: A receives 100 packs of rice (6.200.000), sends 10 to B (620.000, an
  inter-cooperative transfer eliminated from federation totals), writes off 2 rotten
  packs (124.000); B receives the 10; B sells out its 2 bags of fertiliser (low stock).
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from reporting_harness import Reporting

from gotong_platform.contracts import inventory as i
from gotong_platform.contracts import members as m
from gotong_platform.contracts import payments as p

A, B, C, D = "coop-a", "coop-b", "coop-c", "coop-d"
JAN = date(2026, 1, 1)
LATE_RECORDED = datetime(2026, 2, 3, 2, 0, tzinfo=UTC)


def d(month: int, day: int, year: int = 2026) -> date:
    return date(year, month, day)


async def cooperatives(r: Reporting) -> None:
    for coop, name, regency, zone in ((A, "Koperasi A", "5302", "WITA"),
                                      (B, "Koperasi B", "5311", "WITA"),
                                      (C, "Koperasi C", "8101", "WIT"),
                                      (D, "Koperasi D", "5302", "WITA")):
        await r.record(m.CooperativeRegisteredV1(
            cooperative_id=coop, name=name, legal_registration_number=f"AHU-{coop}",
            coop_type="multi_purpose", province_code=regency[:2], regency_code=regency,
            time_zone=zone, fiscal_year_start_month=1, loop="closed",
            registered_on=d(1, 1, 2020)), stream=coop, on=d(1, 1, 2020))
        await r.record(m.CooperativeJoinedFederationV1(
            cooperative_id=coop, effective_date=d(2, 1, 2020)), stream=coop, on=d(2, 1, 2020))
    await r.record(m.CooperativeLeftFederationV1(
        cooperative_id=D, effective_date=d(12, 15, 2025), reason="merged"),
        stream=D, on=d(12, 15, 2025))


async def member(r: Reporting, coop: str, member_id: str, gender: str, admitted: date) -> None:
    await r.record(m.MemberAppliedV1(
        cooperative_id=coop, member_id=member_id, gender=gender, age_band="26-35",
        village_code="5302012001", applied_on=admitted), stream=member_id, on=admitted)
    await r.record(m.MemberAdmittedV1(
        cooperative_id=coop, member_id=member_id, member_no=member_id, gender=gender,
        village_code="5302012001", admitted_on=admitted), stream=member_id, on=admitted)


async def members(r: Reporting) -> None:
    for coop, member_id, gender, admitted in (
            (A, "m1", "P", d(6, 1, 2025)), (A, "m2", "L", d(1, 3)), (A, "m3", "P", d(1, 4)),
            (B, "m4", "L", d(6, 1, 2025)), (C, "m5", "P", d(6, 1, 2025))):
        await member(r, coop, member_id, gender, admitted)
    await r.record(m.MemberExitedV1(cooperative_id=A, member_id="m3", exited_on=d(1, 20),
                                    reason="moved_away"), stream="m3", on=d(1, 20))


def line(product: str, category: str, total: int) -> i.SaleLine:
    return i.SaleLine(product_id=product, category=category, qty=1, price_idr=total,
                      per_qty=1, line_total_idr=total)


def a_sale(sale_id: str, on: date, lines: list[i.SaleLine], *, member_id: str | None = None,
           discount: int = 0) -> i.SaleRecordedV1:
    total = sum(x.line_total_idr for x in lines) - discount
    return i.SaleRecordedV1(
        cooperative_id=A, sale_id=sale_id, warehouse_id="wa", discount_idr=discount,
        buyer_type="member" if member_id else "non_member", member_id=member_id,
        lines=tuple(lines), total_idr=total,
        payments=(i.SalePayment(method="cash", amount_idr=total),), business_date=on)


async def shop(r: Reporting) -> None:
    await r.record(a_sale("s1", d(1, 10), [line("rice", "staple_goods", 70_000),
                                           line("coffee", "farm_produce", 30_000)],
                          member_id="m1", discount=1_000), stream="s1", on=d(1, 10))
    await r.record(a_sale("s2", d(1, 11), [line("tenun", "handicraft", 50_000)]),
                   stream="s2", on=d(1, 11))
    await r.record(a_sale("s3", d(1, 12), [line("rice", "staple_goods", 20_000)],
                          member_id="m2"), stream="s3", on=d(1, 12))
    await r.record(i.SaleVoidedV1(cooperative_id=A, sale_id="s3", reason_code="refused"),
                   stream="s3", on=d(1, 12))
    await r.record(a_sale("s4", d(1, 30), [line("rice", "staple_goods", 40_000)]),
                   stream="s4", on=d(1, 30), recorded_at=LATE_RECORDED)
    await r.record(i.ProduceReceivedFromMemberV1(
        cooperative_id=A, receipt_id="r1", warehouse_id="wa", product_id="coffee",
        member_id="m1", gross_qty_g=52_300, net_qty_g=52_000, grade="A", lot_id="K1",
        price_idr=45_000, per_qty=1000, amount_idr=2_340_000, business_date=d(1, 14)),
        stream="wa/coffee", on=d(1, 14))


async def stock(r: Reporting) -> None:
    for coop, warehouse, name in ((A, "wa", "Gerai A"), (B, "wb", "Gudang B")):
        await r.record(i.WarehouseRegisteredV1(cooperative_id=coop, warehouse_id=warehouse,
                                               name=name, kind="shop"),
                       stream=warehouse, on=d(1, 1))
    await r.record(i.ProductDefinedV1(cooperative_id=B, product_id="urea", sku="UREA",
                                      name="Pupuk urea", category="farm_inputs",
                                      base_unit="pcs", lot_tracking="none"),
                   stream="urea", on=d(1, 2))
    await r.record(i.GoodsReceivedV1(cooperative_id=A, warehouse_id="wa", product_id="rice",
                                     qty=100, cost_idr=6_200_000, business_date=d(1, 2)),
                   stream="wa/rice", on=d(1, 2))
    await r.record(i.StockTransferredOutV1(
        cooperative_id=A, transfer_id="t1", warehouse_id="wa", product_id="rice",
        to_warehouse_id="wb", to_cooperative_id=B, qty=10, cost_idr=620_000,
        business_date=d(1, 20)), stream="wa/rice", on=d(1, 20))
    await r.record(i.StockTransferredInV1(
        cooperative_id=B, transfer_id="t1", warehouse_id="wb", product_id="rice-b",
        from_warehouse_id="wa", from_cooperative_id=A, qty_sent=10, qty_received=10,
        shrinkage_qty=0, cost_idr=620_000, business_date=d(1, 22)),
        stream="wb/rice-b", on=d(1, 22))
    await r.record(i.StockAdjustedV1(
        cooperative_id=A, warehouse_id="wa", product_id="rice", qty_delta=-2, reason="rotten",
        value_idr=124_000, business_date=d(1, 25)), stream="wa/rice", on=d(1, 25))
    await r.record(i.GoodsReceivedV1(cooperative_id=B, warehouse_id="wb", product_id="urea",
                                     qty=2, cost_idr=300_000, business_date=d(1, 3)),
                   stream="wb/urea", on=d(1, 3))
    await r.record(i.StockIssuedV1(
        cooperative_id=B, warehouse_id="wb", product_id="urea", reason="sale", reference="x",
        qty=2, cost_idr=300_000, business_date=d(1, 8)), stream="wb/urea", on=d(1, 8))


async def savings(r: Reporting) -> None:
    for kind, amount, on in (("pokok", 100_000, d(12, 20, 2025)), ("wajib", 25_000, d(1, 5))):
        await r.record(p.SavingsDepositedV1(
            cooperative_id=A, account_id=f"m1-{kind}", member_id="m1", savings_type=kind,
            amount_idr=amount, channel="cash", business_date=on), stream=f"m1-{kind}", on=on)
    for member_id in ("m1", "m2"):
        await r.record(p.WajibBilledV1(
            cooperative_id=A, account_id=f"{member_id}-wajib", member_id=member_id,
            period="2026-01", amount_idr=25_000, due_date=d(1, 10)),
            stream=f"{member_id}-wajib", on=d(1, 1))


def schedule(first: date, n: int, principal: int, interest: int) -> tuple[p.Instalment, ...]:
    return tuple(p.Instalment(number=k + 1, due_date=date(
        first.year + (first.month - 1 + k) // 12, (first.month - 1 + k) % 12 + 1, first.day),
        principal_idr=principal, interest_idr=interest) for k in range(n))


async def disburse(r: Reporting, coop: str, loan: str, member_id: str, principal: int,
                   on: date, plan: tuple[p.Instalment, ...]) -> None:
    await r.record(p.LoanDisbursedV1(cooperative_id=coop, loan_id=loan, member_id=member_id,
                                     principal_idr=principal, business_date=on, schedule=plan),
                   stream=loan, on=on)


async def repay(r: Reporting, coop: str, loan: str, member_id: str, on: date, principal: int,
                interest: int) -> None:
    await r.record(p.LoanRepaymentReceivedV1(
        cooperative_id=coop, loan_id=loan, member_id=member_id,
        amount_idr=principal + interest, penalty_idr=0, interest_idr=interest,
        principal_idr=principal, excess_idr=0, channel="cash", business_date=on),
        stream=loan, on=on)


async def loans(r: Reporting) -> None:
    await disburse(r, A, "LA1", "m2", 1_000_000, d(10, 1, 2025),
                   schedule(d(11, 1, 2025), 10, 100_000, 15_000))
    await repay(r, A, "LA1", "m2", d(11, 1, 2025), 100_000, 15_000)
    await disburse(r, A, "LA2", "m1", 500_000, d(1, 5), schedule(d(2, 5), 5, 100_000, 7_500))
    await disburse(r, B, "LB1", "m4", 2_000_000, d(12, 1, 2025),
                   schedule(d(1, 1), 4, 500_000, 30_000))
    await r.record(p.LoanRestructuredV1(
        cooperative_id=B, loan_id="LB1", member_id="m4", outstanding_principal_idr=2_000_000,
        business_date=d(1, 15), schedule=schedule(d(2, 15), 8, 250_000, 20_000)),
        stream="LB1", on=d(1, 15))
    await disburse(r, C, "LC1", "m5", 3_000_000, d(11, 1, 2025),
                   schedule(d(12, 1, 2025), 3, 1_000_000, 30_000))
    await repay(r, C, "LC1", "m5", d(12, 1, 2025), 1_000_000, 30_000)
    await repay(r, C, "LC1", "m5", d(1, 1), 1_000_000, 30_000)


async def seed(r: Reporting) -> None:
    await cooperatives(r)
    await members(r)
    await shop(r)
    await stock(r)
    await savings(r)
    await loans(r)
