"""Simpanan over the API on real PostgreSQL: accounts, pokok, wajib billing, sukarela."""

from __future__ import annotations

import asyncio
import uuid
from datetime import date

import pytest
from payments_harness import Api

pytestmark = pytest.mark.integration


async def test_admission_opens_pokok_wajib_and_sukarela_at_the_policy_pokok(api: Api) -> None:
    staff = await api.cooperative()
    coop = staff.cooperative_id
    default = await api.get(f"/cooperatives/{coop}/savings-policy", staff.clerk)
    assert default.json() == {"cooperative_id": coop, "pokok_idr": 50_000, "wajib_idr": 10_000,
                              "wajib_due_day": 10,
                              "payout_instalments": "due_by_receipt_date", "is_default": True}
    policy = {"pokok_idr": 25_000, "wajib_idr": 5_000, "wajib_due_day": 15}
    assert (await api.post(f"/cooperatives/{coop}/savings-policy", policy,
                           staff.clerk)).status_code == 403  # setup is the pengurus' job
    set_ = await api.post(f"/cooperatives/{coop}/savings-policy", policy, staff.chair)
    assert set_.status_code == 200, set_.text
    member = await api.admit(coop)

    savings = await api.get(f"/cooperatives/{coop}/members/{member}/savings", staff.clerk)
    assert savings.status_code == 200, savings.text
    assert [(a["savings_type"], a["balance_idr"]) for a in savings.json()["accounts"]] == [
        ("pokok", 0), ("wajib", 0), ("sukarela", 0)]
    pokok = f"/cooperatives/{coop}/members/{member}/savings/pokok/deposits"
    wrong = await api.post(pokok, {"amount_idr": 50_000, "channel": "cash"}, staff.clerk)
    assert (wrong.status_code, wrong.json()["code"]) == (422, "pokok-amount-mismatch")
    paid = await api.post(pokok, {"amount_idr": 25_000, "channel": "qris"}, staff.clerk)
    assert paid.status_code == 201, paid.text
    assert paid.json()["balance_idr"] == 25_000
    again = await api.post(pokok, {"amount_idr": 25_000, "channel": "cash"}, staff.clerk)
    assert again.status_code == 409
    assert again.headers["content-type"].startswith("application/problem+json")
    assert again.json()["code"] == "pokok-already-paid"


async def test_wajib_billed_once_per_period_to_admitted_members_and_deposits_pay_arrears(
    api: Api,
) -> None:
    staff = await api.cooperative()
    coop = staff.cooperative_id
    await api.post(f"/cooperatives/{coop}/savings-policy",
                   {"pokok_idr": 50_000, "wajib_idr": 10_000, "wajib_due_day": 10}, staff.chair)
    active = await api.admit(coop)
    suspended = await api.admit(coop)
    await api.suspend(coop, suspended)

    billing = f"/cooperatives/{coop}/wajib-billing"
    first = await api.post(billing, {"period": "2026-01"}, staff.chair)
    assert first.json() == {"period": "2026-01", "amount_idr": 10_000,
                            "due_date": "2026-01-10", "billed": 1, "skipped": 0,
                            "admitted_after_due_date": 0}
    repeat = await api.post(billing, {"period": "2026-01"}, staff.chair)
    assert (repeat.json()["billed"], repeat.json()["skipped"]) == (0, 1)
    assert (await api.post(billing, {"period": "2026-02"}, staff.chair)).json()["billed"] == 1
    assert (await api.post(billing, {"period": "2026-13"}, staff.chair)).status_code == 422

    savings = f"/cooperatives/{coop}/members/{active}/savings"
    owed = (await api.get(savings, staff.clerk)).json()
    assert (owed["wajib_arrears_idr"], owed["unpaid_periods"]) == (20_000, ["2026-01", "2026-02"])
    deposit = await api.post(f"{savings}/wajib/deposits",
                             {"amount_idr": 15_000, "channel": "cash",
                              "business_date": "2026-02-05"}, staff.clerk)
    assert deposit.status_code == 201, deposit.text
    assert (deposit.json()["arrears_idr"], deposit.json()["unpaid_periods"]) == (5_000,
                                                                                ["2026-02"])
    left = (await api.get(savings, staff.clerk)).json()
    assert (left["wajib_arrears_idr"], left["unpaid_periods"]) == (5_000, ["2026-02"])
    not_billed = (await api.get(f"/cooperatives/{coop}/members/{suspended}/savings",
                                staff.clerk)).json()
    assert not_billed["wajib_arrears_idr"] == 0


async def test_wajib_is_owed_from_the_first_due_date_on_or_after_admission(api: Api) -> None:
    staff = await api.cooperative()
    coop = staff.cooperative_id
    await api.post(f"/cooperatives/{coop}/savings-policy",
                   {"pokok_idr": 50_000, "wajib_idr": 10_000, "wajib_due_day": 10}, staff.chair)
    early = await api.admit(coop, admitted_on=date(2025, 11, 3))
    joined_on_due_day = await api.admit(coop, admitted_on=date(2026, 1, 10))
    joined_after = await api.admit(coop, admitted_on=date(2026, 1, 31))

    billing = f"/cooperatives/{coop}/wajib-billing"
    counts = {}
    for period in ("2025-12", "2026-01", "2026-02"):  # billed late, all at once
        answer = (await api.post(billing, {"period": period}, staff.chair)).json()
        counts[period] = (answer["billed"], answer["admitted_after_due_date"])
    assert counts == {"2025-12": (1, 2), "2026-01": (2, 1), "2026-02": (3, 0)}

    async def owed(member: str) -> tuple[int, list[str]]:
        body = (await api.get(f"/cooperatives/{coop}/members/{member}/savings",
                              staff.clerk)).json()
        return body["wajib_arrears_idr"], body["unpaid_periods"]
    assert await owed(early) == (30_000, ["2025-12", "2026-01", "2026-02"])
    assert await owed(joined_on_due_day) == (20_000, ["2026-01", "2026-02"])
    assert await owed(joined_after) == (10_000, ["2026-02"])
    bills = await api.rows("SELECT payload FROM events WHERE event_type = 'WajibBilled'")
    assert len(bills) == 6


async def test_sukarela_withdrawal_needs_the_pengurus_and_never_goes_below_zero(
    api: Api,
) -> None:
    staff = await api.cooperative()
    coop = staff.cooperative_id
    member = await api.admit(coop)
    base = f"/cooperatives/{coop}/members/{member}/savings/sukarela"
    assert (await api.post(f"{base}/deposits", {"amount_idr": 30_000, "channel": "cash"},
                           staff.clerk)).status_code == 201
    by_clerk = await api.post(f"{base}/withdrawals", {"amount_idr": 10_000}, staff.clerk)
    assert by_clerk.status_code == 403
    too_much = await api.post(f"{base}/withdrawals", {"amount_idr": 30_001}, staff.chair)
    assert (too_much.status_code, too_much.json()["code"]) == (409,
                                                               "insufficient-savings-balance")
    emptied = await api.post(f"{base}/withdrawals", {"amount_idr": 30_000}, staff.chair)
    assert emptied.status_code == 201, emptied.text
    assert emptied.json()["balance_idr"] == 0
    wajib = await api.post(f"/cooperatives/{coop}/members/{member}/savings/wajib/withdrawals",
                           {"amount_idr": 1}, staff.chair)
    assert wajib.status_code in (404, 405)  # capital has no withdrawal route at all


async def test_deposits_need_accounts_an_admitted_member_and_whole_rupiah(api: Api) -> None:
    staff = await api.cooperative()
    coop = staff.cooperative_id
    unknown = await api.post(f"/cooperatives/{coop}/members/member-nobody/savings/wajib/deposits",
                             {"amount_idr": 10_000, "channel": "cash"}, staff.clerk)
    assert (unknown.status_code, unknown.json()["code"]) == (404, "savings-accounts-not-found")
    member = await api.admit(coop)
    deposits = f"/cooperatives/{coop}/members/{member}/savings/sukarela/deposits"
    for bad in ({"amount_idr": 10_000.5, "channel": "cash"}, {"amount_idr": "10000",
                                                              "channel": "cash"},
                {"amount_idr": 0, "channel": "cash"}, {"amount_idr": 5, "channel": "barter"},
                {"amount_idr": 5, "channel": "cash", "balance_idr": 10**9}):
        refused = await api.post(deposits, bad, staff.clerk)
        assert refused.status_code == 422, bad
    await api.suspend(coop, member)
    suspended = await api.post(deposits, {"amount_idr": 10_000, "channel": "cash"}, staff.clerk)
    assert (suspended.status_code, suspended.json()["code"]) == (409, "member-not-active")
    balance = (await api.get(f"/cooperatives/{coop}/members/{member}/savings",
                             staff.clerk)).json()["accounts"][2]["balance_idr"]
    assert balance == 0


async def test_a_replayed_deposit_is_applied_once_and_other_cooperatives_see_nothing(
    api: Api,
) -> None:
    staff = await api.cooperative()
    other = await api.cooperative(regency="8105", time_zone="WIT")
    coop = staff.cooperative_id
    member = await api.admit(coop)
    deposits = f"/cooperatives/{coop}/members/{member}/savings/sukarela/deposits"
    key = uuid.uuid4().hex
    first = await api.post(deposits, {"amount_idr": 7_000, "channel": "cash"}, staff.clerk, key)
    again = await api.post(deposits, {"amount_idr": 7_000, "channel": "cash"}, staff.clerk, key)
    assert again.json() == first.json()
    assert again.headers["Idempotency-Replayed"] == "true"
    savings = f"/cooperatives/{coop}/members/{member}/savings"
    assert (await api.get(savings, staff.clerk)).json()["accounts"][2]["balance_idr"] == 7_000
    foreign = await api.get(savings, other.clerk)
    assert foreign.status_code == 404
    via_own = await api.get(f"/cooperatives/{other.cooperative_id}/members/{member}/savings",
                            other.clerk)
    assert via_own.status_code == 404
    write = await api.post(deposits, {"amount_idr": 1, "channel": "cash"}, other.clerk)
    assert write.status_code == 404


async def test_concurrent_deposits_to_one_account_never_lose_an_update(api: Api) -> None:
    staff = await api.cooperative()
    coop = staff.cooperative_id
    member = await api.admit(coop)
    deposits = f"/cooperatives/{coop}/members/{member}/savings/sukarela/deposits"
    answers = await asyncio.gather(*(
        api.post(deposits, {"amount_idr": 1_000, "channel": "cash"}, staff.clerk)
        for _ in range(8)))
    accepted = [a for a in answers if a.status_code == 201]
    refused = [a for a in answers if a.status_code != 201]
    assert accepted
    assert {(a.status_code, a.json()["code"]) for a in refused} <= {
        (409, "concurrency-conflict")}
    savings = (await api.get(f"/cooperatives/{coop}/members/{member}/savings",
                             staff.clerk)).json()
    assert savings["accounts"][2]["balance_idr"] == 1_000 * len(accepted)
    stored = await api.rows("SELECT count(*) AS n FROM events WHERE event_type = "
                            "'SavingsDeposited'")
    assert stored[0]["n"] == len(accepted)
