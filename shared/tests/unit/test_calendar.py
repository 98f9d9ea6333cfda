"""The business calendar: today in a cooperative's zone, the test clock, the date rule."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gotong_platform.calendar import (
    DEFAULT_ZONE,
    EARLIEST_BUSINESS_DATE,
    BusinessDateOutOfRange,
    FixedClock,
    TimeZone,
    check_business_date,
    local_now,
    today_in,
    zone_of,
)
from gotong_platform.domain import InvalidInput

pytestmark = pytest.mark.unit

OFFSET_HOURS = {TimeZone.WIB: 7, TimeZone.WITA: 8, TimeZone.WIT: 9}


def test_a_wit_cooperative_just_after_midnight_is_already_in_tomorrow() -> None:
    # 15:00:30 UTC on 31 December is 00:00:30 on 1 January in Jayapura (UTC+9), still
    # 23:00:30 on 31 December in Makassar and 22:00:30 in Jakarta.
    clock = FixedClock(datetime(2026, 12, 31, 15, 0, 30, tzinfo=UTC))
    assert today_in(clock, "WIT") == date(2027, 1, 1)
    assert today_in(clock, "WITA") == date(2026, 12, 31)
    assert today_in(clock, TimeZone.WIB) == date(2026, 12, 31)
    assert local_now(clock, "WIT").hour == 0


@given(st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2099, 12, 31),
                    timezones=st.just(UTC)),
       st.sampled_from(TimeZone))
def test_today_is_the_utc_instant_moved_by_the_zones_fixed_offset(
    instant: datetime, zone: TimeZone,
) -> None:
    clock = FixedClock(instant)
    expected = (instant + timedelta(hours=OFFSET_HOURS[zone])).date()
    assert today_in(clock, zone) == expected
    # Zones to the east are never on an earlier day.
    assert today_in(clock, "WIB") <= today_in(clock, "WITA") <= today_in(clock, "WIT")


def test_an_unknown_or_missing_zone_counts_as_wib() -> None:
    assert DEFAULT_ZONE is TimeZone.WIB
    assert zone_of(None) is zone_of("") is zone_of("CET") is TimeZone.WIB
    clock = FixedClock(datetime(2028, 2, 28, 17, 30, tzinfo=UTC))  # 00:30 on 29 Feb in WIB
    assert today_in(clock, None) == today_in(clock, "WIB") == date(2028, 2, 29)


def test_the_test_clock_stands_still_until_moved() -> None:
    clock = FixedClock(datetime(2028, 2, 29, 9, 0, tzinfo=timezone(timedelta(hours=8))))
    assert clock.now() == clock.now() == datetime(2028, 2, 29, 1, 0, tzinfo=UTC)
    clock.advance(timedelta(days=1))
    assert today_in(clock, "WITA") == date(2028, 3, 1)
    clock.set(datetime(2026, 12, 1, 0, 0, tzinfo=UTC))
    assert clock.now().tzinfo is UTC
    with pytest.raises(ValueError, match="time zone"):
        FixedClock(datetime(2026, 12, 1))  # naive: whose midnight?


@given(today=st.dates(min_value=date(1950, 1, 1), max_value=date(2100, 1, 1)),
       offset=st.integers(-30_000, 30_000))
def test_a_business_date_may_be_any_day_up_to_the_cooperatives_today(
    today: date, offset: int,
) -> None:
    try:
        day = today + timedelta(days=offset)
    except OverflowError:
        return
    if EARLIEST_BUSINESS_DATE <= day <= today:
        assert check_business_date(day, today=today) == day
    else:
        with pytest.raises(BusinessDateOutOfRange) as refused:
            check_business_date(day, today=today, what="The deposit's business date")
        assert isinstance(refused.value, InvalidInput)  # answered 422
        assert refused.value.code == "business-date-out-of-range"


def test_the_far_future_and_the_year_one_are_refused() -> None:
    for day in (date(9999, 12, 31), date(1, 1, 1), date(1899, 12, 31)):
        with pytest.raises(BusinessDateOutOfRange):
            check_business_date(day, today=date(2026, 12, 7))
