"""The money limit in the payments domain: no fact, balance or loan reaches Rp 10^12.

Properties over any amounts (up to 2^64, beyond PostgreSQL's bigint) and any sequence
of commands: what is accepted stays within ``MAX_AMOUNT_IDR`` and publishes under its
contract; what would exceed it is refused by the rule that names why.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from payments_builders import (
    DISBURSED_ON,
    FIRST_DUE,
    a_deposit,
    a_loan,
    a_loan_application,
    a_repayment,
    an_account,
    apply,
    fold,
    fold_savings,
)

from gotong_platform.domain import DomainError
from gotong_platform.money import MAX_AMOUNT_IDR
from gotong_testing.deciders import refused
from payments.adapters.publishing import loan_contract, savings_contract
from payments.domain import (
    AmountTooLarge,
    InterestMethod,
    Loan,
    LoanStatus,
    LoanTotalTooLarge,
    RestructureLoan,
    SavingsBalanceLimitReached,
    SavingsType,
    WithdrawSavings,
    build_schedule,
    deposit_savings,
    receive_repayment,
    restructure_loan,
    withdraw_savings,
)

pytestmark = pytest.mark.unit

amounts = st.integers(1, MAX_AMOUNT_IDR) | st.integers(MAX_AMOUNT_IDR - 10, 2**64)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.booleans(), amounts), max_size=12))
def test_a_savings_balance_never_reaches_the_limit(steps: list[tuple[bool, int]]) -> None:
    account = an_account(SavingsType.SUKARELA)
    for is_deposit, amount in steps:
        if not is_deposit:
            if amount <= account.balance_idr:
                events = withdraw_savings(account, WithdrawSavings(
                    amount_idr=amount, business_date=date(2025, 1, 20)))
                account = fold_savings(account, events)
            continue
        if amount > MAX_AMOUNT_IDR:
            refused(AmountTooLarge, deposit_savings, account, a_deposit(amount))
        elif account.balance_idr + amount > MAX_AMOUNT_IDR:
            refused(SavingsBalanceLimitReached, deposit_savings, account, a_deposit(amount))
        else:
            events = deposit_savings(account, a_deposit(amount))
            account = fold_savings(account, events)
            for event in events:
                savings_contract(event, account)  # publishes under the bounded contract
        assert 0 <= account.balance_idr <= MAX_AMOUNT_IDR


def test_the_largest_balance_is_reached_and_then_refused() -> None:
    account = fold_savings(an_account(), deposit_savings(an_account(), a_deposit(1)))
    full = fold_savings(account, deposit_savings(account, a_deposit(MAX_AMOUNT_IDR - 1)))
    assert full.balance_idr == MAX_AMOUNT_IDR
    error = refused(SavingsBalanceLimitReached, deposit_savings, full, a_deposit(1))
    assert error.code == "savings-balance-limit-reached"


terms = st.fixed_dictionaries({  # the API's limits on the terms; any principal
    "principal_idr": amounts,
    "term_months": st.integers(1, 60),
    "interest_rate_bp_per_month": st.integers(0, 1000),
    "penalty_bp_per_month": st.integers(0, 1000),
    "method": st.sampled_from(InterestMethod),
})


@settings(max_examples=200, deadline=None)
@given(terms, st.lists(st.tuples(amounts, st.integers(0, 1500)), max_size=8),
       st.integers(0, 8), st.integers(1, 60), st.integers(0, 1000))
def test_what_a_loan_owes_never_reaches_the_limit(
    application: dict[str, Any], repayments: list[tuple[int, int]],
    restructure_after: int, new_term: int, new_rate: int,
) -> None:
    """Whatever its terms, repayments years late (penalties) and restructurings."""
    principal = application["principal_idr"]
    try:
        loan = a_loan(LoanStatus.ACTIVE, **application)
    except AmountTooLarge:
        assert principal > MAX_AMOUNT_IDR
        return
    except LoanTotalTooLarge:
        schedule = build_schedule(principal, application["term_months"],
                                  application["interest_rate_bp_per_month"],
                                  application["method"], FIRST_DUE)
        assert sum(i.principal_idr + i.interest_idr for i in schedule) > MAX_AMOUNT_IDR
        return
    assert loan.outstanding_idr <= MAX_AMOUNT_IDR
    day = DISBURSED_ON
    for n, (amount, gap) in enumerate(repayments):
        day += timedelta(days=gap)
        if n == restructure_after and loan.status is LoanStatus.ACTIVE:
            loan = _restructured(loan, day, new_term, new_rate)
        if loan.status is not LoanStatus.ACTIVE:
            break
        try:
            events = receive_repayment(loan, a_repayment(amount, day))
        except AmountTooLarge:
            assert amount > MAX_AMOUNT_IDR
            continue
        loan = fold(loan, events)
        for event in events:
            loan_contract(event)  # every published amount is within its contract
        assert loan.outstanding_idr <= MAX_AMOUNT_IDR


def _restructured(loan: Loan, day: date, term: int, rate: int) -> Loan:
    command = RestructureLoan(new_term_months=term, new_interest_rate_bp_per_month=rate,
                              first_due_date=day + timedelta(days=30), restructured_on=day,
                              approved_by="chair", reason="gagal panen")
    try:
        events = restructure_loan(loan, command)
    except DomainError:  # on terms beyond the limit, or with no principal left
        return loan
    after = fold(loan, events)
    assert after.outstanding_idr <= MAX_AMOUNT_IDR
    return after


def test_penalties_stop_accruing_at_the_limit() -> None:
    # Rp 999.999.000.000 owed at 10 % a month: a year late, penalties would add Rp 10^12
    loan = a_loan(LoanStatus.ACTIVE, principal_idr=999_999_000_000, term_months=1,
                  interest_rate_bp_per_month=0, penalty_bp_per_month=1000)
    late = loan.instalments[0].due_date + timedelta(days=365)
    events = receive_repayment(loan, a_repayment(1, late))
    after = fold(loan, events)
    assert after.outstanding_idr == MAX_AMOUNT_IDR - 1  # charged up to the limit, 1 repaid
    assert after.outstanding_penalty_idr == MAX_AMOUNT_IDR - 999_999_000_000 - 1


def test_a_loan_of_the_limit_is_refused_before_anything_is_recorded() -> None:
    refused(AmountTooLarge, lambda: apply(a_loan_application(principal_idr=2**62)))
    error = refused(LoanTotalTooLarge, lambda: apply(a_loan_application(
        principal_idr=MAX_AMOUNT_IDR, term_months=2, interest_rate_bp_per_month=1)))
    assert error.code == "loan-total-too-large"
