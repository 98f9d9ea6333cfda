"""From a member's facts of the fiscal year to the two SHU bases (handbook §5.3).

The facts come from the read model (``reporting.adapters.shu.bases``); the choices are the
policy's. Every measure is integer rupiah, rounded down where it divides:

- ``year_end_balance``: the balance of the chosen simpanan at the fiscal year end.
- ``average_monthly_balance``: the sum of the twelve month-end balances // 12.
- ``months_prorated``: the year-end balance * months active // 12, where a month
  counts when the member was admitted (or suspended) at its last day.

An exited member (when the policy includes them) whose simpanan were refunded has
no year-end balance: choose ``average_monthly_balance`` to credit the months
their capital was with the cooperative.

Only proportions matter to the split, so rounding a basis down moves no more
than a fraction of a rupiah of basis. A balance or a net amount below zero (a
void this year of a sale from an earlier year) counts as 0.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from datetime import date
from typing import assert_never

from reporting.domain.shu.allocation import GrossSplit, MemberBasis
from reporting.domain.shu.fiscal import FiscalPeriod
from reporting.domain.shu.policy import ShuPolicy
from reporting.domain.shu.values import CapitalMeasure, TransactionKind

__all__ = [
    "ACTIVE_STATUSES",
    "BusinessTotals",
    "CooperativeProfile",
    "MemberFacts",
    "ShuFacts",
    "capital_basis",
    "gross_split",
    "is_eligible",
    "member_bases",
    "transaction_basis",
]

ACTIVE_STATUSES = frozenset({"admitted", "suspended"})  # suspended members keep their rights to SHU
EXITED = "exited"


@dataclasses.dataclass(frozen=True, kw_only=True)
class CooperativeProfile:
    """What the read model knows of a cooperative that the SHU engine uses."""

    coop_type: str | None  # savings_and_loan, multi_purpose, consumer, producer, marketing
    time_zone: str | None  # WIB, WITA, WIT
    fiscal_year_start_month: int  # 1 (January) unless the read model says otherwise


@dataclasses.dataclass(frozen=True, kw_only=True)
class MemberFacts:
    member_id: str
    member_no: str | None
    status: str  # at the fiscal year end
    status_since: date
    month_end_balances_idr: tuple[int, ...]  # the policy's simpanan types, 12 month ends
    months_active: int
    member_purchases_idr: int
    produce_sold_idr: int
    loan_interest_paid_idr: int


@dataclasses.dataclass(frozen=True, kw_only=True)
class BusinessTotals:
    """The cooperative's gross business in the fiscal year, for the member-sourced share."""

    member_sales_idr: int  # shop sales to members, net of voids
    all_sales_idr: int  # every shop sale, net of voids
    produce_idr: int  # produce bought from members
    loan_interest_idr: int  # interest members paid on loans


def is_eligible(facts: MemberFacts, period: FiscalPeriod, *, include_exited: bool) -> bool:
    """Members at year end; those who left during the year only if the policy says so."""
    if facts.status in ACTIVE_STATUSES:
        return True
    return (include_exited and facts.status == EXITED
            and facts.status_since >= period.start)


def capital_basis(measure: CapitalMeasure, month_end_balances: Sequence[int],
                  months_active: int) -> int:
    balances = [max(balance, 0) for balance in month_end_balances]
    year_end = balances[-1] if balances else 0
    match measure:
        case CapitalMeasure.YEAR_END_BALANCE:
            return year_end
        case CapitalMeasure.AVERAGE_MONTHLY_BALANCE:
            return sum(balances) // 12
        case CapitalMeasure.MONTHS_PRORATED:
            return year_end * min(max(months_active, 0), 12) // 12
        case _:
            assert_never(measure)


def transaction_basis(kinds: Sequence[TransactionKind], facts: MemberFacts) -> int:
    amounts = {
        TransactionKind.MEMBER_PURCHASES: facts.member_purchases_idr,
        TransactionKind.PRODUCE_SOLD: facts.produce_sold_idr,
        TransactionKind.LOAN_INTEREST_PAID: facts.loan_interest_paid_idr,
    }
    return sum(max(amounts[kind], 0) for kind in kinds)


def member_bases(policy: ShuPolicy, period: FiscalPeriod, facts: Sequence[MemberFacts]
                 ) -> list[MemberBasis]:
    return [
        MemberBasis(
            member_id=f.member_id, member_no=f.member_no,
            capital_idr=capital_basis(policy.capital_measure, f.month_end_balances_idr,
                                      f.months_active),
            transaction_idr=transaction_basis(policy.transaction_basis, f))
        for f in facts if is_eligible(f, period, include_exited=policy.include_exited_members)
    ]


def gross_split(totals: BusinessTotals) -> GrossSplit:
    """Member gross = member sales + produce + loan interest; total = all sales + the same.

    Produce is only ever bought from members and loans are only made to members,
    so both count wholly as business with members.
    """
    member_sales = max(totals.member_sales_idr, 0)
    all_sales = max(totals.all_sales_idr, member_sales)
    both = max(totals.produce_idr, 0) + max(totals.loan_interest_idr, 0)
    return GrossSplit(member_gross_idr=member_sales + both, total_gross_idr=all_sales + both)


@dataclasses.dataclass(frozen=True, kw_only=True)
class ShuFacts:
    """Everything the read model knows that a calculation needs, for one fiscal year."""

    period: FiscalPeriod
    members: tuple[MemberFacts, ...]
    totals: BusinessTotals
