"""The report period: a month of business dates, "as of" a day, "as known at" a moment.

- ``month`` (``YYYY-MM``) groups facts by ``business_date``, which already is the
  cooperative's own local date.
- ``as_of`` is the business-date cut-off: flows count from the 1st to ``as_of``,
  balances are taken at the end of ``as_of``. By default it is the month's last day, or
  today if the month is still running (an instalment due on the 20th is not overdue on
  the 7th); ``as_of_basis`` says which (``requested``, ``today`` or ``month_end``).
- ``known_at`` is the recorded-time cut-off (default: now): only facts the server had
  stored by then count, so a late upload changes "known now" but never "known then".

Indonesia keeps no daylight saving, so each time zone is a fixed offset.
"""

from __future__ import annotations

import dataclasses
import functools
import re
from datetime import UTC, date, datetime, time, timedelta
from typing import Literal

from gotong_platform.calendar import TimeZone, zone_of

__all__ = ["GROUP_TIME_ZONE", "AsOfBasis", "InvalidPeriod", "Period", "iso", "month_start_at"]

# A region or the federation spans time zones: its "today" is the latest one, WIT
# (UTC+9, the easternmost), so no cooperative's business date of today lies after it.
GROUP_TIME_ZONE = TimeZone.WIT

_MONTH = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")
AsOfBasis = Literal["requested", "today", "month_end"]


class InvalidPeriod(ValueError):
    """A report period a client asked for that cannot exist (answered with 422)."""


def _next_month(day: date) -> date:
    return date(day.year + day.month // 12, day.month % 12 + 1, 1)


def month_start_at(day: date, time_zone: str | None) -> datetime:
    """Midnight at the start of ``day``'s month in the cooperative's time zone."""
    return datetime.combine(day.replace(day=1), time(0), zone_of(time_zone).tzinfo)


@functools.lru_cache(maxsize=1024)
def _month_end_at(start: date, time_zone: str | None) -> datetime:
    # A report asks it of every cooperative, a few times: the answers are a handful of
    # instants (one per zone and month), so they are made once.
    return month_start_at(_next_month(start), time_zone).astimezone(UTC)


@dataclasses.dataclass(frozen=True, slots=True)
class Period:
    month: str
    start: date
    end: date  # the month's last day
    as_of: date
    known_at: datetime
    as_of_basis: AsOfBasis = "month_end"

    @classmethod
    def of(cls, month: str, as_of: date | None = None, known_at: datetime | None = None,
           *, now: datetime, today: date | None = None) -> Period:
        """The period ``month`` cut off at ``as_of`` (default: the month's last day, or
        ``today`` while the month runs) and ``known_at`` (default: ``now``)."""
        match = _MONTH.match(month)
        if match is None:
            raise InvalidPeriod(f"month must be YYYY-MM, not {month!r}")
        year, number = int(match[1]), int(match[2])
        if not 1900 <= year <= 9998:
            raise InvalidPeriod("month must lie between 1900-01 and 9998-12")
        start = date(year, number, 1)
        end = _next_month(start) - timedelta(days=1)
        if as_of is not None and not start <= as_of <= end:
            raise InvalidPeriod(f"as_of must lie within {month}")
        if known_at is not None and known_at.tzinfo is None:
            raise InvalidPeriod("known_at needs a time zone (e.g. Z or +08:00)")
        try:
            known = (known_at or now).astimezone(UTC)
        except OverflowError as exc:  # e.g. 0001-01-01T00:00+05:00 is before year 1 in UTC
            raise InvalidPeriod("known_at is out of range") from exc
        if as_of is not None:
            return cls(month, start, end, as_of, known, "requested")
        if today is not None and start <= today < end:
            return cls(month, start, end, today, known, "today")
        return cls(month, start, end, end, known, "month_end")

    @property
    def is_whole_month(self) -> bool:
        return self.as_of == self.end

    def previous(self) -> Period:
        """The month before, cut off the same way: at its end when this period runs to
        the end of its month, else on the same day (or its last day, if shorter)."""
        end = self.start - timedelta(days=1)
        start = end.replace(day=1)
        as_of = end if self.is_whole_month else min(end, start.replace(
            day=min(self.as_of.day, end.day)))
        return Period(f"{start:%Y-%m}", start, end, as_of, self.known_at, self.as_of_basis)

    def month_end_at(self, time_zone: str | None) -> datetime:
        """When the month ended for a cooperative: the 1st of the next month, 00:00 local."""
        return _month_end_at(self.start, time_zone)

    def as_dict(self) -> dict[str, str]:
        return {"month": self.month, "start": self.start.isoformat(),
                "end": self.end.isoformat(), "as_of": self.as_of.isoformat(),
                "as_of_basis": self.as_of_basis, "known_at": iso(self.known_at)}


def iso(moment: datetime) -> str:
    """A UTC timestamp as ``...Z`` (one spelling, so outputs compare byte for byte)."""
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")
