"""End to end: a member's own statement from payments, read with her member token.

Her figures are the payments API's own (the staff's routes over the same records); her
token opens her statement and nothing else: every other member's id, an unknown id and
her id under another cooperative's token are the same 404; staff get 403; after she
exits she still reads her history.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from e2e_support import Federation, eventually
from member_window import a_member_window

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(300)]


def member_token(f: Federation, member: str, cooperative_id: str) -> dict[str, str]:
    return f.auth("member", member, cooperative_id=cooperative_id)


async def statement_of(f: Federation, member: str, headers: dict[str, str],
                       query: str = "") -> Any:
    return await f.get(f.payments, f"/member-portal/members/{member}/statement{query}", headers)


async def test_her_statement_shows_exactly_her_figures(federation: Federation) -> None:
    f = federation
    w = await a_member_window(f)
    c = w.coop
    answer = await statement_of(f, w.maria, member_token(f, w.maria, c.cooperative_id))
    assert answer.status_code == 200, answer.text
    mine = answer.json()
    assert (mine["member_id"], mine["member_status"], mine["as_of"]) == (
        w.maria, "admitted", f.today.isoformat())

    savings = (await f.get(f.payments, c.path(f"/members/{w.maria}/savings"), c.admin)).json()
    closing = {s["savings_type"]: s["closing_idr"] for s in mine["savings"]}
    assert closing == {a["savings_type"]: a["balance_idr"] for a in savings["accounts"]}
    sukarela = next(s for s in mine["savings"] if s["savings_type"] == "sukarela")
    assert [(m["kind"], m["amount_idr"], m["balance_after_idr"])
            for m in sukarela["movements"]] == [("deposit", 200_000, 200_000),
                                                ("withdrawal", -50_000, 150_000)]
    assert mine["wajib"]["arrears_idr"] == savings["wajib_arrears_idr"] == 0
    assert [m["paid_idr"] == m["amount_idr"] for m in mine["wajib"]["months"]] == [True, True]

    loan = (await f.get(f.payments, c.path(f"/loans/{w.loan_id}"), c.admin)).json()
    [my_loan] = mine["loans"]
    assert my_loan["outstanding_idr"] == (loan["outstanding_principal_idr"]
                                          + loan["outstanding_interest_idr"]
                                          + loan["outstanding_penalty_idr"])
    assert [i["due_date"] for i in my_loan["schedule"]] == [
        i["due_date"] for i in loan["schedule"]]
    assert my_loan["next_due"]["n"] == 2  # the first was taken from her coffee's payout
    assert [(r["channel"], r["amount_idr"]) for r in my_loan["repayments"]] == [
        ("produce_deduction", 115_000)]

    payouts = (await f.get(f.payments, c.path(f"/payouts?member_id={w.maria}"), c.admin)).json()
    [payout] = mine["payouts"]
    assert payout["receipt_id"] == w.receipt_id == payouts[0]["receipt_id"]
    assert (payout["gross_idr"], payout["net_paid_idr"], payout["net_qty_g"], payout["grade"]) \
        == (2_340_000, payouts[0]["net_paid_idr"], 52_000, "A")
    assert {d["type"]: d["amount_idr"] for d in payout["deductions"] if d["amount_idr"]} == {
        "loan_instalment": 115_000, "simpanan_wajib": 25_000}
    assert payout["net_paid_idr"] + 140_000 == payout["gross_idr"]
    assert "777000" not in answer.text  # nothing of her neighbour's


async def test_a_period_cuts_the_movements_and_keeps_the_balances(
        federation: Federation) -> None:
    f = federation
    w = await a_member_window(f)
    token = member_token(f, w.maria, w.coop.cooperative_id)
    day = f.today.isoformat()
    today_only = (await statement_of(f, w.maria, token, f"?from={day}&to={day}")).json()
    before = (await statement_of(f, w.maria, token, "?from=2020-01-01&to=2020-01-31")).json()
    assert all(s["movements"] == [] for s in before["savings"])
    assert before["payouts"] == []
    whole = {s["savings_type"]: s["closing_idr"] for s in today_only["savings"]}
    assert whole["sukarela"] == 150_000
    tomorrow = (f.today + timedelta(days=1)).isoformat()
    for query in ("?from=2026-02-10&to=2026-02-01", f"?to={tomorrow}",
                  "?from=2020-01-01&to=2025-01-01", "?from=not-a-date"):
        refused = await statement_of(f, w.maria, token, query)
        assert refused.status_code == 422, (query, refused.text)
        assert refused.headers["content-type"] == "application/problem+json"


async def test_her_token_opens_no_one_elses_statement(federation: Federation) -> None:
    f = federation
    w = await a_member_window(f)
    mine = member_token(f, w.maria, w.coop.cooperative_id)
    others = [w.neighbour, w.stranger, "member-00000000-0000-7000-8000-000000000000",
              w.loan_id, w.coop.cooperative_id, "savings-" + w.neighbour + "-sukarela"]
    answers = [await statement_of(f, other, mine) for other in others]
    assert {a.status_code for a in answers} == {404}
    assert len({a.text for a in answers}) == 1  # the same answer: no id is confirmed
    # Her own id under another cooperative's claim, and the stranger's own token on Maria.
    forged = member_token(f, w.maria, w.stranger_coop.cooperative_id)
    assert (await statement_of(f, w.maria, forged)).text == answers[0].text
    stranger = member_token(f, w.stranger, w.stranger_coop.cooperative_id)
    assert (await statement_of(f, w.maria, stranger)).text == answers[0].text
    assert (await statement_of(f, w.stranger, stranger)).status_code == 200
    # Staff read through their cooperative's routes, not this one; a member reads none of those.
    assert (await statement_of(f, w.maria, w.coop.admin)).status_code == 403
    for path in (f"/members/{w.maria}/savings", "/loans", f"/payouts?member_id={w.maria}"):
        assert (await f.get(f.payments, w.coop.path(path), mine)).status_code == 404


async def test_after_she_exits_she_still_reads_her_history(federation: Federation) -> None:
    f = federation
    w = await a_member_window(f)
    c = w.coop
    await f.post(f.members, c.path(f"/members/{w.neighbour}/exit"),
                 {"reason": "moved_away", "exited_on": f.today.isoformat()}, c.admin)
    token = member_token(f, w.neighbour, c.cooperative_id)

    async def exited() -> Any:
        answer = await statement_of(f, w.neighbour, token)
        return answer.json() if answer.json().get("member_status") == "exited" else None
    history = await eventually(exited)
    sukarela = next(s for s in history["savings"] if s["savings_type"] == "sukarela")
    assert [m["amount_idr"] for m in sukarela["movements"]] == [777_000]
