"""The platform's money limit over the API: Rp 10^12 or more answers 422 and stores nothing.

The probes of issue 9: a sukarela deposit of 9,223,372,036,854,775,807 rupiah and a
loan of 2^62 were accepted (201) and broke every report that summed them.
"""

from __future__ import annotations

import uuid

import pytest
from payments_harness import Api, a_loan

from gotong_platform.money import MAX_AMOUNT_IDR

pytestmark = pytest.mark.integration

TOO_MUCH = (10**12, 2**62, 2**63 - 1, 2**63, 2**64 + 1)


async def _stored(api: Api, cooperative_id: str) -> int:
    """Events and outbox rows of the cooperative: a refused command adds neither."""
    rows = await api.rows(
        "SELECT (SELECT count(*) FROM events WHERE cooperative_id = $1)"
        " + (SELECT count(*) FROM outbox o JOIN events e USING (event_id)"
        "    WHERE e.cooperative_id = $1) AS n", cooperative_id)
    return int(rows[0]["n"])


def _is_problem(response_status: int, content_type: str) -> bool:
    return response_status == 422 and content_type.startswith("application/problem+json")


@pytest.mark.parametrize("amount", TOO_MUCH)
async def test_a_deposit_of_rp_10_to_the_12_or_more_is_refused_and_nothing_is_stored(
    api: Api, amount: int,
) -> None:
    staff = await api.cooperative()
    coop = staff.cooperative_id
    member = await api.admit(coop)
    before = await _stored(api, coop)
    deposits = f"/cooperatives/{coop}/members/{member}/savings/sukarela/deposits"
    refused = await api.post(deposits, {"amount_idr": amount, "channel": "cash"}, staff.clerk)
    assert _is_problem(refused.status_code, refused.headers["content-type"]), refused.text
    assert await _stored(api, coop) == before
    savings = (await api.get(f"/cooperatives/{coop}/members/{member}/savings",
                             staff.clerk)).json()
    assert {a["savings_type"]: a["balance_idr"] for a in savings["accounts"]}["sukarela"] == 0


async def test_a_balance_stays_below_the_limit_so_its_refund_stays_one_fact(api: Api) -> None:
    staff = await api.cooperative()
    coop = staff.cooperative_id
    member = await api.admit(coop)
    deposits = f"/cooperatives/{coop}/members/{member}/savings/sukarela/deposits"
    largest = await api.post(deposits, {"amount_idr": MAX_AMOUNT_IDR, "channel": "transfer"},
                             staff.clerk)
    assert largest.status_code == 201, largest.text
    before = await _stored(api, coop)
    one_more = await api.post(deposits, {"amount_idr": 1, "channel": "cash"}, staff.clerk)
    assert (one_more.status_code, one_more.json()["code"]) == (
        409, "savings-balance-limit-reached")
    assert await _stored(api, coop) == before


@pytest.mark.parametrize("principal", TOO_MUCH)
async def test_a_loan_of_rp_10_to_the_12_or_more_is_refused_and_nothing_is_stored(
    api: Api, principal: int,
) -> None:
    staff = await api.cooperative()
    coop = staff.cooperative_id
    member = await api.admit(coop)
    before = await _stored(api, coop)
    refused = await api.post(f"/cooperatives/{coop}/loans",
                             a_loan(member, principal_idr=principal), staff.clerk)
    assert _is_problem(refused.status_code, refused.headers["content-type"]), refused.text
    assert await _stored(api, coop) == before
    assert (await api.get(f"/cooperatives/{coop}/loans", staff.clerk)).json() == []


async def test_a_loan_whose_interest_would_take_it_past_the_limit_is_refused(api: Api) -> None:
    staff = await api.cooperative()
    coop = staff.cooperative_id
    member = await api.admit(coop)
    terms = {"term_months": 60, "interest_rate_bp_per_month": 1000, "method": "flat"}
    # 60 months of 10 % flat: the loan owes 7 times its principal (Rp 999.999.994.000)
    fits = await api.post(f"/cooperatives/{coop}/loans",
                          a_loan(member, principal_idr=142_857_142_000, **terms), staff.clerk)
    assert fits.status_code == 201, fits.text
    before = await _stored(api, coop)
    refused = await api.post(f"/cooperatives/{coop}/loans",
                             a_loan(member, principal_idr=142_857_143_000, **terms),
                             staff.clerk)
    assert (refused.status_code, refused.json()["code"]) == (422, "loan-total-too-large")
    assert await _stored(api, coop) == before


async def test_a_repayment_of_the_limit_or_more_is_refused(api: Api) -> None:
    staff = await api.cooperative()
    coop = staff.cooperative_id
    member = await api.admit(coop)
    loans = f"/cooperatives/{coop}/loans"
    loan_id = (await api.post(loans, a_loan(member), staff.clerk)).json()["loan_id"]
    await api.post(f"{loans}/{loan_id}/approve", {"approved_on": "2026-01-05"}, staff.chair)
    await api.post(f"{loans}/{loan_id}/disburse", {"disbursed_on": "2026-01-06"}, staff.chair)
    before = await _stored(api, coop)
    refused = await api.post(f"{loans}/{loan_id}/repayments",
                             {"amount_idr": 2**63 - 1, "channel": "cash",
                              "paid_on": "2026-02-06"}, staff.clerk)
    assert _is_problem(refused.status_code, refused.headers["content-type"]), refused.text
    assert await _stored(api, coop) == before


async def test_an_offline_deposit_beyond_the_limit_is_refused_for_that_item_only(
    api: Api,
) -> None:
    staff = await api.cooperative()
    coop = staff.cooperative_id
    member = await api.admit(coop)

    def fact(seq: int, amount: int) -> dict[str, object]:
        return {"client_id": str(uuid.uuid4()), "device_seq": seq, "type": "savings_deposit",
                "occurred_at": "2026-03-02T09:15:00+08:00", "business_date": "2026-03-02",
                "payload": {"member_id": member, "savings_type": "sukarela",
                            "amount_idr": amount, "channel": "cash"}}

    batch = {"device_id": f"hp-{uuid.uuid4().hex[:6]}",
             "items": [fact(1, 2**63 - 1), fact(2, 5_000), fact(3, 10**12)]}
    answer = await api.post(f"/cooperatives/{coop}/sync", batch, staff.clerk)
    assert answer.status_code == 200, answer.text
    assert [r["status"] for r in answer.json()["results"]] == ["rejected", "accepted",
                                                                "rejected"]
    balances = {a["savings_type"]: a["balance_idr"] for a in (await api.get(
        f"/cooperatives/{coop}/members/{member}/savings", staff.clerk)).json()["accounts"]}
    assert balances["sukarela"] == 5_000
