"""Members at the period end, admissions and exits in the month, and participation.

A member's status at the period end is that of her latest event (by stream version)
with a business date on or before ``as_of``, known by ``known_at``. Active means
admitted (a suspended member is not active). A participant is an active member with
at least one economic transaction in the month: a purchase (not voided), a produce
delivery, a savings deposit or a loan repayment.
"""

from __future__ import annotations

from gotong_platform.db import DbConnection
from reporting.adapters.reports.scope import SCOPE
from reporting.domain.reports.figures import CoopFigures
from reporting.domain.reports.query import Query

__all__ = ["fetch_members"]

_LATEST = """,
latest AS (
    SELECT DISTINCT ON (f.member_id) f.cooperative_id, f.member_id, f.status
    FROM fact_member_status f JOIN s USING (cooperative_id)
    WHERE f.business_date <= $4 AND f.recorded_at <= s.known_at
    ORDER BY f.member_id, f.version DESC
),
gender AS (
    SELECT f.member_id, min(f.gender) AS gender
    FROM fact_member_status f JOIN s USING (cooperative_id)
    WHERE f.gender IS NOT NULL AND f.recorded_at <= s.known_at
    GROUP BY f.member_id
)"""
_ACTIVE = SCOPE + _LATEST + """
SELECT l.cooperative_id, coalesce(g.gender, 'unknown') AS gender, count(*)::bigint AS n
FROM latest l LEFT JOIN gender g USING (member_id)
WHERE l.status = 'admitted' GROUP BY 1, 2
"""
_CHANGES = SCOPE + """
SELECT f.cooperative_id,
       count(*) FILTER (WHERE coalesce(f.change, f.status) = 'admitted')::bigint AS admitted,
       count(*) FILTER (WHERE coalesce(f.change, f.status) = 'exited')::bigint AS exited
FROM fact_member_status f JOIN s USING (cooperative_id)
WHERE f.business_date BETWEEN $3 AND $4 AND f.recorded_at <= s.known_at
GROUP BY 1
"""
_WINDOW = "f.business_date BETWEEN $3 AND $4 AND f.recorded_at <= s.known_at"
_PARTICIPANTS = SCOPE + _LATEST + f""",
economic AS (
    SELECT f.cooperative_id, f.member_id FROM fact_sale_lines f JOIN s USING (cooperative_id)
    WHERE f.buyer_type = 'member' AND f.member_id IS NOT NULL AND {_WINDOW}
      AND NOT EXISTS (SELECT 1 FROM fact_sale_voids v WHERE v.sale_id = f.sale_id
                      AND v.business_date <= $4 AND v.recorded_at <= s.known_at)
    UNION
    SELECT f.cooperative_id, f.member_id FROM fact_produce f JOIN s USING (cooperative_id)
    WHERE {_WINDOW}
    UNION
    SELECT f.cooperative_id, f.member_id FROM fact_savings f JOIN s USING (cooperative_id)
    WHERE f.kind = 'deposit' AND {_WINDOW}
    UNION
    SELECT f.cooperative_id, f.member_id FROM fact_loan_events f JOIN s USING (cooperative_id)
    WHERE f.kind = 'repayment' AND {_WINDOW}
)
SELECT l.cooperative_id, count(*)::bigint AS n
FROM latest l JOIN economic e USING (cooperative_id, member_id)
WHERE l.status = 'admitted' GROUP BY 1
"""


async def fetch_members(conn: DbConnection, q: Query, figs: dict[str, CoopFigures]) -> None:
    for r in await conn.fetch(_ACTIVE, *q.args):
        f = figs[r["cooperative_id"]]
        f.add("members.active", r["n"])
        f.add(f"members.active_{r['gender'].lower()}", r["n"])
    for r in await conn.fetch(_CHANGES, *q.args):
        figs[r["cooperative_id"]].add("members.admitted", r["admitted"])
        figs[r["cooperative_id"]].add("members.exited", r["exited"])
    for r in await conn.fetch(_PARTICIPANTS, *q.args):
        figs[r["cooperative_id"]].add("members.participants", r["n"])
