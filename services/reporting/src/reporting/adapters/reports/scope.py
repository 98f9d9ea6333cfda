"""The scope every fact query of a report joins: the cooperatives and their cut-offs.

``Query.args`` (``reporting.domain.reports.query``) gives the parameters: $1 the
cooperative ids, $2 their ``known_at``, $3 the month's first day, $4 ``as_of``.
"""

from __future__ import annotations

__all__ = ["SCOPE"]

# ``bounds`` types the two dates for queries that use only one of them.
SCOPE = """WITH s AS (SELECT * FROM unnest($1::text[], $2::timestamptz[])
                      AS s(cooperative_id, known_at)),
bounds AS (SELECT $3::date AS first_day, $4::date AS as_of)"""
