"""Report periods (as of, known at, month ends by time zone), wajib FIFO, CSV tables."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from reporting.domain.reports.period import InvalidPeriod, Period
from reporting.domain.reports.wajib import paid_on_time
from reporting.entrypoints.report_tables import TABLES, to_csv

pytestmark = pytest.mark.unit

NOW = datetime(2026, 3, 5, 12, 0, tzinfo=UTC)


def test_a_month_defaults_to_its_last_day_and_now() -> None:
    p = Period.of("2026-02", now=NOW)
    assert (p.start, p.end, p.as_of, p.known_at) == (date(2026, 2, 1), date(2026, 2, 28),
                                                     date(2026, 2, 28), NOW)


@pytest.mark.parametrize(("month", "as_of", "known_at"), [
    ("2026-13", None, None), ("26-01", None, None), ("0001-01", None, None),
    ("2026-01", date(2026, 2, 1), None), ("2026-01", None, datetime(2026, 2, 1)),
])
def test_impossible_periods_are_refused(month: str, as_of: date | None,
                                        known_at: datetime | None) -> None:
    with pytest.raises(InvalidPeriod):
        Period.of(month, as_of, known_at, now=NOW)


def test_the_previous_month_is_cut_off_the_same_way() -> None:
    whole = Period.of("2026-03", now=NOW).previous()
    assert (whole.month, whole.as_of) == ("2026-02", date(2026, 2, 28))
    part = Period.of("2026-03", date(2026, 3, 30), now=NOW).previous()
    assert part.as_of == date(2026, 2, 28)
    mid = Period.of("2026-01", date(2026, 1, 15), now=NOW).previous()
    assert (mid.month, mid.as_of) == ("2025-12", date(2025, 12, 15))


def test_the_month_ends_at_local_midnight() -> None:
    p = Period.of("2026-01", now=NOW)
    assert p.month_end_at("WIB") == datetime(2026, 1, 31, 17, 0, tzinfo=UTC)
    assert p.month_end_at("WITA") == datetime(2026, 1, 31, 16, 0, tzinfo=UTC)
    assert p.month_end_at("WIT") == datetime(2026, 1, 31, 15, 0, tzinfo=UTC)
    december = Period.of("2025-12", now=NOW)
    assert december.month_end_at("WITA") == datetime(2025, 12, 31, 16, 0, tzinfo=UTC)


def test_wajib_deposits_pay_bills_first_in_first_out() -> None:
    bills = [(date(2026, 2, 10), "2026-02", 25_000), (date(2026, 1, 10), "2026-01", 25_000)]
    # 25.000 on 20 Jan pays January late; February's bill is then unpaid on its due date.
    late = paid_on_time(bills, [(date(2026, 1, 20), 25_000)])
    assert late == [(date(2026, 1, 10), "2026-01", False), (date(2026, 2, 10), "2026-02", False)]
    ahead = paid_on_time(bills, [(date(2025, 12, 28), 50_000)])
    assert [paid for _, _, paid in ahead] == [True, True]
    partly = paid_on_time(bills, [(date(2026, 1, 5), 25_000), (date(2026, 2, 10), 24_999)])
    assert [paid for _, _, paid in partly] == [True, False]


def test_csv_has_a_header_and_empty_cells_for_none() -> None:
    text = to_csv([{"a": 1, "b": None}, {"a": 2, "c": True}])
    assert text == "a,b,c\r\n1,,\r\n2,,true\r\n"
    assert to_csv([]) == "\r\n"
    assert "cooperatives" in TABLES


@pytest.mark.parametrize(("today", "as_of", "basis"), [
    (date(2026, 3, 5), date(2026, 3, 5), "today"),  # the month runs: cut off at today
    (date(2026, 3, 1), date(2026, 3, 1), "today"),
    (date(2026, 3, 31), date(2026, 3, 31), "month_end"),  # its last day is its end
    (date(2026, 4, 1), date(2026, 3, 31), "month_end"),  # a finished month is whole
    (date(2026, 2, 27), date(2026, 3, 31), "month_end"),  # a month not begun: its end
    (None, date(2026, 3, 31), "month_end"),
])
def test_without_as_of_a_running_month_is_cut_off_at_today(
    today: date | None, as_of: date, basis: str,
) -> None:
    p = Period.of("2026-03", now=NOW, today=today)
    assert (p.as_of, p.as_of_basis) == (as_of, basis)
    assert p.as_dict()["as_of_basis"] == basis
    asked = Period.of("2026-03", date(2026, 3, 2), now=NOW, today=today)
    assert (asked.as_of, asked.as_of_basis) == (date(2026, 3, 2), "requested")
