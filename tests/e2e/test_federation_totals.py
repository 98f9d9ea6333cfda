"""End to end: a month of commands over HTTP, and the federation's totals from reporting.

Members, inventory and payments run with their relays and consumers on real Kafka
and PostgreSQL (``e2e_support.federation``); a reporting API and its read-model
consumer run beside them. The test sends a month of commands to two cooperatives
(sales, a transfer and a sale between them, a produce receipt, deposits, wajib
billing, loans and a repayment), computes the federation totals it expects from what it sent
(and what the services answered: prices, allocations, schedules), and compares
them with the reporting API's answer. A rebuild from offset 0 gives the same
reports byte for byte.
"""

from __future__ import annotations

import time
from datetime import date, timedelta
from typing import Any

import pytest
from builders import (
    a_cooperative,
    a_deposit,
    a_goods_receipt,
    a_loan,
    a_member,
    a_product,
    a_sale,
    a_warehouse,
)
from e2e_support import ReportingStack, bp, eventually

from gotong_platform.money import largest_remainder
from gotong_testing import business_today
from reporting.main import rebuild

pytestmark = pytest.mark.e2e

TODAY = business_today("WITA")  # both cooperatives are in WITA
RICE_UNIT_COST = 62_000  # 100 packs received for 6.200.000
TENUN_UNIT_COST = 200_000  # 5 pieces received for 1.000.000


async def test_federation_totals_equal_what_was_sent_and_a_rebuild_equals_live(
    reporting_stack: ReportingStack,
) -> None:
    stack = reporting_stack
    f = stack.f
    a = await a_cooperative(f, "Koperasi Serba Usaha Kambera", "5311")
    b = await a_cooperative(f, "Koperasi Tani Wanokaka", "5302")
    a1, a2, a3 = [await a_member(f, a, n, g) for n, g in ((1, "P"), (2, "L"), (3, "P"))]
    b1, b2 = [await a_member(f, b, n, g) for n, g in ((4, "L"), (5, "P"))]
    genders = {"L": 2, "P": 3}

    # --- the shops: A sells rice and tenun, then sends 10 packs of rice to B -----------
    shop_a, shop_b = await a_warehouse(f, a, "Gerai A", "shop"), await a_warehouse(
        f, b, "Gerai B", "shop")
    rice_a = await a_product(f, a, "BRS-5KG", "staple_goods", "pcs",
                             {"member": 70_000, "non_member": 75_000})
    tenun = await a_product(f, a, "TENUN-IKAT", "handicraft", "pcs",
                            {"member": 300_000, "non_member": 350_000})
    rice_b = await a_product(f, b, "BRS-5KG", "staple_goods", "pcs",
                             {"member": 72_000, "non_member": 78_000})
    for product, qty, cost in ((rice_a, 100, 6_200_000), (tenun, 5, 1_000_000)):
        await a_goods_receipt(f, a, shop_a, product, qty, cost)
    s1 = await a_sale(f, a, shop_a, [(rice_a, 2, 70_000), (tenun, 1, 300_000)], a1,
                      discount=10_000)
    s2 = await a_sale(f, a, shop_a, [(rice_a, 1, 75_000)], None)
    s3 = await a_sale(f, a, shop_a, [(tenun, 1, 350_000)], None)
    transfer = await f.post(f.inventory, a.path(f"/warehouses/{shop_a}/transfers"), {
        "to_warehouse_id": shop_b, "lines": [{"product_id": rice_a, "qty": 10}]}, a.clerk,
        expect=201)
    await f.post(f.inventory, b.path(f"/warehouses/{shop_b}/transfers/"
                                     f"{transfer['transfer_id']}/receive"),
                 {"lines": [{"product_id": rice_a, "qty_received": 10}]}, b.clerk)
    s4 = await a_sale(f, b, shop_b, [(rice_b, 2, 78_000)], None)
    s5 = await a_sale(f, b, shop_b, [(rice_b, 1, 72_000)], b1)
    # A sells 3 packs to B itself, at the non-member price: trade inside the federation,
    # in A's own figures but eliminated from the federation's.
    s6 = await a_sale(f, a, shop_a, [(rice_a, 3, 75_000)], None,
                      to_cooperative=b.cooperative_id)
    assert (s6["buyer_type"], s6["buyer_cooperative_id"]) == ("cooperative", b.cooperative_id)

    # --- produce bought from a2 -----------------------------------------------------
    store = await a_warehouse(f, a, "Gudang Kopi", "warehouse")
    coffee = await a_product(f, a, "KOPI-GB", "farm_produce", "g",
                             {"buy_from_member": 45_000}, per_qty=1000)
    receipt = await f.post(f.inventory, a.path(f"/warehouses/{store}/produce-receipts"), {
        "member_id": a2, "product_id": coffee, "gross_qty_g": 52_300, "tare_g": 300,
        "grade": "A", "lot_id": "KOPI-1", "harvest_date": TODAY.isoformat()}, a.clerk,
        expect=201)
    assert receipt["amount_idr"] == 52_000 * 45_000 // 1000

    async def paid_out() -> Any:
        rows = (await f.get(f.payments, a.path(f"/payouts?member_id={a2}"), a.admin)).json()
        return rows[0] if rows else None
    payout = await eventually(paid_out)
    assert [d for d in payout["deductions"] if d["amount_idr"]] == []

    # --- savings: pokok, sukarela, then this month's wajib bills and one deposit -----
    for c, member, kind, amount in ((a, a1, "pokok", 100_000), (a, a1, "sukarela", 50_000),
                                    (b, b2, "pokok", 100_000)):
        await a_deposit(f, c, member, kind, amount)
    period = f"{TODAY:%Y-%m}"
    for c in (a, b):
        await f.post(f.payments, c.path("/wajib-billing"), {"period": period}, c.admin)
    await a_deposit(f, b, b1, "wajib", 25_000)

    # --- loans: a3's is 40 days late; b1's is new and paid ahead ---------------------
    late = await a_loan(f, a, a3, 1_000_000, applied=TODAY - timedelta(days=75),
                        first_due=TODAY - timedelta(days=40))
    fresh = await a_loan(f, b, b1, 500_000, applied=TODAY - timedelta(days=2),
                         first_due=TODAY + timedelta(days=30))
    repaid = await f.post(f.payments, b.path(f"/loans/{fresh}/repayments"),
                          {"amount_idr": 57_500, "channel": "cash"}, b.clerk)
    sent_at = time.perf_counter()
    late_loan = (await f.get(f.payments, a.path(f"/loans/{late}"), a.admin)).json()
    assert late_loan["days_past_due"] == 40

    # --- what the federation should show, from what was sent --------------------------
    # s1's discount spread over its lines by largest remainder, as a till receipt would be
    line_totals = [line["line_total_idr"] for line in s1["lines"]]
    rice_s1, tenun_s1 = (t - d for t, d in zip(line_totals, largest_remainder(
        s1["discount_idr"], line_totals), strict=True))
    member_sales = s1["total_idr"] + s5["total_idr"]
    non_member_sales = s2["total_idr"] + s3["total_idr"] + s4["total_idr"]
    staple = rice_s1 + s2["total_idr"] + s4["total_idr"] + s5["total_idr"]
    handicraft = tenun_s1 + s3["total_idr"]
    omzet = member_sales + non_member_sales
    assert staple + handicraft == omzet
    overdue = sum(i["principal_idr"] - i["principal_paid_idr"] for i in late_loan["schedule"]
                  if date.fromisoformat(i["due_date"]) < TODAY)
    glp = 1_000_000 + 500_000 - repaid["principal_idr"]
    bills_due = 5 if TODAY.day >= 10 else 0  # due on the 10th: counted once due
    paid_on_time = 1 if TODAY.day == 10 else 0
    rice_left_a, rice_left_b = 100 - 2 - 1 - 10 - 3, 10 - 2 - 1
    stock_value = ((rice_left_a + rice_left_b) * RICE_UNIT_COST + (5 - 2) * TENUN_UNIT_COST
                   + receipt["amount_idr"])
    expected = {
        "cooperatives": 2,
        "active": {"total": 5, "L": genders["L"], "P": genders["P"], "unknown": 0},
        "participation_rate": {"numerator": 4, "denominator": 5, "bp": 8000},  # not a3
        "shop_omzet": {"gross_idr": omzet, "voided_idr": 0, "net_idr": omzet,
                       "on_credit_idr": 0},
        "member_idr": member_sales, "non_member_idr": non_member_sales,
        "member_share_of_omzet": {"numerator": member_sales, "denominator": omzet,
                                  "bp": bp(member_sales, omzet)},
        "by_category": {"staple_goods": staple, "handicraft": handicraft, "farm_produce": 0,
                        "farm_inputs": 0},
        "produce_bought": {"amount_idr": receipt["amount_idr"], "net_qty_g": 52_000,
                           "net_qty_kg": 52, "receipts": 1, "suppliers": 1},
        "volume_usaha": omzet + 500_000,
        "balances": {"pokok_idr": 200_000, "wajib_idr": 25_000, "sukarela_idr": 50_000,
                     "total_idr": 275_000},
        "wajib_compliance": {"numerator": paid_on_time, "denominator": bills_due,
                             "bp": bp(paid_on_time, bills_due)},
        "glp": glp, "disbursed_idr": 500_000,
        "par30": {"numerator": 1_000_000, "denominator": glp, "bp": bp(1_000_000, glp)},
        "arrears_rate": {"numerator": overdue, "denominator": glp, "bp": bp(overdue, glp)},
        "collectibility": {"lancar": glp - 1_000_000, "kurang_lancar": 1_000_000,
                           "diragukan": 0, "macet": 0},
        "stock_value": stock_value,
        "eliminations": {"eliminations_idr": 10 * RICE_UNIT_COST + s6["total_idr"],
                         "transfers_out_idr": 10 * RICE_UNIT_COST,
                         "transfers_in_idr": 10 * RICE_UNIT_COST,
                         "inter_cooperative_sales_idr": s6["total_idr"]},
        "transfers_left": (0, 0),
    }
    admin = f.auth("federation_admin", "federation-office")
    params = {"month": period, "as_of": TODAY.isoformat()}

    async def answer() -> dict[str, Any]:
        response = await stack.reporting.get("/federation/reports/monthly", params=params,
                                             headers=admin)
        assert response.status_code == 200, response.text
        return totals(response.json())

    async def caught_up() -> bool:
        return await answer() == expected
    try:
        await eventually(caught_up, timeout_s=60)
    finally:
        assert await answer() == expected
    print(f"command -> visible in the federation report: {time.perf_counter() - sent_at:.2f} s")
    # A's own row keeps its sale to B; only the federation's sum leaves it out.
    report = (await stack.reporting.get("/federation/reports/monthly", params=params,
                                        headers=admin)).json()
    row_a = next(r for r in report["cooperatives"] if r["cooperative_id"] == a.cooperative_id)
    assert row_a["shop_omzet_idr"] == sum(s["total_idr"] for s in (s1, s2, s3, s6))

    # Rebuild from offset 0 into a fresh version: every report byte for byte the same.
    result = await rebuild(stack.settings)
    assert result.identical_to_live is True
    assert result.events > 50


def totals(report: dict[str, Any]) -> dict[str, Any]:
    """The parts of a federation report the test predicts, in the shape of ``expected``."""
    business, loans = report["business"], report["loans"]
    movements = report["stock"]["movements"]
    return {
        "cooperatives": report["scope"]["cooperatives"],
        "active": report["members"]["active"],
        "participation_rate": report["members"]["participation_rate"],
        "shop_omzet": business["shop_omzet"],
        "member_idr": business["member_idr"], "non_member_idr": business["non_member_idr"],
        "member_share_of_omzet": business["member_share_of_omzet"],
        "by_category": {x["category"]: x["total_idr"] for x in business["by_category"]},
        "produce_bought": business["produce_bought"],
        "volume_usaha": business["volume_usaha"]["amount_idr"],
        "balances": report["savings"]["balances"],
        "wajib_compliance": report["savings"]["wajib_compliance"],
        "glp": loans["gross_loan_portfolio_idr"], "disbursed_idr": loans["disbursed_idr"],
        "par30": loans["par30"], "arrears_rate": loans["arrears_rate"],
        "collectibility": {x["class"]: x["outstanding_idr"] for x in loans["collectibility"]},
        "stock_value": report["stock"]["value_on_hand_idr"],
        "eliminations": report["eliminations"],
        "transfers_left": (movements["transfer_out_idr"], movements["transfer_in_idr"]),
    }
