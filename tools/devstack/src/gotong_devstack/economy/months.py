"""The demo's months: the days of a month that facts reach, and a month's share by days."""

from __future__ import annotations

import calendar
from datetime import date

from gotong_devstack.economy.money import round_half_up_div


def month_days(month: str, last_day: date) -> tuple[date, date]:
    """The first and the last day of `month` (`YYYY-MM`) on which facts happen (the last
    before the first when the facts end before the month begins)."""
    year, number = (int(part) for part in month.split("-"))
    first = date(year, number, 1)
    last = date(year, number, calendar.monthrange(year, number)[1])
    return first, min(last, last_day)


def month_share(count: int, month: str, last_day: date) -> int:
    """A whole month's `count` for the days of `month` up to `last_day` (half up)."""
    first, last = month_days(month, last_day)
    if last < first:
        return 0
    length = calendar.monthrange(first.year, first.month)[1]
    return round_half_up_div(count * ((last - first).days + 1), length)
