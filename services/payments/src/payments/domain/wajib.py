"""Simpanan wajib bills and how deposits settle them: oldest bill first (FIFO).

Who owes a period's wajib: a member owes it when she was a member on its due date,
so her first bill is the first period whose due date falls on or after the day she
was admitted (``owes_wajib``). Admitted on or before the due day, she owes that
month; admitted after it, her first bill is the next month's. No period before that
is ever billed to her, so her arrears never include one. (Wajib is a member's
monthly contribution while a member, handbook §1.2; a pro-rated first month is a
policy some cooperatives choose, not the default here.)

Deposits are taken in business-date order (recording order within a day), so a deposit
recorded offline and synced late still settles the bills it was meant for. A bill is
*paid on time* when the deposits that complete it are all dated on or before its due
date: the figure behind the wajib compliance KPI. Money paid beyond the bills billed so
far is an advance that settles the next bills when they are billed.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from datetime import date

__all__ = ["BillStatus", "WajibBill", "WajibDeposit", "owes_wajib", "settle_bills"]


def owes_wajib(admitted_on: date, due_date: date) -> bool:
    """Whether a member admitted on ``admitted_on`` owes the wajib falling due on ``due_date``.

    She owes it when she was already a member on the due date (admitted that day counts).
    """
    return admitted_on <= due_date


@dataclasses.dataclass(frozen=True, kw_only=True)
class WajibBill:
    period: str  # YYYY-MM
    amount_idr: int
    due_date: date


@dataclasses.dataclass(frozen=True, kw_only=True)
class WajibDeposit:
    business_date: date
    amount_idr: int


@dataclasses.dataclass(frozen=True, kw_only=True)
class BillStatus:
    """A bill and how far deposits have settled it."""

    period: str
    amount_idr: int
    due_date: date
    paid_idr: int
    settled_on: date | None  # business date of the deposit that completed it

    @property
    def unpaid_idr(self) -> int:
        return self.amount_idr - self.paid_idr

    @property
    def paid_on_time(self) -> bool:
        return self.settled_on is not None and self.settled_on <= self.due_date


def settle_bills(bills: Sequence[WajibBill], deposits: Sequence[WajibDeposit]) -> list[BillStatus]:
    """Every bill (oldest period first) with what the deposits paid of it."""
    pool = sorted(deposits, key=lambda d: d.business_date)  # stable: same day keeps its order
    position, left_in_deposit = 0, pool[0].amount_idr if pool else 0
    statuses: list[BillStatus] = []
    for bill in sorted(bills, key=lambda b: b.period):
        paid, settled_on = 0, None
        while paid < bill.amount_idr and position < len(pool):
            taken = min(bill.amount_idr - paid, left_in_deposit)
            paid += taken
            left_in_deposit -= taken
            if paid == bill.amount_idr:
                settled_on = pool[position].business_date
            if left_in_deposit == 0:
                position += 1
                left_in_deposit = pool[position].amount_idr if position < len(pool) else 0
        statuses.append(
            BillStatus(
                period=bill.period,
                amount_idr=bill.amount_idr,
                due_date=bill.due_date,
                paid_idr=paid,
                settled_on=settled_on,
            )
        )
    return statuses
