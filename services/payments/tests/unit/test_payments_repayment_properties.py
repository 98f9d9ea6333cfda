"""Properties of any loan under any sequence of repayments: no rupiah created or lost."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from payments_builders import DISBURSED_ON, a_loan, a_repayment, fold

from payments.domain import (
    InterestMethod,
    Loan,
    LoanOverpaid,
    LoanPenaltyCharged,
    LoanRepaid,
    LoanRepaymentReceived,
    LoanStatus,
    RepaymentToClosedLoanRefused,
    RestructureLoan,
    receive_repayment,
    restructure_loan,
)

pytestmark = pytest.mark.unit

loans = st.builds(
    a_loan,
    principal_idr=st.integers(1, 50_000_000),
    term_months=st.integers(1, 36),
    interest_rate_bp_per_month=st.integers(0, 500),
    penalty_bp_per_month=st.integers(0, 500),
    method=st.sampled_from(InterestMethod),
)
# (amount, days after the previous repayment, recorded offline)
repayments = st.lists(
    st.tuples(st.integers(1, 20_000_000), st.integers(0, 120), st.booleans()), max_size=15
)


def assert_consistent(loan: Loan) -> None:
    for instalment in loan.instalments:
        assert instalment.principal_due_idr >= 0
        assert instalment.interest_due_idr >= 0
        assert instalment.penalty_due_idr >= 0
    assert loan.outstanding_principal_idr == loan.principal_idr - loan.principal_paid_idr
    assert (loan.status is LoanStatus.REPAID) == (loan.outstanding_idr == 0)


def run(
    loan: Loan, steps: list[tuple[int, int, bool]], start: date = DISBURSED_ON
) -> tuple[Loan, int]:
    """Apply the repayments in turn, checking every step; online ones to a repaid loan fail.

    Returns the loan and the rupiah accepted.
    """
    day, accepted = start, 0
    for amount, gap, offline in steps:
        day += timedelta(days=gap)
        command = a_repayment(amount, day, recorded_offline=offline)
        if loan.status is LoanStatus.REPAID and not offline:
            with pytest.raises(RepaymentToClosedLoanRefused):
                receive_repayment(loan, command)
            continue
        events = receive_repayment(loan, command)
        accepted += amount
        received = next(e for e in events if isinstance(e, LoanRepaymentReceived))
        parts = received.penalty_idr + received.interest_idr + received.principal_idr
        assert parts + received.excess_idr == amount
        assert received.penalty_idr == sum(a.penalty_idr for a in received.allocations)
        assert received.interest_idr == sum(a.interest_idr for a in received.allocations)
        assert received.principal_idr == sum(a.principal_idr for a in received.allocations)
        assert all(e.penalty_idr > 0 for e in events if isinstance(e, LoanPenaltyCharged))
        overpaid = [e.excess_idr for e in events if isinstance(e, LoanOverpaid)]
        assert overpaid == ([received.excess_idr] if received.excess_idr else [])
        before = loan
        loan = fold(loan, events)
        assert (LoanRepaid in map(type, events)) == (
            before.status is LoanStatus.ACTIVE and loan.status is LoanStatus.REPAID
        )
        assert_consistent(loan)
    return loan, accepted


@settings(max_examples=150)
@given(loans, repayments)
def test_every_repayment_is_split_exactly_and_balances_follow_what_was_paid(
    loan: Loan, steps: list[tuple[int, int, bool]]
) -> None:
    assert loan.outstanding_principal_idr == loan.principal_idr
    after, accepted = run(loan, steps)

    assert after.outstanding_principal_idr == loan.principal_idr - after.principal_paid_idr
    paid = after.principal_paid_idr + after.interest_paid_idr + after.penalty_paid_idr
    assert paid + after.overpaid_idr == accepted  # every accepted rupiah is accounted for


@settings(max_examples=75)
@given(loans, repayments, st.integers(1, 36), st.integers(0, 500), repayments)
def test_restructuring_keeps_the_principal_balance(
    loan: Loan,
    before: list[tuple[int, int, bool]],
    term: int,
    rate: int,
    after: list[tuple[int, int, bool]],
) -> None:
    loan, _ = run(loan, before)
    if loan.status is not LoanStatus.ACTIVE:
        return
    on = date(2031, 1, 1)  # after every repayment ``before`` can date
    command = RestructureLoan(
        new_term_months=term,
        new_interest_rate_bp_per_month=rate,
        first_due_date=on + timedelta(days=30),
        restructured_on=on,
        approved_by="user-chair",
        reason="Gagal panen",
    )
    outstanding = loan.outstanding_principal_idr
    restructured = fold(loan, restructure_loan(loan, command))

    assert restructured.outstanding_principal_idr == outstanding
    assert restructured.outstanding_penalty_idr == loan.outstanding_penalty_idr
    assert restructured.restructured
    assert_consistent(restructured)
    final, _ = run(restructured, after, start=on)
    assert final.restructured
