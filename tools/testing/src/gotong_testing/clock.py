"""The instant the tests' services live at, and its business dates.

No test reads the wall clock for a business date: the services run on a ``FixedClock``
at ``business_now()``, a fixed instant that ``GOTONG_TEST_NOW`` (ISO 8601 with its
offset, e.g. ``2028-02-29T00:30:00+09:00``) moves, so the same suite can be run on the
1st of a month, a leap day or New Year's Eve.
"""

from __future__ import annotations

import os
from datetime import UTC, date, datetime

from gotong_platform.calendar import FixedClock, TimeZone, today_in

__all__ = ["DEFAULT_TEST_NOW", "TEST_NOW_ENV", "business_now", "business_today"]

TEST_NOW_ENV = "GOTONG_TEST_NOW"
# 10:00 WITA on Wednesday 18 November 2026: mid-month, mid-week, mid-morning.
DEFAULT_TEST_NOW = datetime(2026, 11, 18, 2, 0, tzinfo=UTC)


def business_now() -> datetime:
    """The instant the tests' services live at: ``GOTONG_TEST_NOW`` or the default."""
    given = os.environ.get(TEST_NOW_ENV)
    if not given:
        return DEFAULT_TEST_NOW
    moment = datetime.fromisoformat(given)
    if moment.tzinfo is None:
        raise ValueError(f"{TEST_NOW_ENV}={given!r} needs an offset, e.g. +08:00 or Z")
    return moment.astimezone(UTC)


def business_today(zone: str | TimeZone) -> date:
    """The business date at ``business_now()`` in ``zone``."""
    return today_in(FixedClock(business_now()), zone)
