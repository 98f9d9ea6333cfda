"""The member's own window on reporting, on a real database: her SHU and her cooperative.

The small federation of ``reporting_scenario`` (January 2026), plus a purchase by m1 in
December 2025, so that cooperative A's fiscal year 2025 has both bases: m1 (admitted
June 2025) holds pokok Rp 100.000 at the year's end and bought Rp 200.000. A's
treasurer adopts a policy (flat, the handbook's percentages, member-sourced SHU only)
and drafts the year with SHU Rp 10.000.000; another admin approves it at the RAT.
m2 and m3 joined in 2026 (m3 exited in January): they were not among its members.

Every answer is compared with what the staff's own routes say of the same thing: the
approved calculation's member table, the cooperative's monthly report.
"""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

import pytest
import pytest_asyncio
from reporting_harness import Reporting
from reporting_scenario import A, B, a_sale, line, seed

from gotong_platform.calendar import FixedClock, today_in

pytestmark = pytest.mark.integration

POOLS = {"cadangan": 4000, "jasa_modal": 2000, "jasa_usaha": 2500, "pengurus_pengawas": 500,
         "karyawan": 500, "pendidikan": 250, "sosial": 250}
EVERY_MEMBER = ("m1", "m2", "m3", "m4", "m5")
PROBLEM = "application/problem+json"


@pytest_asyncio.fixture
async def seeded(reporting: Reporting) -> dict[str, Any]:
    r = reporting
    await seed(r)
    await r.record(a_sale("s0", date(2025, 12, 5), [line("rice", "staple_goods", 200_000)],
                          member_id="m1"), stream="s0", on=date(2025, 12, 5))
    admin = r.auth("coop_admin", subject="bendahara", cooperative_id=A)
    base = f"/cooperatives/{A}/shu"
    policy = await post(r, f"{base}/policies", {
        "effective_fiscal_year": 2025, "pools_bp": POOLS,
        "transaction_basis": ["member_purchases", "loan_interest_paid"]}, admin)
    assert policy.status_code == 201, policy.text
    drafted = await post(r, f"{base}/calculations", {
        "fiscal_year": 2025, "shu_total_idr": 10_000_000, "policy_version": 1}, admin)
    assert drafted.status_code == 201, drafted.text
    calc_id = drafted.json()["calc_id"]
    approved = await post(r, f"{base}/calculations/{calc_id}/approve",
                          {"rat_date": "2026-03-14"},
                          r.auth("coop_admin", subject="ketua", cooperative_id=A))
    assert approved.status_code == 200, approved.text
    return approved.json()


async def post(r: Reporting, path: str, body: dict[str, Any], headers: dict[str, str]) -> Any:
    return await r.client.post(path, json=body,
                               headers={**headers, "Idempotency-Key": uuid.uuid4().hex})


def her(r: Reporting, member_id: str, cooperative_id: str = A) -> dict[str, str]:
    return r.auth("member", subject=member_id, cooperative_id=cooperative_id)


async def test_her_shu_is_her_row_of_the_approved_table_with_its_pools_explained(
        reporting: Reporting, seeded: dict[str, Any]) -> None:
    r, calc = reporting, seeded
    answer = await r.get("/member-portal/members/m1/shu", her(r, "m1"))
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert (body["member_id"], body["cooperative_id"], body["member_status"]) == (
        "m1", A, "admitted")
    (year,) = body["years"]
    mine = next(m for m in calc["members"] if m["member_id"] == "m1")
    assert (year["fiscal_year"], year["rat_date"], year["included"]) == (2025, "2026-03-14",
                                                                          True)
    assert year["jasa_modal"]["amount_idr"] == mine["jasa_modal_idr"]
    assert year["jasa_usaha"]["amount_idr"] == mine["jasa_usaha_idr"]
    assert year["total_idr"] == mine["total_idr"]
    assert year["jasa_modal"]["your_basis_idr"] == mine["capital_basis_idr"] == 100_000
    assert year["jasa_usaha"]["your_basis_idr"] == mine["transaction_basis_idr"] == 200_000
    assert year["jasa_modal"]["pool_idr"] == calc["pools_idr"]["jasa_modal"]
    assert year["jasa_usaha"]["pool_idr"] == calc["pools_idr"]["jasa_usaha"]
    assert year["jasa_modal"]["basis_total_idr"] == calc["capital_basis_total_idr"]
    assert year["jasa_usaha"]["basis_total_idr"] == calc["transaction_basis_total_idr"]
    assert (year["jasa_modal"]["share_of_shu_bp"], year["jasa_usaha"]["share_of_shu_bp"]) == (
        2000, 2500)
    assert year["shu_member_sourced_idr"] == calc["shu_member_sourced_idr"]
    text = " ".join(year["explanation"])
    assert "Rapat Anggota Tahunan (RAT) 14 Maret 2026: Rp 10.000.000." in text
    assert f"= Rp {mine['total_idr']:,}.".replace(",", ".") in text
    # her own row only: nothing in the answer names another member
    assert "m2" not in answer.text
    assert "members" not in body


async def test_a_member_outside_the_year_and_an_exited_member_read_theirs(
        reporting: Reporting, seeded: dict[str, Any]) -> None:
    r = reporting
    for member_id, status in (("m2", "admitted"), ("m3", "exited")):
        answer = await r.get(f"/member-portal/members/{member_id}/shu", her(r, member_id))
        assert answer.status_code == 200, answer.text
        body = answer.json()
        assert body["member_status"] == status
        (year,) = body["years"]
        assert (year["included"], year["total_idr"], year["jasa_modal"]["your_basis_idr"]) == (
            False, 0, 0)
        assert "Anda tidak termasuk" in year["explanation"][-1]
    exited = await r.get(f"/member-portal/cooperatives/{A}/summary", her(r, "m3"))
    assert exited.status_code == 200, exited.text


async def test_every_other_members_id_and_another_cooperative_is_the_same_404(
        reporting: Reporting, seeded: dict[str, Any]) -> None:
    r = reporting
    token = her(r, "m1")
    for member_id in (*EVERY_MEMBER, "m9", "M1", "m1%20"):
        answer = await r.get(f"/member-portal/members/{member_id}/shu", token)
        if member_id == "m1":
            assert answer.status_code == 200
            continue
        assert answer.status_code == 404, member_id
        assert answer.headers["content-type"] == PROBLEM
        assert answer.json()["code"] == "member-not-found"
    # her own id under another cooperative's token, and a token for a member unknown here
    for headers in (her(r, "m1", B), her(r, "m9")):
        assert (await r.get("/member-portal/members/m1/shu", headers)).status_code == 404
    for coop in (B, "coop-c", "coop-x"):
        answer = await r.get(f"/member-portal/cooperatives/{coop}/summary", token)
        assert answer.status_code == 404, coop
        assert answer.json()["code"] == "cooperative-not-found"
    # m4 of B asks for A's summary; m1 under B's token asks for B's
    for headers, coop in ((her(r, "m4", B), A), (her(r, "m1", B), B)):
        answer = await r.get(f"/member-portal/cooperatives/{coop}/summary", headers)
        assert answer.status_code == 404


async def test_staff_and_strangers_are_refused_and_bad_input_is_a_problem(
        reporting: Reporting, seeded: dict[str, Any], clock: FixedClock) -> None:
    r = reporting
    staff = r.auth("coop_admin", subject="bendahara", cooperative_id=A)
    for path in ("/member-portal/members/m1/shu", f"/member-portal/cooperatives/{A}/summary"):
        assert (await r.get(path, staff)).status_code == 403
        assert (await r.get(path, {})).status_code == 401
    this_month = f"{today_in(clock, 'WITA'):%Y-%m}"
    for month, code in (("2026-13", "invalid-request"), ("26-01", "invalid-request"),
                        (this_month, "month-not-closed"), ("9999-12", "month-not-closed")):
        answer = await r.get(f"/member-portal/cooperatives/{A}/summary", her(r, "m1"),
                             month=month)
        assert answer.status_code == 422, month
        assert answer.headers["content-type"] == PROBLEM
        assert answer.json()["code"] == code


async def test_her_cooperatives_month_is_its_own_report_and_its_rat_the_approved_one(
        reporting: Reporting, seeded: dict[str, Any], clock: FixedClock) -> None:
    r, calc = reporting, seeded
    staff = r.auth("coop_admin", subject="bendahara", cooperative_id=A)
    for month in ("2026-01", None):
        params = {"month": month} if month else {}
        answer = await r.get(f"/member-portal/cooperatives/{A}/summary", her(r, "m1"),
                             **params)
        assert answer.status_code == 200, answer.text
        body = answer.json()
        expected_month = month or last_closed(clock)
        report = await r.report(f"/cooperatives/{A}/reports/monthly", staff,
                                month=expected_month)
        shown = body["month"]
        assert (shown["month"], shown["start"], shown["end"]) == (
            expected_month, report["period"]["start"], report["period"]["end"])
        assert shown["figures_available"] is True
        assert shown["members"] == {
            "active": report["members"]["active"]["total"],
            "women": report["members"]["active"]["P"], "men": report["members"]["active"]["L"],
            "admitted": report["members"]["admitted"], "exited": report["members"]["exited"],
            "participation_rate": report["members"]["participation_rate"]}
        balances = report["savings"]["balances"]
        assert shown["savings"] == {k: balances[k] for k in (
            "pokok_idr", "wajib_idr", "sukarela_idr", "total_idr")}
        assert shown["loans"] == {
            "outstanding_idr": report["loans"]["gross_loan_portfolio_idr"],
            "active_loans": report["loans"]["active_loans"],
            "disbursed_idr": report["loans"]["disbursed_idr"],
            "disbursed_count": report["loans"]["disbursed_count"],
            "par30": report["loans"]["par30"]}
        assert shown["business"] == {
            "shop_omzet_idr": report["business"]["shop_omzet"]["net_idr"],
            "member_share_of_omzet": report["business"]["member_share_of_omzet"],
            "produce_bought_idr": report["business"]["produce_bought"]["amount_idr"],
            "produce_bought_kg": report["business"]["produce_bought"]["net_qty_kg"],
            "volume_usaha_idr": report["business"]["volume_usaha"]["amount_idr"]}
        # nothing that names a member or a single row of the cooperative's books
        for kept_back in ("m2", "low_stock", "late_uploads", "cooperatives"):
            assert kept_back not in answer.text
    january = (await r.get(f"/member-portal/cooperatives/{A}/summary", her(r, "m1"),
                           month="2026-01")).json()["month"]
    # the scenario's January, by hand: A's shop (99.000 + 50.000 + 40.000 late), its
    # coffee, its loans (PAR30 900.000 of 1.400.000)
    assert january["business"]["shop_omzet_idr"] == 189_000
    assert (january["business"]["produce_bought_idr"],
            january["business"]["produce_bought_kg"]) == (2_340_000, 52)
    assert (january["loans"]["outstanding_idr"], january["loans"]["par30"]["numerator"]) == (
        1_400_000, 900_000)
    rat = body["rat"]
    assert (rat["fiscal_year"], rat["rat_date"], rat["shu_total_idr"]) == (
        2025, "2026-03-14", 10_000_000)
    assert {p["pool"]: p["amount_idr"] for p in rat["pools"]} == calc["pools_idr"]
    assert [p["pool"] for p in rat["pools"]][:3] == ["cadangan", "jasa_modal", "jasa_usaha"]
    assert {p["pool"]: p["share_bp"] for p in rat["pools"]} == POOLS
    assert rat["members_total_idr"] == sum(m["total_idr"] for m in calc["members"])
    assert sum(p["amount_idr"] for p in rat["pools"]) == rat["shu_total_idr"]


async def test_no_rat_yet_is_said_plainly(reporting: Reporting) -> None:
    r = reporting
    await seed(r)
    body = (await r.get("/member-portal/members/m1/shu", her(r, "m1"))).json()
    assert body["years"] == []
    summary = await r.get(f"/member-portal/cooperatives/{A}/summary", her(r, "m1"))
    assert summary.status_code == 200, summary.text
    assert summary.json()["rat"] is None


def last_closed(clock: FixedClock) -> str:
    today = today_in(clock, "WITA")
    year, month = (today.year, today.month - 1) if today.month > 1 else (today.year - 1, 12)
    return f"{year:04d}-{month:02d}"
