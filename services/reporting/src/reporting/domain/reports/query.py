"""One report query's cut-offs: the period, and each cooperative's ``known_at``.

Each cooperative has its own ``known_at`` (the figures "as known at the end of the
month" use each cooperative's local month end), so a query is the period and a small
table of (cooperative_id, known_at), which every fact query of the read model joins.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping
from datetime import date, datetime

from reporting.domain.reports.figures import DEFAULT_OPTIONS, ReportOptions
from reporting.domain.reports.period import Period

__all__ = ["FigureSet", "Query"]


@dataclasses.dataclass(frozen=True, slots=True)
class Query:
    period: Period
    known_at: Mapping[str, datetime]  # per cooperative
    options: ReportOptions = DEFAULT_OPTIONS

    @classmethod
    def uniform(cls, period: Period, cooperatives: list[str],
                options: ReportOptions = DEFAULT_OPTIONS) -> Query:
        return cls(period, dict.fromkeys(cooperatives, period.known_at), options)

    def only(self, cooperatives: Iterable[str]) -> Query:
        """The same query for some of its cooperatives."""
        return Query(self.period, {i: self.known_at[i] for i in cooperatives}, self.options)

    @property
    def args(self) -> tuple[list[str], list[datetime], date, date]:
        """The cut-offs as columns: the cooperatives (sorted), their ``known_at``, the
        month's first day and ``as_of`` (the fact queries' first four parameters)."""
        ids = sorted(self.known_at)
        return ids, [self.known_at[i] for i in ids], self.period.start, self.period.as_of


@dataclasses.dataclass(frozen=True, slots=True)
class FigureSet:
    """One set of figures a report needs: its query, the step a failure is named by, and
    whether the report shows more than its amounts (freshness, the low-stock list: the
    period's own figures, not the month before or the month as known at its end)."""

    query: Query
    step: str
    details: bool = True
