"""Exit refunds under maker-checker, over the API on real PostgreSQL.

A member's exit (recorded in the members service by a pengurus) only prepares her
refund; a second pengurus approves it, and only that pays it: loans offset, pokok and
wajib refunded, ``MemberExitRefunded`` published.
"""

from __future__ import annotations

import asyncio
import uuid
from datetime import date
from typing import Any

import httpx
import pytest
from payments_harness import Api, a_loan

pytestmark = pytest.mark.integration

EXITED_ON = date(2026, 1, 20)
CHAIR = "pengurus-ketua"  # records the exit in the members service: the maker
TREASURER = "pengurus-bendahara"  # the checker


async def a_leaving_member(api: Api) -> tuple[str, str, dict[str, str]]:
    """A member with pokok 50.000, wajib 30.000 and a loan owing 62.400, exited by the
    chair on 20 January: (cooperative, member, the chair's token)."""
    staff = await api.cooperative()
    coop = staff.cooperative_id
    chair = api.token("coop_admin", cooperative_id=coop, subject=CHAIR)
    member = await api.admit(coop)
    savings = f"/cooperatives/{coop}/members/{member}/savings"
    for kind, amount in (("pokok", 50_000), ("wajib", 30_000)):
        paid = await api.post(f"{savings}/{kind}/deposits",
                              {"amount_idr": amount, "channel": "cash"}, staff.clerk)
        assert paid.status_code == 201, paid.text
    loans = f"/cooperatives/{coop}/loans"
    loan_id = (await api.post(loans, a_loan(member, principal_idr=60_000, term_months=2),
                              staff.clerk)).json()["loan_id"]
    await api.post(f"{loans}/{loan_id}/approve", {"approved_on": "2026-01-05"}, chair)
    await api.post(f"{loans}/{loan_id}/disburse", {"disbursed_on": "2026-01-06"}, chair)
    await api.deliver(api.exited(coop, member, EXITED_ON, recorded_by=CHAIR))
    return coop, member, chair


def approve(api: Api, coop: str, member: str, token: dict[str, str], *,
            key: str | None = None, **body: str) -> Any:
    return api.post(f"/cooperatives/{coop}/members/{member}/exit-refund/approve", body, token,
                    key=key)


async def state(api: Api, coop: str, member: str) -> dict[str, Any]:
    """Everything an approval would change, to show that a refused one changed nothing."""
    token = api.token("coop_admin", cooperative_id=coop)
    refund = (await api.get(f"/cooperatives/{coop}/members/{member}/exit-refund", token)).json()
    accounts = (await api.get(f"/cooperatives/{coop}/members/{member}/savings",
                              token)).json()["accounts"]
    events = await api.rows("SELECT event_type, count(*) AS n FROM events GROUP BY 1")
    return {"refund": refund, "balances": {a["savings_type"]: a["balance_idr"] for a in accounts},
            "events": {r["event_type"]: r["n"] for r in events}}


async def test_the_exit_prepares_a_pending_refund_and_pays_nothing(api: Api) -> None:
    coop, member, _ = await a_leaving_member(api)
    before = await state(api, coop, member)

    refund = before["refund"]
    assert {k: refund[k] for k in ("status", "pokok_idr", "wajib_idr", "offset_idr",
                                   "refund_idr", "unrecovered_idr", "business_date",
                                   "prepared_by", "approved_by", "approved_on")} == {
        "status": "pending", "pokok_idr": 50_000, "wajib_idr": 30_000, "offset_idr": 62_400,
        "refund_idr": 17_600, "unrecovered_idr": 0, "business_date": "2026-01-20",
        "prepared_by": CHAIR, "approved_by": None, "approved_on": None}
    assert before["balances"] == {"pokok": 50_000, "wajib": 30_000, "sukarela": 0}
    assert "SavingsRefunded" not in before["events"]
    assert "MemberExitRefunded" not in before["events"]
    outbox = await api.rows("SELECT e.event_type FROM outbox o JOIN events e USING (event_id)")
    assert "ExitRefundPrepared" not in {r["event_type"] for r in outbox}  # internal
    loans = (await api.get(f"/cooperatives/{coop}/loans", api.token(
        "coop_admin", cooperative_id=coop), member_id=member)).json()
    assert [loan["status"] for loan in loans] == ["active"]


async def test_a_second_pengurus_approves_and_only_then_the_refund_is_paid(api: Api) -> None:
    coop, member, _ = await a_leaving_member(api)
    treasurer = api.token("coop_admin", cooperative_id=coop, subject=TREASURER)

    approved = await approve(api, coop, member, treasurer, approved_on="2026-01-23")
    assert approved.status_code == 200, approved.text
    body = approved.json()
    assert {k: body[k] for k in ("status", "offset_idr", "refund_idr", "prepared_by",
                                 "approved_by", "approved_on")} == {
        "status": "approved", "offset_idr": 62_400, "refund_idr": 17_600,
        "prepared_by": CHAIR, "approved_by": TREASURER, "approved_on": "2026-01-23"}
    after = await state(api, coop, member)
    assert after["refund"] == body
    assert after["balances"] == {"pokok": 0, "wajib": 0, "sukarela": 0}
    refunded = await api.rows("SELECT payload FROM events WHERE event_type = 'SavingsRefunded'")
    assert {r["payload"]["approved_by"] for r in refunded} == {TREASURER}
    published = await api.rows(
        "SELECT o.payload FROM outbox o JOIN events e USING (event_id) "
        "WHERE e.event_type = 'MemberExitRefunded'")
    assert [(p["payload"]["refund_idr"], p["payload"]["business_date"])
            for p in published] == [(17_600, "2026-01-20")]
    assert "approved_by" not in published[0]["payload"]  # user ids stay home


async def test_the_pengurus_who_recorded_the_exit_cannot_approve_its_refund(api: Api) -> None:
    coop, member, chair = await a_leaving_member(api)
    before = await state(api, coop, member)

    refused = await approve(api, coop, member, chair)
    assert refused.status_code == 409
    assert refused.headers["content-type"].startswith("application/problem+json")
    assert refused.json()["code"] == "maker-checker-violation"
    assert await state(api, coop, member) == before

    # Not even once another pengurus approved it: the maker never approves.
    await approve(api, coop, member, api.token("coop_admin", cooperative_id=coop))
    assert (await approve(api, coop, member, chair)).status_code == 409


async def test_a_clerk_cannot_approve_and_an_approval_before_the_exit_is_refused(
    api: Api,
) -> None:
    coop, member, _ = await a_leaving_member(api)
    before = await state(api, coop, member)
    clerk = api.token("coop_clerk", cooperative_id=coop)

    forbidden = await approve(api, coop, member, clerk)
    assert forbidden.status_code == 403
    early = await approve(api, coop, member, api.token("coop_admin", cooperative_id=coop),
                          approved_on="2026-01-19")
    assert (early.status_code, early.json()["code"]) == (409, "date-out-of-order")
    assert await state(api, coop, member) == before


async def test_approving_twice_is_idempotent_whoever_approves_again(api: Api) -> None:
    coop, member, _ = await a_leaving_member(api)
    treasurer = api.token("coop_admin", cooperative_id=coop, subject=TREASURER)
    first = await approve(api, coop, member, treasurer, key="approve-refund-1")
    assert first.status_code == 200, first.text
    after_first = await state(api, coop, member)

    replay = await approve(api, coop, member, treasurer, key="approve-refund-1")
    again = await approve(api, coop, member, treasurer)  # a new key: a second approval
    by_another = await approve(api, coop, member, api.token("coop_admin", cooperative_id=coop))
    for answer in (replay, again, by_another):
        assert (answer.status_code, answer.json()) == (200, first.json())
    assert await state(api, coop, member) == after_first
    assert after_first["events"]["MemberExitRefunded"] == 1


async def test_two_approvals_at_once_pay_the_refund_once(api: Api) -> None:
    coop, member, _ = await a_leaving_member(api)
    answers: list[httpx.Response] = await asyncio.gather(*(
        approve(api, coop, member, api.token("coop_admin", cooperative_id=coop))
        for _ in range(2)))

    assert [a.status_code for a in answers] == [200, 200], [a.text for a in answers]
    assert answers[0].json()["approved_by"] == answers[1].json()["approved_by"]
    events = (await state(api, coop, member))["events"]
    assert (events["MemberExitRefunded"], events["SavingsRefunded"]) == (1, 2)


async def test_another_cooperatives_refund_is_not_found(api: Api) -> None:
    coop, member, _ = await a_leaving_member(api)
    before = await state(api, coop, member)
    other = await api.cooperative()
    outsider = api.token("coop_admin", cooperative_id=other.cooperative_id)

    across = await approve(api, coop, member, outsider)  # A's path with B's token
    assert across.status_code == 404
    inside = await approve(api, other.cooperative_id, member, outsider)  # A's member in B
    assert (inside.status_code, inside.json()["code"]) == (404, "exit-refund-not-found")
    unknown = await approve(api, coop, f"member-{uuid.uuid4()}",
                            api.token("coop_admin", cooperative_id=coop))
    assert (unknown.status_code, unknown.json()["code"]) == (404, "exit-refund-not-found")
    assert await state(api, coop, member) == before


async def test_the_approval_settles_what_is_owed_when_it_is_given(api: Api) -> None:
    """Money recorded between the exit and the approval counts: the member repaid part
    of her loan herself, so less is offset and more is paid out."""
    coop, member, _ = await a_leaving_member(api)
    token = api.token("coop_admin", cooperative_id=coop)
    loan_id = (await api.get(f"/cooperatives/{coop}/loans", token,
                             member_id=member)).json()[0]["loan_id"]
    repaid = await api.post(f"/cooperatives/{coop}/loans/{loan_id}/repayments",
                            {"amount_idr": 12_400, "channel": "cash", "paid_on": "2026-01-20"},
                            api.token("coop_clerk", cooperative_id=coop))
    assert repaid.status_code == 200, repaid.text

    body = (await approve(api, coop, member, token)).json()
    assert (body["offset_idr"], body["refund_idr"]) == (50_000, 30_000)
