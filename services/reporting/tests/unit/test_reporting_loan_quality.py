"""Days past due, PAR30 with restructured loans, arrears and kolektibilitas bounds."""

from __future__ import annotations

import itertools
from datetime import date

import pytest

from reporting.domain.reports.loan_quality import (
    COLLECTIBILITY,
    Instalment,
    LoanAtPeriodEnd,
    assess,
    collectibility,
    days_past_due,
    overdue_principal,
)

pytestmark = pytest.mark.unit

# 3 instalments of 100.000 principal + 10.000 interest, due on the 10th
SCHEDULE = tuple(Instalment(n, date(2026, n, 10), 100_000, 10_000) for n in (1, 2, 3))


def loan(paid: int, *, restructured: bool = False, principal_repaid: int | None = None
         ) -> LoanAtPeriodEnd:
    return LoanAtPeriodEnd(
        loan_id="L", cooperative_id="C", principal_idr=300_000,
        principal_repaid_idr=principal_repaid if principal_repaid is not None else 0,
        schedule=SCHEDULE, paid_on_schedule_idr=paid, restructured=restructured)


def test_nothing_is_past_due_before_or_on_the_first_due_date() -> None:
    assert days_past_due(SCHEDULE, 0, date(2026, 1, 9)) == 0
    assert days_past_due(SCHEDULE, 0, date(2026, 1, 10)) == 0
    assert overdue_principal(SCHEDULE, 0, date(2026, 1, 10)) == 0


def test_days_count_from_the_oldest_instalment_not_fully_covered() -> None:
    assert days_past_due(SCHEDULE, 0, date(2026, 2, 9)) == 30
    # one full instalment paid: the second is the oldest unpaid (due 10 Feb)
    assert days_past_due(SCHEDULE, 110_000, date(2026, 3, 31)) == 49
    # one rupiah short on the first instalment keeps it late
    assert days_past_due(SCHEDULE, 109_999, date(2026, 3, 31)) == 80
    assert days_past_due(SCHEDULE, 330_000, date(2026, 6, 30)) == 0


def test_repayments_pay_interest_before_principal_oldest_first() -> None:
    # 150.000 covers instalment 1 (110.000) and 40.000 of instalment 2: its interest
    # (10.000) and 30.000 of its principal; 70.000 of it is overdue after 10 Feb.
    assert overdue_principal(SCHEDULE, 150_000, date(2026, 2, 11)) == 70_000
    assert overdue_principal(SCHEDULE, 150_000, date(2026, 3, 11)) == 170_000


def test_par30_takes_the_whole_outstanding_of_a_loan_more_than_30_days_late() -> None:
    at_30 = assess(loan(0), date(2026, 2, 9))
    assert (at_30.days_past_due, at_30.at_risk) == (30, False)
    at_31 = assess(loan(0), date(2026, 2, 10))
    assert (at_31.days_past_due, at_31.at_risk) == (31, True)
    assert at_31.outstanding_idr == 300_000  # the whole loan, not the late instalment
    assert at_31.overdue_principal_idr == 100_000  # arrears: only what fell due


def test_a_restructured_loan_counts_in_par30_even_when_current() -> None:
    quality = assess(loan(0, restructured=True), date(2026, 1, 5))
    assert quality.days_past_due == 0
    assert quality.at_risk
    assert quality.collectibility == "lancar"


def test_outstanding_is_principal_less_principal_repaid() -> None:
    quality = assess(loan(110_000, principal_repaid=100_000), date(2026, 2, 1))
    assert quality.outstanding_idr == 200_000
    assert not quality.at_risk


@pytest.mark.parametrize(("dpd", "grade"), [
    (0, "lancar"), (30, "lancar"), (31, "kurang_lancar"), (90, "kurang_lancar"),
    (91, "diragukan"), (180, "diragukan"), (181, "macet"), (3650, "macet"),
])
def test_collectibility_bounds(dpd: int, grade: str) -> None:
    assert collectibility(dpd) == grade


def test_collectibility_classes_cover_every_day_once() -> None:
    for (_, _, high), (_, low, _) in itertools.pairwise(COLLECTIBILITY):
        assert high is not None
        assert low == high + 1
    with pytest.raises(ValueError, match="negative"):
        collectibility(-1)
