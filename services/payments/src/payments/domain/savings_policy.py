"""A cooperative's savings policy: the simpanan pokok amount, the monthly wajib, its due day,
and which loan instalments a produce payout deducts.

Set per cooperative by its pengurus (``POST .../savings-policy``). Until one is set the
documented default applies: pokok Rp 50.000, wajib Rp 10.000 due on the 10th, the
amounts of a 2025 Koperasi Desa Merah Putih (handbook §1.2). The due day stops at 28
so every month has it. A payout deducts the instalments due by the receipt's date
unless the cooperative chooses this month's too (``InstalmentHorizon``).
"""

from __future__ import annotations

import dataclasses
from datetime import date

from gotong_platform.domain import DomainEvent
from payments.domain.dates import period_start
from payments.domain.errors import InvalidPeriod, InvalidSavingsPolicy
from payments.domain.payouts import InstalmentHorizon

__all__ = [
    "DEFAULT_SAVINGS_POLICY",
    "SavingsPolicy",
    "SavingsPolicySet",
    "set_savings_policy",
    "wajib_due_date",
]


@dataclasses.dataclass(frozen=True, kw_only=True)
class SavingsPolicy:
    """What the cooperative asks of its members' simpanan, and what a payout deducts."""

    pokok_idr: int
    wajib_idr: int
    wajib_due_day: int
    payout_instalments: InstalmentHorizon = InstalmentHorizon.DUE_BY_RECEIPT_DATE


DEFAULT_SAVINGS_POLICY = SavingsPolicy(pokok_idr=50_000, wajib_idr=10_000, wajib_due_day=10)


@dataclasses.dataclass(frozen=True, kw_only=True)
class SavingsPolicySet(DomainEvent):
    """The pengurus set the cooperative's savings policy (not published: internal setup)."""

    event_type = "SavingsPolicySet"
    schema_version = 1

    cooperative_id: str
    pokok_idr: int
    wajib_idr: int
    wajib_due_day: int
    set_on: date
    set_by: str
    # Added later in schema version 1: events stored before it read as the default.
    payout_instalments: InstalmentHorizon = InstalmentHorizon.DUE_BY_RECEIPT_DATE


def set_savings_policy(
    policy: SavingsPolicy, *, cooperative_id: str, set_on: date, set_by: str
) -> SavingsPolicySet:
    """Decide a new policy: amounts of at least Rp 1, a due day every month has."""
    if policy.pokok_idr <= 0 or policy.wajib_idr <= 0:
        raise InvalidSavingsPolicy("Simpanan pokok and wajib must each be at least Rp 1.")
    if not 1 <= policy.wajib_due_day <= 28:
        raise InvalidSavingsPolicy("Simpanan wajib falls due on a day from 1 to 28.")
    return SavingsPolicySet(
        cooperative_id=cooperative_id, pokok_idr=policy.pokok_idr, wajib_idr=policy.wajib_idr,
        wajib_due_day=policy.wajib_due_day, set_on=set_on, set_by=set_by,
        payout_instalments=policy.payout_instalments,
    )


def wajib_due_date(period: str, policy: SavingsPolicy) -> date:
    """The day ``period``'s (YYYY-MM) wajib falls due under ``policy``."""
    start = period_start(period)
    if start is None:
        raise InvalidPeriod(f"The period must be written YYYY-MM; it is {period!r}.")
    return start.replace(day=policy.wajib_due_day)
