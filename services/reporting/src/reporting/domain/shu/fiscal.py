"""The fiscal year (tahun buku) of a cooperative and its twelve month ends."""

from __future__ import annotations

import dataclasses
from datetime import date, timedelta

from reporting.domain.shu.errors import InvalidFiscalYear

__all__ = ["FiscalPeriod", "fiscal_period"]

FIRST_YEAR = 1990
LAST_YEAR = 2200


@dataclasses.dataclass(frozen=True, kw_only=True)
class FiscalPeriod:
    """Fiscal year ``fiscal_year``: from ``start`` to ``end``, both included.

    A fiscal year is named after the calendar year in which it starts: with a
    July start, fiscal year 2025 runs from 2025-07-01 to 2026-06-30.
    """

    fiscal_year: int
    start: date
    end: date

    def month_ends(self) -> tuple[date, ...]:
        """The last day of each of the twelve months, in order; the last is ``end``."""
        ends: list[date] = []
        year, month = self.start.year, self.start.month
        for _ in range(12):
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)
            ends.append(date(year, month, 1) - timedelta(days=1))
        return tuple(ends)

    def contains(self, day: date) -> bool:
        return self.start <= day <= self.end


def fiscal_period(fiscal_year: int, start_month: int = 1) -> FiscalPeriod:
    if not FIRST_YEAR <= fiscal_year <= LAST_YEAR:
        raise InvalidFiscalYear(
            f"The fiscal year must lie between {FIRST_YEAR} and {LAST_YEAR}; got {fiscal_year}.")
    if not 1 <= start_month <= 12:
        raise InvalidFiscalYear(f"A fiscal year starts in a month 1..12; got {start_month}.")
    start = date(fiscal_year, start_month, 1)
    next_start = date(fiscal_year + 1, start_month, 1)
    return FiscalPeriod(fiscal_year=fiscal_year, start=start, end=next_start - timedelta(days=1))
