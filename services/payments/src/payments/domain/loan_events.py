"""Events of a loan (pinjaman) stream: ``loan-<uuid>``.

Every event names the cooperative (the tenant), the loan and the borrower
(``member_id``). Money facts carry their own breakdown, so folding a stream never
recomputes a rounding: the schedule in ``LoanDisbursed`` / ``LoanRestructured``, the
penalty in ``LoanPenaltyCharged``, the allocation in ``LoanRepaymentReceived``.
"""

from __future__ import annotations

import dataclasses
from datetime import date

from gotong_platform.domain import DomainEvent
from payments.domain.schedule import Instalment
from payments.domain.values import InterestMethod, RepaymentChannel

__all__ = [
    "InstalmentAllocation",
    "LoanApplicationSubmitted",
    "LoanApproved",
    "LoanClosed",
    "LoanDisbursed",
    "LoanEvent",
    "LoanOverpaid",
    "LoanPenaltyCharged",
    "LoanRejected",
    "LoanRepaid",
    "LoanRepaymentReceived",
    "LoanRestructured",
    "LoanWrittenOff",
]


@dataclasses.dataclass(frozen=True, kw_only=True)
class InstalmentAllocation:
    """What one repayment paid of one instalment (``n`` of the schedule in force)."""

    n: int
    penalty_idr: int
    interest_idr: int
    principal_idr: int


@dataclasses.dataclass(frozen=True, kw_only=True)
class LoanApplicationSubmitted(DomainEvent):
    """A member applied for a loan; ``recorded_by`` is the clerk who entered it (the maker)."""

    event_type = "LoanApplicationSubmitted"
    schema_version = 1

    cooperative_id: str
    loan_id: str
    member_id: str
    borrower_is_member: bool  # False only in an open-loop cooperative (OJK-supervised)
    principal_idr: int
    term_months: int
    interest_rate_bp_per_month: int
    method: InterestMethod
    penalty_bp_per_month: int
    first_due_date: date
    applied_on: date
    recorded_by: str
    purpose: str | None


@dataclasses.dataclass(frozen=True, kw_only=True)
class LoanApproved(DomainEvent):
    event_type = "LoanApproved"
    schema_version = 1

    cooperative_id: str
    loan_id: str
    member_id: str
    approved_by: str
    approved_on: date


@dataclasses.dataclass(frozen=True, kw_only=True)
class LoanRejected(DomainEvent):
    event_type = "LoanRejected"
    schema_version = 1

    cooperative_id: str
    loan_id: str
    member_id: str
    rejected_by: str
    rejected_on: date
    reason: str


@dataclasses.dataclass(frozen=True, kw_only=True)
class LoanDisbursed(DomainEvent):
    """The principal was paid out; ``schedule`` is every instalment the borrower owes."""

    event_type = "LoanDisbursed"
    schema_version = 1

    cooperative_id: str
    loan_id: str
    member_id: str
    principal_idr: int
    disbursed_by: str
    disbursed_on: date
    schedule: tuple[Instalment, ...]


@dataclasses.dataclass(frozen=True, kw_only=True)
class LoanPenaltyCharged(DomainEvent):
    """Denda on an overdue instalment, charged when a repayment arrives.

    ``penalty_idr = round_half_up(overdue_idr * bp * new months / 10000)`` for the months
    of delay started since the last charge; ``months_overdue`` is the total so far.
    """

    event_type = "LoanPenaltyCharged"
    schema_version = 1

    cooperative_id: str
    loan_id: str
    member_id: str
    instalment_n: int
    overdue_idr: int
    months_overdue: int
    penalty_idr: int
    charged_on: date


@dataclasses.dataclass(frozen=True, kw_only=True)
class LoanRepaymentReceived(DomainEvent):
    """Money for the loan arrived. ``penalty + interest + principal + excess == amount``.

    ``allocations`` break the first three down by instalment (oldest first); ``excess_idr``
    is the part nothing was owed for (see ``LoanOverpaid``).
    """

    event_type = "LoanRepaymentReceived"
    schema_version = 1

    cooperative_id: str
    loan_id: str
    member_id: str
    amount_idr: int
    paid_on: date
    channel: RepaymentChannel
    recorded_offline: bool
    reference: str | None
    penalty_idr: int
    interest_idr: int
    principal_idr: int
    excess_idr: int
    allocations: tuple[InstalmentAllocation, ...]


@dataclasses.dataclass(frozen=True, kw_only=True)
class LoanOverpaid(DomainEvent):
    """More was paid than owed; staff must resolve it (refund or move it to sukarela).

    ``after_closure`` marks cash a collector took offline for a loan already repaid,
    closed or written off: accepted because the money already changed hands.
    """

    event_type = "LoanOverpaid"
    schema_version = 1

    cooperative_id: str
    loan_id: str
    member_id: str
    excess_idr: int
    paid_on: date
    after_closure: bool


@dataclasses.dataclass(frozen=True, kw_only=True)
class LoanRepaid(DomainEvent):
    """The last rupiah of principal, interest and penalty was paid."""

    event_type = "LoanRepaid"
    schema_version = 1

    cooperative_id: str
    loan_id: str
    member_id: str
    repaid_on: date


@dataclasses.dataclass(frozen=True, kw_only=True)
class LoanRestructured(DomainEvent):
    """The outstanding principal was rescheduled; the loan counts as restructured for good.

    Unpaid interest of instalments already due (``carried_interest_idr``) is added to the
    first new instalment's interest, and unpaid penalty (``carried_penalty_idr``) stays
    owed on it; interest of instalments not yet due is replaced by the new schedule's.
    """

    event_type = "LoanRestructured"
    schema_version = 1

    cooperative_id: str
    loan_id: str
    member_id: str
    restructured_on: date
    term_months: int
    interest_rate_bp_per_month: int
    outstanding_principal_idr: int
    carried_interest_idr: int
    carried_penalty_idr: int
    schedule: tuple[Instalment, ...]
    approved_by: str
    reason: str


@dataclasses.dataclass(frozen=True, kw_only=True)
class LoanWrittenOff(DomainEvent):
    """The loan was written off (hapus buku); the amounts are what was still owed."""

    event_type = "LoanWrittenOff"
    schema_version = 1

    cooperative_id: str
    loan_id: str
    member_id: str
    written_off_by: str
    written_off_on: date
    reason: str
    principal_idr: int
    interest_idr: int
    penalty_idr: int


@dataclasses.dataclass(frozen=True, kw_only=True)
class LoanClosed(DomainEvent):
    event_type = "LoanClosed"
    schema_version = 1

    cooperative_id: str
    loan_id: str
    member_id: str
    closed_on: date


LoanEvent = (
    LoanApplicationSubmitted
    | LoanApproved
    | LoanRejected
    | LoanDisbursed
    | LoanPenaltyCharged
    | LoanRepaymentReceived
    | LoanOverpaid
    | LoanRepaid
    | LoanRestructured
    | LoanWrittenOff
    | LoanClosed
)
