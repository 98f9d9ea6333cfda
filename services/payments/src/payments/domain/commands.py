"""Commands for savings accounts and loans: what a clerk (or a job) asks for.

Commands carry the form as typed; the deciders in ``savings`` and ``loans`` check it.
Stream ids and facts from other services (membership, the cooperative's settings)
are passed to the deciders separately.
"""

from __future__ import annotations

import dataclasses
from datetime import date

from payments.domain.values import DepositChannel, InterestMethod, RepaymentChannel, SavingsType

__all__ = [
    "ApplyForLoan",
    "ApproveLoan",
    "BillWajib",
    "CloseLoan",
    "DepositSavings",
    "DisburseLoan",
    "OpenSavingsAccount",
    "ReceiveRepayment",
    "RefundSavings",
    "RejectLoan",
    "RestructureLoan",
    "WithdrawSavings",
    "WriteOffLoan",
]

# --- savings (simpanan) ---------------------------------------------------------------


@dataclasses.dataclass(frozen=True, kw_only=True)
class OpenSavingsAccount:
    member_id: str
    savings_type: SavingsType
    opened_on: date


@dataclasses.dataclass(frozen=True, kw_only=True)
class DepositSavings:
    amount_idr: int
    channel: DepositChannel
    business_date: date
    reference: str | None = None
    recorded_offline: bool = False


@dataclasses.dataclass(frozen=True, kw_only=True)
class WithdrawSavings:
    amount_idr: int
    business_date: date


@dataclasses.dataclass(frozen=True, kw_only=True)
class BillWajib:
    period: str  # YYYY-MM
    amount_idr: int  # this member's monthly wajib (need not be equal across members)
    due_date: date
    billed_on: date | None = None  # the business date of the billing; None: the due date


@dataclasses.dataclass(frozen=True, kw_only=True)
class RefundSavings:
    amount_idr: int
    business_date: date
    reason: str
    requested_by: str  # the clerk who prepared the refund
    approved_by: str  # the pengurus who approved it: someone else


# --- loans (pinjaman) -----------------------------------------------------------------


@dataclasses.dataclass(frozen=True, kw_only=True)
class ApplyForLoan:
    member_id: str  # the borrower
    principal_idr: int
    term_months: int
    interest_rate_bp_per_month: int
    method: InterestMethod
    penalty_bp_per_month: int  # denda on overdue instalment amounts
    first_due_date: date
    applied_on: date
    recorded_by: str  # the clerk who recorded the application (the "maker")
    purpose: str | None = None

    @property
    def business_date(self) -> date:
        """The day the step happened (checked against the cooperative's today)."""
        return self.applied_on


@dataclasses.dataclass(frozen=True, kw_only=True)
class ApproveLoan:
    approved_by: str
    approved_on: date

    @property
    def business_date(self) -> date:
        """The day the step happened (checked against the cooperative's today)."""
        return self.approved_on


@dataclasses.dataclass(frozen=True, kw_only=True)
class RejectLoan:
    rejected_by: str
    rejected_on: date
    reason: str

    @property
    def business_date(self) -> date:
        """The day the step happened (checked against the cooperative's today)."""
        return self.rejected_on


@dataclasses.dataclass(frozen=True, kw_only=True)
class DisburseLoan:
    disbursed_by: str
    disbursed_on: date

    @property
    def business_date(self) -> date:
        """The day the step happened (checked against the cooperative's today)."""
        return self.disbursed_on


@dataclasses.dataclass(frozen=True, kw_only=True)
class ReceiveRepayment:
    amount_idr: int
    paid_on: date  # business date the cash changed hands
    channel: RepaymentChannel
    recorded_offline: bool = False
    reference: str | None = None

    @property
    def business_date(self) -> date:
        """The day the step happened (checked against the cooperative's today)."""
        return self.paid_on


@dataclasses.dataclass(frozen=True, kw_only=True)
class RestructureLoan:
    new_term_months: int
    new_interest_rate_bp_per_month: int
    first_due_date: date
    restructured_on: date
    approved_by: str
    reason: str

    @property
    def business_date(self) -> date:
        """The day the step happened (checked against the cooperative's today)."""
        return self.restructured_on


@dataclasses.dataclass(frozen=True, kw_only=True)
class WriteOffLoan:
    written_off_by: str
    written_off_on: date
    reason: str

    @property
    def business_date(self) -> date:
        """The day the step happened (checked against the cooperative's today)."""
        return self.written_off_on


@dataclasses.dataclass(frozen=True, kw_only=True)
class CloseLoan:
    closed_on: date

    @property
    def business_date(self) -> date:
        """The day the step happened (checked against the cooperative's today)."""
        return self.closed_on
