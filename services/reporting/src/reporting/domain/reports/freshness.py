"""Freshness of a cooperative's data: two clocks, one label each.

- **Sync** (``stale``, "belum sinkron"): when the server last recorded an event of the
  cooperative, by ``known_at``. Counted in whole days of the cooperative's own calendar
  (its time zone), so "0" is exactly "today" there and "1" is "yesterday". Stale when
  more than ``stale_after_days`` days have passed, or when nothing was ever recorded.
- **Activity** (``idle``, "tanpa transaksi"): the last business day with a sale, a
  produce delivery, a savings deposit or a loan repayment, up to ``as_of``. Idle when it
  lies more than ``stale_after_days`` days before ``as_of``, or when there is none.

The two are kept apart because they can disagree and both be true: a village whose tills
stopped uploading is still heard from (the office admits members, the catalogue changes),
so it is synced today and idle at once. One flag for both made the page say "belum
sinkron" beside "Sinkron terakhir hari ini" (issue 9); each label now follows its own
clock, and the page shows both.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from gotong_platform.calendar import zone_of
from reporting.domain.reports.cooperatives import CoopInfo
from reporting.domain.reports.figures import CoopFigures
from reporting.domain.reports.period import iso

__all__ = ["freshness_row", "local_date"]


def local_date(moment: datetime, time_zone: str | None) -> date:
    """The day ``moment`` falls on in the cooperative's time zone (the platform's default
    zone while unknown, as the report periods assume)."""
    return moment.astimezone(zone_of(time_zone).tzinfo).date()


def freshness_row(info: CoopInfo, f: CoopFigures, known_at: datetime, stale_after_days: int,
                  as_of: date) -> dict[str, Any]:
    """One cooperative's freshness: its two clocks, how old each is, and the flags."""
    last = f.last_recorded_at
    synced = (None if last is None else
              (local_date(known_at, info.time_zone) - local_date(last, info.time_zone)).days)
    active = f.last_activity_date
    idle = None if active is None else (as_of - active).days
    return {
        "cooperative_id": info.cooperative_id, "name": info.name,
        "time_zone": info.time_zone,
        "last_recorded_at": None if last is None else iso(last),
        "last_business_date": (None if f.last_business_date is None
                               else f.last_business_date.isoformat()),
        "days_since_last_event": synced,
        "last_activity_date": None if active is None else active.isoformat(),
        "days_since_last_activity": idle,
        "stale": synced is None or synced > stale_after_days,
        "idle": idle is None or idle > stale_after_days,
    }
