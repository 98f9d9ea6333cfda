"""From the read model's facts to the bases: measures, eligibility, gross split, fiscal year."""

from __future__ import annotations

from datetime import date

import pytest
from test_shu_builders import a_policy, member_facts, totals

from reporting.domain.shu import (
    CapitalMeasure,
    InvalidFiscalYear,
    TransactionKind,
    capital_basis,
    fiscal_period,
    gross_split,
    is_eligible,
    member_bases,
    transaction_basis,
)

pytestmark = pytest.mark.unit

FY2025 = fiscal_period(2025)
RISING = (100, 200, 300, 400, 500, 600, 700, 800, 900, 1000, 1100, 1205)


def test_a_calendar_fiscal_year() -> None:
    assert (FY2025.start, FY2025.end) == (date(2025, 1, 1), date(2025, 12, 31))
    assert FY2025.month_ends()[1] == date(2025, 2, 28)
    assert FY2025.month_ends()[-1] == FY2025.end


def test_a_fiscal_year_from_july_is_named_after_the_year_it_starts() -> None:
    period = fiscal_period(2024, start_month=7)
    assert (period.start, period.end) == (date(2024, 7, 1), date(2025, 6, 30))
    assert period.month_ends()[7] == date(2025, 2, 28)
    assert len(period.month_ends()) == 12


@pytest.mark.parametrize(("year", "month"), [(1989, 1), (2025, 0), (2025, 13)])
def test_an_impossible_fiscal_year_is_refused(year: int, month: int) -> None:
    with pytest.raises(InvalidFiscalYear):
        fiscal_period(year, month)


def test_year_end_balance_is_the_last_month_end() -> None:
    assert capital_basis(CapitalMeasure.YEAR_END_BALANCE, RISING, 12) == 1205


def test_average_monthly_balance_divides_the_twelve_month_ends_rounding_down() -> None:
    assert capital_basis(CapitalMeasure.AVERAGE_MONTHLY_BALANCE, RISING, 12) == 7805 // 12


def test_months_prorated_scales_the_year_end_balance_rounding_down() -> None:
    assert capital_basis(CapitalMeasure.MONTHS_PRORATED, RISING, 5) == 1205 * 5 // 12
    assert capital_basis(CapitalMeasure.MONTHS_PRORATED, RISING, 12) == 1205


def test_a_negative_balance_counts_as_zero() -> None:
    assert capital_basis(CapitalMeasure.YEAR_END_BALANCE, (-5,) * 12, 12) == 0


def test_the_transaction_basis_sums_the_chosen_kinds() -> None:
    facts = member_facts(1, purchases=100, produce=20, interest=3)
    both = (TransactionKind.MEMBER_PURCHASES, TransactionKind.LOAN_INTEREST_PAID)
    assert transaction_basis(both, facts) == 103
    assert transaction_basis((TransactionKind.PRODUCE_SOLD,), facts) == 20
    # a void this year of last year's purchase cannot make a basis negative
    assert transaction_basis(both, member_facts(1, purchases=-50, interest=3)) == 3


@pytest.mark.parametrize(("status", "since", "include_exited", "eligible"), [
    ("admitted", date(2020, 1, 1), False, True),
    ("suspended", date(2025, 6, 1), False, True),
    ("exited", date(2025, 6, 1), False, False),
    ("exited", date(2025, 6, 1), True, True),
    ("exited", date(2024, 12, 31), True, False),  # left before the year began
    ("applied", date(2025, 6, 1), True, False),
    ("rejected", date(2025, 6, 1), True, False),
])
def test_who_shares_in_the_shu(status: str, since: date, include_exited: bool,
                               eligible: bool) -> None:
    facts = member_facts(1, status=status, status_since=since)
    assert is_eligible(facts, FY2025, include_exited=include_exited) is eligible


def test_member_bases_apply_the_policy() -> None:
    policy = a_policy(capital_measure=CapitalMeasure.MONTHS_PRORATED,
                      transaction_basis=(TransactionKind.PRODUCE_SOLD,))
    facts = [member_facts(1, balance=1200, produce=70, purchases=999, months_active=6),
             member_facts(2, balance=1200, status="exited", status_since=date(2025, 3, 1))]
    (basis,) = member_bases(policy, FY2025, facts)
    assert (basis.member_id, basis.capital_idr, basis.transaction_idr) == (
        "member-0001", 600, 70)


def test_gross_counts_produce_and_loan_interest_as_member_business() -> None:
    split = gross_split(totals(member_sales=600, all_sales=1000, produce=300, interest=100))
    assert (split.member_gross_idr, split.total_gross_idr) == (1000, 1400)


def test_gross_never_has_members_above_the_whole() -> None:
    split = gross_split(totals(member_sales=600, all_sales=500))
    assert (split.member_gross_idr, split.total_gross_idr) == (600, 600)
    split = gross_split(totals(member_sales=-10, all_sales=-20, produce=5))
    assert (split.member_gross_idr, split.total_gross_idr) == (5, 5)
