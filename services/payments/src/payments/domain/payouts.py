"""A member's produce payout after deductions (loan instalment, simpanan wajib, advance).

When the cooperative buys a member's harvest, it may withhold what the member owes
before paying out (handbook §2 row 9). Deductions apply in the order given, each
capped so the net paid never goes below zero: a later deduction may get less than
asked, or nothing. Always ``sum(applied) + net_paid == gross``. The application turns
each applied deduction into a repayment or deposit with channel ``produce_deduction``.

Which of a loan's instalments and wajib bills a payout takes is the cooperative's
choice (``InstalmentHorizon``). By default only what is due on the receipt's business
date: the overdue ones and any due that very day (with the penalty a repayment that day
charges). Taking an instalment or a wajib bill weeks before it falls due surprises a
member, so "this month's too" is an option a cooperative sets, not the rule.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from datetime import date, timedelta
from enum import StrEnum

from gotong_platform.domain import DomainEvent
from payments.domain import checks
from payments.domain.dates import add_months
from payments.domain.loan_state import Loan
from payments.domain.repayment import penalty_charges
from payments.domain.savings import SavingsAccount
from payments.domain.values import DeductionType

__all__ = [
    "AppliedDeduction",
    "DeductionRequest",
    "InstalmentHorizon",
    "PayoutPlan",
    "ProducePayoutMade",
    "instalments_due",
    "plan_payout",
    "wajib_due",
]


class InstalmentHorizon(StrEnum):
    """Which loan instalments and wajib bills a produce payout deducts: a cooperative's
    policy."""

    DUE_BY_RECEIPT_DATE = "due_by_receipt_date"  # overdue, and due on the receipt's day
    DUE_THIS_MONTH = "due_this_month"  # also those due later in the receipt's month


def _last_day(day: date, horizon: InstalmentHorizon) -> date:
    """The last due date a payout on ``day`` takes under ``horizon``."""
    if horizon is InstalmentHorizon.DUE_THIS_MONTH:
        return add_months(day.replace(day=1), 1) - timedelta(days=1)
    return day


def wajib_due(account: SavingsAccount, day: date, horizon: InstalmentHorizon) -> int:
    """What a payout on ``day`` takes for the wajib account: the unpaid part of every bill
    due by ``day`` (or by the end of ``day``'s month, under ``DUE_THIS_MONTH``)."""
    last = _last_day(day, horizon)
    return sum(s.unpaid_idr for s in account.bill_statuses if s.due_date <= last)


def instalments_due(loan: Loan, day: date, horizon: InstalmentHorizon) -> int:
    """What a payout on ``day`` takes for ``loan``: the unpaid principal, interest and
    penalty of every instalment due by ``day`` (or by the end of ``day``'s month, under
    ``DUE_THIS_MONTH``), plus the penalty a repayment on ``day`` would charge first."""
    last = _last_day(day, horizon)
    owed = sum(i.principal_due_idr + i.interest_due_idr + i.penalty_due_idr
               for i in loan.instalments if i.due_date <= last)
    charged = penalty_charges(loan.instalments, loan.penalty_bp_per_month, day)
    return owed + sum(c.penalty_idr for c in charged)


@dataclasses.dataclass(frozen=True, kw_only=True)
class DeductionRequest:
    deduction_type: DeductionType
    ref: str  # the loan, savings account or advance it pays
    amount_idr: int


@dataclasses.dataclass(frozen=True, kw_only=True)
class AppliedDeduction:
    """A requested deduction and what of it the payout could cover (possibly 0)."""

    deduction_type: DeductionType
    ref: str
    requested_idr: int
    applied_idr: int

    @property
    def shortfall_idr(self) -> int:
        return self.requested_idr - self.applied_idr


@dataclasses.dataclass(frozen=True, kw_only=True)
class PayoutPlan:
    gross_idr: int
    deductions_applied: tuple[AppliedDeduction, ...]  # every request, in order
    net_paid_idr: int

    @property
    def deducted_idr(self) -> int:
        return sum(d.applied_idr for d in self.deductions_applied)


def plan_payout(gross_idr: int, deductions_requested: Sequence[DeductionRequest]) -> PayoutPlan:
    """Apply the deductions in order to ``gross_idr``; what is left is paid to the member."""
    left = checks.positive_amount(gross_idr, what="The gross payout")
    applied: list[AppliedDeduction] = []
    for request in deductions_requested:
        checks.positive_amount(request.amount_idr, what=f"The {request.deduction_type} deduction")
        taken = min(request.amount_idr, left)
        left -= taken
        applied.append(
            AppliedDeduction(
                deduction_type=request.deduction_type,
                ref=request.ref,
                requested_idr=request.amount_idr,
                applied_idr=taken,
            )
        )
    return PayoutPlan(gross_idr=gross_idr, deductions_applied=tuple(applied), net_paid_idr=left)


@dataclasses.dataclass(frozen=True, kw_only=True)
class ProducePayoutMade(DomainEvent):
    """A member was paid for produce, after deductions: ``net + sum(applied) == gross``.

    A payout decides over several savings accounts and loans, so it is no one
    aggregate's event: it gets its own stream, ``payout-<receipt_id>``, created at
    version 0 once, so a second delivery of the receipt finds it taken and does nothing.
    """

    event_type = "ProducePayoutMade"
    schema_version = 1

    cooperative_id: str
    payout_id: str
    receipt_id: str
    member_id: str
    gross_idr: int
    deductions: tuple[AppliedDeduction, ...]
    net_paid_idr: int
    business_date: date
    # What was delivered, from the receipt, so the member's statement can say what the
    # payout paid for (None in payouts recorded before they were kept).
    product_id: str | None = None
    net_qty_g: int | None = None
    grade: str | None = None
