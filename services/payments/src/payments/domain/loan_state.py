"""The state of one loan and how its events change it.

``instalments`` holds the schedule in force (the disbursed one, or the latest
restructuring) with what was charged and paid on each instalment; the cumulative
``*_paid_idr`` totals span the whole life of the loan.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable
from datetime import date
from typing import assert_never

from gotong_platform.domain import replay
from payments.domain.errors import EventSequenceError
from payments.domain.loan_events import (
    LoanApplicationSubmitted,
    LoanApproved,
    LoanClosed,
    LoanDisbursed,
    LoanEvent,
    LoanOverpaid,
    LoanPenaltyCharged,
    LoanRejected,
    LoanRepaid,
    LoanRepaymentReceived,
    LoanRestructured,
    LoanWrittenOff,
)
from payments.domain.repayment import InstalmentPosition, positions_of
from payments.domain.values import InterestMethod, LoanStatus

__all__ = ["Loan", "evolve_loan", "fold_loan", "replay_loan"]


@dataclasses.dataclass(frozen=True, kw_only=True)
class Loan:
    """The current state of one loan. ``instalments`` is the schedule in force."""

    loan_id: str
    cooperative_id: str
    member_id: str
    borrower_is_member: bool
    status: LoanStatus
    status_since: date
    principal_idr: int
    term_months: int
    interest_rate_bp_per_month: int
    method: InterestMethod
    penalty_bp_per_month: int
    first_due_date: date
    applied_on: date
    recorded_by: str
    approved_by: str | None = None
    approved_on: date | None = None
    disbursed_by: str | None = None
    disbursed_on: date | None = None
    instalments: tuple[InstalmentPosition, ...] = ()
    principal_paid_idr: int = 0
    interest_paid_idr: int = 0
    penalty_paid_idr: int = 0
    overpaid_idr: int = 0  # excess received, for staff to resolve
    restructured: bool = False  # for good: PAR counts restructured loans

    @property
    def outstanding_principal_idr(self) -> int:
        return sum(i.principal_due_idr for i in self.instalments)

    @property
    def outstanding_interest_idr(self) -> int:
        return sum(i.interest_due_idr for i in self.instalments)

    @property
    def outstanding_penalty_idr(self) -> int:
        """Penalty charged and not yet paid (penalty is charged when repayments arrive)."""
        return sum(i.penalty_due_idr for i in self.instalments)

    @property
    def outstanding_idr(self) -> int:
        return (
            self.outstanding_principal_idr
            + self.outstanding_interest_idr
            + self.outstanding_penalty_idr
        )


def fold_loan(loan: Loan, events: Iterable[LoanEvent]) -> Loan:
    """``loan`` after ``events`` (a decider uses it to look at the effect of its own events)."""
    for event in events:
        loan = evolve_loan(loan, event)
    return loan


def evolve_loan(state: Loan | None, event: LoanEvent) -> Loan:
    """The state after ``event``. Events are facts: nothing is checked but the stream order."""
    if isinstance(event, LoanApplicationSubmitted):
        if state is not None:
            raise EventSequenceError("LoanApplicationSubmitted in an existing stream")
        return _submitted(event)
    if state is None:
        raise EventSequenceError(f"{event.event_type} before LoanApplicationSubmitted")
    match event:
        case LoanApproved():
            approved = dataclasses.replace(
                state, approved_by=event.approved_by, approved_on=event.approved_on
            )
            return _moved(approved, LoanStatus.APPROVED, event.approved_on)
        case LoanRejected():
            return _moved(state, LoanStatus.REJECTED, event.rejected_on)
        case LoanDisbursed():
            disbursed = dataclasses.replace(
                state,
                disbursed_by=event.disbursed_by,
                disbursed_on=event.disbursed_on,
                instalments=positions_of(event.schedule),
            )
            return _moved(disbursed, LoanStatus.ACTIVE, event.disbursed_on)
        case LoanPenaltyCharged():
            return _with_instalment(
                state,
                event.instalment_n,
                lambda i: i.charged(event.penalty_idr, event.months_overdue),
            )
        case LoanRepaymentReceived():
            return _repaid_part(state, event)
        case LoanOverpaid():
            return dataclasses.replace(state, overpaid_idr=state.overpaid_idr + event.excess_idr)
        case LoanRepaid():
            return _moved(state, LoanStatus.REPAID, event.repaid_on)
        case LoanRestructured():
            return _restructured(state, event)
        case LoanWrittenOff():
            return _moved(state, LoanStatus.WRITTEN_OFF, event.written_off_on)
        case LoanClosed():
            return _moved(state, LoanStatus.CLOSED, event.closed_on)
        case _:
            assert_never(event)


def replay_loan(events: Iterable[LoanEvent]) -> Loan | None:
    """Fold a stream into its state; ``None`` for an empty stream."""
    return replay(evolve_loan, events)


def _submitted(event: LoanApplicationSubmitted) -> Loan:
    return Loan(
        loan_id=event.loan_id,
        cooperative_id=event.cooperative_id,
        member_id=event.member_id,
        borrower_is_member=event.borrower_is_member,
        status=LoanStatus.APPLIED,
        status_since=event.applied_on,
        principal_idr=event.principal_idr,
        term_months=event.term_months,
        interest_rate_bp_per_month=event.interest_rate_bp_per_month,
        method=event.method,
        penalty_bp_per_month=event.penalty_bp_per_month,
        first_due_date=event.first_due_date,
        applied_on=event.applied_on,
        recorded_by=event.recorded_by,
    )


def _moved(state: Loan, status: LoanStatus, since: date) -> Loan:
    return dataclasses.replace(state, status=status, status_since=since)


def _with_instalment(
    state: Loan, n: int, change: Callable[[InstalmentPosition], InstalmentPosition]
) -> Loan:
    instalments = tuple(change(i) if i.n == n else i for i in state.instalments)
    return dataclasses.replace(state, instalments=instalments)


def _repaid_part(state: Loan, event: LoanRepaymentReceived) -> Loan:
    by_n = {a.n: a for a in event.allocations}
    instalments = tuple(i.paid(by_n[i.n]) if i.n in by_n else i for i in state.instalments)
    return dataclasses.replace(
        state,
        instalments=instalments,
        principal_paid_idr=state.principal_paid_idr + event.principal_idr,
        interest_paid_idr=state.interest_paid_idr + event.interest_idr,
        penalty_paid_idr=state.penalty_paid_idr + event.penalty_idr,
    )


def _restructured(state: Loan, event: LoanRestructured) -> Loan:
    instalments = positions_of(event.schedule)
    first = dataclasses.replace(instalments[0], penalty_charged_idr=event.carried_penalty_idr)
    return dataclasses.replace(
        state,
        instalments=(first, *instalments[1:]),
        term_months=event.term_months,
        interest_rate_bp_per_month=event.interest_rate_bp_per_month,
        first_due_date=event.schedule[0].due_date,
        restructured=True,
    )
