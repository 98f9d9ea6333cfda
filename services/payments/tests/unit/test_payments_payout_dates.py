"""Which instalments a produce payout takes, over the whole calendar.

The rule must hold on any business date, not just the day a test happens to run: the
1st and the last days of months, 29 February, 31 December. Each example builds a loan
whose schedule starts around a random date and checks the deduction against the
schedule itself.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import example, given
from hypothesis import strategies as st
from payments_builders import (
    MANAGER,
    a_loan_application,
    an_account,
    apply,
    deposited,
    fold,
    fold_savings,
)

from payments.domain import (
    ApproveLoan,
    BillWajib,
    DisburseLoan,
    InstalmentHorizon,
    Loan,
    SavingsAccount,
    SavingsType,
    approve_loan,
    bill_wajib,
    disburse_loan,
    instalments_due,
    wajib_due,
)
from payments.domain.dates import add_months

pytestmark = pytest.mark.unit

BY_DATE = InstalmentHorizon.DUE_BY_RECEIPT_DATE
THIS_MONTH = InstalmentHorizon.DUE_THIS_MONTH
AWKWARD_DAYS = [date(2026, 12, 1), date(2026, 11, 30), date(2027, 1, 31), date(2027, 2, 28),
                date(2028, 2, 29), date(2026, 12, 31), date(2027, 4, 30), date(2026, 12, 28)]


def loan_around(first_due: date) -> Loan:
    """A 12-month loan (Rp 118.000 a month, no denda) whose first instalment is due on
    ``first_due``, applied for, approved and disbursed in the weeks before."""
    disbursed = first_due - timedelta(days=20)
    loan = fold(None, apply(a_loan_application(
        first_due_date=first_due, applied_on=disbursed - timedelta(days=4),
        penalty_bp_per_month=0)))
    loan = fold(loan, approve_loan(loan, ApproveLoan(
        approved_by=MANAGER, approved_on=disbursed - timedelta(days=2))))
    return fold(loan, disburse_loan(loan, DisburseLoan(disbursed_by=MANAGER,
                                                       disbursed_on=disbursed)))


def owed_through(loan: Loan, last: date) -> int:
    return sum(i.principal_due_idr + i.interest_due_idr + i.penalty_due_idr
               for i in loan.instalments if i.due_date <= last)


def month_end(day: date) -> date:
    return add_months(day.replace(day=1), 1) - timedelta(days=1)


days = st.dates(min_value=date(2025, 2, 1), max_value=date(2029, 12, 31))


@given(receipt=st.one_of(days, st.sampled_from(AWKWARD_DAYS)),
       first_due=st.dates(min_value=date(2025, 1, 1), max_value=date(2029, 12, 31)))
@example(receipt=date(2026, 12, 7), first_due=date(2026, 11, 27))  # the day CI went red
@example(receipt=date(2028, 2, 29), first_due=date(2028, 1, 31))
def test_by_default_a_payout_takes_only_what_is_due_by_the_receipt_date(
    receipt: date, first_due: date,
) -> None:
    loan = loan_around(first_due)
    due = instalments_due(loan, receipt, BY_DATE)
    assert due == owed_through(loan, receipt)
    # Nothing due after the receipt's day is ever taken.
    later = [i for i in loan.instalments if i.due_date > receipt]
    assert due == sum(i.principal_due_idr + i.interest_due_idr for i in loan.instalments) - sum(
        i.principal_due_idr + i.interest_due_idr for i in later)


@given(receipt=st.one_of(days, st.sampled_from(AWKWARD_DAYS)),
       first_due=st.dates(min_value=date(2025, 1, 1), max_value=date(2029, 12, 31)))
def test_this_months_option_adds_exactly_the_rest_of_the_receipts_month(
    receipt: date, first_due: date,
) -> None:
    loan = loan_around(first_due)
    by_date = instalments_due(loan, receipt, BY_DATE)
    this_month = instalments_due(loan, receipt, THIS_MONTH)
    assert this_month == owed_through(loan, month_end(receipt))
    rest_of_month = sum(i.principal_due_idr + i.interest_due_idr for i in loan.instalments
                        if receipt < i.due_date <= month_end(receipt))
    assert this_month - by_date == rest_of_month


@pytest.mark.parametrize("receipt", AWKWARD_DAYS)
def test_an_instalment_due_later_in_the_month_waits_for_its_day(receipt: date) -> None:
    # The first instalment falls due on the last day of the receipt's month; unless the
    # receipt is on that day, the default takes nothing and the option takes it all.
    loan = loan_around(month_end(receipt))
    first = loan.instalments[0]
    amount = first.principal_due_idr + first.interest_due_idr
    expected = amount if receipt == month_end(receipt) else 0
    assert instalments_due(loan, receipt, BY_DATE) == expected
    assert instalments_due(loan, receipt, THIS_MONTH) == amount


def wajib_billed(opened: date, due_day: int, months: int) -> SavingsAccount:
    """A wajib account opened on ``opened`` and billed Rp 10.000 for ``months`` months from
    the month of opening, due on ``due_day`` (the bills it owes: from admission on)."""
    account = an_account(SavingsType.WAJIB, opened_on=opened)
    start = opened.replace(day=1)
    for k in range(months):
        month = add_months(start, k)
        due = month.replace(day=due_day)
        if due < opened:
            continue
        account = fold_savings(account, bill_wajib(account, BillWajib(
            period=f"{month:%Y-%m}", amount_idr=10_000, due_date=due, billed_on=month)))
    return account


@given(receipt=st.one_of(days, st.sampled_from(AWKWARD_DAYS)),
       opened=st.dates(min_value=date(2025, 1, 1), max_value=date(2029, 6, 30)),
       due_day=st.integers(1, 28), paid=st.integers(0, 60_000))
@example(receipt=date(2026, 12, 7), opened=date(2026, 10, 1), due_day=10, paid=0)
def test_a_payout_takes_the_wajib_bills_due_by_the_receipt_date_or_this_months(
    receipt: date, opened: date, due_day: int, paid: int,
) -> None:
    account = wajib_billed(opened, due_day, 6)
    if paid:
        account = deposited(account, paid, business_date=opened)
    statuses = account.bill_statuses
    by_date = wajib_due(account, receipt, BY_DATE)
    this_month = wajib_due(account, receipt, THIS_MONTH)
    assert by_date == sum(s.unpaid_idr for s in statuses if s.due_date <= receipt)
    assert this_month == sum(s.unpaid_idr for s in statuses if s.due_date <= month_end(receipt))
    assert by_date <= this_month <= account.arrears_idr


def test_the_bill_of_the_7th_for_the_10th_waits_for_its_day() -> None:
    account = wajib_billed(date(2026, 10, 1), 10, 3)  # October, November, December
    assert account.arrears_idr == 30_000
    assert wajib_due(account, date(2026, 12, 7), BY_DATE) == 20_000
    assert wajib_due(account, date(2026, 12, 10), BY_DATE) == 30_000
    assert wajib_due(account, date(2026, 12, 7), THIS_MONTH) == 30_000
