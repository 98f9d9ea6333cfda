"""A member's produce payout after deductions (loan instalment, simpanan wajib, advance).

When the cooperative buys a member's harvest, it may withhold what the member owes
before paying out (handbook §2 row 9). Deductions apply in the order given, each
capped so the net paid never goes below zero: a later deduction may get less than
asked, or nothing. Always ``sum(applied) + net_paid == gross``. The application turns
each applied deduction into a repayment or deposit with channel ``produce_deduction``.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

from payments.domain import checks
from payments.domain.values import DeductionType

__all__ = ["AppliedDeduction", "DeductionRequest", "PayoutPlan", "plan_payout"]


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
