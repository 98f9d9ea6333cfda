"""The business calendar: one clock for the platform, and "today" in a cooperative's zone.

Every service reads the time of day through a ``Clock`` built in its composition root:
``SystemClock`` in production, ``FixedClock`` in tests, which set the instant they need
(the 1st of a month, 29 February, just after midnight in WIT) instead of inheriting the
day they happen to run on. The clock decides ``occurred_at`` defaults, ``recorded_at``,
the business date of a command and the "today" every date is checked against, so a
test that fixes it sees one consistent moment everywhere.

A cooperative keeps its business date in its own zone: WIB (UTC+7), WITA (UTC+8) or WIT
(UTC+9). Indonesia keeps no daylight saving, so each zone is a fixed offset and WIT's day
starts two hours before WIB's. A cooperative whose zone is not known yet (its
registration has not reached a service's directory) counts in WIB, the zone of most
cooperatives: that is the one policy for an unknown zone, everywhere.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone, tzinfo
from enum import StrEnum
from typing import Protocol

from gotong_platform.domain import InvalidInput

__all__ = [
    "DEFAULT_ZONE",
    "EARLIEST_BUSINESS_DATE",
    "BusinessDateOutOfRange",
    "Clock",
    "FixedClock",
    "SystemClock",
    "TimeZone",
    "check_business_date",
    "local_now",
    "today_in",
    "zone_of",
]


class TimeZone(StrEnum):
    """The three Indonesian time zones; a cooperative's business date is kept in its own."""

    WIB = "WIB"  # Waktu Indonesia Barat, Asia/Jakarta
    WITA = "WITA"  # Waktu Indonesia Tengah, Asia/Makassar
    WIT = "WIT"  # Waktu Indonesia Timur, Asia/Jayapura

    @property
    def tzinfo(self) -> tzinfo:
        return _OFFSETS[self]

    @property
    def iana_name(self) -> str:
        return _IANA[self]


_OFFSETS = {
    TimeZone.WIB: timezone(timedelta(hours=7), "WIB"),
    TimeZone.WITA: timezone(timedelta(hours=8), "WITA"),
    TimeZone.WIT: timezone(timedelta(hours=9), "WIT"),
}
_IANA = {TimeZone.WIB: "Asia/Jakarta", TimeZone.WITA: "Asia/Makassar",
         TimeZone.WIT: "Asia/Jayapura"}

DEFAULT_ZONE = TimeZone.WIB  # a cooperative whose zone is not known yet

# No cooperative can have a business date before this: the first Indonesian cooperative
# law dates from 1915 and the republic's from 1958; anything earlier is a typing error
# (0001-01-01, a two-digit year) that would otherwise land in every report's history.
EARLIEST_BUSINESS_DATE = date(1900, 1, 1)


def zone_of(name: str | TimeZone | None) -> TimeZone:
    """The zone named ``name``; an unknown or missing name counts as ``DEFAULT_ZONE``."""
    if isinstance(name, TimeZone):
        return name
    try:
        return TimeZone(name) if name else DEFAULT_ZONE
    except ValueError:
        return DEFAULT_ZONE


class Clock(Protocol):
    """Where the platform reads the current instant."""

    def now(self) -> datetime:
        """The current instant, timezone-aware, in UTC."""
        ...


class SystemClock:
    """The machine's clock (production)."""

    def now(self) -> datetime:
        return datetime.now(UTC)


class FixedClock:
    """A clock that stands still at the instant a test sets (and moves when told to)."""

    def __init__(self, at: datetime) -> None:
        self._at = _aware(at)

    def now(self) -> datetime:
        return self._at

    def set(self, at: datetime) -> None:
        self._at = _aware(at)

    def advance(self, by: timedelta) -> None:
        self._at += by

    def __repr__(self) -> str:
        return f"FixedClock({self._at.isoformat()})"


def _aware(at: datetime) -> datetime:
    if at.tzinfo is None:
        raise ValueError("a clock's instant needs a time zone (e.g. +08:00 or Z)")
    return at.astimezone(UTC)


def local_now(clock: Clock, zone: str | TimeZone | None) -> datetime:
    """The current instant as the wall clock in ``zone`` shows it."""
    return clock.now().astimezone(zone_of(zone).tzinfo)


def today_in(clock: Clock, zone: str | TimeZone | None) -> date:
    """Today's business date in ``zone`` (WIB, WITA or WIT)."""
    return local_now(clock, zone).date()


class BusinessDateOutOfRange(InvalidInput):
    """A business date later than the cooperative's today, or before any could exist."""

    code = "business-date-out-of-range"


def check_business_date(day: date, *, today: date, what: str = "The business date") -> date:
    """``day`` when a cooperative whose local date is ``today`` can have recorded it.

    The one platform rule for every business date a client sends: not later than the
    cooperative's own today (a fact cannot be recorded before it happens; a date in the
    future would also count as overdue, penalised or "infinity" in a report), and not
    before ``EARLIEST_BUSINESS_DATE``.
    """
    if day > today:
        raise BusinessDateOutOfRange(
            f"{what} ({day.isoformat()}) is after the cooperative's business date today "
            f"({today.isoformat()}).")
    if day < EARLIEST_BUSINESS_DATE:
        raise BusinessDateOutOfRange(
            f"{what} ({day.isoformat()}) is before {EARLIEST_BUSINESS_DATE.isoformat()}; no "
            "cooperative's records go back that far.")
    return day
