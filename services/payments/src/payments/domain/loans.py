"""A micro-loan (pinjaman) to a member, as a decider.

Lifecycle (REJECTED, CLOSED and WRITTEN_OFF are final)::

    apply        approve         disburse       last rupiah paid     close
    ────▶ APPLIED ──────▶ APPROVED ──────▶ ACTIVE ─────────────▶ REPAID ─────▶ CLOSED
             │ reject                        │ ▲ restructure
             ▼                               │ └─┘
          REJECTED                           └──── write off ────▶ WRITTEN_OFF

Four eyes (handbook §2 row 19): the approver is not the clerk who recorded the
application, and whoever writes a loan off is not who disbursed it. A closed-loop
cooperative lends to its admitted members only (UU P2SK, handbook §1.2). Repayments
are facts when recorded offline: cash a collector took for a loan that has since been
closed is accepted as an overpayment for staff to resolve (handbook §6.5).

What a loan can owe stays below Rp 10^12, the platform's limit of one fact, so that
one repayment can always settle it: the principal and its scheduled interest are
refused beyond it (at application and restructuring), and penalties stop accruing
at it.
"""

from __future__ import annotations

import dataclasses
from datetime import date

from gotong_platform.domain import DomainError
from gotong_platform.money import MAX_AMOUNT_IDR
from payments.domain import checks
from payments.domain.commands import (
    ApplyForLoan,
    ApproveLoan,
    CloseLoan,
    DisburseLoan,
    ReceiveRepayment,
    RejectLoan,
    RestructureLoan,
    WriteOffLoan,
)
from payments.domain.errors import (
    DateOutOfOrder,
    EventSequenceError,
    LendingToNonMemberRefused,
    LoanAlreadyClosed,
    LoanAlreadyExists,
    LoanNotActive,
    LoanNotApproved,
    LoanNotFound,
    LoanNotFullyRepaid,
    LoanNotPendingApproval,
    LoanTotalTooLarge,
    MakerCheckerViolation,
    RateOutOfRange,
    RepaymentToClosedLoanRefused,
    TermOutOfRange,
)
from payments.domain.loan_events import (
    InstalmentAllocation,
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
from payments.domain.loan_state import Loan, fold_loan
from payments.domain.repayment import PenaltyCharge, allocate, penalty_charges
from payments.domain.schedule import DEFAULT_LOAN_LIMITS, Instalment, LoanLimits, build_schedule
from payments.domain.values import LoanStatus

__all__ = [
    "apply_for_loan",
    "approve_loan",
    "close_loan",
    "disburse_loan",
    "receive_repayment",
    "reject_loan",
    "restructure_loan",
    "write_off_loan",
]

_SETTLED = (LoanStatus.REPAID, LoanStatus.CLOSED, LoanStatus.WRITTEN_OFF)


# --- deciders: application to disbursement --------------------------------------------


def apply_for_loan(
    state: Loan | None,
    command: ApplyForLoan,
    *,
    loan_id: str,
    cooperative_id: str,
    borrower_is_member: bool,
    cooperative_is_closed_loop: bool,
    limits: LoanLimits = DEFAULT_LOAN_LIMITS,
) -> list[LoanEvent]:
    """Record a loan application.

    ``borrower_is_member`` (an admitted member) and ``cooperative_is_closed_loop`` come
    from the members service; a closed-loop cooperative refuses non-members.
    """
    if state is not None:
        raise LoanAlreadyExists("A loan application is already recorded under this id.")
    principal = checks.positive_amount(command.principal_idr, what="The loan principal")
    _check_terms(
        command.term_months,
        command.interest_rate_bp_per_month,
        command.penalty_bp_per_month,
        limits,
    )
    _below_loan_limit(build_schedule(principal, command.term_months,
                                     command.interest_rate_bp_per_month, command.method,
                                     command.first_due_date))
    recorded_by = checks.required_text(command.recorded_by, what="Who recorded the application")
    _due_after(command.first_due_date, command.applied_on, step="the application")
    if cooperative_is_closed_loop and not borrower_is_member:
        raise LendingToNonMemberRefused(
            "This cooperative lends to its admitted members only (closed loop)."
        )
    return [
        LoanApplicationSubmitted(
            cooperative_id=cooperative_id,
            loan_id=loan_id,
            member_id=command.member_id,
            borrower_is_member=borrower_is_member,
            principal_idr=principal,
            term_months=command.term_months,
            interest_rate_bp_per_month=command.interest_rate_bp_per_month,
            method=command.method,
            penalty_bp_per_month=command.penalty_bp_per_month,
            first_due_date=command.first_due_date,
            applied_on=command.applied_on,
            recorded_by=recorded_by,
            purpose=(command.purpose or "").strip() or None,
        )
    ]


def approve_loan(state: Loan | None, command: ApproveLoan) -> list[LoanEvent]:
    """Approve a pending application; the approver is not the clerk who recorded it."""
    loan = _existing(state)
    approved_by = checks.required_text(command.approved_by, what="Who approved the loan")
    _require(loan, LoanStatus.APPLIED, LoanNotPendingApproval, "approved")
    if approved_by == loan.recorded_by:
        raise MakerCheckerViolation(
            "The loan must be approved by someone other than the clerk who recorded it."
        )
    checks.not_before(
        command.approved_on,
        loan.applied_on,
        what="The approval date",
        earlier_step="the application",
    )
    return [LoanApproved(**_ids(loan), approved_by=approved_by, approved_on=command.approved_on)]


def reject_loan(state: Loan | None, command: RejectLoan) -> list[LoanEvent]:
    """Refuse a pending application, giving the reason."""
    loan = _existing(state)
    rejected_by = checks.required_text(command.rejected_by, what="Who rejected the loan")
    reason = checks.required_text(command.reason, what="The reason for rejection")
    _require(loan, LoanStatus.APPLIED, LoanNotPendingApproval, "rejected")
    checks.not_before(
        command.rejected_on,
        loan.applied_on,
        what="The rejection date",
        earlier_step="the application",
    )
    return [
        LoanRejected(
            **_ids(loan), rejected_by=rejected_by, rejected_on=command.rejected_on, reason=reason
        )
    ]


def disburse_loan(state: Loan | None, command: DisburseLoan) -> list[LoanEvent]:
    """Pay out an approved loan; the event carries the full schedule."""
    loan = _existing(state)
    disbursed_by = checks.required_text(command.disbursed_by, what="Who disbursed the loan")
    _require(loan, LoanStatus.APPROVED, LoanNotApproved, "disbursed")
    checks.not_before(
        command.disbursed_on,
        loan.status_since,
        what="The disbursement date",
        earlier_step="the approval",
    )
    _due_after(loan.first_due_date, command.disbursed_on, step="the disbursement")
    schedule = build_schedule(
        loan.principal_idr,
        loan.term_months,
        loan.interest_rate_bp_per_month,
        loan.method,
        loan.first_due_date,
    )
    return [
        LoanDisbursed(
            **_ids(loan),
            principal_idr=loan.principal_idr,
            disbursed_by=disbursed_by,
            disbursed_on=command.disbursed_on,
            schedule=schedule,
        )
    ]


# --- deciders: repayment and after ----------------------------------------------------


def receive_repayment(state: Loan | None, command: ReceiveRepayment) -> list[LoanEvent]:
    """Record money received: charge penalties due, then allocate; close when all is paid.

    Online, a repayment to a repaid, closed or written-off loan is refused; recorded
    offline it is accepted whole as an overpayment (``LoanOverpaid.after_closure``).
    """
    loan = _existing(state)
    amount = checks.positive_amount(command.amount_idr, what="The repayment")
    if loan.status in _SETTLED:
        if not command.recorded_offline:
            raise RepaymentToClosedLoanRefused(f"Nothing is owed on this loan: {_now(loan)}.")
        return _received(loan, command, amount, charges=[], allocations=(), excess=amount)
    _require(loan, LoanStatus.ACTIVE, LoanNotActive, "repaid")
    _not_before_disbursement(loan, command.paid_on, what="The repayment date")
    charges = [
        LoanPenaltyCharged(
            **_ids(loan),
            instalment_n=c.n,
            overdue_idr=c.overdue_idr,
            months_overdue=c.months_overdue,
            penalty_idr=c.penalty_idr,
            charged_on=command.paid_on,
        )
        for c in _capped(
            penalty_charges(loan.instalments, loan.penalty_bp_per_month, command.paid_on),
            room_idr=MAX_AMOUNT_IDR - loan.outstanding_idr,
        )
    ]
    charged = fold_loan(loan, charges)
    allocations, excess = allocate(charged.instalments, amount)
    return _received(loan, command, amount, charges=charges, allocations=allocations, excess=excess)


def _received(
    loan: Loan,
    command: ReceiveRepayment,
    amount: int,
    *,
    charges: list[LoanPenaltyCharged],
    allocations: tuple[InstalmentAllocation, ...],
    excess: int,
) -> list[LoanEvent]:
    received = LoanRepaymentReceived(
        **_ids(loan),
        amount_idr=amount,
        paid_on=command.paid_on,
        channel=command.channel,
        recorded_offline=command.recorded_offline,
        reference=(command.reference or "").strip() or None,
        penalty_idr=sum(a.penalty_idr for a in allocations),
        interest_idr=sum(a.interest_idr for a in allocations),
        principal_idr=sum(a.principal_idr for a in allocations),
        excess_idr=excess,
        allocations=allocations,
    )
    events: list[LoanEvent] = [*charges, received]
    if excess > 0:
        after_closure = loan.status in _SETTLED
        events.append(
            LoanOverpaid(
                **_ids(loan),
                excess_idr=excess,
                paid_on=command.paid_on,
                after_closure=after_closure,
            )
        )
    if loan.status is LoanStatus.ACTIVE and fold_loan(loan, events).outstanding_idr == 0:
        events.append(LoanRepaid(**_ids(loan), repaid_on=command.paid_on))
    return events


def restructure_loan(
    state: Loan | None, command: RestructureLoan, *, limits: LoanLimits = DEFAULT_LOAN_LIMITS
) -> list[LoanEvent]:
    """Reschedule the outstanding principal on new terms; the loan stays flagged restructured."""
    loan = _existing(state)
    _check_terms(command.new_term_months, command.new_interest_rate_bp_per_month, 0, limits)
    approved_by = checks.required_text(command.approved_by, what="Who approved the restructuring")
    reason = checks.required_text(command.reason, what="The reason for restructuring")
    _require(loan, LoanStatus.ACTIVE, LoanNotActive, "restructured")
    _not_before_disbursement(loan, command.restructured_on, what="The restructuring date")
    _due_after(command.first_due_date, command.restructured_on, step="the restructuring")
    outstanding = loan.outstanding_principal_idr
    if outstanding == 0:  # all principal paid: only interest or penalty is left to collect
        raise LoanNotActive(
            "No principal is outstanding on this loan; there is nothing to reschedule."
        )
    carried_interest = sum(
        i.interest_due_idr for i in loan.instalments if i.due_date <= command.restructured_on
    )
    schedule = build_schedule(
        outstanding,
        command.new_term_months,
        command.new_interest_rate_bp_per_month,
        loan.method,
        command.first_due_date,
    )
    first = dataclasses.replace(
        schedule[0], interest_idr=schedule[0].interest_idr + carried_interest
    )
    _below_loan_limit((first, *schedule[1:]), penalty_idr=loan.outstanding_penalty_idr)
    return [
        LoanRestructured(
            **_ids(loan),
            restructured_on=command.restructured_on,
            term_months=command.new_term_months,
            interest_rate_bp_per_month=command.new_interest_rate_bp_per_month,
            outstanding_principal_idr=outstanding,
            carried_interest_idr=carried_interest,
            carried_penalty_idr=loan.outstanding_penalty_idr,
            schedule=(first, *schedule[1:]),
            approved_by=approved_by,
            reason=reason,
        )
    ]


def write_off_loan(state: Loan | None, command: WriteOffLoan) -> list[LoanEvent]:
    """Write the loan off (hapus buku); not by the person who disbursed it."""
    loan = _existing(state)
    written_off_by = checks.required_text(command.written_off_by, what="Who wrote the loan off")
    reason = checks.required_text(command.reason, what="The reason for the write-off")
    _require(loan, LoanStatus.ACTIVE, LoanNotActive, "written off")
    if written_off_by == loan.disbursed_by:
        raise MakerCheckerViolation(
            "The write-off must be approved by someone other than who disbursed the loan."
        )
    _not_before_disbursement(loan, command.written_off_on, what="The write-off date")
    return [
        LoanWrittenOff(
            **_ids(loan),
            written_off_by=written_off_by,
            written_off_on=command.written_off_on,
            reason=reason,
            principal_idr=loan.outstanding_principal_idr,
            interest_idr=loan.outstanding_interest_idr,
            penalty_idr=loan.outstanding_penalty_idr,
        )
    ]


def close_loan(state: Loan | None, command: CloseLoan) -> list[LoanEvent]:
    """Close a loan with nothing outstanding."""
    loan = _existing(state)
    if loan.status in (LoanStatus.ACTIVE, LoanStatus.WRITTEN_OFF):
        raise LoanNotFullyRepaid(
            f"Rp {loan.outstanding_idr} is still outstanding on this loan; {_now(loan)}."
        )
    if loan.status is LoanStatus.CLOSED:
        raise LoanAlreadyClosed(f"This loan is already closed: {_now(loan)}.")
    _require(loan, LoanStatus.REPAID, LoanNotActive, "closed")
    checks.not_before(
        command.closed_on,
        loan.status_since,
        what="The closing date",
        earlier_step="the last repayment",
    )
    return [LoanClosed(**_ids(loan), closed_on=command.closed_on)]


# --- helpers --------------------------------------------------------------------------


def _existing(state: Loan | None) -> Loan:
    if state is None:
        raise LoanNotFound("No loan application is recorded under this id.")
    return state


def _ids(loan: Loan) -> dict[str, str]:
    return {
        "cooperative_id": loan.cooperative_id,
        "loan_id": loan.loan_id,
        "member_id": loan.member_id,
    }


def _require(loan: Loan, status: LoanStatus, error: type[DomainError], action: str) -> None:
    if loan.status is not status:
        raise error(f"Only a loan that is {status} can be {action}; {_now(loan)}.")


def _check_terms(term: int, rate_bp: int, penalty_bp: int, limits: LoanLimits) -> None:
    if not 1 <= term <= limits.max_term_months:
        raise TermOutOfRange(
            f"The term must be 1 to {limits.max_term_months} months; it is {term}."
        )
    if not 0 <= rate_bp <= limits.max_interest_rate_bp_per_month:
        raise RateOutOfRange(
            f"The interest rate must be 0 to {limits.max_interest_rate_bp_per_month} bp a month; "
            f"it is {rate_bp}."
        )
    if not 0 <= penalty_bp <= limits.max_penalty_bp_per_month:
        raise RateOutOfRange(
            f"The penalty rate must be 0 to {limits.max_penalty_bp_per_month} bp a month; "
            f"it is {penalty_bp}."
        )


def _below_loan_limit(schedule: tuple[Instalment, ...], *, penalty_idr: int = 0) -> None:
    """Refuse terms under which the loan would owe Rp 10^12 or more."""
    owed = penalty_idr + sum(i.principal_idr + i.interest_idr for i in schedule)
    if owed > MAX_AMOUNT_IDR:
        raise LoanTotalTooLarge(
            f"On these terms the loan would owe Rp {owed} (principal, interest and "
            f"penalty); no loan may owe more than Rp {MAX_AMOUNT_IDR}."
        )


def _capped(charges: list[PenaltyCharge], *, room_idr: int) -> list[PenaltyCharge]:
    """The charges, oldest instalment first, until the loan owes the limit: penalties
    stop accruing there (an instalment left out is charged once there is room)."""
    capped: list[PenaltyCharge] = []
    for charge in charges:
        penalty = min(charge.penalty_idr, room_idr)
        if penalty <= 0:
            break
        capped.append(dataclasses.replace(charge, penalty_idr=penalty))
        room_idr -= penalty
    return capped


def _due_after(first_due_date: date, day: date, *, step: str) -> None:
    if first_due_date <= day:
        raise DateOutOfOrder(
            f"The first due date ({first_due_date.isoformat()}) must be after {step} "
            f"({day.isoformat()})."
        )


def _not_before_disbursement(loan: Loan, day: date, *, what: str) -> None:
    if loan.disbursed_on is None:  # unreachable: an active loan was disbursed
        raise EventSequenceError("an active loan without a disbursement date")
    checks.not_before(day, loan.disbursed_on, what=what, earlier_step="the disbursement")


def _now(loan: Loan) -> str:
    """Where the loan stands, as the second half of a clerk's sentence."""
    return f"this loan has been {loan.status} since {loan.status_since.isoformat()}"
