"""Calendar arithmetic the payments domain needs: months, periods, overdue months."""

from __future__ import annotations

import calendar
import re
from datetime import date

__all__ = ["add_months", "months_started_since", "period_start"]

# ASCII digits: ``\d`` would take other scripts' digits too.
_PERIOD = re.compile(r"([0-9]{4})-(0[1-9]|1[0-2])")


def add_months(day: date, months: int) -> date:
    """``day`` moved by ``months`` calendar months; a missing day becomes the month's last.

    Jan 31 + 1 month is Feb 28 (29 in a leap year). Always count from the same
    starting day: Jan 31 + 2 months is Mar 31, not Feb 28 + 1 month.
    """
    index = day.year * 12 + (day.month - 1) + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last))


def months_started_since(due: date, on: date) -> int:
    """How many months of delay have started between ``due`` and ``on`` (0 when not late).

    One day late is one month; exactly one month late is still one; one month and a
    day is two. Months are calendar months counted from the due date.
    """
    if on <= due:
        return 0
    whole = (on.year - due.year) * 12 + (on.month - due.month)
    while add_months(due, whole) > on:
        whole -= 1
    return whole if add_months(due, whole) == on else whole + 1


def period_start(period: str) -> date | None:
    """The first day of a ``YYYY-MM`` period, or ``None`` when it is not one (year 0000
    has no calendar date: it was a 500 before)."""
    match = _PERIOD.fullmatch(period)
    if match is None or int(match.group(1)) < date.min.year:
        return None
    return date(int(match.group(1)), int(match.group(2)), 1)
