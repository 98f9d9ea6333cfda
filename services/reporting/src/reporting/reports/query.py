"""One report query's cut-offs, as SQL parameters shared by every fetch.

Each cooperative has its own ``known_at`` (the figures "as known at the end of the
month" use each cooperative's local month end), so the scope is a small table of
(cooperative_id, known_at) that every fact query joins.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping
from datetime import date, datetime

from reporting.reports.figures import DEFAULT_OPTIONS, ReportOptions
from reporting.reports.period import Period

__all__ = ["SCOPE", "Query"]

# $1 cooperative ids, $2 their known_at, $3 first day of the month, $4 as_of
# (``bounds`` types the two dates for queries that use only one of them)
SCOPE = """WITH s AS (SELECT * FROM unnest($1::text[], $2::timestamptz[])
                      AS s(cooperative_id, known_at)),
bounds AS (SELECT $3::date AS first_day, $4::date AS as_of)"""


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
        ids = sorted(self.known_at)
        return ids, [self.known_at[i] for i in ids], self.period.start, self.period.as_of
