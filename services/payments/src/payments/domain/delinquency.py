"""Days past due and kolektibilitas: how late a loan is, and how the cooperative grades it.

The four grades are those of koperasi loan-quality assessment (handbook §1.2, health
assessment: problem loans are kurang lancar + diragukan + macet).
"""

from __future__ import annotations

import dataclasses
from datetime import date
from enum import StrEnum

from payments.domain.loan_state import Loan

__all__ = [
    "DEFAULT_COLLECTIBILITY_POLICY",
    "Collectibility",
    "CollectibilityPolicy",
    "collectibility",
    "days_past_due",
]


class Collectibility(StrEnum):
    """Kolektibilitas: the grade of a loan by its days past due."""

    LANCAR = "lancar"  # current
    KURANG_LANCAR = "kurang_lancar"  # substandard
    DIRAGUKAN = "diragukan"  # doubtful
    MACET = "macet"  # loss


@dataclasses.dataclass(frozen=True, kw_only=True)
class CollectibilityPolicy:
    """The last day past due of each grade; anything later is macet.

    Defaults (verify: Indonesian cooperative practice as commonly applied, not a
    citation; a cooperative's own policy or a later regulation may differ):
    lancar 0-30 days, kurang lancar 31-90, diragukan 91-180, macet above 180.
    """

    lancar_max_days: int = 30
    kurang_lancar_max_days: int = 90
    diragukan_max_days: int = 180

    def __post_init__(self) -> None:
        if not 0 <= self.lancar_max_days < self.kurang_lancar_max_days < self.diragukan_max_days:
            raise ValueError("collectibility thresholds must be >= 0 and strictly increasing")


DEFAULT_COLLECTIBILITY_POLICY = CollectibilityPolicy()


def collectibility(
    days_past_due: int, policy: CollectibilityPolicy = DEFAULT_COLLECTIBILITY_POLICY
) -> Collectibility:
    """The grade for ``days_past_due`` days (never negative)."""
    if days_past_due < 0:
        raise ValueError("days past due cannot be negative")
    if days_past_due <= policy.lancar_max_days:
        return Collectibility.LANCAR
    if days_past_due <= policy.kurang_lancar_max_days:
        return Collectibility.KURANG_LANCAR
    if days_past_due <= policy.diragukan_max_days:
        return Collectibility.DIRAGUKAN
    return Collectibility.MACET


def days_past_due(loan: Loan, business_date: date) -> int:
    """Days since the due date of the oldest instalment not fully paid; 0 if none is late.

    "Fully paid" means its principal and interest; an unpaid penalty does not keep a
    loan past due. A loan not yet disbursed has no instalments, so 0.
    """
    for instalment in loan.instalments:
        if instalment.overdue_basis_idr > 0:
            return max(0, (business_date - instalment.due_date).days)
    return 0
