"""The two clocks of each cooperative, as known at a moment, without scanning its events.

- sync: the last event recorded by ``known_at`` and the latest business date among
  events recorded by then. When ``known_at`` is at or after the cooperative's latest
  event, ``freshness`` holds both; before it, the event log's index on recorded time
  gives the first, and ``event_days`` (the first recorded time of each business day)
  the second;
- activity: the last business day up to ``as_of`` with an economic fact recorded by
  ``known_at`` (``activity_days``).

Each is one index probe per cooperative; ``reporting.domain.reports.freshness`` turns
them into labels.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime

from gotong_platform.db import DbConnection

__all__ = ["read_clocks"]

_CLOCKS = """
WITH q AS (SELECT * FROM unnest($1::text[], $2::timestamptz[]) AS q(c, k)),
f AS (SELECT cooperative_id, max(last_recorded_at) AS last_recorded_at,
             max(last_business_date) AS last_business_date
      FROM freshness_by_partition WHERE cooperative_id = ANY($1::text[])
      GROUP BY cooperative_id)
SELECT q.c,
       CASE WHEN f.last_recorded_at <= q.k THEN f.last_recorded_at
            ELSE (SELECT max(e.recorded_at) FROM fact_events e
                  WHERE e.cooperative_id = q.c AND e.recorded_at <= q.k) END,
       CASE WHEN f.last_recorded_at <= q.k THEN f.last_business_date
            ELSE (SELECT max(d.business_date) FROM event_days d
                  WHERE d.cooperative_id = q.c AND d.first_recorded_at <= q.k) END,
       (SELECT max(a.business_date) FROM activity_days a
        WHERE a.cooperative_id = q.c AND a.business_date <= $3::date
          AND a.first_recorded_at <= q.k)
FROM q LEFT JOIN f ON f.cooperative_id = q.c
"""


async def read_clocks(conn: DbConnection, known_at: Mapping[str, datetime], as_of: date
                      ) -> dict[str, tuple[datetime | None, date | None, date | None]]:
    """cooperative -> (last recorded at, its latest business date, last activity date)."""
    ids = sorted(known_at)
    if not ids:
        return {}
    rows = await conn.fetch(_CLOCKS, ids, [known_at[c] for c in ids], as_of)
    return {r[0]: (r[1], r[2], r[3]) for r in rows}
