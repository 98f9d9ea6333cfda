"""Reactions to members and inventory events, in the consumer's transaction.

Delivered straight to the handler, without the runner's event-id de-duplication:
a repeated delivery (same event, or the same fact re-sent as a new event) must
change nothing on its own.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from payments_harness import Api, Staff, a_loan, a_produce_receipt, a_sale, consumed

from gotong_platform.contracts import contract_for
from gotong_platform.contracts import payments as c

pytestmark = pytest.mark.integration


async def published(api: Api, event_type: str | None = None) -> list[dict[str, Any]]:
    """Outbox payloads (what the relay will publish), optionally of one type."""
    rows = await api.rows(
        "SELECT e.event_type, o.payload FROM outbox o JOIN events e USING (event_id) "
        "WHERE $1::text IS NULL OR e.event_type = $1 ORDER BY o.position", event_type)
    return [r["payload"] for r in rows]


async def event_count(api: Api) -> int:
    return int((await api.rows("SELECT count(*) AS n FROM events"))[0]["n"])


async def active_loan(api: Api, staff: Staff, member: str, **terms: Any) -> str:
    loans = f"/cooperatives/{staff.cooperative_id}/loans"
    loan_id: str = (await api.post(loans, a_loan(member, **terms), staff.clerk)).json()["loan_id"]
    await api.post(f"{loans}/{loan_id}/approve", {"approved_on": "2026-01-05"}, staff.chair)
    disbursed = await api.post(f"{loans}/{loan_id}/disburse", {"disbursed_on": "2026-01-06"},
                               staff.chair)
    assert disbursed.json()["status"] == "active", disbursed.text
    return loan_id


async def test_admission_opens_accounts_once_however_often_it_arrives(api: Api) -> None:
    staff = await api.cooperative()
    coop = staff.cooperative_id
    member = await api.admit(coop)
    before = await event_count(api)
    await api.admit(coop, member_id=member)  # the same fact as a new event
    assert await event_count(api) == before == 3
    opened = await published(api, "SavingsAccountOpened")
    assert sorted(p["savings_type"] for p in opened) == ["pokok", "sukarela", "wajib"]
    assert {p["member_id"] for p in opened} == {member}


async def test_sale_payments_are_recorded_or_refused_never_dropped(api: Api) -> None:
    staff = await api.cooperative()
    coop = staff.cooperative_id
    member = await api.admit(coop)
    kasbon = a_sale(coop, member_id=member, payments=[("cash", 10_000), ("credit", 40_000)])
    outsider = a_sale(coop, payments=[("credit", 25_000)])
    short = a_sale(coop, member_id=member, payments=[("cash", 45_000)], total_idr=50_000)
    for sale in (kasbon, outsider, short):
        await api.deliver(consumed(sale, stream_id=sale.sale_id, version=1))

    def payment_of(sale_id: str) -> str:
        return f"/cooperatives/{coop}/sales/{sale_id}/payment"

    recorded = (await api.get(payment_of(kasbon.sale_id), staff.clerk)).json()
    assert (recorded["status"], recorded["total_idr"]) == ("recorded", 50_000)
    credit = await api.rows("SELECT member_id, amount_idr FROM member_credit")
    assert [(r["member_id"], r["amount_idr"]) for r in credit] == [(member, 40_000)]
    refused = (await api.get(payment_of(outsider.sale_id), staff.clerk)).json()
    assert (refused["status"], refused["reason_code"]) == ("refused",
                                                           "credit-for-non-member-refused")
    mismatch = (await api.get(payment_of(short.sale_id), staff.clerk)).json()
    assert (mismatch["status"], mismatch["reason_code"]) == ("refused",
                                                             "payments-do-not-match-total")
    refusals = await published(api, "SalePaymentRefused")
    assert {p["sale_id"] for p in refusals} == {outsider.sale_id, short.sale_id}
    assert (await api.get(payment_of("sale-unknown"), staff.clerk)).status_code == 404


# On 2026-03-04 instalment 1 (due 02-06) is a month late: 270.000 + denda 2.700; the
# March instalment (due 03-06) falls due in two days: 270.000. Wajib: February's bill
# (due 02-10) is overdue, March's (due 03-10) falls due in six days: 10.000 each.
# By default the payout takes only what is due by the receipt's date; a cooperative may
# choose to take this month's instalment and bill too.
@pytest.mark.parametrize(("horizon", "instalments", "principal_paid", "wajib", "unpaid"), [
    ("due_by_receipt_date", 272_700, [250_000, 0, 0, 0], 10_000, ["2026-03"]),
    ("due_this_month", 542_700, [250_000, 250_000, 0, 0], 20_000, []),
])
async def test_produce_payout_deducts_the_due_instalments_and_wajib_arrears(
    api: Api, horizon: str, instalments: int, principal_paid: list[int], wajib: int,
    unpaid: list[str],
) -> None:
    staff = await api.cooperative()
    coop = staff.cooperative_id
    policy = {"pokok_idr": 50_000, "wajib_idr": 10_000, "wajib_due_day": 10,
              "payout_instalments": horizon}
    set_ = await api.post(f"/cooperatives/{coop}/savings-policy", policy, staff.chair)
    assert set_.json()["payout_instalments"] == horizon
    member = await api.admit(coop)
    for period in ("2026-02", "2026-03"):
        await api.post(f"/cooperatives/{coop}/wajib-billing", {"period": period}, staff.chair)
    loan_id = await active_loan(api, staff, member)
    receipt = a_produce_receipt(coop, member, amount_idr=600_000,
                                business_date=date(2026, 3, 4))
    await api.deliver(consumed(receipt, stream_id=receipt.receipt_id, version=1))

    payouts = (await api.get(f"/cooperatives/{coop}/payouts", staff.clerk,
                             member_id=member)).json()
    assert len(payouts) == 1
    payout = payouts[0]
    assert [(d["type"], d["reference"], d["amount_idr"]) for d in payout["deductions"]] == [
        ("loan_instalment", loan_id, instalments), ("simpanan_wajib",
                                                    f"savings-{member}-wajib", wajib)]
    assert payout["net_paid_idr"] == 600_000 - instalments - wajib
    assert payout["gross_idr"] == 600_000
    assert payout["net_paid_idr"] + sum(d["amount_idr"] for d in payout["deductions"]) == 600_000
    loan = (await api.get(f"/cooperatives/{coop}/loans/{loan_id}", staff.clerk)).json()
    assert loan["outstanding_principal_idr"] == 1_000_000 - sum(principal_paid)
    assert [i["principal_paid_idr"] for i in loan["schedule"]] == principal_paid
    savings = (await api.get(f"/cooperatives/{coop}/members/{member}/savings",
                             staff.clerk)).json()
    assert (savings["wajib_arrears_idr"], savings["unpaid_periods"]) == (20_000 - wajib, unpaid)
    channels = [(p["channel"], p["amount_idr"]) for p in
                await published(api, "LoanRepaymentReceived")
                + await published(api, "SavingsDeposited")]
    assert channels == [("produce_deduction", instalments), ("produce_deduction", wajib)]
    made = c.ProducePayoutMadeV1.model_validate((await published(api, "ProducePayoutMade"))[0])
    assert made.net_paid_idr + sum(d.amount_idr for d in made.deductions) == made.gross_idr


async def test_a_small_payout_covers_deductions_in_order_and_pays_nothing_below_zero(
    api: Api,
) -> None:
    staff = await api.cooperative()
    coop = staff.cooperative_id
    member = await api.admit(coop)
    await api.post(f"/cooperatives/{coop}/wajib-billing", {"period": "2026-02"}, staff.chair)
    await active_loan(api, staff, member)
    receipt = a_produce_receipt(coop, member, amount_idr=280_000,
                                business_date=date(2026, 2, 20))
    await api.deliver(consumed(receipt, stream_id=receipt.receipt_id, version=1))
    payout = (await api.get(f"/cooperatives/{coop}/payouts", staff.clerk)).json()[0]
    # Instalment 1 (due 02-06) with a month of denda: 272.700; the wajib gets what is left.
    assert [(d["requested_idr"], d["amount_idr"]) for d in payout["deductions"]] == [
        (272_700, 272_700), (10_000, 7_300)]
    assert payout["net_paid_idr"] == 0
    savings = (await api.get(f"/cooperatives/{coop}/members/{member}/savings",
                             staff.clerk)).json()
    assert (savings["wajib_arrears_idr"], savings["unpaid_periods"]) == (2_700, ["2026-02"])
    outsider = a_produce_receipt(coop, "member-from-elsewhere", amount_idr=90_000,
                                 business_date=date(2026, 2, 20))
    await api.deliver(consumed(outsider, stream_id=outsider.receipt_id, version=1))
    paid = (await api.get(f"/cooperatives/{coop}/payouts", staff.clerk,
                          member_id="member-from-elsewhere")).json()
    assert [(p["deductions"], p["net_paid_idr"]) for p in paid] == [([], 90_000)]


async def approve_refund(api: Api, staff: Staff, member: str, **body: str) -> dict[str, Any]:
    """The treasurer (who did not record the exit) approves the member's exit refund."""
    approved = await api.post(
        f"/cooperatives/{staff.cooperative_id}/members/{member}/exit-refund/approve", body,
        staff.treasurer)
    assert approved.status_code == 200, approved.text
    result: dict[str, Any] = approved.json()
    return result


async def test_exit_refund_offsets_the_loan_and_refunds_the_rest(api: Api) -> None:
    staff = await api.cooperative()
    coop = staff.cooperative_id
    member = await api.admit(coop)
    savings = f"/cooperatives/{coop}/members/{member}/savings"
    await api.post(f"{savings}/pokok/deposits", {"amount_idr": 50_000, "channel": "cash"},
                   staff.clerk)
    await api.post(f"{savings}/wajib/deposits", {"amount_idr": 30_000, "channel": "cash"},
                   staff.clerk)
    await api.post(f"{savings}/sukarela/deposits", {"amount_idr": 5_000, "channel": "cash"},
                   staff.clerk)
    # 60.000 over 2 months at 2 % flat: 62.400 owed before the first due date.
    loan_id = await active_loan(api, staff, member, principal_idr=60_000, term_months=2)
    exit_event = api.exited(coop, member, date(2026, 1, 20))
    await api.deliver(exit_event)
    await approve_refund(api, staff, member, approved_on="2026-01-22")

    refund = (await api.get(f"{savings[:-len('/savings')]}/exit-refund", staff.clerk)).json()
    assert {k: refund[k] for k in ("status", "pokok_idr", "wajib_idr", "offset_idr",
                                   "refund_idr", "unrecovered_idr")} == {
        "status": "approved", "pokok_idr": 50_000, "wajib_idr": 30_000, "offset_idr": 62_400,
        "refund_idr": 17_600, "unrecovered_idr": 0}
    loan = (await api.get(f"/cooperatives/{coop}/loans/{loan_id}", staff.clerk)).json()
    assert (loan["status"], loan["outstanding_principal_idr"]) == ("repaid", 0)
    offsets = await published(api, "LoanRepaymentReceived")
    assert [(p["channel"], p["amount_idr"], p["business_date"]) for p in offsets] == [
        ("refund_offset", 62_400, "2026-01-20")]  # settled as of the exit date
    balances = {a["savings_type"]: a["balance_idr"]
                for a in (await api.get(savings, staff.clerk)).json()["accounts"]}
    assert balances == {"pokok": 0, "wajib": 0, "sukarela": 5_000}  # sukarela is withdrawn
    refunded = await api.rows(
        "SELECT payload FROM events WHERE event_type = 'SavingsRefunded' ORDER BY stream_id")
    assert sorted(r["payload"]["amount_idr"] for r in refunded) == [30_000, 50_000]
    assert {r["payload"]["approved_by"] for r in refunded} == {refund["approved_by"]}
    assert len(await published(api, "MemberExitRefunded")) == 1

    before = await event_count(api)
    await api.deliver(exit_event)  # the same event again
    await api.deliver(api.exited(coop, member, date(2026, 1, 20)))  # the fact as a new event
    assert await event_count(api) == before
    member_status = await api.rows("SELECT status FROM directory_members WHERE member_id = $1",
                                   member)
    assert member_status[0]["status"] == "exited"


async def test_exit_refund_leaves_what_savings_cannot_cover_unrecovered(api: Api) -> None:
    staff = await api.cooperative()
    coop = staff.cooperative_id
    member = await api.admit(coop)
    await api.post(f"/cooperatives/{coop}/members/{member}/savings/pokok/deposits",
                   {"amount_idr": 50_000, "channel": "cash"}, staff.clerk)
    loan_id = await active_loan(api, staff, member)
    # On 2026-03-10: 1.000.000 principal + 80.000 interest + denda 5.400 + 2.700 owed.
    await api.deliver(api.exited(coop, member, date(2026, 3, 10)))
    refund = await approve_refund(api, staff, member, approved_on="2026-04-30")
    assert (refund["offset_idr"], refund["refund_idr"], refund["unrecovered_idr"]) == (
        50_000, 0, 1_038_100)  # the penalty stopped at the exit, not at the approval
    loan = (await api.get(f"/cooperatives/{coop}/loans/{loan_id}", staff.clerk)).json()
    assert loan["status"] == "active"
    assert (loan["penalty_paid_idr"], loan["interest_paid_idr"],
            loan["principal_paid_idr"]) == (5_400, 20_000, 24_600)


async def test_repeated_inventory_events_change_nothing(api: Api) -> None:
    staff = await api.cooperative()
    coop = staff.cooperative_id
    member = await api.admit(coop)
    await active_loan(api, staff, member)
    sale = a_sale(coop, member_id=member, payments=[("credit", 40_000)])
    receipt = a_produce_receipt(coop, member, amount_idr=600_000,
                                business_date=date(2026, 2, 20))
    first_sale = consumed(sale, stream_id=sale.sale_id, version=1)
    first_receipt = consumed(receipt, stream_id=receipt.receipt_id, version=1)
    await api.deliver(first_sale)
    await api.deliver(first_receipt)
    before = (await event_count(api), await published(api))
    for event in (first_sale, first_receipt,
                  consumed(sale, stream_id=sale.sale_id, version=1),
                  consumed(receipt, stream_id=receipt.receipt_id, version=1)):
        await api.deliver(event)
    assert (await event_count(api), await published(api)) == before
    credit = await api.rows("SELECT amount_idr FROM member_credit")
    assert [r["amount_idr"] for r in credit] == [40_000]


async def test_every_published_event_is_its_contract(api: Api) -> None:
    staff = await api.cooperative()
    coop = staff.cooperative_id
    member = await api.admit(coop)
    await api.post(f"/cooperatives/{coop}/wajib-billing", {"period": "2026-02"}, staff.chair)
    loan_id = await active_loan(api, staff, member)
    await api.post(f"/cooperatives/{coop}/loans/{loan_id}/repayments",
                   {"amount_idr": 300_000, "channel": "cash", "paid_on": "2026-03-10"},
                   staff.clerk)
    rejected = (await api.post(f"/cooperatives/{coop}/loans", a_loan(member),
                               staff.clerk)).json()["loan_id"]
    await api.post(f"/cooperatives/{coop}/loans/{rejected}/reject", {"reason": "too much"},
                   staff.chair)
    rows = await api.rows("SELECT e.event_type, e.schema_version, e.cooperative_id, o.payload "
                          "FROM outbox o JOIN events e USING (event_id)")
    types = {r["event_type"] for r in rows}
    assert {"LoanApplied", "LoanApproved", "LoanDisbursed", "LoanRepaymentReceived",
            "WajibBilled", "SavingsAccountOpened", "LoanRejected"} <= types
    assert not types & {"LoanApplicationSubmitted", "LoanPenaltyCharged"}
    for row in rows:
        contract = contract_for("payments", row["event_type"], row["schema_version"])
        assert contract is not None, row["event_type"]
        assert contract.model_validate(row["payload"]).model_dump()["cooperative_id"] == coop
    loan = await api.get(f"/cooperatives/{coop}/loans/{loan_id}", staff.clerk)
    assert loan.json()["status"] == "active"  # the stored "LoanApplied" still loads
