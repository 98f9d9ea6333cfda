"""Freshness: recent uploads are not enough when the village's days of business stopped."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from reporting.reports.consolidate import freshness_row
from reporting.reports.directory import CoopInfo
from reporting.reports.figures import CoopFigures

pytestmark = pytest.mark.unit

KNOWN_AT = datetime(2026, 11, 21, tzinfo=UTC)
AS_OF = date(2026, 11, 20)
INFO = CoopInfo("cooperative-k", "KDKMP Kilwaru", "multi_purpose", "81", "8105", "WIT")


def figures(recorded_days_ago: int | None, last_activity: date | None) -> CoopFigures:
    f = CoopFigures()
    f.last_recorded_at = (None if recorded_days_ago is None
                          else KNOWN_AT - timedelta(days=recorded_days_ago))
    f.last_activity_date = last_activity
    return f


@pytest.mark.parametrize(
    ("recorded_days_ago", "last_activity", "stale"),
    [
        (0, date(2026, 11, 19), False),   # synced yesterday's business
        (0, date(2026, 11, 10), True),    # the server heard from it, the tills did not
        (9, date(2026, 11, 19), True),    # nothing recorded for 9 days
        (None, None, True),               # never heard of
        (0, date(2026, 11, 13), False),   # exactly 7 idle days is not yet stale
    ],
)
def test_stale_when_nothing_recorded_or_no_business_days_lately(
    recorded_days_ago: int | None, last_activity: date | None, stale: bool
) -> None:
    row = freshness_row(INFO, figures(recorded_days_ago, last_activity), KNOWN_AT, 7, AS_OF)
    assert row["stale"] is stale
    if last_activity is not None:
        assert row["days_since_last_activity"] == (AS_OF - last_activity).days
