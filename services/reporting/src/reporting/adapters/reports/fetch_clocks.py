"""The two clocks: data freshness per cooperative, and late uploads.

Freshness is the last event the server had recorded from a cooperative by
``known_at`` (and the latest business date among those events), and its last day of
economic activity up to ``as_of``; ``reporting.domain.reports.freshness`` turns the two
into labels. A late upload is a fact whose business date lies in the month (up to
``as_of``) but which was recorded after the month ended for its cooperative (the 1st of
the next month, 00:00 local time) and by ``known_at``: it is what changed the month's
figures since its end.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from gotong_platform.db import DbConnection
from reporting.adapters.reports.scope import SCOPE
from reporting.domain.reports.figures import CoopFigures, whole
from reporting.domain.reports.query import Query

__all__ = ["LATE_FACTS", "fetch_freshness", "fetch_late_uploads"]

_FRESHNESS = SCOPE + """
SELECT f.cooperative_id, max(f.recorded_at) AS last_recorded_at,
       max(f.business_date) AS last_business_date
FROM fact_events f JOIN s USING (cooperative_id)
WHERE f.recorded_at <= s.known_at GROUP BY 1
"""
# The last day with economic activity (a sale, a produce delivery, a deposit, a loan
# repayment) up to as_of. A village whose tills stopped uploading still has recent
# server events (the office's work, the catalogue), so the sync clock above cannot show
# it; this second clock does ("idle", in the domain's freshness). The two are reported
# apart: the sync clock alone says whether the cooperative "belum sinkron".
_ACTIVITY = SCOPE + """
SELECT a.cooperative_id, max(a.business_date) AS last_activity_date FROM (
    SELECT cooperative_id, business_date, recorded_at FROM fact_sale_lines
    UNION ALL SELECT cooperative_id, business_date, recorded_at FROM fact_produce
    UNION ALL SELECT cooperative_id, business_date, recorded_at FROM fact_savings
    UNION ALL SELECT cooperative_id, business_date, recorded_at FROM fact_loan_events
) a JOIN s USING (cooperative_id), bounds
WHERE a.recorded_at <= s.known_at AND a.business_date <= bounds.as_of
GROUP BY 1
"""

# fact, key, rupiah: the rupiah is the fact's own amount (unsigned)
LATE_FACTS: tuple[tuple[str, str, str, str], ...] = (
    ("sales", "fact_sale_lines", "f.sale_id", "f.amount_idr"),
    ("sale_voids", "fact_sale_voids", "f.sale_id",
     "(SELECT coalesce(sum(l.amount_idr), 0) FROM fact_sale_lines l"
     " WHERE l.sale_id = f.sale_id)"),
    ("produce_receipts", "fact_produce", "f.receipt_id", "f.amount_idr"),
    ("stock_movements", "fact_stock", "f.event_id::text", "abs(f.value_delta_idr)"),
    ("savings", "fact_savings", "f.event_id::text", "abs(f.delta_idr)"),
    ("loan_disbursements", "fact_loans", "f.loan_id", "f.principal_idr"),
    ("loan_events", "fact_loan_events", "f.event_id::text",
     "f.principal_idr + f.interest_idr + f.penalty_idr"),
    ("member_changes", "fact_member_status", "f.member_id || '/' || f.version", "0"),
)
_LATE = """WITH s AS (SELECT * FROM unnest($1::text[], $2::timestamptz[], $5::timestamptz[])
                      AS s(cooperative_id, known_at, month_end_at)),
bounds AS (SELECT $3::date AS first_day, $4::date AS as_of),
late AS ({union})
SELECT fact, cooperative_id, count(DISTINCT key)::bigint AS n, sum(amount) AS amount_idr
FROM late GROUP BY 1, 2 ORDER BY 2, 1
""".format(union="\n    UNION ALL\n".join(
    f"""SELECT '{fact}' AS fact, f.cooperative_id, {key} AS key, {amount} AS amount
    FROM {table} f JOIN s USING (cooperative_id)
    WHERE f.business_date BETWEEN $3 AND $4
      AND f.recorded_at > s.month_end_at AND f.recorded_at <= s.known_at"""
    for fact, table, key, amount in LATE_FACTS))


async def fetch_freshness(conn: DbConnection, q: Query, figs: dict[str, CoopFigures]
                          ) -> None:
    for r in await conn.fetch(_FRESHNESS, *q.args):
        f = figs[r["cooperative_id"]]
        f.last_recorded_at = r["last_recorded_at"]
        f.last_business_date = r["last_business_date"]
    for r in await conn.fetch(_ACTIVITY, *q.args):
        figs[r["cooperative_id"]].last_activity_date = r["last_activity_date"]


async def fetch_late_uploads(conn: DbConnection, q: Query, month_end_at: Mapping[str, datetime]
                             ) -> list[dict[str, Any]]:
    """Per cooperative and kind of fact: how many arrived late, and their rupiah."""
    ids, known, start, as_of = q.args
    rows = await conn.fetch(_LATE, ids, known, start, as_of, [month_end_at[i] for i in ids])
    return [{"cooperative_id": r["cooperative_id"], "fact": r["fact"], "count": r["n"],
             "amount_idr": whole(r["amount_idr"])} for r in rows]
