"""SHU facts from the LIVE read model's fact tables (``read_model/facts.py``).

Connections come from ``connect`` with ``search_path`` already on the live
read-model schema (``LiveReadModel.connection``), so the SQL names tables plainly.
What each figure means, for fiscal year [start, end]:

- status: a member's latest ``fact_member_status`` version dated on or before
  ``end``; months active: the month ends at which that status was admitted or
  suspended;
- savings: month-end balances = sum of ``fact_savings.delta_idr`` of the policy's
  simpanan types dated on or before each month end (all history: a balance);
- member purchases: ``fact_sale_lines.amount_idr`` of member sales dated in the
  year, minus the lines of sales whose void (``fact_sale_voids``) is dated in the
  year: a void is a correction on its own date, like everywhere in the read model;
- produce sold: ``fact_produce.amount_idr`` dated in the year;
- loan interest paid: ``fact_loan_events.interest_idr`` of repayments dated in the year;
- gross business (for the member-sourced share): all sales and member sales as
  above, plus all produce and loan interest of the year.

A cooperative whose fiscal year start month is not known yet (its registration
event has not arrived) gets a January fiscal year; a member without a member
number sorts after the numbered ones, by member id.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from contextlib import AbstractAsyncContextManager
from datetime import date

from gotong_platform.db import DbConnection
from reporting.domain.reports.figures import whole
from reporting.domain.shu import (
    BusinessTotals,
    CooperativeProfile,
    FiscalPeriod,
    MemberFacts,
    ShuFacts,
    ShuPolicy,
)

__all__ = ["ReadModelBases"]

Connect = Callable[[], AbstractAsyncContextManager[DbConnection]]

_PROFILE = """
SELECT coop_type, time_zone, fiscal_year_start_month AS start_month
FROM cooperatives WHERE cooperative_id = $1
"""
_MEMBERS = """
WITH latest AS (
    SELECT DISTINCT ON (member_id) member_id, status, business_date
    FROM fact_member_status WHERE cooperative_id = $1 AND business_date <= $2
    ORDER BY member_id, version DESC
)
SELECT l.member_id, l.status, l.business_date AS status_since, m.member_no
FROM latest l LEFT JOIN members m USING (member_id)
WHERE l.status IN ('admitted', 'suspended', 'exited')
"""
_MONTHS_ACTIVE = """
SELECT s.member_id, count(*)::int AS months
FROM unnest($2::date[]) AS me(month_end)
CROSS JOIN LATERAL (
    SELECT DISTINCT ON (member_id) member_id, status
    FROM fact_member_status WHERE cooperative_id = $1 AND business_date <= me.month_end
    ORDER BY member_id, version DESC
) s
WHERE s.status IN ('admitted', 'suspended')
GROUP BY s.member_id
"""
_BALANCES = """
SELECT s.member_id, me.month_end, sum(s.delta_idr) AS balance
FROM unnest($2::date[]) AS me(month_end)
JOIN fact_savings s ON s.cooperative_id = $1 AND s.business_date <= me.month_end
                   AND s.savings_type = ANY($3::text[])
GROUP BY s.member_id, me.month_end
"""
_SALES = """
WITH lines AS (
    SELECT buyer_type, member_id, amount_idr FROM fact_sale_lines
    WHERE cooperative_id = $1 AND business_date BETWEEN $2 AND $3
    UNION ALL
    SELECT l.buyer_type, l.member_id, -l.amount_idr
    FROM fact_sale_voids v JOIN fact_sale_lines l USING (sale_id)
    WHERE v.cooperative_id = $1 AND v.business_date BETWEEN $2 AND $3
)
SELECT CASE WHEN buyer_type = 'member' THEN member_id END AS member_id,
       buyer_type = 'member' AS by_member, sum(amount_idr) AS amount
FROM lines GROUP BY 1, 2
"""
_PRODUCE = """
SELECT member_id, sum(amount_idr) AS amount FROM fact_produce
WHERE cooperative_id = $1 AND business_date BETWEEN $2 AND $3 GROUP BY member_id
"""
_INTEREST = """
SELECT member_id, sum(interest_idr) AS amount FROM fact_loan_events
WHERE cooperative_id = $1 AND kind = 'repayment' AND business_date BETWEEN $2 AND $3
GROUP BY member_id
"""


class ReadModelBases:
    """The ``ShuReadModel`` port over the live read-model version."""

    def __init__(self, connect: Connect) -> None:
        self._connect = connect

    async def cooperative(self, cooperative_id: str) -> CooperativeProfile | None:
        async with self._connect() as conn:
            row = await conn.fetchrow(_PROFILE, cooperative_id)
        if row is None:
            return None
        return CooperativeProfile(coop_type=row["coop_type"], time_zone=row["time_zone"],
                                  fiscal_year_start_month=row["start_month"] or 1)

    async def shu_facts(self, cooperative_id: str, period: FiscalPeriod, policy: ShuPolicy
                        ) -> ShuFacts:
        month_ends = list(period.month_ends())
        span = (cooperative_id, period.start, period.end)
        async with self._connect() as conn:
            members = await conn.fetch(_MEMBERS, cooperative_id, period.end)
            months = await _by_member(conn, _MONTHS_ACTIVE, cooperative_id, month_ends)
            balances = await _balances(conn, cooperative_id, month_ends,
                                       [t.value for t in policy.capital_savings_types])
            sales = await conn.fetch(_SALES, *span)
            produce = await _by_member(conn, _PRODUCE, *span)
            interest = await _by_member(conn, _INTEREST, *span)
        purchases = {r["member_id"]: whole(r["amount"]) for r in sales if r["by_member"]}
        facts = tuple(
            MemberFacts(
                member_id=m["member_id"], member_no=m["member_no"], status=m["status"],
                status_since=m["status_since"],
                month_end_balances_idr=tuple(balances[m["member_id"]].get(day, 0)
                                             for day in month_ends),
                months_active=months.get(m["member_id"], 0),
                member_purchases_idr=purchases.get(m["member_id"], 0),
                produce_sold_idr=produce.get(m["member_id"], 0),
                loan_interest_paid_idr=interest.get(m["member_id"], 0))
            for m in members)
        totals = BusinessTotals(
            member_sales_idr=sum(purchases.values()),
            all_sales_idr=sum(whole(r["amount"]) for r in sales),
            produce_idr=sum(produce.values()), loan_interest_idr=sum(interest.values()))
        return ShuFacts(period=period, members=facts, totals=totals)


async def _by_member(conn: DbConnection, sql: str, *args: object) -> dict[str, int]:
    """``{member_id: value}`` of a query answering (member_id, one number)."""
    return {r[0]: whole(r[1]) for r in await conn.fetch(sql, *args)}


async def _balances(conn: DbConnection, cooperative_id: str, month_ends: list[date],
                    types: list[str]) -> dict[str, dict[date, int]]:
    balances: dict[str, dict[date, int]] = defaultdict(dict)
    for r in await conn.fetch(_BALANCES, cooperative_id, month_ends, types):
        balances[r["member_id"]][r["month_end"]] = whole(r["balance"])
    return balances
