"""Where a loan repayment goes: penalty, then interest, then principal, oldest instalment first.

Instalment by instalment, oldest first; within one instalment penalty (denda) is paid
first, then interest (jasa), then principal (pokok pinjaman). This is Fineract's
default "penalties, fees, interest, principal order" strategy; it keeps an instalment
that was paid in full *paid*, so days past due never grow while the borrower pays
what is due. What is left after every instalment is the excess (overpayment).

The penalty is simple (handbook §3.3 ``penalty_rule``, verify the rule with the
cooperatives): when a repayment arrives, each instalment past its due date is charged
``round_half_up(overdue * penalty_bp * months / 10000)`` for the months of delay that
have *started* since it was last charged (one day late is one month). Months already
charged are never charged again.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from datetime import date

from gotong_platform.money import BP_PER_UNIT, round_half_up_div
from payments.domain.dates import months_started_since
from payments.domain.loan_events import InstalmentAllocation
from payments.domain.schedule import Instalment

__all__ = ["InstalmentPosition", "PenaltyCharge", "allocate", "penalty_charges", "positions_of"]


@dataclasses.dataclass(frozen=True, kw_only=True)
class InstalmentPosition:
    """A scheduled instalment and what has been charged and paid on it."""

    n: int
    due_date: date
    principal_idr: int
    interest_idr: int
    principal_paid_idr: int = 0
    interest_paid_idr: int = 0
    penalty_charged_idr: int = 0
    penalty_paid_idr: int = 0
    penalty_months_charged: int = 0

    @property
    def principal_due_idr(self) -> int:
        return self.principal_idr - self.principal_paid_idr

    @property
    def interest_due_idr(self) -> int:
        return self.interest_idr - self.interest_paid_idr

    @property
    def penalty_due_idr(self) -> int:
        return self.penalty_charged_idr - self.penalty_paid_idr

    @property
    def overdue_basis_idr(self) -> int:
        """Scheduled principal and interest still unpaid: what counts for days past due."""
        return self.principal_due_idr + self.interest_due_idr

    def charged(self, penalty_idr: int, months_overdue: int) -> InstalmentPosition:
        return dataclasses.replace(
            self,
            penalty_charged_idr=self.penalty_charged_idr + penalty_idr,
            penalty_months_charged=months_overdue,
        )

    def paid(self, allocation: InstalmentAllocation) -> InstalmentPosition:
        return dataclasses.replace(
            self,
            penalty_paid_idr=self.penalty_paid_idr + allocation.penalty_idr,
            interest_paid_idr=self.interest_paid_idr + allocation.interest_idr,
            principal_paid_idr=self.principal_paid_idr + allocation.principal_idr,
        )


@dataclasses.dataclass(frozen=True, kw_only=True)
class PenaltyCharge:
    n: int
    overdue_idr: int
    months_overdue: int
    penalty_idr: int


def positions_of(schedule: Sequence[Instalment]) -> tuple[InstalmentPosition, ...]:
    """Fresh positions (nothing paid) for a schedule."""
    return tuple(
        InstalmentPosition(
            n=i.n, due_date=i.due_date, principal_idr=i.principal_idr, interest_idr=i.interest_idr
        )
        for i in schedule
    )


def penalty_charges(
    positions: Sequence[InstalmentPosition], penalty_bp_per_month: int, on: date
) -> list[PenaltyCharge]:
    """The penalties to charge when a repayment arrives ``on`` (only amounts above 0)."""
    charges: list[PenaltyCharge] = []
    for position in positions:
        months = months_started_since(position.due_date, on)
        new_months = months - position.penalty_months_charged
        overdue = position.overdue_basis_idr
        if new_months <= 0 or overdue == 0:
            continue
        penalty = round_half_up_div(overdue * penalty_bp_per_month * new_months, BP_PER_UNIT)
        if penalty > 0:
            charges.append(
                PenaltyCharge(
                    n=position.n, overdue_idr=overdue, months_overdue=months, penalty_idr=penalty
                )
            )
    return charges


def allocate(
    positions: Sequence[InstalmentPosition], amount_idr: int
) -> tuple[tuple[InstalmentAllocation, ...], int]:
    """Split ``amount_idr`` over the instalments; returns the allocations and the excess."""
    left = amount_idr
    allocations: list[InstalmentAllocation] = []
    for position in positions:
        parts = []
        for due in (
            position.penalty_due_idr,
            position.interest_due_idr,
            position.principal_due_idr,
        ):
            part = min(due, left)
            parts.append(part)
            left -= part
        if any(parts):
            penalty, interest, principal = parts
            allocations.append(
                InstalmentAllocation(
                    n=position.n,
                    penalty_idr=penalty,
                    interest_idr=interest,
                    principal_idr=principal,
                )
            )
        if left == 0:
            break
    return tuple(allocations), left
