"""The demo's calendar: every date of the demo federation, relative to the day it is seeded.

The demo shows the last three months up to that day, so the dashboard opens on a month
with data whenever `make run` is run (a demo fixed to September-November 2026 opened on an
empty December). Pure: the same `today` always gives the same dates, so the seeding's
request bodies (hashed with their Idempotency-Keys) are the same on every run that uses
the same day; `make run` keeps the day of the first seeding in `.stack/demo-today`.

- `until`: the last day with money and goods: `today` itself. The dashboard shows the
  running month as of today and compares it with the same days of the month before; a
  demo whose facts stopped yesterday would show every running month a day short (on the
  2nd, half of the month before's same days). Facts of today carry morning times in the
  cooperative's zone, which a run early in the morning sends a few hours ahead (the sync
  endpoints accept a device clock up to 12 hours ahead); no business date is in the
  future;
- `months`: the month of `until` and the two before it (the last one runs to `until`);
- `money_from`: the first day of the first of them;
- `prices_from`: a week before that: every price takes effect before any fact;
- `horizon`: the last day a member's status changes (applications, admissions,
  suspensions, exits), a month into the three months, as in the demo's first calendar;
- `applications_from`: when the first applications come in, 21 months before that;
- the loans of May to August of the first calendar: `loans_from` to `loans_until`.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta

__all__ = ["EARLIEST_TODAY", "DemoDates", "add_months", "month_of"]

# Every demo cooperative joined the federation by 2025-08-18; from this day on its members
# have been admitted long enough before the loans (60 days) for every cooperative's data.
EARLIEST_TODAY = date(2026, 11, 28)
PRICES_LEAD = timedelta(days=7)
HORIZON_AFTER_START = timedelta(days=29)
APPLICATIONS_BEFORE_HORIZON = timedelta(days=632)
LOANS_FROM_BEFORE_START = timedelta(days=120)
LOANS_UNTIL_BEFORE_START = timedelta(days=18)


def add_months(day: date, months: int) -> date:
    """`day` moved by whole months; a missing day becomes the month's last (payments' rule)."""
    index = day.year * 12 + (day.month - 1) + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last))


def month_of(day: date) -> str:
    return f"{day:%Y-%m}"


@dataclass(frozen=True)
class DemoDates:
    """The demo's dates for a seeding on `today` (see the module docstring)."""

    today: date

    @classmethod
    def of(cls, today: date) -> DemoDates:
        if today < EARLIEST_TODAY:
            raise ValueError(f"the demo data needs a clock on or after "
                             f"{EARLIEST_TODAY.isoformat()}; today is {today.isoformat()}")
        return cls(today)

    @property
    def until(self) -> date:
        return self.today

    @property
    def money_from(self) -> date:
        return add_months(self.until.replace(day=1), -2)

    @property
    def months(self) -> tuple[str, str, str]:
        first = self.money_from
        return (month_of(first), month_of(add_months(first, 1)), month_of(add_months(first, 2)))

    @property
    def prices_from(self) -> date:
        return self.money_from - PRICES_LEAD

    @property
    def horizon(self) -> date:
        return self.money_from + HORIZON_AFTER_START

    @property
    def applications_from(self) -> date:
        return self.horizon - APPLICATIONS_BEFORE_HORIZON

    @property
    def loans_from(self) -> date:
        return self.money_from - LOANS_FROM_BEFORE_START

    @property
    def loans_until(self) -> date:
        return self.money_from - LOANS_UNTIL_BEFORE_START

    def month_start(self, index: int) -> date:
        """The first day of `months[index]`."""
        return add_months(self.money_from, index)
