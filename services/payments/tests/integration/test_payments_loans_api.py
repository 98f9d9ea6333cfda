"""Micro-loans over the API: maker-checker, schedule, allocation, overpayment, closed loop."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from payments_harness import Api, a_loan

from gotong_testing import business_today

pytestmark = pytest.mark.integration


async def disbursed_loan(api: Api, coop: str, member: str, headers: dict[str, dict[str, str]],
                         **terms: Any) -> dict[str, Any]:
    """Applied by the clerk, approved and disbursed by the chair: an active loan."""
    loans = f"/cooperatives/{coop}/loans"
    applied = await api.post(loans, a_loan(member, **terms), headers["clerk"])
    assert applied.status_code == 201, applied.text
    loan_id = applied.json()["loan_id"]
    approved = await api.post(f"{loans}/{loan_id}/approve", {"approved_on": "2026-01-05"},
                              headers["chair"])
    assert approved.status_code == 200, approved.text
    disbursed = await api.post(f"{loans}/{loan_id}/disburse", {"disbursed_on": "2026-01-06"},
                               headers["chair"])
    assert disbursed.status_code == 200, disbursed.text
    body: dict[str, Any] = disbursed.json()
    return body


async def test_the_recording_user_cannot_approve_and_another_pengurus_can(api: Api) -> None:
    staff = await api.cooperative()
    coop = staff.cooperative_id
    member = await api.admit(coop)
    loans = f"/cooperatives/{coop}/loans"
    applied = await api.post(loans, a_loan(member), staff.chair)
    assert applied.status_code == 201, applied.text
    assert applied.json()["status"] == "applied"
    loan_id = applied.json()["loan_id"]
    by_clerk = await api.post(f"{loans}/{loan_id}/approve", {}, staff.clerk)
    assert by_clerk.status_code == 403  # approving is the checker's (pengurus') side
    same = await api.post(f"{loans}/{loan_id}/approve", {"approved_on": "2026-01-05"},
                          staff.chair)
    assert (same.status_code, same.json()["code"]) == (409, "maker-checker-violation")
    other = await api.post(f"{loans}/{loan_id}/approve", {"approved_on": "2026-01-05"},
                           staff.treasurer)
    assert other.status_code == 200, other.text
    assert other.json()["status"] == "approved"
    twice = await api.post(f"{loans}/{loan_id}/approve", {}, staff.treasurer)
    assert (twice.status_code, twice.json()["code"]) == (409, "loan-not-pending-approval")


async def test_repayments_allocate_penalty_interest_principal_then_overpay(api: Api) -> None:
    staff = await api.cooperative()
    coop = staff.cooperative_id
    member = await api.admit(coop)
    loan = await disbursed_loan(api, coop, member, {"clerk": staff.clerk, "chair": staff.chair})
    schedule = loan["schedule"]
    assert [i["principal_idr"] for i in schedule] == [250_000] * 4
    assert sum(i["principal_idr"] for i in schedule) == 1_000_000
    assert [i["interest_idr"] for i in schedule] == [20_000] * 4  # flat 2 % of 1.000.000
    assert [i["due_date"] for i in schedule] == ["2026-02-06", "2026-03-06", "2026-04-06",
                                                 "2026-05-06"]
    repayments = f"/cooperatives/{coop}/loans/{loan['loan_id']}/repayments"
    # Paid 2026-03-10: instalment 1 is two months late (denda 1 % x 270.000 x 2 = 5.400),
    # instalment 2 one month (2.700).
    first = await api.post(repayments, {"amount_idr": 300_000, "channel": "cash",
                                        "paid_on": "2026-03-10"}, staff.clerk)
    assert first.status_code == 200, first.text
    paid = first.json()
    assert (paid["penalty_idr"], paid["interest_idr"], paid["principal_idr"],
            paid["excess_idr"]) == (8_100, 40_000, 251_900, 0)
    assert paid["loan"]["outstanding_principal_idr"] == 1_000_000 - 251_900
    assert paid["loan"]["outstanding_interest_idr"] == 40_000
    rest = await api.post(repayments, {"amount_idr": 800_000, "channel": "transfer",
                                       "paid_on": "2026-03-10"}, staff.clerk)
    settled = rest.json()
    assert (settled["principal_idr"], settled["interest_idr"], settled["excess_idr"]) == (
        748_100, 40_000, 11_900)
    assert settled["loan"]["status"] == "repaid"
    assert settled["loan"]["overpaid_idr"] == 11_900
    received = 300_000 + 800_000
    assert received == (1_000_000 + 4 * 20_000 + 8_100 + 11_900)  # every rupiah accounted for
    after = await api.post(repayments, {"amount_idr": 1_000, "channel": "cash"}, staff.clerk)
    assert (after.status_code, after.json()["code"]) == (409, "repayment-to-closed-loan-refused")
    closed = await api.post(f"/cooperatives/{coop}/loans/{loan['loan_id']}/close",
                            {"closed_on": "2026-03-11"}, staff.clerk)
    assert closed.json()["status"] == "closed"
    listed = await api.get(f"/cooperatives/{coop}/loans", staff.clerk, member_id=member)
    assert [(r["status"], r["outstanding_principal_idr"]) for r in listed.json()] == [
        ("closed", 0)]


async def test_an_unpaid_loan_is_past_due_as_of_the_cooperatives_today(api: Api) -> None:
    staff = await api.cooperative(time_zone="WIT", regency="8105")
    coop = staff.cooperative_id
    member = await api.admit(coop)
    loan = await disbursed_loan(api, coop, member, {"clerk": staff.clerk, "chair": staff.chair})
    view = (await api.get(f"/cooperatives/{coop}/loans/{loan['loan_id']}", staff.clerk)).json()
    as_of = date.fromisoformat(view["as_of"])
    assert view["days_past_due"] == (as_of - date(2026, 2, 6)).days > 180
    assert view["collectibility"] == "macet"
    write_off = f"/cooperatives/{coop}/loans/{loan['loan_id']}/write-off"
    own = await api.post(write_off, {"reason": "gagal panen"}, staff.chair)  # chair disbursed
    assert (own.status_code, own.json()["code"]) == (409, "maker-checker-violation")
    done = await api.post(write_off, {"reason": "gagal panen"}, staff.treasurer)
    assert done.json()["status"] == "written_off"


async def test_restructuring_reschedules_the_outstanding_principal(api: Api) -> None:
    staff = await api.cooperative()
    coop = staff.cooperative_id
    member = await api.admit(coop)
    loan = await disbursed_loan(api, coop, member, {"clerk": staff.clerk, "chair": staff.chair})
    first_due = business_today("WITA") + timedelta(days=40)  # restructured today, due after
    restructured = await api.post(
        f"/cooperatives/{coop}/loans/{loan['loan_id']}/restructure",
        {"new_term_months": 3, "new_interest_rate_bp_per_month": 100,
         "first_due_date": first_due.isoformat(), "reason": "gagal panen"}, staff.treasurer)
    assert restructured.status_code == 200, restructured.text
    body = restructured.json()
    assert body["restructured"] is True
    assert [i["principal_idr"] for i in body["schedule"]] == [333_333, 333_333, 333_334]
    # The four overdue instalments' unpaid interest (4 x 20.000) moves onto the first new one.
    assert [i["interest_idr"] for i in body["schedule"]] == [10_000 + 80_000, 10_000, 10_000]
    assert body["outstanding_principal_idr"] == 1_000_000
    assert (body["days_past_due"], body["collectibility"]) == (0, "lancar")


async def test_closed_loop_cooperatives_lend_to_admitted_members_only(api: Api) -> None:
    closed = await api.cooperative(loop="closed")
    member = await api.admit(closed.cooperative_id)
    await api.suspend(closed.cooperative_id, member)
    loans = f"/cooperatives/{closed.cooperative_id}/loans"
    for borrower in (member, "member-not-in-the-directory"):
        refused = await api.post(loans, a_loan(borrower), closed.clerk)
        assert (refused.status_code, refused.json()["code"]) == (
            409, "lending-to-non-member-refused")
    assert (await api.get(loans, closed.clerk)).json() == []

    open_ = await api.cooperative(loop="open")
    lent = await api.post(f"/cooperatives/{open_.cooperative_id}/loans",
                          a_loan("member-not-in-the-directory"), open_.clerk)
    assert lent.status_code == 201, lent.text


@pytest.mark.parametrize(
    ("change", "status", "code"),
    [
        ({"principal_idr": 0}, 422, "invalid-request"),
        ({"principal_idr": 1_000_000.0}, 422, "invalid-request"),
        ({"term_months": 61}, 422, "loan-term-out-of-range"),
        ({"interest_rate_bp_per_month": 5_000}, 422, "rate-out-of-range"),
        ({"method": "annuity"}, 422, "invalid-request"),
        ({"first_due_date": "2026-01-01"}, 409, "date-out-of-order"),
    ],
)
async def test_bad_loan_applications_get_a_clear_problem_and_change_nothing(
    api: Api, change: dict[str, Any], status: int, code: str,
) -> None:
    staff = await api.cooperative()
    member = await api.admit(staff.cooperative_id)
    loans = f"/cooperatives/{staff.cooperative_id}/loans"
    refused = await api.post(loans, a_loan(member, **change), staff.clerk)
    assert (refused.status_code, refused.json()["code"]) == (status, code)
    assert (await api.get(loans, staff.clerk)).json() == []


async def test_a_loan_of_another_cooperative_is_not_found(api: Api) -> None:
    mine = await api.cooperative()
    theirs = await api.cooperative(regency="8105", time_zone="WIT")
    member = await api.admit(theirs.cooperative_id)
    loan = await disbursed_loan(api, theirs.cooperative_id, member,
                                {"clerk": theirs.clerk, "chair": theirs.chair})
    via_mine = await api.get(f"/cooperatives/{mine.cooperative_id}/loans/{loan['loan_id']}",
                             mine.clerk)
    assert via_mine.status_code == 404
    repay = await api.post(
        f"/cooperatives/{mine.cooperative_id}/loans/{loan['loan_id']}/repayments",
        {"amount_idr": 1_000, "channel": "cash"}, mine.clerk)
    assert (repay.status_code, repay.json()["code"]) == (404, "loan-not-found")
