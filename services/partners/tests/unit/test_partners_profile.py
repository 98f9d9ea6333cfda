"""A lender's profile of a cooperative: what its consents let it see of the published
months, the window of the trend, and its freshness."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from partners.domain import Category, Consent, Fact
from partners.domain.profile import MONTHS_MAX, ProfileMonth, lender_profile, month_window

pytestmark = pytest.mark.unit

GRANTED = datetime(2026, 11, 18, 2, 0, tzinfo=UTC)
COOP = "cooperative-a"


def consent(consent_id: str = "consent-1", *categories: Category, history: bool = True,
            from_date: date = date(2026, 1, 1), until: date | None = None,
            revoked: bool = False, cooperative: str = COOP) -> Consent:
    return Consent(consent_id=consent_id, partner_id="bank", cooperative_id=cooperative,
                   categories=categories or (Category.MONTHLY_KPIS,), from_date=from_date,
                   include_history=history, until_date=until, granted_at=GRANTED,
                   granted_by="pengurus", revoked_at=GRANTED if revoked else None)


def month(m: str, last_day: int, *, omzet: int = 1_000_000, revision: int = 1,
          recorded: datetime = GRANTED - timedelta(days=1)) -> ProfileMonth:
    end = date(int(m[:4]), int(m[5:]), last_day)
    data: dict[str, Any] = {
        "cooperative_id": COOP, "business_date": end.isoformat(), "month": m,
        "omzet_idr": omzet, "savings_balance_idr": 5_000_000,
        "loans_outstanding_idr": 2_000_000, "par30_bp": 250, "active_members": 40,
        "revision": revision, "known_at": f"{m}-{last_day:02d}T20:00:00Z",
        "last_recorded_at": f"{m}-{last_day:02d}T09:00:00Z",
        "last_activity_date": end.isoformat()}
    return ProfileMonth(fact=Fact(category=Category.MONTHLY_KPIS, cooperative_id=COOP,
                                  business_date=end, recorded_at=recorded), data=data)


PUBLISHED = [month("2026-10", 31, omzet=3_000_000, revision=2), month("2026-09", 30),
             month("2026-07", 31), month("2025-12", 31)]


def test_the_window_ends_with_the_newest_month_covered_and_shows_its_gaps() -> None:
    profile = lender_profile(COOP, 4, [consent()], PUBLISHED)
    assert profile is not None
    assert (profile["from_month"], profile["to_month"]) == ("2026-07", "2026-10")
    assert [m["month"] for m in profile["months"]] == ["2026-07", "2026-09", "2026-10"]
    assert profile["months"][-1] == {
        "month": "2026-10", "revision": 2, "omzet_idr": 3_000_000,
        "savings_balance_idr": 5_000_000, "loans_outstanding_idr": 2_000_000,
        "par30_bp": 250, "active_members": 40, "known_at": "2026-10-31T20:00:00Z"}
    assert profile["freshness"] == {
        "latest_month": "2026-10", "known_at": "2026-10-31T20:00:00Z",
        "last_recorded_at": "2026-10-31T09:00:00Z", "last_activity_date": "2026-10-31"}
    assert profile["consent_ids"] == ["consent-1"]


def test_only_the_months_a_consent_covers_are_shown() -> None:
    # From July, until September: October is outside; 2025 before the window.
    window = consent(from_date=date(2026, 7, 1), until=date(2026, 9, 30))
    profile = lender_profile(COOP, 12, [window], PUBLISHED)
    assert profile is not None
    assert [m["month"] for m in profile["months"]] == ["2026-07", "2026-09"]
    assert (profile["from_month"], profile["to_month"]) == ("2025-10", "2026-09")
    # Without history, months published before the grant are not covered.
    later = month("2026-11", 30, recorded=GRANTED + timedelta(days=14))
    fresh_only = lender_profile(COOP, 12, [consent(history=False)], [later, *PUBLISHED])
    assert fresh_only is not None
    assert [m["month"] for m in fresh_only["months"]] == ["2026-11"]
    # A consent naming monthly_kpis with nothing covered: a profile with no months.
    empty = lender_profile(COOP, 12, [consent(history=False)], PUBLISHED)
    assert empty is not None
    assert (empty["months"], empty["to_month"], empty["freshness"]["latest_month"]) == (
        [], None, None)


def test_no_profile_without_a_monthly_kpis_consent_in_force() -> None:
    assert lender_profile(COOP, 12, [], PUBLISHED) is None
    assert lender_profile(COOP, 12, [consent("c", Category.SAVINGS, Category.LOANS)],
                          PUBLISHED) is None
    assert lender_profile(COOP, 12, [consent(revoked=True)], PUBLISHED) is None
    assert lender_profile(COOP, 12, [consent(cooperative="cooperative-b")], PUBLISHED) is None


def test_months_are_bounded_and_windows_cross_years() -> None:
    for months in (0, MONTHS_MAX + 1, -1):
        with pytest.raises(ValueError, match="months"):
            lender_profile(COOP, months, [consent()], PUBLISHED)
    assert month_window("2026-02", 3) == ["2025-12", "2026-01", "2026-02"]
    assert month_window("2026-02", 1) == ["2026-02"]
    assert len(month_window("2026-12", MONTHS_MAX)) == 36
    assert month_window("2026-12", MONTHS_MAX)[0] == "2024-01"
