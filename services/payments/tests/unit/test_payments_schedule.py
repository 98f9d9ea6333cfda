"""Repayment schedules: every rupiah of principal scheduled, interest rounded per instalment."""

from __future__ import annotations

import calendar
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from payments.domain import InterestMethod, build_schedule
from payments.domain.dates import months_started_since

pytestmark = pytest.mark.unit

methods = st.sampled_from(InterestMethod)
principals = st.integers(1, 10**10)
terms = st.integers(1, 60)
rates = st.integers(0, 1000)
first_dues = st.dates(date(2020, 1, 1), date(2035, 12, 31))


def test_flat_interest_is_the_same_every_month_and_the_last_instalment_takes_the_remainder() -> (
    None
):
    schedule = build_schedule(1_000_000, 12, 150, InterestMethod.FLAT, date(2025, 2, 10))

    assert [i.principal_idr for i in schedule] == [83_333] * 11 + [83_337]
    assert {i.interest_idr for i in schedule} == {15_000}
    assert [i.n for i in schedule] == list(range(1, 13))


def test_flat_interest_rounds_half_up() -> None:
    # 300 * 150 / 10000 = 4.5 → 5 (a half rounds up); 290 * 150 / 10000 = 4.35 → 4
    assert build_schedule(300, 3, 150, InterestMethod.FLAT, date(2025, 1, 1))[0].interest_idr == 5
    assert build_schedule(290, 3, 150, InterestMethod.FLAT, date(2025, 1, 1))[0].interest_idr == 4


def test_declining_balance_charges_interest_on_what_is_still_outstanding() -> None:
    schedule = build_schedule(
        1_000_000, 4, 200, InterestMethod.DECLINING_BALANCE, date(2025, 2, 10)
    )

    assert [i.principal_idr for i in schedule] == [250_000] * 4
    assert [i.interest_idr for i in schedule] == [20_000, 15_000, 10_000, 5_000]


def test_declining_balance_last_instalment_absorbs_the_remainder() -> None:
    schedule = build_schedule(1_000, 3, 100, InterestMethod.DECLINING_BALANCE, date(2025, 2, 10))

    assert [i.principal_idr for i in schedule] == [333, 333, 334]
    assert [i.interest_idr for i in schedule] == [10, 7, 3]  # 10.00, 6.67, 3.34


def test_due_dates_keep_the_day_of_month_and_clamp_to_short_months() -> None:
    schedule = build_schedule(1_200, 4, 0, InterestMethod.FLAT, date(2024, 1, 31))

    assert [i.due_date for i in schedule] == [
        date(2024, 1, 31),
        date(2024, 2, 29),
        date(2024, 3, 31),
        date(2024, 4, 30),
    ]


@pytest.mark.parametrize(("principal", "term", "rate"), [(0, 12, 100), (100, 0, 100), (100, 1, -1)])
def test_impossible_terms_are_a_programming_error(principal: int, term: int, rate: int) -> None:
    with pytest.raises(ValueError, match="schedule"):
        build_schedule(principal, term, rate, InterestMethod.FLAT, date(2025, 1, 1))


@given(principals, terms, rates, methods, first_dues)
def test_the_principal_parts_add_up_to_the_principal_exactly(
    principal: int, term: int, rate: int, method: InterestMethod, first_due: date
) -> None:
    schedule = build_schedule(principal, term, rate, method, first_due)

    assert len(schedule) == term
    assert sum(i.principal_idr for i in schedule) == principal
    assert all(i.principal_idr >= 0 and i.interest_idr >= 0 for i in schedule)
    assert all(i.principal_idr == principal // term for i in schedule[:-1])


@given(principals, terms, rates, methods, first_dues)
def test_each_instalments_interest_is_its_basis_times_the_rate_rounded_half_up(
    principal: int, term: int, rate: int, method: InterestMethod, first_due: date
) -> None:
    schedule = build_schedule(principal, term, rate, method, first_due)
    outstanding = principal
    for instalment in schedule:
        basis = principal if method is InterestMethod.FLAT else outstanding
        exact_times_2 = 2 * basis * rate  # compare 2 * interest * 10000 with 2 * exact
        assert abs(2 * instalment.interest_idr * 10_000 - exact_times_2) <= 10_000
        outstanding -= instalment.principal_idr
    assert outstanding == 0


@given(principals, terms, rates, methods, first_dues)
def test_due_dates_fall_monthly_from_the_first(
    principal: int, term: int, rate: int, method: InterestMethod, first_due: date
) -> None:
    schedule = build_schedule(principal, term, rate, method, first_due)

    for instalment in schedule:
        due = instalment.due_date
        assert (due.year - first_due.year) * 12 + due.month - first_due.month == instalment.n - 1
        assert due.day == min(first_due.day, calendar.monthrange(due.year, due.month)[1])


@pytest.mark.parametrize(
    ("due", "on", "months"),
    [
        (date(2025, 2, 10), date(2025, 2, 10), 0),
        (date(2025, 2, 10), date(2025, 2, 9), 0),
        (date(2025, 2, 10), date(2025, 2, 11), 1),
        (date(2025, 2, 10), date(2025, 3, 10), 1),
        (date(2025, 2, 10), date(2025, 3, 11), 2),
        (date(2025, 1, 31), date(2025, 2, 28), 1),
        (date(2025, 1, 31), date(2025, 3, 1), 2),
    ],
)
def test_months_of_delay_count_every_month_started(due: date, on: date, months: int) -> None:
    assert months_started_since(due, on) == months
