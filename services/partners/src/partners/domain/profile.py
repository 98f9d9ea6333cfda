"""A cooperative's profile for a lender: the trend of its published months; pure.

Built from the cooperative's ``MonthlyKpis`` (each month's latest revision, as the
partner receives it in its feed) and the partner's consents in force. A month shows
only when a consent covers it exactly as it would cover the event in the feed (the
``monthly_kpis`` category, its business date, the month's last day, in the window, and
recorded after the grant unless history is included: ``covers``), so the profile never
tells more than the feed. Without any consent in force that names ``monthly_kpis`` there
is no profile at all: the gateway answers as for a cooperative it does not know.

The window is the ``months`` calendar months ending with the newest month covered, so a
trend shows its gaps (a month never published is missing, not zero), and the freshness
is that newest month's: when its figures were computed, and the cooperative's last
recorded event and last business activity as of then.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from partners.domain.consent import Consent, Fact, covers
from partners.domain.values import Category

__all__ = ["MONTHS_MAX", "ProfileMonth", "lender_profile", "month_window"]

MONTHS_MAX = 36  # three years of trend at most

# What the profile shows of each month: the contract's figures and its revision.
_FIGURES = ("month", "revision", "omzet_idr", "savings_balance_idr",
            "loans_outstanding_idr", "par30_bp", "active_members", "known_at")


@dataclasses.dataclass(frozen=True, slots=True)
class ProfileMonth:
    """A month's latest revision: the fact a consent is checked against, and the
    partner contract's data (``MonthlyKpisV1``, JSON-ready)."""

    fact: Fact
    data: Mapping[str, Any]


def month_window(last: str, months: int) -> list[str]:
    """The ``months`` months (YYYY-MM) ending with ``last``, oldest first."""
    year, month = int(last[:4]), int(last[5:7])
    index = year * 12 + month - 1
    return [f"{i // 12:04d}-{i % 12 + 1:02d}" for i in range(index - months + 1, index + 1)]


def lender_profile(cooperative_id: str, months: int, consents: Iterable[Consent],
                   published: Sequence[ProfileMonth]) -> dict[str, Any] | None:
    """The profile ``consents`` (the partner's, of this cooperative) let it read; None
    when none in force names ``monthly_kpis``."""
    if not 1 <= months <= MONTHS_MAX:
        raise ValueError(f"months must lie from 1 to {MONTHS_MAX}")
    mine = [c for c in consents if c.active and c.cooperative_id == cooperative_id
            and Category.MONTHLY_KPIS in c.categories]
    if not mine:
        return None
    covered = {p.data["month"]: p for p in published
               if any(covers(c, p.fact) for c in mine)}
    profile: dict[str, Any] = {
        "cooperative_id": cooperative_id, "months_requested": months,
        "from_month": None, "to_month": None, "months": [],
        "freshness": {"latest_month": None, "known_at": None, "last_recorded_at": None,
                      "last_activity_date": None},
        "consent_ids": sorted(c.consent_id for c in mine)}
    if not covered:
        return profile
    window = month_window(max(covered), months)
    latest = covered[window[-1]].data
    return profile | {
        "from_month": window[0], "to_month": window[-1],
        "months": [{k: covered[m].data.get(k) for k in _FIGURES}
                   for m in window if m in covered],
        "freshness": {"latest_month": window[-1], "known_at": latest.get("known_at"),
                      "last_recorded_at": latest.get("last_recorded_at"),
                      "last_activity_date": latest.get("last_activity_date")}}
