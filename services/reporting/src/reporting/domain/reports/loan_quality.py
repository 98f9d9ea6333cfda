"""Loan portfolio quality at a period end: outstanding, days past due, PAR30, arrears,
kolektibilitas. Pure functions over one loan's facts.

- Outstanding principal = principal disbursed - principal repaid - principal written
  off. The gross loan portfolio (GLP) sums it over loans disbursed, not written off and
  not closed at the period end.
- Repayments are allocated to the schedule in force (the disbursement's, or the latest
  restructuring's, which then counts only repayments made after it) oldest instalment
  first; within an instalment interest first, then principal, as the payments service
  allocates them (penalties are paid on top and never keep an instalment late).
- Days past due (DPD) = days from the due date of the oldest instalment whose
  principal + interest is not fully covered to the period end; 0 when none is past due.
  An instalment due on the period end itself is not yet past due.
- PAR30 (standard, handbook §4.4): the WHOLE outstanding principal of loans with an
  instalment more than 30 days past due, plus restructured loans, over GLP.
- Arrears rate (Fineract parType 1 style, labelled "arrears", not PAR): the overdue
  principal (unpaid principal of instalments past due) over GLP.
- Kolektibilitas by DPD, thresholds in ``COLLECTIBILITY`` (verify with the
  cooperatives and the Ministry's current rule).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator, Sequence
from datetime import date

__all__ = [
    "COLLECTIBILITY",
    "PAR_DAYS",
    "Instalment",
    "LoanAtPeriodEnd",
    "LoanQuality",
    "assess",
    "collectibility",
    "days_past_due",
    "overdue_principal",
]

PAR_DAYS = 30
# (class, lowest DPD, highest DPD or None) (verify): lancar 0-30, kurang lancar 31-90,
# diragukan 91-180, macet above 180, as the payments service grades loans.
COLLECTIBILITY: tuple[tuple[str, int, int | None], ...] = (
    ("lancar", 0, 30),
    ("kurang_lancar", 31, 90),
    ("diragukan", 91, 180),
    ("macet", 181, None),
)


@dataclasses.dataclass(frozen=True, slots=True)
class Instalment:
    number: int
    due_date: date
    principal_idr: int
    interest_idr: int


@dataclasses.dataclass(frozen=True, slots=True)
class LoanAtPeriodEnd:
    """One loan's facts known at the period end."""

    loan_id: str
    cooperative_id: str
    principal_idr: int
    principal_repaid_idr: int  # all repayments
    schedule: tuple[Instalment, ...]  # the schedule in force
    paid_on_schedule_idr: int  # principal + interest repaid since that schedule took effect
    restructured: bool


@dataclasses.dataclass(frozen=True, slots=True)
class LoanQuality:
    outstanding_idr: int
    days_past_due: int
    overdue_principal_idr: int
    at_risk: bool  # counts in PAR30
    collectibility: str


def _unpaid(schedule: Sequence[Instalment], paid_idr: int
            ) -> Iterator[tuple[Instalment, int, int]]:
    """Each instalment, oldest first, with its unpaid interest and unpaid principal."""
    left = paid_idr
    for i in sorted(schedule, key=lambda i: (i.due_date, i.number)):
        interest = min(left, i.interest_idr)
        left -= interest
        principal = min(left, i.principal_idr)
        left -= principal
        yield i, i.interest_idr - interest, i.principal_idr - principal


def days_past_due(schedule: Sequence[Instalment], paid_idr: int, as_of: date) -> int:
    for i, interest, principal in _unpaid(schedule, paid_idr):
        if interest + principal > 0:
            return max(0, (as_of - i.due_date).days)
    return 0


def overdue_principal(schedule: Sequence[Instalment], paid_idr: int, as_of: date) -> int:
    return sum(principal for i, _, principal in _unpaid(schedule, paid_idr)
               if i.due_date < as_of)


def collectibility(dpd: int) -> str:
    if dpd < 0:
        raise ValueError("days past due cannot be negative")
    for name, _, highest in COLLECTIBILITY:
        if highest is None or dpd <= highest:
            return name
    raise AssertionError("unreachable: the last class is open-ended")


def assess(loan: LoanAtPeriodEnd, as_of: date) -> LoanQuality:
    dpd = days_past_due(loan.schedule, loan.paid_on_schedule_idr, as_of)
    outstanding = loan.principal_idr - loan.principal_repaid_idr
    overdue = min(outstanding,
                  overdue_principal(loan.schedule, loan.paid_on_schedule_idr, as_of))
    return LoanQuality(outstanding_idr=outstanding, days_past_due=dpd,
                       overdue_principal_idr=max(overdue, 0),
                       at_risk=dpd > PAR_DAYS or loan.restructured,
                       collectibility=collectibility(dpd))
