"""The payments use cases run against in-memory fakes of their ports (no database).

What a use case adds to the domain: which facts it loads (the member's status, the
cooperative's zone and loop, the policy), what it stores and when, and what it answers.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from payments_builders import a_loan_application
from payments_fakes import (
    CONN,
    FakeCooperative,
    FakeMember,
    FakePayments,
    an_origin,
    fake_payments,
)

from gotong_platform.calendar import FixedClock
from gotong_platform.contracts import inventory as inv
from gotong_platform.domain import DomainError
from payments.application.errors import MemberNotActive, SavingsAccountsNotOpened
from payments.application.reactions import CREDIT_FOR_INACTIVE_MEMBER
from payments.application.savings_service import DepositOnDay
from payments.domain import (
    DepositChannel,
    DepositSavings,
    LendingToNonMemberRefused,
    LoanStatus,
    PokokAlreadyPaid,
    SalePaymentRefused,
    SavingsDeposited,
    SavingsType,
)

pytestmark = pytest.mark.unit

# 23:30 on 18 November 2026 in WIB, already 01:30 on the 19th in WIT.
CLOCK = FixedClock(datetime(2026, 11, 18, 16, 30, tzinfo=UTC))
ADMITTED_ON = date(2026, 1, 2)
COOP = "cooperative-1"


@pytest.fixture
def payments() -> FakePayments:
    return fake_payments(CLOCK)


async def admitted(p: FakePayments, member_id: str, *, status: str = "admitted",
                   on: date = ADMITTED_ON, cooperative_id: str = COOP) -> str:
    """A member in the directory whose accounts opened on admission (the reaction)."""
    p.directory.cooperatives.setdefault(cooperative_id, FakeCooperative(time_zone="WIT"))
    p.directory.members[member_id] = FakeMember(cooperative_id, status)
    await p.savings.open_accounts(CONN, cooperative_id, member_id, on, an_origin())
    return member_id


def a_deposit(amount_idr: int, day: date = date(2026, 11, 2)) -> DepositSavings:
    return DepositSavings(amount_idr=amount_idr, channel=DepositChannel.CASH, business_date=day)


def dated_today(amount_idr: int) -> DepositOnDay:
    """A deposit without a business date: the use case dates it today."""
    return lambda day: a_deposit(amount_idr, day)


# --- savings ----------------------------------------------------------------------------


async def test_an_online_deposit_is_dated_today_in_the_cooperatives_zone(
    payments: FakePayments,
) -> None:
    member = await admitted(payments, "member-1")

    account, version = await payments.savings.deposit(
        CONN, COOP, member, SavingsType.SUKARELA, dated_today(25_000), an_origin(),
        require_active_member=True)

    assert (account.balance_idr, version) == (25_000, 2)
    [_, deposited] = payments.accounts.events_of(account.account_id)
    assert isinstance(deposited, SavingsDeposited)
    assert deposited.business_date == date(2026, 11, 19)  # WIT, not the server's WIB day


async def test_an_online_deposit_from_a_suspended_member_is_refused_and_stores_nothing(
    payments: FakePayments,
) -> None:
    member = await admitted(payments, "member-2", status="suspended")
    account_id = "savings-member-2-sukarela"

    with pytest.raises(MemberNotActive):
        await payments.savings.deposit(CONN, COOP, member, SavingsType.SUKARELA,
                                       a_deposit(25_000), an_origin(),
                                       require_active_member=True)

    assert len(payments.accounts.events_of(account_id)) == 1  # opened, nothing more
    # A fact recorded offline is taken as it comes: the member paid in cash.
    account, _ = await payments.savings.deposit(CONN, COOP, member, SavingsType.SUKARELA,
                                                a_deposit(25_000), an_origin())
    assert account.balance_idr == 25_000


async def test_deposits_decided_set_wise_chain_per_account_and_are_stored_only_on_write(
    payments: FakePayments,
) -> None:
    member = await admitted(payments, "member-3")
    pokok, sukarela = "savings-member-3-pokok", "savings-member-3-sukarela"
    deposits = [(member, SavingsType.POKOK, a_deposit(50_000), an_origin(command_id="c1")),
                (member, SavingsType.SUKARELA, a_deposit(10_000), an_origin(command_id="c2")),
                (member, SavingsType.POKOK, a_deposit(50_000), an_origin(command_id="c3")),
                ("member-unknown", SavingsType.WAJIB, a_deposit(10_000),
                 an_origin(command_id="c4")),
                (member, SavingsType.SUKARELA, a_deposit(5_000), an_origin(command_id="c5"))]

    answers, writes = await payments.savings.decide_deposits(CONN, COOP, deposits)

    decided = [type(a) if isinstance(a, DomainError) else (a[0].balance_idr, a[1])
               for a in answers]
    assert decided == [(50_000, 2), (10_000, 2), PokokAlreadyPaid, SavingsAccountsNotOpened,
                       (15_000, 3)]
    assert len(payments.accounts.events_of(sukarela)) == 1  # decided, not stored yet

    await writes.write(CONN)

    stored = payments.accounts.streams[sukarela].events[1:]
    assert [(getattr(e, "amount_idr", None), o.meta.command_id) for e, o in stored] == [
        (10_000, "c2"), (5_000, "c5")]  # each deposit keeps its own fact's provenance
    assert len(payments.accounts.events_of(pokok)) == 2
    state, version = await payments.accounts.load(CONN, sukarela)
    assert (state, version) == answers[4]


async def test_wajib_is_billed_once_per_period_to_the_members_who_owe_it(
    payments: FakePayments,
) -> None:
    await admitted(payments, "member-early")
    await admitted(payments, "member-late", on=date(2026, 2, 20))  # after February's 10th
    await admitted(payments, "member-gone", status="exited")

    first = await payments.savings.bill_wajib(CONN, COOP, "2026-02", date(2026, 2, 3), an_origin())
    again = await payments.savings.bill_wajib(CONN, COOP, "2026-02", date(2026, 2, 3), an_origin())

    assert (first.billed, first.skipped, first.admitted_after_due_date) == (1, 0, 1)
    assert (again.billed, again.skipped, again.admitted_after_due_date) == (0, 1, 1)
    assert first.due_date == date(2026, 2, 10)  # the default policy's due day
    arrears = {member: payments.accounts.states[f"savings-{member}-wajib"].arrears_idr
               for member in ("member-early", "member-late", "member-gone")}
    assert arrears == {"member-early": 10_000, "member-late": 0, "member-gone": 0}


# --- loans ------------------------------------------------------------------------------


async def test_a_closed_loop_cooperative_lends_to_its_admitted_members_only(
    payments: FakePayments,
) -> None:
    payments.directory.cooperatives[COOP] = FakeCooperative(closed_loop=True)
    payments.directory.cooperatives["cooperative-open"] = FakeCooperative(closed_loop=False)
    payments.directory.members["member-4"] = FakeMember(COOP)
    stranger = a_loan_application(member_id="member-stranger")

    with pytest.raises(LendingToNonMemberRefused):
        await payments.loans.apply(CONN, COOP, stranger, an_origin())
    # A cooperative payments does not know yet counts as closed (the lawful default).
    with pytest.raises(LendingToNonMemberRefused):
        await payments.loans.apply(CONN, "cooperative-unknown", stranger, an_origin())
    assert payments.loans_store.streams == {}

    applied = await payments.loans.apply(CONN, COOP, a_loan_application(member_id="member-4"),
                                         an_origin())
    open_loop = await payments.loans.apply(CONN, "cooperative-open", stranger, an_origin())
    assert (applied.loan.status, applied.version) == (LoanStatus.APPLIED, 1)
    assert open_loop.loan.cooperative_id == "cooperative-open"
    assert len(payments.loans_store.streams) == 2


# --- reactions --------------------------------------------------------------------------


def a_credit_sale(member_id: str) -> inv.SaleRecordedV1:
    return inv.SaleRecordedV1(
        cooperative_id=COOP, sale_id="sale-1", warehouse_id="warehouse-1", buyer_type="member",
        member_id=member_id,
        lines=(inv.SaleLine(product_id="beras-5kg", category="staple_goods", qty=1,
                            price_idr=75_000, per_qty=1, line_total_idr=75_000),),
        discount_idr=0, total_idr=75_000,
        payments=(inv.SalePayment(method="credit", amount_idr=75_000),),
        business_date=date(2026, 3, 15))


async def test_kasbon_for_a_suspended_member_is_refused_once(payments: FakePayments) -> None:
    await admitted(payments, "member-5", status="suspended")

    await payments.reactions.sale_recorded(CONN, a_credit_sale("member-5"), an_origin())
    refused = payments.records.sale_payments["sale-1"]
    payments.directory.members["member-5"] = FakeMember(COOP)  # reinstated meanwhile
    await payments.reactions.sale_recorded(CONN, a_credit_sale("member-5"), an_origin())

    assert isinstance(refused, SalePaymentRefused)
    assert refused.reason_code == CREDIT_FOR_INACTIVE_MEMBER
    assert payments.records.sale_payments["sale-1"] is refused  # a repeat changes nothing


async def test_a_produce_payout_takes_the_wajib_arrears_once(payments: FakePayments) -> None:
    member = await admitted(payments, "member-6")
    await payments.savings.bill_wajib(CONN, COOP, "2026-01", date(2026, 1, 3), an_origin())
    receipt = inv.ProduceReceivedFromMemberV1(
        cooperative_id=COOP, receipt_id="receipt-1", warehouse_id="warehouse-1",
        product_id="kopi-arabika", member_id=member, gross_qty_g=52_000, net_qty_g=50_000,
        grade="A", lot_id="lot-2026-01", price_idr=100_000, per_qty=50_000,
        amount_idr=100_000, business_date=date(2026, 1, 20))

    await payments.reactions.produce_received(CONN, receipt, an_origin())
    await payments.reactions.produce_received(CONN, receipt, an_origin())

    payout = payments.records.payouts["payout-receipt-1"]
    assert (payout.gross_idr, payout.net_paid_idr) == (100_000, 90_000)
    wajib, version = await payments.accounts.load(CONN, "savings-member-6-wajib")
    assert wajib is not None
    assert (wajib.balance_idr, wajib.arrears_idr, version) == (10_000, 0, 3)
    [*_, deduction] = payments.accounts.events_of("savings-member-6-wajib")
    assert isinstance(deduction, SavingsDeposited)
    assert deduction.channel is DepositChannel.PRODUCE_DEDUCTION
