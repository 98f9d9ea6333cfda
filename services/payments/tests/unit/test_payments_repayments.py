"""Repayments: penalty, interest, principal, oldest first; overpayments; offline cash facts.

The default loan: Rp 1.200.000 over 12 months at 1.5 % flat, so every instalment is
Rp 100.000 principal + Rp 18.000 interest, due on the 10th from 10 Feb 2025; the
penalty is 1 % a month of the overdue instalment amount.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest
from payments_builders import FIRST_DUE, a_loan, a_repayment, fold, repaid

from gotong_testing.deciders import refused
from payments.domain import (
    AmountNotPositive,
    CloseLoan,
    DateOutOfOrder,
    InstalmentAllocation,
    Loan,
    LoanNotActive,
    LoanOverpaid,
    LoanPenaltyCharged,
    LoanRepaid,
    LoanRepaymentReceived,
    LoanStatus,
    RepaymentChannel,
    RepaymentToClosedLoanRefused,
    close_loan,
    receive_repayment,
)

pytestmark = pytest.mark.unit

INSTALMENT = 118_000


def test_an_instalment_paid_on_its_due_date_pays_interest_then_principal() -> None:
    loan = a_loan()
    events = receive_repayment(loan, a_repayment(INSTALMENT, FIRST_DUE, reference="KW-0001"))

    (received,) = events
    assert isinstance(received, LoanRepaymentReceived)
    assert (received.penalty_idr, received.interest_idr, received.principal_idr) == (
        0,
        18_000,
        100_000,
    )
    assert (received.excess_idr, received.reference, received.member_id) == (
        0,
        "KW-0001",
        loan.member_id,
    )
    assert received.allocations == (
        InstalmentAllocation(n=1, penalty_idr=0, interest_idr=18_000, principal_idr=100_000),
    )
    after = fold(loan, events)
    assert (after.outstanding_principal_idr, after.principal_paid_idr) == (1_100_000, 100_000)


def test_a_partial_payment_pays_interest_before_principal() -> None:
    after = repaid(a_loan(), 10_000)

    first = after.instalments[0]
    assert (first.interest_paid_idr, first.principal_paid_idr) == (10_000, 0)


def test_a_late_repayment_is_charged_for_every_month_of_delay_started() -> None:
    # on 15 Mar, instalment 1 (due 10 Feb) is in its 2nd month late, instalment 2 (10 Mar) its 1st
    loan = a_loan()
    events = receive_repayment(loan, a_repayment(INSTALMENT, date(2025, 3, 15)))

    charges = [e for e in events if isinstance(e, LoanPenaltyCharged)]
    assert [(c.instalment_n, c.months_overdue, c.overdue_idr, c.penalty_idr) for c in charges] == [
        (1, 2, INSTALMENT, 2_360),  # 118.000 * 1 % * 2
        (2, 1, INSTALMENT, 1_180),
    ]
    received = events[-1]
    assert isinstance(received, LoanRepaymentReceived)
    assert received.allocations == (
        InstalmentAllocation(n=1, penalty_idr=2_360, interest_idr=18_000, principal_idr=97_640),
    )
    assert fold(loan, events).outstanding_penalty_idr == 1_180


def test_months_already_charged_are_not_charged_again() -> None:
    loan = repaid(a_loan(), INSTALMENT, date(2025, 3, 15))

    same_month = receive_repayment(loan, a_repayment(1_000, date(2025, 3, 20)))
    assert not [e for e in same_month if isinstance(e, LoanPenaltyCharged)]

    next_month = receive_repayment(loan, a_repayment(1_000, date(2025, 4, 11)))
    charges = [
        (e.instalment_n, e.penalty_idr) for e in next_month if isinstance(e, LoanPenaltyCharged)
    ]
    # one more month on what is still overdue: 2.360 (rounded half up: 23.6 → 24) and 118.000 twice
    assert charges == [(1, 24), (2, 1_180), (3, 1_180)]


def test_no_penalty_when_the_product_charges_none() -> None:
    loan = a_loan(penalty_bp_per_month=0)
    events = receive_repayment(loan, a_repayment(INSTALMENT, date(2025, 6, 1)))

    assert not [e for e in events if isinstance(e, LoanPenaltyCharged)]


def test_paying_more_than_everything_outstanding_repays_the_loan_and_flags_the_excess() -> None:
    loan = a_loan()
    events = receive_repayment(loan, a_repayment(loan.outstanding_idr + 5_000, FIRST_DUE))

    received, overpaid, repaid_event = events
    assert isinstance(received, LoanRepaymentReceived)
    assert received.excess_idr == 5_000
    assert overpaid == LoanOverpaid(
        cooperative_id=loan.cooperative_id,
        loan_id=loan.loan_id,
        member_id=loan.member_id,
        excess_idr=5_000,
        paid_on=FIRST_DUE,
        after_closure=False,
    )
    assert isinstance(repaid_event, LoanRepaid)
    after = fold(loan, events)
    assert (after.status, after.outstanding_idr, after.overpaid_idr) == (
        LoanStatus.REPAID,
        0,
        5_000,
    )


def test_paying_exactly_everything_repays_the_loan_without_an_overpayment() -> None:
    loan = a_loan()
    events = receive_repayment(loan, a_repayment(loan.outstanding_idr, FIRST_DUE))

    assert [type(e) for e in events] == [LoanRepaymentReceived, LoanRepaid]


def _closed() -> Loan:
    loan = a_loan(LoanStatus.REPAID)
    return fold(loan, close_loan(loan, CloseLoan(closed_on=date(2025, 2, 1))))


SETTLED: dict[str, Callable[[], Loan]] = {
    "repaid": lambda: a_loan(LoanStatus.REPAID),
    "written_off": lambda: a_loan(LoanStatus.WRITTEN_OFF),
    "closed": _closed,
}


@pytest.mark.parametrize("settled", SETTLED)
def test_online_repayment_to_a_settled_loan_is_refused(settled: str) -> None:
    refused(
        RepaymentToClosedLoanRefused, receive_repayment, SETTLED[settled](), a_repayment(50_000)
    )


@pytest.mark.parametrize("settled", SETTLED)
def test_cash_taken_offline_for_a_settled_loan_is_accepted_as_an_overpayment(settled: str) -> None:
    loan = SETTLED[settled]()
    events = receive_repayment(loan, a_repayment(50_000, recorded_offline=True))

    received, overpaid = events
    assert isinstance(received, LoanRepaymentReceived)
    assert (received.excess_idr, received.allocations, received.recorded_offline) == (
        50_000,
        (),
        True,
    )
    assert isinstance(overpaid, LoanOverpaid)
    assert overpaid.after_closure is True
    after = fold(loan, events)
    assert (after.status, after.overpaid_idr) == (loan.status, 50_000)


@pytest.mark.parametrize("status", [LoanStatus.APPLIED, LoanStatus.APPROVED])
def test_a_loan_not_yet_disbursed_takes_no_repayment(status: LoanStatus) -> None:
    refused(
        LoanNotActive, receive_repayment, a_loan(status), a_repayment(50_000, recorded_offline=True)
    )


@pytest.mark.parametrize("amount", [0, -1])
def test_a_repayment_is_at_least_one_rupiah(amount: int) -> None:
    refused(AmountNotPositive, receive_repayment, a_loan(), a_repayment(amount))


def test_a_repayment_cannot_precede_the_disbursement() -> None:
    refused(DateOutOfOrder, receive_repayment, a_loan(), a_repayment(50_000, date(2025, 1, 9)))


def test_a_repayment_by_produce_deduction_keeps_its_channel() -> None:
    (event,) = receive_repayment(
        a_loan(), a_repayment(INSTALMENT, channel=RepaymentChannel.PRODUCE_DEDUCTION)
    )
    assert isinstance(event, LoanRepaymentReceived)
    assert event.channel is RepaymentChannel.PRODUCE_DEDUCTION
