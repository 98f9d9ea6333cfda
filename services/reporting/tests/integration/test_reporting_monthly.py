"""Monthly reports on a real database: consolidation, time travel, eliminations,
tenancy and CSV, over the API (facts applied through the projection handlers).

The scenario and its hand-computed figures are in ``reporting_scenario``.
"""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime
from typing import Any

import pytest
import pytest_asyncio
from reporting_harness import Reporting
from reporting_scenario import A, B, C, D, seed

from gotong_platform.calendar import FixedClock

pytestmark = pytest.mark.integration

FED = "/federation/reports/monthly"
JAN = {"month": "2026-01"}
AT_MONTH_END = {"month": "2026-01", "known_at": "2026-02-01T00:00:00+08:00"}


@pytest_asyncio.fixture
async def seeded(reporting: Reporting) -> Reporting:
    await seed(reporting)
    return reporting


def admin(r: Reporting) -> dict[str, str]:
    return r.auth("federation_admin")


def row(report: dict[str, Any], cooperative_id: str) -> dict[str, Any]:
    return next(x for x in report["cooperatives"] if x["cooperative_id"] == cooperative_id)


async def test_a_cooperatives_month(seeded: Reporting) -> None:
    r = seeded
    body = await r.report(f"/cooperatives/{A}/reports/monthly", admin(r), **JAN)
    assert body["scope"]["kind"] == "cooperative"
    assert body["members"]["active"] == {"total": 2, "L": 1, "P": 1, "unknown": 0}
    assert (body["members"]["admitted"], body["members"]["exited"]) == (2, 1)
    assert body["members"]["participation_rate"] == {"numerator": 1, "denominator": 2,
                                                     "bp": 5000}
    shop = body["business"]
    assert shop["shop_omzet"] == {"gross_idr": 209_000, "voided_idr": 20_000,
                                  "net_idr": 189_000, "on_credit_idr": 0}
    assert (shop["member_idr"], shop["non_member_idr"]) == (99_000, 90_000)
    assert shop["member_share_of_omzet"]["bp"] == 5238
    assert (shop["retail_omzet_idr"], shop["produce_marketing_omzet_idr"]) == (109_300, 79_700)
    by_category = {x["category"]: x["total_idr"] for x in shop["by_category"]}
    assert by_category == {"farm_produce": 29_700, "handicraft": 50_000,
                           "staple_goods": 109_300, "farm_inputs": 0}
    assert shop["produce_bought"] == {"amount_idr": 2_340_000, "net_qty_g": 52_000,
                                      "net_qty_kg": 52, "receipts": 1, "suppliers": 1}
    assert shop["volume_usaha"]["amount_idr"] == 109_300 + 79_700 + 500_000
    assert "loans disbursed" in shop["volume_usaha"]["definition"]
    assert body["savings"]["balances"] == {"pokok_idr": 100_000, "wajib_idr": 25_000,
                                           "sukarela_idr": 0, "total_idr": 125_000}
    assert body["savings"]["wajib_compliance"] == {"numerator": 1, "denominator": 2,
                                                   "bp": 5000}
    loans = body["loans"]
    assert (loans["gross_loan_portfolio_idr"], loans["disbursed_idr"]) == (1_400_000, 500_000)
    assert loans["par30"] == {"numerator": 900_000, "denominator": 1_400_000, "bp": 6429}
    assert loans["arrears_rate"] == {"numerator": 200_000, "denominator": 1_400_000,
                                     "bp": 1429}
    classes = {x["class"]: (x["loans"], x["outstanding_idr"]) for x in loans["collectibility"]}
    assert classes == {"lancar": (1, 500_000), "kurang_lancar": (1, 900_000),
                       "diragukan": (0, 0), "macet": (0, 0)}
    stock = body["stock"]
    assert stock["value_on_hand_idr"] == 6_200_000 - 620_000 - 124_000 + 2_340_000
    assert stock["spoilage_idr"] == 124_000
    assert stock["movements"]["transfer_out_idr"] == 620_000  # B is outside this scope
    assert body["freshness"]["cooperatives"][0]["last_business_date"] == "2026-01-30"


async def test_federation_ratios_are_recomputed_from_sums_never_averaged(
    seeded: Reporting,
) -> None:
    r = seeded
    fed = await r.report(FED, admin(r), **JAN)
    assert fed["scope"] == {"kind": "federation", "cooperatives": 3}  # D left in December
    assert [x["cooperative_id"] for x in fed["cooperatives"]] == [A, B, C]
    par30 = fed["loans"]["par30"]
    assert par30 == {"numerator": 2_900_000, "denominator": 4_400_000, "bp": 6591}
    per_coop = [row(fed, c)["par30_bp"] for c in (A, B, C)]
    assert per_coop == [6429, 10_000, 0]
    assert par30["bp"] != sum(per_coop) // 3  # 5476: the average of ratios, wrong
    assert sum(row(fed, c)["gross_loan_portfolio_idr"] for c in (A, B, C)) == 4_400_000
    assert fed["loans"]["restructured_idr"] == 2_000_000
    assert fed["members"]["participation_rate"] == {"numerator": 2, "denominator": 4,
                                                    "bp": 5000}
    spread = fed["spread"]["par30"]
    assert (spread["n"], spread["p25"], spread["median"], spread["p75"]) == (3, 3215, 6429,
                                                                               8215)
    assert [(x["rank"], x["cooperative_id"]) for x in spread["ranking"]] == [
        (1, C), (2, A), (3, B)]
    region = await r.report("/regions/53/reports/monthly", admin(r), **JAN)
    assert region["loans"]["par30"] == {"numerator": 2_900_000, "denominator": 3_400_000,
                                        "bp": 8529}
    assert [x["cooperative_id"] for x in region["cooperatives"]] == [A, B]


async def test_reports_name_the_regions_from_the_kemendagri_table(seeded: Reporting) -> None:
    r = seeded
    region = await r.report("/regions/53/reports/monthly", admin(r), **JAN)
    assert (region["scope"]["code"], region["scope"]["name"]) == ("53", "Nusa Tenggara Timur")
    assert [(x["province_name"], x["regency_name"]) for x in region["cooperatives"]] == [
        ("Nusa Tenggara Timur", "Kabupaten Timor Tengah Selatan"),
        ("Nusa Tenggara Timur", "Kabupaten Sumba Timur")]
    regency = await r.report("/regions/8101/reports/monthly", admin(r), **JAN)
    assert regency["scope"]["name"] == "Kabupaten Maluku Tengah"
    coop = await r.report(f"/cooperatives/{C}/reports/monthly", admin(r), **JAN)
    assert (coop["scope"]["province_name"], coop["scope"]["regency_name"]) == (
        "Maluku", "Kabupaten Maluku Tengah")
    rows = list(csv.DictReader(io.StringIO(
        (await r.get(f"{FED}.csv", admin(r), table="cooperatives", **JAN)).text)))
    assert [x["regency_name"] for x in rows] == [
        "Kabupaten Timor Tengah Selatan", "Kabupaten Sumba Timur", "Kabupaten Maluku Tengah"]
    summary = (await r.get("/federation/summary", admin(r))).json()
    assert {p["province_code"]: p["name"] for p in summary["provinces"]} == {
        "53": "Nusa Tenggara Timur", "81": "Maluku"}


async def test_transfers_between_member_cooperatives_are_eliminated(seeded: Reporting) -> None:
    r = seeded
    fed = await r.report(FED, admin(r), **JAN)
    assert fed["eliminations"] == {"eliminations_idr": 620_000, "transfers_out_idr": 620_000,
                                   "transfers_in_idr": 620_000,
                                   "inter_cooperative_sales_idr": 0}
    moves = fed["stock"]["movements"]
    assert (moves["transfer_out_idr"], moves["transfer_in_idr"]) == (0, 0)
    assert row(fed, A)["stock_value_idr"] + row(fed, B)["stock_value_idr"] == (
        fed["stock"]["value_on_hand_idr"])
    regency = await r.report("/regions/5302/reports/monthly", admin(r), **JAN)
    assert regency["eliminations"]["eliminations_idr"] == 0  # B lies in another regency
    assert regency["stock"]["movements"]["transfer_out_idr"] == 620_000


async def test_a_late_upload_changes_known_now_but_not_known_at_month_end(
    seeded: Reporting,
) -> None:
    r = seeded
    now = await r.report(f"/cooperatives/{A}/reports/monthly", admin(r), **JAN)
    then = await r.report(f"/cooperatives/{A}/reports/monthly", admin(r), **AT_MONTH_END)
    assert now["business"]["shop_omzet"]["net_idr"] == 189_000
    assert then["business"]["shop_omzet"]["net_idr"] == 149_000  # s4 not yet uploaded
    assert then["prior_period_adjustments"]["late_uploads"] == []
    adjustments = now["prior_period_adjustments"]
    assert adjustments["late_uploads"] == [
        {"cooperative_id": A, "fact": "sales", "count": 1, "amount_idr": 40_000}]
    assert adjustments["known_at_month_end"] == [
        {"cooperative_id": A, "month_end_at": "2026-01-31T16:00:00Z"}]
    changed = {c["metric"]: c["delta"] for c in adjustments["changes"]}
    assert changed["sales.net_idr"] == 40_000
    assert changed["sales.non_member_idr"] == 40_000
    fed = await r.report(FED, admin(r), **JAN)
    assert fed["prior_period_adjustments"]["late_uploads"] == adjustments["late_uploads"]


async def test_as_of_a_past_business_date(seeded: Reporting) -> None:
    r = seeded
    fed = await r.report(FED, admin(r), month="2026-01", as_of="2026-01-14")
    assert fed["period"]["as_of"] == "2026-01-14"
    # LB1 is not restructured yet and only 13 days late; LA1 is 44 days late.
    assert fed["loans"]["par30"] == {"numerator": 900_000, "denominator": 4_400_000,
                                     "bp": 2045}
    assert fed["business"]["shop_omzet"]["net_idr"] == 149_000


async def test_growth_against_the_previous_month(seeded: Reporting) -> None:
    r = seeded
    body = await r.report(f"/cooperatives/{A}/reports/monthly", admin(r), **JAN)
    growth = {g["metric"]: g for g in body["growth"]["metrics"]}
    assert (growth["members.active"]["previous"], growth["members.active"]["growth_bp"]) == (
        1, 10_000)
    assert growth["sales.net_idr"]["growth_bp"] is None  # nothing sold in December
    assert body["growth"]["previous_month"] == "2025-12"


async def test_freshness_marks_cooperatives_that_have_not_synced(seeded: Reporting) -> None:
    r = seeded
    fed = await r.report(FED, admin(r), month="2026-01", known_at="2026-02-05T00:00:00Z")
    fresh = {x["cooperative_id"]: x for x in fed["freshness"]["cooperatives"]}
    assert fresh[A]["last_recorded_at"] == "2026-02-03T02:00:00Z"
    assert not fresh[A]["stale"]
    # C's last event was recorded on 1 Jan at 12:00 UTC, 21:00 in its WIT: 35 days of its
    # calendar before 5 Feb (09:00 WIT)
    assert (fresh[C]["days_since_last_event"], fresh[C]["stale"]) == (35, True)
    assert fed["freshness"]["stale"] == [B, C]


async def test_tenancy(seeded: Reporting) -> None:
    r = seeded
    officer = r.auth("regional_officer", region="53")
    assert (await r.get("/regions/53/reports/monthly", officer, **JAN)).status_code == 200
    assert (await r.get("/regions/5311/reports/monthly", officer, **JAN)).status_code == 200
    refused = await r.get("/regions/81/reports/monthly", officer, **JAN)
    assert refused.status_code == 404
    assert refused.headers["content-type"] == "application/problem+json"
    assert (await r.get("/regions/81/reports/monthly.csv", officer, table="summary",
                        **JAN)).status_code == 404
    assert (await r.get(FED, officer, **JAN)).status_code == 403
    assert (await r.get(f"/cooperatives/{A}/reports/monthly", officer, **JAN)).status_code == 200
    assert (await r.get(f"/cooperatives/{C}/reports/monthly", officer, **JAN)).status_code == 404
    clerk = r.auth("coop_clerk", cooperative_id=A)
    assert (await r.get(f"/cooperatives/{A}/reports/monthly", clerk, **JAN)).status_code == 200
    assert (await r.get(f"/cooperatives/{B}/reports/monthly", clerk, **JAN)).status_code == 404
    assert (await r.get("/regions/53/reports/monthly", clerk, **JAN)).status_code == 404
    assert (await r.get(FED, clerk, **JAN)).status_code == 403
    assert (await r.client.get(FED, params=JAN)).status_code == 401


@pytest.mark.parametrize("params", [
    {}, {"month": "2026-13"}, {"month": "januari"}, {"month": "2026-01", "as_of": "2026-02-01"},
    {"month": "2026-01", "as_of": "2026-01-32"}, {"month": "2026-01", "known_at": "yesterday"},
    {"month": "2026-01", "known_at": "2026-02-01T00:00:00"}, {"month": "0000-01"},
    {"month": "2026-01", "known_at": "0001-01-01T00:00:00+05:00"},
    {"month": "2026-01", "known_at": "2026-02-30T00:00:00Z"},
    {"month": "2026-01", "table": "nope"},
])
async def test_bad_parameters_are_422_problems(seeded: Reporting, params: dict[str, str]
                                               ) -> None:
    r = seeded
    for path in (FED, f"{FED}.csv", "/regions/53/reports/monthly",
                 f"/cooperatives/{A}/reports/monthly"):
        response = await r.get(path, admin(r), **({"table": "summary"} | params)
                               if path.endswith(".csv") and "table" not in params else params)
        assert response.status_code == 422, (path, params, response.text)
        assert response.headers["content-type"] == "application/problem+json"


async def test_every_table_as_csv(seeded: Reporting) -> None:
    r = seeded
    response = await r.get(f"{FED}.csv", admin(r), table="cooperatives", **JAN)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    assert "federation-2026-01-cooperatives.csv" in response.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert [(x["cooperative_id"], x["par30_bp"]) for x in rows] == [
        (A, "6429"), (B, "10000"), (C, "0")]
    assert rows[0]["shop_omzet_idr"] == "189000"
    negotiated = await r.client.get(FED, params=JAN | {"table": "loans_by_collectibility"},
                                    headers=admin(r) | {"Accept": "text/csv"})
    classes = list(csv.DictReader(io.StringIO(negotiated.text)))
    assert [(x["class"], x["outstanding_idr"]) for x in classes] == [
        ("lancar", "3500000"), ("kurang_lancar", "900000"), ("diragukan", "0"), ("macet", "0")]
    summary = list(csv.DictReader(io.StringIO(
        (await r.get(f"{FED}.csv", admin(r), table="summary", **JAN)).text)))
    values = {x["metric"]: x["value"] for x in summary}
    assert values["loans.par30.bp"] == "6591"
    assert values["eliminations.eliminations_idr"] == "620000"
    low = list(csv.DictReader(io.StringIO(
        (await r.get(f"{FED}.csv", admin(r), table="low_stock", **JAN)).text)))
    assert [(x["cooperative_id"], x["sku"], x["on_hand"]) for x in low] == [(B, "UREA", "0")]
    for table in ("sales_by_category", "savings_by_type", "growth", "freshness", "late_uploads",
                  "adjustments", "spread", "ranking"):
        response = await r.get(f"{FED}.csv", admin(r), table=table, **JAN)
        assert response.status_code == 200, table
        assert len(response.text.splitlines()) >= 2, table
    empty = await r.get(f"/cooperatives/{D}/reports/monthly.csv", admin(r), table="ranking",
                        **JAN)
    assert empty.text.startswith("ratio,")  # a header even without rows


async def test_a_running_month_is_cut_off_at_today_in_each_zone(
    seeded: Reporting, clock: FixedClock,
) -> None:
    r = seeded
    # 15:30 UTC on 30 January: already 31 January, 00:30, in C's WIT; still the 30th,
    # 23:30, in A's WITA. The month's last day would show instalments due later as late.
    clock.set(datetime(2026, 1, 30, 15, 30, tzinfo=UTC))
    a = await r.report(f"/cooperatives/{A}/reports/monthly", admin(r), **JAN)
    assert (a["period"]["as_of"], a["period"]["as_of_basis"]) == ("2026-01-30", "today")
    explicit = await r.report(f"/cooperatives/{A}/reports/monthly", admin(r),
                              month="2026-01", as_of="2026-01-30")
    assert explicit["period"]["as_of_basis"] == "requested"
    assert {k: v for k, v in a.items() if k != "period"} == {
        k: v for k, v in explicit.items() if k != "period"}
    c = await r.report(f"/cooperatives/{C}/reports/monthly", admin(r), **JAN)
    assert (c["period"]["as_of"], c["period"]["as_of_basis"]) == ("2026-01-31", "month_end")
    # A region or the federation spans zones: cut off at WIT's today.
    fed = await r.report(FED, admin(r), **JAN)
    assert (fed["period"]["as_of"], fed["period"]["as_of_basis"]) == ("2026-01-31",
                                                                      "month_end")
    clock.set(datetime(2026, 1, 14, 3, 0, tzinfo=UTC))  # the 14th, mid-morning
    fed = await r.report(FED, admin(r), **JAN)
    assert (fed["period"]["as_of"], fed["period"]["as_of_basis"]) == ("2026-01-14", "today")
    # The same figures as asking for the 14th, but only facts known by now count.
    assert fed["period"]["known_at"] == "2026-01-14T03:00:00Z"
    # A finished month is whole, whatever today is.
    clock.set(datetime(2026, 3, 2, 3, 0, tzinfo=UTC))
    fed = await r.report(FED, admin(r), **JAN)
    assert (fed["period"]["as_of"], fed["period"]["as_of_basis"]) == ("2026-01-31",
                                                                      "month_end")
