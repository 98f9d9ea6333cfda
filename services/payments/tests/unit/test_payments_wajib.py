"""Simpanan wajib: billed monthly, deposits settle the oldest bills first, on-time payment."""

from __future__ import annotations

import calendar
from datetime import date, timedelta

import pytest
from hypothesis import example, given
from hypothesis import strategies as st
from payments_builders import WAJIB_IDR, an_account, deposited, fold_savings

from gotong_testing.deciders import refused
from payments.domain import (
    AmountNotPositive,
    BillWajib,
    DueDateBeforePeriod,
    InvalidPeriod,
    NotAWajibAccount,
    SavingsAccount,
    SavingsType,
    WajibAlreadyBilled,
    WajibBeforeAdmission,
    WajibBilled,
    bill_wajib,
)

pytestmark = pytest.mark.unit

PERIODS = ["2025-01", "2025-02", "2025-03"]


def a_bill(period: str = "2025-01", amount_idr: int = WAJIB_IDR) -> BillWajib:
    year, month = (int(part) for part in period.split("-"))
    return BillWajib(period=period, amount_idr=amount_idr, due_date=date(year, month, 10))


def billed(account: SavingsAccount, *periods: str, amount_idr: int = WAJIB_IDR) -> SavingsAccount:
    for period in periods:
        account = fold_savings(account, bill_wajib(account, a_bill(period, amount_idr)))
    return account


def test_a_bill_names_the_period_amount_and_due_date() -> None:
    account = an_account(SavingsType.WAJIB)
    (event,) = bill_wajib(account, a_bill("2025-01"))

    assert isinstance(event, WajibBilled)
    assert (event.period, event.amount_idr, event.due_date) == (
        "2025-01",
        WAJIB_IDR,
        date(2025, 1, 10),
    )
    assert fold_savings(account, [event]).arrears_idr == WAJIB_IDR


def test_a_period_is_billed_once() -> None:
    account = billed(an_account(SavingsType.WAJIB), "2025-01")
    refused(WajibAlreadyBilled, bill_wajib, account, a_bill("2025-01"))


@pytest.mark.parametrize("savings_type", [SavingsType.POKOK, SavingsType.SUKARELA])
def test_only_a_wajib_account_is_billed(savings_type: SavingsType) -> None:
    refused(NotAWajibAccount, bill_wajib, an_account(savings_type), a_bill())


@pytest.mark.parametrize("period", ["2025-13", "2025-1", "202501", "25-01", "2025-00", ""])
def test_a_period_is_written_year_dash_month(period: str) -> None:
    command = BillWajib(period=period, amount_idr=WAJIB_IDR, due_date=date(2025, 1, 10))
    refused(InvalidPeriod, bill_wajib, an_account(SavingsType.WAJIB), command)


def test_a_bill_cannot_fall_due_before_its_period() -> None:
    command = BillWajib(period="2025-02", amount_idr=WAJIB_IDR, due_date=date(2025, 1, 31))
    refused(DueDateBeforePeriod, bill_wajib, an_account(SavingsType.WAJIB), command)


def test_a_bill_is_at_least_one_rupiah() -> None:
    refused(AmountNotPositive, bill_wajib, an_account(SavingsType.WAJIB), a_bill(amount_idr=0))


def test_a_deposit_settles_the_oldest_bills_first() -> None:
    account = billed(an_account(SavingsType.WAJIB), *PERIODS)
    account = deposited(account, 15_000, business_date=date(2025, 3, 5))

    assert account.unpaid_periods == ("2025-02", "2025-03")
    assert [s.paid_idr for s in account.bill_statuses] == [10_000, 5_000, 0]
    assert (account.balance_idr, account.arrears_idr) == (15_000, 15_000)


def test_a_bill_paid_by_its_due_date_is_on_time_and_a_later_one_is_not() -> None:
    account = billed(an_account(SavingsType.WAJIB), *PERIODS)
    account = deposited(account, 10_000, business_date=date(2025, 1, 10))
    account = deposited(account, 10_000, business_date=date(2025, 2, 11))

    assert account.paid_on_time("2025-01") is True
    assert account.paid_on_time("2025-02") is False
    assert account.paid_on_time("2025-03") is False  # not paid at all


def test_a_bill_completed_late_is_late_even_if_partly_paid_on_time() -> None:
    account = billed(an_account(SavingsType.WAJIB), "2025-01")
    account = deposited(account, 6_000, business_date=date(2025, 1, 5))
    account = deposited(account, 4_000, business_date=date(2025, 1, 20))

    assert account.unpaid_periods == ()
    assert account.paid_on_time("2025-01") is False


def test_paying_ahead_settles_later_bills_on_time_and_leaves_no_arrears() -> None:
    account = deposited(an_account(SavingsType.WAJIB), 30_000, business_date=date(2025, 1, 3))
    account = billed(account, *PERIODS)

    assert account.arrears_idr == 0
    assert all(account.paid_on_time(period) for period in PERIODS)


def test_a_deposit_synced_late_settles_bills_in_business_date_order() -> None:
    account = billed(an_account(SavingsType.WAJIB), "2025-01", "2025-02")
    account = deposited(account, 10_000, business_date=date(2025, 2, 9))
    account = deposited(account, 10_000, business_date=date(2025, 1, 9), recorded_offline=True)

    assert account.paid_on_time("2025-01")
    assert account.paid_on_time("2025-02")


def test_asking_about_a_period_never_billed_is_a_programming_error() -> None:
    with pytest.raises(KeyError):
        billed(an_account(SavingsType.WAJIB), "2025-01").paid_on_time("2025-02")


@given(
    st.lists(st.integers(1, 100_000), min_size=0, max_size=12),
    st.lists(st.tuples(st.integers(1, 200_000), st.integers(0, 400)), max_size=12),
)
def test_arrears_are_billed_minus_paid_and_the_fifo_settles_exactly_that(
    bills: list[int], deposits: list[tuple[int, int]]
) -> None:
    account = an_account(SavingsType.WAJIB)
    for i, amount in enumerate(bills):
        account = billed(account, f"{2025 + i // 12}-{i % 12 + 1:02d}", amount_idr=amount)
    for amount, offset in deposits:
        account = deposited(account, amount, business_date=date(2025, 1, 2) + timedelta(offset))

    paid_in = sum(amount for amount, _ in deposits)
    statuses = account.bill_statuses
    assert account.balance_idr == paid_in
    assert account.arrears_idr == max(0, sum(bills) - paid_in)
    assert sum(s.paid_idr for s in statuses) == min(sum(bills), paid_in)
    assert all(0 <= s.paid_idr <= s.amount_idr for s in statuses)
    # FIFO: no bill is paid while an older one is still unpaid
    unpaid_seen = False
    for status in statuses:
        assert not (unpaid_seen and status.paid_idr > 0)
        unpaid_seen = unpaid_seen or status.unpaid_idr > 0


# --- who owes wajib: from the first due date on or after admission ---------------------


def test_a_member_admitted_after_the_due_date_owes_from_the_next_month() -> None:
    account = an_account(SavingsType.WAJIB, opened_on=date(2025, 1, 11))
    refused(WajibBeforeAdmission, bill_wajib, account, a_bill("2025-01"))  # due 01-10
    refused(WajibBeforeAdmission, bill_wajib, account, a_bill("2024-12"))
    account = billed(account, "2025-02")

    assert (account.arrears_idr, account.unpaid_periods) == (WAJIB_IDR, ("2025-02",))


def test_a_member_admitted_on_the_due_date_owes_that_month() -> None:
    account = billed(an_account(SavingsType.WAJIB, opened_on=date(2025, 1, 10)), "2025-01")
    assert account.unpaid_periods == ("2025-01",)


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def _shift(year: int, month: int, months: int) -> tuple[int, int]:
    index = year * 12 + month - 1 + months
    return index // 12, index % 12 + 1


# Any day, and month ends (28th-31st) and leap days on purpose: the edges of "the month".
admission_days = st.one_of(
    st.dates(date(2024, 1, 1), date(2029, 12, 31)),
    st.builds(_month_end, st.integers(2024, 2029), st.integers(1, 12)),
    st.sampled_from([date(2028, 2, 29), date(2024, 2, 29), date(2026, 12, 31)]),
)


@given(admitted_on=admission_days, due_day=st.integers(1, 28),
       first_offset=st.integers(-14, 2), months=st.integers(1, 18))
@example(admitted_on=date(2028, 2, 29), due_day=28, first_offset=-2, months=6)
@example(admitted_on=date(2028, 2, 28), due_day=28, first_offset=-1, months=3)
@example(admitted_on=date(2026, 12, 31), due_day=28, first_offset=-12, months=14)
@example(admitted_on=date(2027, 1, 1), due_day=1, first_offset=-3, months=5)
def test_billing_any_run_of_periods_bills_only_those_due_after_admission(
    admitted_on: date, due_day: int, first_offset: int, months: int
) -> None:
    """Bill every period of a run (as ``POST /wajib-billing`` does, month by month, late
    or not): exactly the periods from the first one the member owes are billed, and her
    arrears and unpaid periods never include an earlier one."""
    account = an_account(SavingsType.WAJIB, opened_on=admitted_on)
    # The first period she owes: the admission month if its due day is not past yet.
    first = (admitted_on.year, admitted_on.month)
    if admitted_on.day > due_day:
        first = _shift(*first, 1)
    periods = [_shift(admitted_on.year, admitted_on.month, first_offset + n)
               for n in range(months)]
    for year, month in periods:
        command = BillWajib(period=f"{year}-{month:02d}", amount_idr=WAJIB_IDR,
                            due_date=date(year, month, due_day))
        try:
            account = fold_savings(account, bill_wajib(account, command))
        except WajibBeforeAdmission:
            assert (year, month) < first

    owed = [f"{y}-{m:02d}" for y, m in periods if (y, m) >= first]
    assert [bill.period for bill in account.bills] == owed
    assert all(bill.due_date >= admitted_on for bill in account.bills)
    assert account.arrears_idr == WAJIB_IDR * len(owed)
    assert list(account.unpaid_periods) == owed
