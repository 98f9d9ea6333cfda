"""Writes to the SHU query tables (created by migration 0002)."""

from __future__ import annotations

from typing import Any

from gotong_platform.db import DbConnection
from reporting.adapters.shu.publishing import policy_terms
from reporting.domain.shu import ShuCalculation, ShuPolicy

__all__ = ["ONE_APPROVED_PER_YEAR", "insert_policy", "replace_allocations",
           "upsert_calculation"]

ONE_APPROVED_PER_YEAR = "shu_calculations_one_approved_per_year"

_UPSERT_CALCULATION = """
INSERT INTO shu_calculations (calc_id, cooperative_id, fiscal_year, policy_version,
    period_start, period_end, status, calc_version, policy, shu_total_idr,
    shu_member_sourced_idr, member_gross_idr, total_gross_idr, pools_idr,
    capital_basis_total_idr, transaction_basis_total_idr, member_count, drafted_by,
    drafted_on, rat_date, approved_by, stream_version)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18,
    $19, $20, $21, $22)
ON CONFLICT (calc_id) DO UPDATE SET status = EXCLUDED.status,
    calc_version = EXCLUDED.calc_version, policy = EXCLUDED.policy,
    shu_total_idr = EXCLUDED.shu_total_idr,
    shu_member_sourced_idr = EXCLUDED.shu_member_sourced_idr,
    member_gross_idr = EXCLUDED.member_gross_idr, total_gross_idr = EXCLUDED.total_gross_idr,
    pools_idr = EXCLUDED.pools_idr, capital_basis_total_idr = EXCLUDED.capital_basis_total_idr,
    transaction_basis_total_idr = EXCLUDED.transaction_basis_total_idr,
    member_count = EXCLUDED.member_count, drafted_by = EXCLUDED.drafted_by,
    drafted_on = EXCLUDED.drafted_on, rat_date = EXCLUDED.rat_date,
    approved_by = EXCLUDED.approved_by, stream_version = EXCLUDED.stream_version
"""

_INSERT_ALLOCATIONS = """
INSERT INTO shu_allocations (calc_id, member_id, member_no, capital_basis_idr,
    transaction_basis_idr, jasa_modal_idr, jasa_usaha_idr, total_idr)
SELECT $1, * FROM unnest($2::text[], $3::text[], $4::bigint[], $5::bigint[], $6::bigint[],
                         $7::bigint[], $8::bigint[])
"""


async def insert_policy(conn: DbConnection, policy: ShuPolicy, terms: dict[str, Any],
                        adopted_by: str) -> None:
    await conn.execute(
        "INSERT INTO shu_policies (cooperative_id, policy_version, effective_fiscal_year, "
        "terms, adopted_on, adopted_by) VALUES ($1, $2, $3, $4, $5, $6)",
        policy.cooperative_id, policy.policy_version, policy.effective_fiscal_year, terms,
        policy.adopted_on, adopted_by)


async def upsert_calculation(conn: DbConnection, calc: ShuCalculation,
                             stream_version: int) -> None:
    r = calc.result
    await conn.execute(
        _UPSERT_CALCULATION, calc.calc_id, calc.cooperative_id, calc.fiscal_year,
        calc.policy.policy_version, calc.period_start, calc.period_end, calc.status.value,
        calc.calc_version, policy_terms(calc.policy).model_dump(mode="json"), r.shu_total_idr,
        r.shu_member_sourced_idr, r.member_gross_idr, r.total_gross_idr, dict(r.pools_idr),
        r.capital_basis_total_idr, r.transaction_basis_total_idr, r.member_count,
        calc.drafted_by, calc.drafted_on, calc.rat_date, calc.approved_by, stream_version)


async def replace_allocations(conn: DbConnection, calc: ShuCalculation) -> None:
    """A redraft replaces the member table wholesale (drafts are recomputed, not edited)."""
    rows = calc.result.allocations
    await conn.execute("DELETE FROM shu_allocations WHERE calc_id = $1", calc.calc_id)
    await conn.execute(
        _INSERT_ALLOCATIONS, calc.calc_id, [a.member_id for a in rows],
        [a.member_no for a in rows], [a.capital_basis_idr for a in rows],
        [a.transaction_basis_idr for a in rows], [a.jasa_modal_idr for a in rows],
        [a.jasa_usaha_idr for a in rows], [a.total_idr for a in rows])
