"""Days past due, kolektibilitas and restructuring (which reschedules but is never forgotten)."""

from __future__ import annotations

import dataclasses
from datetime import date

import pytest
from payments_builders import DISBURSED_ON, FIRST_DUE, a_loan, a_repayment, fold, repaid

from gotong_testing.deciders import refused
from payments.domain import (
    DEFAULT_COLLECTIBILITY_POLICY,
    Collectibility,
    CollectibilityPolicy,
    DateOutOfOrder,
    LoanNotActive,
    LoanRestructured,
    LoanStatus,
    RequiredFieldMissing,
    RestructureLoan,
    TermOutOfRange,
    collectibility,
    days_past_due,
    receive_repayment,
    restructure_loan,
)

pytestmark = pytest.mark.unit

INSTALMENT = 118_000
RESTRUCTURED_ON = date(2025, 5, 1)


def a_restructuring(**overrides: object) -> RestructureLoan:
    fields: dict[str, object] = {
        "new_term_months": 10,
        "new_interest_rate_bp_per_month": 100,
        "first_due_date": date(2025, 6, 1),
        "restructured_on": RESTRUCTURED_ON,
        "approved_by": "user-chair",
        "reason": "Gagal panen",
    }
    return RestructureLoan(**(fields | overrides))  # type: ignore[arg-type]


# --- days past due --------------------------------------------------------------------


def test_a_loan_is_not_past_due_on_its_due_date_and_one_day_after_it_is() -> None:
    loan = a_loan()

    assert days_past_due(loan, DISBURSED_ON) == 0
    assert days_past_due(loan, FIRST_DUE) == 0
    assert days_past_due(loan, date(2025, 2, 11)) == 1
    assert days_past_due(loan, date(2025, 5, 11)) == 90  # counted from the oldest unpaid


def test_days_past_due_count_from_the_oldest_instalment_not_fully_paid() -> None:
    loan = repaid(a_loan(), INSTALMENT, FIRST_DUE)

    assert days_past_due(loan, date(2025, 3, 15)) == 5


def test_a_partly_paid_instalment_is_still_past_due() -> None:
    loan = repaid(a_loan(), INSTALMENT - 1, FIRST_DUE)

    assert days_past_due(loan, date(2025, 2, 20)) == 10


def test_a_late_payment_of_just_the_instalment_leaves_it_short_by_the_penalty() -> None:
    late = repaid(a_loan(), INSTALMENT, date(2025, 2, 20))  # the 1.180 penalty is paid first

    assert late.instalments[0].principal_due_idr == 1_180
    assert days_past_due(late, date(2025, 2, 21)) == 11
    topped_up = repaid(late, 1_180, date(2025, 2, 21))
    assert days_past_due(topped_up, date(2025, 2, 22)) == 0


def test_an_unpaid_penalty_alone_does_not_keep_a_loan_past_due() -> None:
    loan = repaid(a_loan(), INSTALMENT, FIRST_DUE)
    first = dataclasses.replace(loan.instalments[0], penalty_charged_idr=500)
    with_penalty = dataclasses.replace(loan, instalments=(first, *loan.instalments[1:]))

    assert with_penalty.outstanding_penalty_idr == 500
    assert days_past_due(with_penalty, date(2025, 3, 1)) == 0


def test_a_loan_not_yet_disbursed_or_repaid_is_never_past_due() -> None:
    assert days_past_due(a_loan(LoanStatus.APPROVED), date(2026, 1, 1)) == 0
    assert days_past_due(a_loan(LoanStatus.REPAID), date(2026, 1, 1)) == 0


# --- kolektibilitas -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("dpd", "grade"),
    [
        (0, Collectibility.LANCAR),
        (30, Collectibility.LANCAR),
        (31, Collectibility.KURANG_LANCAR),
        (90, Collectibility.KURANG_LANCAR),
        (91, Collectibility.DIRAGUKAN),
        (180, Collectibility.DIRAGUKAN),
        (181, Collectibility.MACET),
        (10_000, Collectibility.MACET),
    ],
)
def test_the_default_grades_follow_cooperative_practice(dpd: int, grade: Collectibility) -> None:
    assert collectibility(dpd) is grade


def test_a_cooperative_may_set_its_own_thresholds() -> None:
    strict = CollectibilityPolicy(
        lancar_max_days=0, kurang_lancar_max_days=60, diragukan_max_days=120
    )

    assert collectibility(1, strict) is Collectibility.KURANG_LANCAR
    assert collectibility(121, strict) is Collectibility.MACET
    assert CollectibilityPolicy() == DEFAULT_COLLECTIBILITY_POLICY


@pytest.mark.parametrize(("lancar", "kl", "d"), [(30, 30, 180), (90, 60, 180), (-1, 90, 180)])
def test_thresholds_must_rise(lancar: int, kl: int, d: int) -> None:
    with pytest.raises(ValueError, match="increasing"):
        CollectibilityPolicy(
            lancar_max_days=lancar, kurang_lancar_max_days=kl, diragukan_max_days=d
        )


def test_negative_days_past_due_is_a_programming_error() -> None:
    with pytest.raises(ValueError, match="negative"):
        collectibility(-1)


# --- restructuring --------------------------------------------------------------------


def test_restructuring_reschedules_the_outstanding_principal_and_carries_what_fell_due() -> None:
    loan = repaid(a_loan(), INSTALMENT, FIRST_DUE)  # instalments 2 and 3 then fall due unpaid
    (event,) = restructure_loan(loan, a_restructuring())

    assert isinstance(event, LoanRestructured)
    assert event.outstanding_principal_idr == 1_100_000
    assert event.carried_interest_idr == 2 * 18_000
    assert sum(i.principal_idr for i in event.schedule) == 1_100_000
    assert event.schedule[0].interest_idr == 11_000 + 36_000
    assert [i.interest_idr for i in event.schedule[1:]] == [11_000] * 9
    after = fold(loan, [event])
    assert after.restructured is True
    assert (after.outstanding_principal_idr, after.term_months) == (1_100_000, 10)
    assert after.principal_idr - after.principal_paid_idr == after.outstanding_principal_idr
    assert days_past_due(after, date(2025, 5, 2)) == 0


def test_unpaid_penalty_stays_owed_after_restructuring() -> None:
    loan = repaid(a_loan(), 1_000, date(2025, 3, 15))  # charges 2.360 + 1.180, pays 1.000 of it
    (event,) = restructure_loan(loan, a_restructuring())

    assert isinstance(event, LoanRestructured)
    assert event.carried_penalty_idr == 2_540
    assert fold(loan, [event]).outstanding_penalty_idr == 2_540


def test_a_restructured_loan_stays_flagged_after_it_is_repaid() -> None:
    loan = fold(a_loan(), restructure_loan(a_loan(), a_restructuring()))
    events = receive_repayment(loan, a_repayment(loan.outstanding_idr, date(2025, 5, 2)))
    after = fold(loan, events)

    assert (after.status, after.restructured) == (LoanStatus.REPAID, True)


@pytest.mark.parametrize("status", [LoanStatus.APPROVED, LoanStatus.REPAID, LoanStatus.WRITTEN_OFF])
def test_only_an_active_loan_is_restructured(status: LoanStatus) -> None:
    refused(LoanNotActive, restructure_loan, a_loan(status), a_restructuring())


def test_the_new_schedule_falls_due_after_the_restructuring() -> None:
    refused(
        DateOutOfOrder, restructure_loan, a_loan(), a_restructuring(first_due_date=RESTRUCTURED_ON)
    )


def test_restructuring_cannot_precede_the_disbursement() -> None:
    refused(
        DateOutOfOrder,
        restructure_loan,
        a_loan(),
        a_restructuring(restructured_on=date(2025, 1, 9), first_due_date=date(2025, 2, 1)),
    )


def test_the_new_term_is_within_the_limits() -> None:
    refused(TermOutOfRange, restructure_loan, a_loan(), a_restructuring(new_term_months=0))


def test_a_restructuring_gives_its_reason() -> None:
    refused(RequiredFieldMissing, restructure_loan, a_loan(), a_restructuring(reason=""))
