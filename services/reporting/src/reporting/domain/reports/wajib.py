"""Simpanan wajib compliance: which bills were paid by their due date.

A member's wajib deposits pay her bills first in, first out (oldest due date first,
then period): bill k is paid on time when the deposits with a business date on or
before its due date add up to at least every bill up to and including k. A deposit
made before any bill (paying ahead) therefore counts for the next bills, and a member
in arrears pays the old bill before the new one. Exit refunds and withdrawals do not
un-pay a bill that was paid.
"""

from __future__ import annotations

import bisect
import itertools
from collections.abc import Sequence
from datetime import date

__all__ = ["paid_on_time"]


def paid_on_time(bills: Sequence[tuple[date, str, int]],
                 deposits: Sequence[tuple[date, int]]) -> list[tuple[date, str, bool]]:
    """``bills`` as (due date, period, amount); ``deposits`` as (business date, amount).

    Returns each bill's (due date, period, paid by its due date), oldest first.
    """
    ordered = sorted(bills)
    days = sorted(deposits)
    dates = [d for d, _ in days]
    running = list(itertools.accumulate(amount for _, amount in days))
    result = []
    owed = 0
    for due, period, amount in ordered:
        owed += amount
        n = bisect.bisect_right(dates, due)
        paid = running[n - 1] if n else 0
        result.append((due, period, paid >= owed))
    return result
