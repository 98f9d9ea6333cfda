"""The platform's business-date rule at the payments API: nothing dated after the
cooperative's today (in its own time zone, on the service's clock) or before 1900.

A deposit dated 9999-12-31 was once stored (reporting then showed it as ``infinity``),
and a repayment dated months ahead was taken entirely as penalty. Each refusal is a
422 problem and leaves no event behind.
"""

from __future__ import annotations

from datetime import timedelta

import httpx
import pytest
from payments_harness import Api, a_loan
from test_payments_loans_api import disbursed_loan

from gotong_testing import business_now, business_today

pytestmark = pytest.mark.integration

TODAY = business_today("WITA")  # the harness's cooperatives keep WITA
TOMORROW = TODAY + timedelta(days=1)


async def events(api: Api) -> int:
    return int(await api.pool.fetchval("SELECT count(*) FROM events"))


def refused(response: httpx.Response) -> None:
    assert response.status_code == 422, response.text
    assert response.json()["code"] == "business-date-out-of-range"
    assert response.headers["content-type"] == "application/problem+json"


async def test_deposits_and_withdrawals_dated_after_today_or_before_1900_are_refused(
    api: Api,
) -> None:
    staff = await api.cooperative()
    coop = staff.cooperative_id
    member = await api.admit(coop)
    path = f"/cooperatives/{coop}/members/{member}/savings"
    before = await events(api)
    for day in ("9999-12-31", TOMORROW.isoformat(), "1899-12-31", "0001-01-01"):
        refused(await api.post(f"{path}/sukarela/deposits",
                               {"amount_idr": 10_000, "channel": "cash", "business_date": day},
                               staff.clerk))
    refused(await api.post(f"{path}/sukarela/withdrawals",
                           {"amount_idr": 1, "business_date": TOMORROW.isoformat()}, staff.chair))
    assert await events(api) == before
    # Today itself is fine.
    ok = await api.post(f"{path}/sukarela/deposits",
                        {"amount_idr": 10_000, "channel": "cash",
                         "business_date": TODAY.isoformat()}, staff.clerk)
    assert ok.status_code == 201, ok.text


async def test_loan_steps_dated_after_today_are_refused_and_change_nothing(api: Api) -> None:
    staff = await api.cooperative()
    coop = staff.cooperative_id
    member = await api.admit(coop)
    loans = f"/cooperatives/{coop}/loans"
    before = await events(api)
    refused(await api.post(loans, a_loan(member, applied_on=TOMORROW.isoformat()),
                           staff.clerk))
    assert await events(api) == before
    loan = await disbursed_loan(api, coop, member, {"clerk": staff.clerk, "chair": staff.chair})
    path = f"{loans}/{loan['loan_id']}"
    before = await events(api)
    refused(await api.post(f"{path}/repayments", {"amount_idr": 270_000, "channel": "cash",
                                                  "paid_on": "2099-08-01"}, staff.clerk))
    refused(await api.post(f"{path}/write-off", {"reason": "gagal panen",
                                                 "written_off_on": TOMORROW.isoformat()},
                           staff.treasurer))
    assert await events(api) == before
    shown = (await api.get(path, staff.clerk)).json()
    assert shown["outstanding_principal_idr"] == 1_000_000  # nothing taken as penalty


async def test_an_offline_deposit_dated_tomorrow_is_rejected_with_the_same_code(
    api: Api,
) -> None:
    staff = await api.cooperative()
    coop = staff.cooperative_id
    member = await api.admit(coop)
    at = business_now()
    items = [{"client_id": f"c-{n}", "device_seq": n, "type": "savings_deposit",
              "occurred_at": (at - timedelta(hours=1)).isoformat(), "business_date": day,
              "payload": {"member_id": member, "savings_type": "sukarela",
                          "amount_idr": 5_000, "channel": "cash"}}
             for n, day in ((1, TODAY.isoformat()), (2, TOMORROW.isoformat()))]
    answer = await api.client.post(f"/cooperatives/{coop}/sync",
                                   json={"device_id": "hp-1", "items": items},
                                   headers=staff.clerk)
    assert answer.status_code == 200, answer.text
    results = answer.json()["results"]
    assert [(r["status"], r["code"]) for r in results] == [
        ("accepted", None), ("rejected", "business-date-out-of-range")]


async def test_a_wajib_bill_is_dated_the_day_it_is_issued_not_its_due_day(api: Api) -> None:
    staff = await api.cooperative()
    coop = staff.cooperative_id
    policy = {"pokok_idr": 50_000, "wajib_idr": 10_000, "wajib_due_day": 28}
    assert (await api.post(f"/cooperatives/{coop}/savings-policy", policy,
                           staff.chair)).status_code == 200
    await api.admit(coop)
    period = f"{TODAY:%Y-%m}"  # due on the 28th, billed today (the 18th by default)
    billed = await api.post(f"/cooperatives/{coop}/wajib-billing", {"period": period},
                            staff.chair)
    assert billed.json()["billed"] == 1, billed.text
    row = await api.pool.fetchrow(
        "SELECT business_date, payload->>'due_date' AS due FROM events "
        "WHERE event_type = 'WajibBilled'")
    assert row["business_date"] == TODAY  # never after the cooperative's today
    assert row["due"] == f"{period}-28"
