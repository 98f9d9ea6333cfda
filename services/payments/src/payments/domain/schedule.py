"""A loan's repayment schedule: monthly instalments of principal and interest, in rupiah.

Both methods repay the principal in equal parts, ``principal // term`` each month,
and the **last instalment absorbs the remainder**, so the principal parts add up to
the principal exactly. They differ in the interest (jasa):

- ``flat``: every month ``round_half_up(principal * rate_bp / 10000)`` on the
  *original* principal, the usual koperasi "bunga flat" quote.
- ``declining_balance``: every month ``round_half_up(outstanding * rate_bp / 10000)``
  on the principal still outstanding before that instalment. This is the
  *equal-principal* variant (instalments shrink over time), chosen over the annuity
  (equal instalments) because it needs no fractional power and every rupiah of it
  can be explained to a member on paper.

Each instalment's interest is rounded on its own and the loan's interest is the sum
of the instalments' interest: no rupiah is created or lost between the two.
Due dates fall monthly from ``first_due_date``, on the same day of the month; a
month without that day uses its last day (first due Jan 31 → Feb 28 → Mar 31).
"""

from __future__ import annotations

import dataclasses
from datetime import date

from gotong_platform.money import apply_bp
from payments.domain.dates import add_months
from payments.domain.values import InterestMethod

__all__ = ["DEFAULT_LOAN_LIMITS", "Instalment", "LoanLimits", "build_schedule"]


@dataclasses.dataclass(frozen=True, kw_only=True)
class Instalment:
    """One scheduled instalment (angsuran); ``n`` counts from 1."""

    n: int
    due_date: date
    principal_idr: int
    interest_idr: int


@dataclasses.dataclass(frozen=True, kw_only=True)
class LoanLimits:
    """Bounds on the terms a clerk may enter: guards against typos, not the product rules.

    Defaults (verify with the cooperatives): micro-loans run at most 60 months, and no
    rate above 10 % a month (1000 bp) is plausible; a higher figure is most likely a
    misplaced digit.
    """

    max_term_months: int = 60
    max_interest_rate_bp_per_month: int = 1000
    max_penalty_bp_per_month: int = 1000


DEFAULT_LOAN_LIMITS = LoanLimits()


def build_schedule(
    principal_idr: int,
    term_months: int,
    rate_bp_per_month: int,
    method: InterestMethod,
    first_due_date: date,
) -> tuple[Instalment, ...]:
    """The instalments of a loan of ``principal_idr`` over ``term_months`` months.

    The deciders check the terms first; impossible terms here are a programming error
    (``ValueError``).
    """
    if principal_idr <= 0 or term_months < 1 or rate_bp_per_month < 0:
        raise ValueError("a schedule needs a positive principal and term and a rate >= 0")
    base, remainder = divmod(principal_idr, term_months)
    instalments: list[Instalment] = []
    outstanding = principal_idr
    for n in range(1, term_months + 1):
        principal = base + (remainder if n == term_months else 0)
        interest_basis = principal_idr if method is InterestMethod.FLAT else outstanding
        instalments.append(
            Instalment(
                n=n,
                due_date=add_months(first_due_date, n - 1),
                principal_idr=principal,
                interest_idr=apply_bp(interest_basis, rate_bp_per_month),
            )
        )
        outstanding -= principal
    return tuple(instalments)
