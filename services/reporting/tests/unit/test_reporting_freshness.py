"""Freshness: two clocks, one flag each, so the labels on the page never disagree.

"Belum sinkron" (``stale``) follows the sync clock alone: days since the last event the
server recorded, in the cooperative's own calendar. "Tanpa transaksi" (``idle``) follows
the activity clock alone: days from the last business day with a transaction to as_of.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gotong_platform.calendar import TimeZone
from reporting.domain.reports.cooperatives import CoopInfo
from reporting.domain.reports.figures import CoopFigures
from reporting.domain.reports.freshness import freshness_row, local_date

pytestmark = pytest.mark.unit

KNOWN_AT = datetime(2026, 12, 7, 2, 0, tzinfo=UTC)  # 10:00 WITA, 11:00 WIT on 7 December
AS_OF = date(2026, 12, 7)
STALE_AFTER = 7


def info(time_zone: str | None = "WIT") -> CoopInfo:
    return CoopInfo("cooperative-k", "KDKMP Kilwaru", "multi_purpose", "81", "8105", time_zone)


def figures(recorded: datetime | None, last_activity: date | None) -> CoopFigures:
    f = CoopFigures()
    f.last_recorded_at = recorded
    f.last_activity_date = last_activity
    return f


def test_synced_today_but_no_transactions_lately_is_idle_not_unsynced() -> None:
    """Issue 9: every fact was uploaded today, the last sale was 10 days before as_of. The
    page said "belum sinkron" beside "Sinkron terakhir hari ini"."""
    row = freshness_row(info(), figures(KNOWN_AT - timedelta(hours=1), date(2026, 11, 27)),
                        KNOWN_AT, STALE_AFTER, AS_OF)
    assert (row["days_since_last_event"], row["stale"]) == (0, False)
    assert (row["days_since_last_activity"], row["idle"]) == (10, True)


def test_days_since_the_last_sync_are_days_of_the_cooperatives_calendar() -> None:
    wit = TimeZone.WIT.tzinfo

    def days(recorded: datetime, known_at: datetime) -> int | None:
        row = freshness_row(info("WIT"), figures(recorded, None), known_at, STALE_AFTER, AS_OF)
        assert row["time_zone"] == "WIT"
        result: int | None = row["days_since_last_event"]
        return result

    # 23 hours apart on the same day there: "hari ini"
    assert days(datetime(2026, 12, 6, 0, 30, tzinfo=wit),
                datetime(2026, 12, 6, 23, 30, tzinfo=wit)) == 0
    # one hour apart across midnight there: "1 hari lalu", never "hari ini"
    assert days(datetime(2026, 12, 6, 23, 30, tzinfo=wit),
                datetime(2026, 12, 7, 0, 30, tzinfo=wit)) == 1


@pytest.mark.parametrize(
    ("recorded_days_ago", "last_activity", "stale", "idle"),
    [
        (0, date(2026, 12, 6), False, False),  # synced today, sold yesterday
        (0, date(2026, 11, 27), False, True),  # the server heard from it, the tills did not
        (9, date(2026, 12, 6), True, False),   # nothing recorded for 9 days
        (7, date(2026, 11, 30), False, False),  # exactly 7 days is not yet stale or idle
        (8, date(2026, 11, 29), True, True),
        (None, None, True, True),              # never heard of
        (0, None, False, True),                # heard of, never a transaction
    ],
)
def test_each_flag_follows_its_own_clock(recorded_days_ago: int | None,
                                         last_activity: date | None, stale: bool,
                                         idle: bool) -> None:
    recorded = (None if recorded_days_ago is None
                else KNOWN_AT - timedelta(days=recorded_days_ago))
    row = freshness_row(info(), figures(recorded, last_activity), KNOWN_AT, STALE_AFTER, AS_OF)
    assert (row["stale"], row["idle"]) == (stale, idle)
    assert row["days_since_last_event"] == recorded_days_ago


moments = st.datetimes(min_value=datetime(2025, 1, 1), max_value=datetime(2028, 12, 31),
                       timezones=st.just(UTC))


@given(known_at=moments, back=st.timedeltas(min_value=timedelta(0),
                                            max_value=timedelta(days=40)),
       zone=st.sampled_from([*(z.value for z in TimeZone), None]), after=st.integers(0, 30),
       idle_days=st.none() | st.integers(0, 60))
def test_the_flags_and_the_day_counts_never_disagree(known_at: datetime, back: timedelta,
                                                     zone: str | None, after: int,
                                                     idle_days: int | None) -> None:
    as_of = local_date(known_at, zone)
    recorded = known_at - back
    activity = None if idle_days is None else as_of - timedelta(days=idle_days)
    row = freshness_row(info(zone), figures(recorded, activity), known_at, after, as_of)
    days = row["days_since_last_event"]
    # "belum sinkron" exactly when the sync label says more than `after` days ago
    assert row["stale"] is (days > after)
    # "hari ini" exactly when the last sync falls on the same local day as known_at
    assert (days == 0) is (local_date(recorded, zone) == local_date(known_at, zone))
    assert days == (local_date(known_at, zone) - local_date(recorded, zone)).days >= 0
    assert back.days <= days <= back.days + 1  # calendar days, never a day off
    assert row["idle"] is (idle_days is None or idle_days > after)
    assert row["days_since_last_activity"] == idle_days
