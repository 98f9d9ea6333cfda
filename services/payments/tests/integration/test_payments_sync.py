"""Offline batch sync: facts keep their own date, a re-upload changes nothing, cash is kept."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

import pytest
from payments_harness import Api, a_loan

pytestmark = pytest.mark.integration


def a_fact(seq: int, fact_type: str, payload: dict[str, Any],
           business_date: str = "2026-03-02") -> dict[str, Any]:
    return {"client_id": str(uuid.uuid4()), "device_seq": seq, "type": fact_type,
            "occurred_at": f"{business_date}T09:15:00+08:00", "business_date": business_date,
            "payload": payload}


def a_batch(*items: dict[str, Any]) -> dict[str, Any]:
    return {"device_id": f"hp-kolektor-{uuid.uuid4().hex[:6]}", "items": list(items)}


async def test_a_batch_uploaded_twice_is_recorded_once(api: Api) -> None:
    staff = await api.cooperative()
    coop = staff.cooperative_id
    member = await api.admit(coop)
    batch = a_batch(
        a_fact(1, "savings_deposit", {"member_id": member, "savings_type": "sukarela",
                                      "amount_idr": 5_000, "channel": "cash"}),
        a_fact(2, "savings_deposit", {"member_id": member, "savings_type": "wajib",
                                      "amount_idr": 10_000, "channel": "cash"}, "2026-03-01"),
        a_fact(4, "savings_deposit", {"member_id": member, "savings_type": "sukarela",
                                      "amount_idr": 2_000, "channel": "qris"}))
    first = await api.post(f"/cooperatives/{coop}/sync", batch, staff.clerk)
    assert first.status_code == 200, first.text
    assert [r["status"] for r in first.json()["results"]] == ["accepted"] * 3
    assert first.json()["gaps"] == [[3, 3]]  # the device should resend its fact 3
    again = await api.post(f"/cooperatives/{coop}/sync", batch, staff.clerk)
    assert [r["status"] for r in again.json()["results"]] == ["duplicate"] * 3
    assert [r["result"]["result"] for r in again.json()["results"]] == [
        r["result"] for r in first.json()["results"]]
    balances = {a["savings_type"]: a["balance_idr"] for a in (await api.get(
        f"/cooperatives/{coop}/members/{member}/savings", staff.clerk)).json()["accounts"]}
    assert balances == {"pokok": 0, "wajib": 10_000, "sukarela": 7_000}
    stored = await api.rows(
        "SELECT business_date, occurred_at, payload FROM events "
        "WHERE event_type = 'SavingsDeposited' AND stream_id LIKE '%-wajib'")
    assert [(str(r["business_date"]), r["payload"]["recorded_offline"]) for r in stored] == [
        ("2026-03-01", True)]
    assert stored[0]["occurred_at"].isoformat() == "2026-03-01T01:15:00+00:00"  # device time


async def test_cash_already_taken_is_accepted_even_when_the_state_moved_on(api: Api) -> None:
    staff = await api.cooperative()
    coop = staff.cooperative_id
    member = await api.admit(coop)
    loans = f"/cooperatives/{coop}/loans"
    loan_id = (await api.post(loans, a_loan(member, principal_idr=60_000, term_months=1),
                              staff.clerk)).json()["loan_id"]
    await api.post(f"{loans}/{loan_id}/approve", {"approved_on": "2026-01-05"}, staff.chair)
    await api.post(f"{loans}/{loan_id}/disburse", {"disbursed_on": "2026-01-06"}, staff.chair)
    repaid = await api.post(f"{loans}/{loan_id}/repayments",
                            {"amount_idr": 61_200, "channel": "cash", "paid_on": "2026-01-30"},
                            staff.clerk)
    assert repaid.json()["loan"]["status"] == "repaid"
    await api.suspend(coop, member)  # online deposits are refused from now on

    batch = a_batch(
        a_fact(1, "loan_repayment", {"loan_id": loan_id, "amount_idr": 20_000,
                                     "channel": "cash"}, "2026-02-01"),
        a_fact(2, "savings_deposit", {"member_id": member, "savings_type": "sukarela",
                                      "amount_idr": 3_000, "channel": "cash"}))
    results = (await api.post(f"/cooperatives/{coop}/sync", batch, staff.clerk)).json()["results"]
    assert [(r["status"], r["flags"]) for r in results] == [
        ("accepted", ["late_upload", "overpayment"]), ("accepted", ["late_upload"])]
    assert results[0]["result"]["overpaid_idr"] == 20_000
    loan = (await api.get(f"{loans}/{loan_id}", staff.clerk)).json()
    assert (loan["status"], loan["overpaid_idr"]) == ("repaid", 20_000)
    overpaid = await api.rows("SELECT payload FROM events WHERE event_type = 'LoanOverpaid' "
                              "ORDER BY global_position")
    assert overpaid[-1]["payload"]["after_closure"] is True


async def test_online_only_and_malformed_facts_are_rejected_one_by_one(api: Api) -> None:
    staff = await api.cooperative()
    coop = staff.cooperative_id
    member = await api.admit(coop)
    deposit = {"member_id": member, "savings_type": "sukarela", "amount_idr": 1_000,
               "channel": "cash"}
    batch = a_batch(
        a_fact(1, "savings_withdrawal", {"member_id": member, "amount_idr": 1_000}),
        a_fact(2, "loan_disbursement", {"loan_id": "loan-x"}),
        a_fact(3, "savings_deposit", {**deposit, "amount_idr": 1_000.0}),
        a_fact(4, "savings_deposit", {**deposit, "member_id": "member-nobody"}),
        a_fact(5, "loan_repayment", {"loan_id": "loan-nope", "amount_idr": 1_000,
                                     "channel": "cash"}),
        a_fact(6, "savings_deposit", {**deposit, "savings_type": "pokok"}),
        a_fact(7, "savings_deposit", deposit))
    response = await api.post(f"/cooperatives/{coop}/sync", batch, staff.clerk)
    assert response.status_code == 200, response.text
    assert [(r["status"], r["code"]) for r in response.json()["results"]] == [
        ("rejected", "unknown-fact-type"), ("rejected", "unknown-fact-type"),
        ("rejected", "invalid-fact-payload"), ("rejected", "savings-accounts-not-found"),
        ("rejected", "loan-not-found"), ("rejected", "pokok-amount-mismatch"),
        ("accepted", None)]
    assert "1000.0" not in response.text  # the problem names fields, never their values
    balances = {a["savings_type"]: a["balance_idr"] for a in (await api.get(
        f"/cooperatives/{coop}/members/{member}/savings", staff.clerk)).json()["accounts"]}
    assert balances == {"pokok": 0, "wajib": 0, "sukarela": 1_000}
    officer = api.token("regional_officer", region="53")
    assert (await api.post(f"/cooperatives/{coop}/sync", a_batch(
        a_fact(1, "savings_deposit", deposit)), officer)).status_code == 403


async def test_a_batch_racing_online_deposits_loses_no_update_and_records_each_fact_once(
    api: Api,
) -> None:
    staff = await api.cooperative()
    coop = staff.cooperative_id
    member = await api.admit(coop)
    deposit = {"member_id": member, "savings_type": "sukarela", "amount_idr": 100,
               "channel": "cash"}
    batch = a_batch(*(a_fact(seq, "savings_deposit", deposit) for seq in range(1, 61)))
    online = f"/cooperatives/{coop}/members/{member}/savings/sukarela/deposits"
    answers = await asyncio.gather(
        api.post(f"/cooperatives/{coop}/sync", batch, staff.clerk),
        *(api.post(online, {"amount_idr": 1, "channel": "cash"}, staff.clerk)
          for _ in range(12)))
    synced, direct = answers[0], answers[1:]
    assert synced.status_code == 200, synced.text
    assert [r["status"] for r in synced.json()["results"]] == ["accepted"] * 60
    accepted = sum(a.status_code == 201 for a in direct)
    assert {a.status_code for a in direct} <= {201, 409}
    savings = (await api.get(f"/cooperatives/{coop}/members/{member}/savings",
                             staff.clerk)).json()
    assert savings["accounts"][2]["balance_idr"] == 60 * 100 + accepted
    versions = await api.rows(
        "SELECT stream_version FROM events WHERE stream_id = $1 ORDER BY stream_version",
        f"savings-{member}-sukarela")
    assert [r["stream_version"] for r in versions] == list(range(1, 62 + accepted))
    again = await api.post(f"/cooperatives/{coop}/sync", batch, staff.clerk)
    assert [r["status"] for r in again.json()["results"]] == ["duplicate"] * 60
