"""A cooperative's key figures of a finished month, for its lenders; pure.

The federation office publishes a finished month (``reporting.application.kpis``): each
cooperative's figures are computed as its monthly report computes them (the same
``CoopFigures``, the same PAR30 and freshness definitions) and published as
``MonthlyKpisPublished``, which the partner gateway turns into the ``monthly_kpis``
partner contract. A publication is idempotent per cooperative, month and figures: the
month's first publication is revision 1; publishing it again publishes nothing while
the figures stand, and a new revision once late uploads changed them. Freshness and
``known_at`` are not compared: they move with every event recorded, which would make
every publication a revision.
"""

from __future__ import annotations

import dataclasses
from datetime import date, datetime
from typing import ClassVar

from gotong_platform.calendar import TimeZone
from gotong_platform.domain import DomainEvent, InvalidInput
from gotong_platform.money import MAX_TOTAL_IDR
from reporting.domain.reports.cooperatives import CoopInfo
from reporting.domain.reports.definitions import RATIOS
from reporting.domain.reports.figures import CoopFigures, ReportOptions
from reporting.domain.reports.freshness import freshness_row
from reporting.domain.reports.period import InvalidPeriod, Period
from reporting.domain.reports.render import ratio_bp

__all__ = ["KpiFigures", "MonthNotPublishable", "MonthlyKpisPublished", "monthly_kpis",
           "next_revision", "publishable_period", "stream_id", "within_bounds"]

_PAR30 = next(r for r in RATIOS if r.name == "par30")


class MonthNotPublishable(InvalidInput):
    """A month that has not ended for every cooperative yet, or cannot exist (422)."""

    code = "month-not-publishable"


@dataclasses.dataclass(frozen=True, slots=True)
class KpiFigures:
    """What a revision is compared by: the month's figures, nothing that moves with time."""

    omzet_idr: int
    savings_balance_idr: int
    loans_outstanding_idr: int
    par30_idr: int
    active_members: int


@dataclasses.dataclass(frozen=True, kw_only=True)
class MonthlyKpisPublished(DomainEvent):
    """The figures of ``month`` of one cooperative, revision ``revision``."""

    event_type: ClassVar[str] = "MonthlyKpisPublished"
    schema_version: ClassVar[int] = 1

    cooperative_id: str
    month: str
    revision: int
    month_end: date
    known_at: datetime
    figures: KpiFigures
    par30_bp: int | None
    last_recorded_at: datetime | None
    last_business_date: date | None
    last_activity_date: date | None
    stale: bool
    idle: bool


def stream_id(cooperative_id: str, month: str) -> str:
    """One stream per cooperative and month: stream version n is revision n."""
    return f"monthly-kpis-{cooperative_id}-{month}"


def monthly_kpis(info: CoopInfo, f: CoopFigures, period: Period, options: ReportOptions,
                 revision: int) -> MonthlyKpisPublished:
    """The cooperative's month as its own report shows it (``period`` runs to the month's
    end, known at ``period.known_at``), as revision ``revision``."""
    a = f.amounts
    fresh = freshness_row(info, f, period.known_at, options.stale_after_days, period.as_of)
    return MonthlyKpisPublished(
        cooperative_id=info.cooperative_id, month=period.month, revision=revision,
        month_end=period.end, known_at=period.known_at,
        figures=KpiFigures(omzet_idr=a["sales.net_idr"], savings_balance_idr=a[
            "savings.total_idr"], loans_outstanding_idr=a["loans.glp_idr"],
            par30_idr=sum(a[key] for key in _PAR30.numerator),
            active_members=a["members.active"]),
        par30_bp=ratio_bp(_PAR30, a), last_recorded_at=f.last_recorded_at,
        last_business_date=f.last_business_date, last_activity_date=f.last_activity_date,
        stale=bool(fresh["stale"]), idle=bool(fresh["idle"]))


def next_revision(last: tuple[int, KpiFigures] | None, figures: KpiFigures) -> int | None:
    """The revision a publication of ``figures`` makes, after the ``last`` published
    (revision and figures); None when they are the same: nothing to publish."""
    if last is None:
        return 1
    revision, published = last
    return None if published == figures else revision + 1


def publishable_period(month: str, now: datetime) -> Period:
    """``month`` to its last day, known at ``now``: only once it has ended for every
    cooperative (in WIB, the westernmost zone, where it ends last), so each figure is
    the whole month's."""
    try:
        period = Period.of(month, now=now)
    except InvalidPeriod as exc:
        raise MonthNotPublishable(str(exc)) from exc
    if period.month_end_at(TimeZone.WIB) > now:
        raise MonthNotPublishable(
            f"{month} has not ended yet for every cooperative; publish it from "
            f"{period.month_end_at(TimeZone.WIB).isoformat()} on.")
    return period


def within_bounds(figures: KpiFigures) -> bool:
    """Whether every amount fits the published contract (a sum of a cooperative's facts
    beyond Rp 10^15 is no real month: it is left out and named, never published)."""
    return all(-MAX_TOTAL_IDR <= v <= MAX_TOTAL_IDR for v in (
        figures.omzet_idr, figures.savings_balance_idr, figures.loans_outstanding_idr,
        figures.par30_idr)) and 0 <= figures.active_members < 2**31
