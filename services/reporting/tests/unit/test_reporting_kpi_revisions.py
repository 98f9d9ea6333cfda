"""A month's key figures for the lenders: what a revision compares, when a month may be
published, and that the figures are the monthly report's own."""

from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime

import pytest

from gotong_platform.money import MAX_TOTAL_IDR
from reporting.adapters.kpis import kpis_contract
from reporting.domain.reports.cooperatives import CoopInfo
from reporting.domain.reports.figures import DEFAULT_OPTIONS, CoopFigures
from reporting.domain.reports.kpis import (
    KpiFigures,
    MonthNotPublishable,
    monthly_kpis,
    next_revision,
    publishable_period,
    within_bounds,
)

pytestmark = pytest.mark.unit

NOW = datetime(2026, 12, 7, 2, 0, tzinfo=UTC)
FIGURES = KpiFigures(omzet_idr=48_250_000, savings_balance_idr=312_500_000,
                     loans_outstanding_idr=187_000_000, par30_idr=9_350_000,
                     active_members=214)


def test_a_revision_only_when_the_figures_changed() -> None:
    assert next_revision(None, FIGURES) == 1
    assert next_revision((1, FIGURES), FIGURES) is None
    late = dataclasses.replace(FIGURES, omzet_idr=48_325_000)  # a late upload of Rp 75.000
    assert next_revision((3, FIGURES), late) == 4


def test_a_month_is_published_once_it_ended_in_wib() -> None:
    # November ends at 1 Dec 00:00 WIB, 30 Nov 17:00 UTC; WIT was in December two hours
    # earlier, but a WIB cooperative's 30 November was still running.
    with pytest.raises(MonthNotPublishable, match="has not ended"):
        publishable_period("2026-11", datetime(2026, 11, 30, 16, 59, tzinfo=UTC))
    period = publishable_period("2026-11", datetime(2026, 11, 30, 17, 0, tzinfo=UTC))
    assert (period.as_of, period.as_of_basis) == (date(2026, 11, 30), "month_end")
    with pytest.raises(MonthNotPublishable):
        publishable_period("2026-12", NOW)
    with pytest.raises(MonthNotPublishable):
        publishable_period("0001-01", NOW)


def test_figures_are_the_reports_and_bounded() -> None:
    f = CoopFigures()
    a = f.amounts
    a["sales.net_idr"], a["savings.total_idr"] = 189_000, 125_000
    a["loans.glp_idr"], a["loans.par30_idr"], a["members.active"] = 1_400_000, 900_000, 2
    f.last_recorded_at = datetime(2026, 11, 29, 3, 0, tzinfo=UTC)
    f.last_activity_date = date(2026, 11, 20)
    info = CoopInfo("coop-a", "Koperasi A", "multi_purpose", "53", "5302", "WITA")
    event = monthly_kpis(info, f, publishable_period("2026-11", NOW), DEFAULT_OPTIONS,
                         revision=2)
    assert event.figures == KpiFigures(omzet_idr=189_000, savings_balance_idr=125_000,
                                       loans_outstanding_idr=1_400_000, par30_idr=900_000,
                                       active_members=2)
    assert (event.par30_bp, event.month_end, event.known_at) == (6429, date(2026, 11, 30), NOW)
    # synced 8 days before known_at (stale after 7); active 10 days before 30 November
    assert (event.stale, event.idle) == (True, True)
    data = kpis_contract(event)
    assert (data["revision"], data["par30_bp"], data["last_activity_date"]) == (
        2, 6429, "2026-11-20")
    assert within_bounds(event.figures)
    assert not within_bounds(KpiFigures(MAX_TOTAL_IDR + 1, 0, 0, 0, 0))
    assert within_bounds(KpiFigures(-MAX_TOTAL_IDR, 0, 0, 0, 0))  # voids above sales
