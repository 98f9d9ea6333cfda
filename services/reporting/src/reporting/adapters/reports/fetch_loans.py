"""Loans: flows in the month, and the portfolio at the period end.

The portfolio holds loans disbursed by ``as_of`` and neither written off nor closed
by then; each is assessed by ``reporting.domain.reports.loan_quality`` against the schedule
in force (the latest known to have taken effect by ``as_of``).
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from gotong_platform.db import DbConnection
from reporting.adapters.reports.scope import SCOPE
from reporting.domain.reports.figures import CoopFigures
from reporting.domain.reports.loan_quality import Instalment, LoanAtPeriodEnd, assess
from reporting.domain.reports.query import Query

__all__ = ["fetch_loan_flows", "fetch_loans", "fetch_portfolio"]

_FLOWS = SCOPE + """,
flows AS (
    SELECT f.cooperative_id, f.principal_idr AS disbursed, 1 AS disbursements,
           0::bigint AS principal, 0::bigint AS interest, 0::bigint AS penalty,
           0::bigint AS written_off
    FROM fact_loans f JOIN s USING (cooperative_id)
    WHERE f.business_date BETWEEN $3 AND $4 AND f.recorded_at <= s.known_at
    UNION ALL
    SELECT f.cooperative_id, 0, 0,
           CASE WHEN f.kind = 'repayment' THEN f.principal_idr ELSE 0 END,
           CASE WHEN f.kind = 'repayment' THEN f.interest_idr ELSE 0 END,
           CASE WHEN f.kind = 'repayment' THEN f.penalty_idr ELSE 0 END,
           CASE WHEN f.kind = 'written_off' THEN f.principal_idr ELSE 0 END
    FROM fact_loan_events f JOIN s USING (cooperative_id)
    WHERE f.kind IN ('repayment', 'written_off')
      AND f.business_date BETWEEN $3 AND $4 AND f.recorded_at <= s.known_at
)
SELECT cooperative_id, sum(disbursed) AS disbursed,
       sum(disbursements) AS disbursements, sum(principal) AS principal,
       sum(interest) AS interest, sum(penalty) AS penalty,
       sum(written_off) AS written_off
FROM flows GROUP BY 1
"""
_ALIVE = SCOPE + """,
alive AS (
    SELECT l.loan_id, l.cooperative_id, l.principal_idr, s.known_at
    FROM fact_loans l JOIN s USING (cooperative_id)
    WHERE l.business_date <= $4 AND l.recorded_at <= s.known_at
      AND NOT EXISTS (SELECT 1 FROM fact_loan_events e
                      WHERE e.loan_id = l.loan_id AND e.kind IN ('written_off', 'closed')
                        AND e.business_date <= $4 AND e.recorded_at <= s.known_at)
)
"""
_LOANS = _ALIVE + "SELECT loan_id, cooperative_id, principal_idr FROM alive"
_EVENTS = _ALIVE + """
SELECT e.loan_id, e.kind, e.stream_version, e.principal_idr, e.interest_idr
FROM fact_loan_events e JOIN alive o USING (loan_id)
WHERE e.kind IN ('repayment', 'restructured')
  AND e.business_date <= $4 AND e.recorded_at <= o.known_at
"""
_SCHEDULES = _ALIVE + """
SELECT DISTINCT ON (d.loan_id, d.number) d.loan_id, d.schedule_version, d.number,
       d.due_date, d.principal_idr, d.interest_idr
FROM fact_loan_schedule d JOIN alive o USING (loan_id)
WHERE d.schedule_version = (
    SELECT max(x.schedule_version) FROM fact_loan_schedule x
    WHERE x.loan_id = d.loan_id AND x.effective_from <= $4 AND x.recorded_at <= o.known_at)
ORDER BY d.loan_id, d.number
"""


async def fetch_loans(conn: DbConnection, q: Query, figs: dict[str, CoopFigures]) -> None:
    await fetch_loan_flows(conn, q, figs)
    await fetch_portfolio(conn, q, figs)


async def fetch_loan_flows(conn: DbConnection, q: Query, figs: dict[str, CoopFigures]
                           ) -> None:
    """Disbursed, repaid and written off in the month."""
    for r in await conn.fetch(_FLOWS, *q.args):
        f = figs[r["cooperative_id"]]
        f.add("loans.disbursed_idr", r["disbursed"])
        f.add("loans.disbursed_count", r["disbursements"])
        f.add("loans.repaid_principal_idr", r["principal"])
        f.add("loans.interest_paid_idr", r["interest"])
        f.add("loans.penalty_paid_idr", r["penalty"])
        f.add("loans.written_off_idr", r["written_off"])


async def fetch_portfolio(conn: DbConnection, q: Query, figs: dict[str, CoopFigures]
                          ) -> None:
    """The loans alive at ``as_of``, each assessed against its schedule in force."""
    for loan in await _portfolio(conn, q):
        _add_loan(figs[loan.cooperative_id], loan, q)


async def _portfolio(conn: DbConnection, q: Query) -> list[LoanAtPeriodEnd]:
    schedules: dict[str, list[Any]] = defaultdict(list)
    for r in await conn.fetch(_SCHEDULES, *q.args):
        schedules[r["loan_id"]].append(r)
    events: dict[str, list[Any]] = defaultdict(list)
    for r in await conn.fetch(_EVENTS, *q.args):
        events[r["loan_id"]].append(r)
    return [_loan(r, schedules[r["loan_id"]], events[r["loan_id"]])
            for r in await conn.fetch(_LOANS, *q.args)]


def _loan(row: Any, schedule: list[Any], events: list[Any]) -> LoanAtPeriodEnd:
    version = max((s["schedule_version"] for s in schedule), default=0)
    repayments = [e for e in events if e["kind"] == "repayment"]
    return LoanAtPeriodEnd(
        loan_id=row["loan_id"], cooperative_id=row["cooperative_id"],
        principal_idr=row["principal_idr"],
        principal_repaid_idr=sum(e["principal_idr"] for e in repayments),
        schedule=tuple(Instalment(s["number"], s["due_date"], s["principal_idr"],
                                  s["interest_idr"]) for s in schedule),
        paid_on_schedule_idr=sum(e["principal_idr"] + e["interest_idr"] for e in repayments
                                 if version == 0 or e["stream_version"] > version),
        restructured=any(e["kind"] == "restructured" for e in events),
    )


def _add_loan(f: CoopFigures, loan: LoanAtPeriodEnd, q: Query) -> None:
    quality = assess(loan, q.period.as_of)
    f.add("loans.active", 1)
    f.add("loans.glp_idr", quality.outstanding_idr)
    f.add("loans.overdue_principal_idr", quality.overdue_principal_idr)
    f.add(f"loans.{quality.collectibility}.count", 1)
    f.add(f"loans.{quality.collectibility}.outstanding_idr", quality.outstanding_idr)
    if quality.at_risk:
        f.add("loans.par30_idr", quality.outstanding_idr)
        f.add("loans.par30_count", 1)
    if loan.restructured:
        f.add("loans.restructured_idr", quality.outstanding_idr)
