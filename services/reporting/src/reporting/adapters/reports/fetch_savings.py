"""Savings balances at the period end, flows in the month, and wajib compliance.

Wajib compliance = bills due in the month (up to ``as_of``) paid in full by their
due date / bills due in the month; which deposits pay which bill is
``reporting.domain.reports.wajib`` (first in, first out, per member).
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from gotong_platform.db import DbConnection
from reporting.adapters.reports.scope import SCOPE
from reporting.domain.reports.figures import CoopFigures, whole
from reporting.domain.reports.query import Query
from reporting.domain.reports.wajib import paid_on_time

__all__ = ["fetch_balances", "fetch_savings", "fetch_wajib"]

_BALANCES = SCOPE + """
SELECT f.cooperative_id, f.savings_type, sum(f.delta_idr) AS balance,
       coalesce(sum(f.delta_idr) FILTER (WHERE f.kind = 'deposit' AND f.business_date >= $3),
                0) AS deposits,
       coalesce(-sum(f.delta_idr) FILTER (WHERE f.kind = 'withdrawal'
                                          AND f.business_date >= $3), 0) AS withdrawals,
       coalesce(-sum(f.delta_idr) FILTER (WHERE f.kind = 'refund' AND f.business_date >= $3),
                0) AS refunds
FROM fact_savings f JOIN s USING (cooperative_id)
WHERE f.business_date <= $4 AND f.recorded_at <= s.known_at
GROUP BY 1, 2
"""
# Members with a bill due in the month, with every bill and wajib deposit up to as_of.
_DUE = SCOPE + """,
due AS (
    SELECT DISTINCT b.cooperative_id, b.member_id
    FROM fact_wajib_bills b JOIN s USING (cooperative_id)
    WHERE b.due_date BETWEEN $3 AND $4 AND b.recorded_at <= s.known_at
)
"""
_BILLS = _DUE + """
SELECT b.cooperative_id, b.member_id, b.due_date, b.period, b.amount_idr
FROM fact_wajib_bills b JOIN s USING (cooperative_id) JOIN due USING (cooperative_id, member_id)
WHERE b.due_date <= $4 AND b.recorded_at <= s.known_at
"""
_DEPOSITS = _DUE + """
SELECT f.cooperative_id, f.member_id, f.business_date, sum(f.delta_idr) AS amount
FROM fact_savings f JOIN s USING (cooperative_id) JOIN due USING (cooperative_id, member_id)
WHERE f.savings_type = 'wajib' AND f.kind = 'deposit' AND f.business_date <= $4
  AND f.recorded_at <= s.known_at
GROUP BY 1, 2, 3
"""

Member = tuple[str, str]


async def fetch_savings(conn: DbConnection, q: Query, figs: dict[str, CoopFigures]) -> None:
    await fetch_balances(conn, q, figs)
    await fetch_wajib(conn, q, figs)


async def fetch_balances(conn: DbConnection, q: Query, figs: dict[str, CoopFigures]) -> None:
    """Balances by type at ``as_of``, deposits, withdrawals and refunds in the month."""
    for r in await conn.fetch(_BALANCES, *q.args):
        f = figs[r["cooperative_id"]]
        f.add(f"savings.{r['savings_type']}_idr", r["balance"])
        f.add("savings.deposits_idr", r["deposits"])
        f.add("savings.withdrawals_idr", r["withdrawals"])
        f.add("savings.refunds_idr", r["refunds"])


async def fetch_wajib(conn: DbConnection, q: Query, figs: dict[str, CoopFigures]) -> None:
    """Wajib bills due in the month, and those paid by their due date."""
    bills: dict[Member, list[tuple[date, str, int]]] = defaultdict(list)
    for r in await conn.fetch(_BILLS, *q.args):
        bills[r["cooperative_id"], r["member_id"]].append(
            (r["due_date"], r["period"], r["amount_idr"]))
    deposits: dict[Member, list[tuple[date, int]]] = defaultdict(list)
    for r in await conn.fetch(_DEPOSITS, *q.args):
        deposits[r["cooperative_id"], r["member_id"]].append((r["business_date"],
                                                              whole(r["amount"])))
    for member in sorted(bills):
        f = figs[member[0]]
        for due, _, paid in paid_on_time(bills[member], deposits.get(member, [])):
            if q.period.start <= due <= q.period.as_of:
                f.add("wajib.bills_due", 1)
                f.add("wajib.bills_paid_on_time", int(paid))
