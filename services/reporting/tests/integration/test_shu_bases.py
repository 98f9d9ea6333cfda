"""``ReadModelBases``: the SQL over a live read-model version's fact tables."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from datetime import UTC, date, datetime
from typing import Any

import asyncpg
import pytest
import pytest_asyncio

from gotong_platform.db import DbConnection, create_pool
from gotong_platform.migrations import upgrade
from reporting.adapters.read_model.versions import create_version
from reporting.adapters.shu.bases import ReadModelBases
from reporting.domain.shu import (
    AdoptShuPolicy,
    CapitalMeasure,
    SavingsType,
    ShuPolicy,
    Structure,
    TransactionKind,
    adopt_shu_policy,
    fiscal_period,
    member_bases,
)
from reporting.settings import ReportingSettings

pytestmark = pytest.mark.integration

COOP = "cooperative-bases"
AT = datetime(2026, 1, 20, tzinfo=UTC)


@pytest_asyncio.fixture
async def read_model(database_factory: Any) -> AsyncIterator[tuple[asyncpg.Pool, str]]:
    dsn = await database_factory("shu_bases")
    await upgrade(dsn, ReportingSettings(database_url=dsn).migrations_dir)
    pool = await create_pool(dsn, max_size=4)
    try:
        schema = await create_version(pool, status="live")
        await pool.execute(
            f"INSERT INTO {schema}.cooperatives (cooperative_id, coop_type, time_zone) "
            "VALUES ($1, 'multi_purpose', 'WIT')", COOP)
        yield pool, schema
    finally:
        await pool.close()


def connector(pool: asyncpg.Pool, schema: str
              ) -> Callable[[], AbstractAsyncContextManager[DbConnection]]:
    @asynccontextmanager
    async def connect() -> AsyncIterator[DbConnection]:
        async with pool.acquire() as conn, conn.transaction(readonly=True):
            await conn.execute(f"SET LOCAL search_path TO {schema}")
            yield conn

    return connect


def policy(**overrides: Any) -> ShuPolicy:
    command = AdoptShuPolicy(**{
        "effective_fiscal_year": 2024, "structure": Structure.FLAT,
        "pools_bp": {"cadangan": 5000, "jasa_modal": 2500, "jasa_usaha": 2500},
        "transaction_basis": tuple(TransactionKind), **overrides})
    return adopt_shu_policy(0, command, cooperative_id=COOP, today=date(2026, 2, 1))[0].policy


async def insert(pool: asyncpg.Pool, schema: str, table: str, **row: Any) -> None:
    columns = ", ".join(row)
    marks = ", ".join(f"${i}" for i in range(1, len(row) + 1))
    await pool.execute(f"INSERT INTO {schema}.{table} ({columns}) VALUES ({marks})",
                       *row.values())


async def status(pool: asyncpg.Pool, schema: str, member: str, version: int, value: str,
                 day: str) -> None:
    await insert(pool, schema, "fact_member_status", member_id=member, version=version,
                 cooperative_id=COOP, status=value, business_date=date.fromisoformat(day),
                 recorded_at=AT)


async def saving(pool: asyncpg.Pool, schema: str, member: str, kind: str, day: str,
                 amount: int) -> None:
    await insert(pool, schema, "fact_savings", event_id=uuid.uuid4(), cooperative_id=COOP,
                 member_id=member, savings_type=kind, kind="deposit",
                 business_date=date.fromisoformat(day), recorded_at=AT, delta_idr=amount)


async def test_profile_defaults_to_a_january_year_until_the_read_model_knows_it(
    read_model: tuple[asyncpg.Pool, str],
) -> None:
    pool, schema = read_model
    bases = ReadModelBases(connector(pool, schema))
    profile = await bases.cooperative(COOP)
    assert profile is not None
    assert (profile.coop_type, profile.time_zone, profile.fiscal_year_start_month) == (
        "multi_purpose", "WIT", 1)
    assert await bases.cooperative("cooperative-unknown") is None
    await pool.execute(f"UPDATE {schema}.cooperatives SET fiscal_year_start_month = 7")
    profile = await bases.cooperative(COOP)
    assert profile is not None
    assert profile.fiscal_year_start_month == 7


async def test_a_july_fiscal_year_with_average_balances_and_exited_members(
    read_model: tuple[asyncpg.Pool, str],
) -> None:
    pool, schema = read_model
    period = fiscal_period(2024, start_month=7)  # 2024-07-01 .. 2025-06-30
    await status(pool, schema, "a", 1, "admitted", "2020-01-01")
    await status(pool, schema, "b", 1, "admitted", "2020-01-01")
    await status(pool, schema, "b", 2, "exited", "2025-01-15")
    await status(pool, schema, "c", 1, "admitted", "2020-01-01")
    await status(pool, schema, "c", 2, "exited", "2024-06-30")  # before the year: never
    await saving(pool, schema, "a", "pokok", "2020-01-01", 120_000)
    await saving(pool, schema, "a", "wajib", "2025-01-01", 60_000)  # 6 month ends from Jan
    await saving(pool, schema, "a", "sukarela", "2024-08-01", 1_000_000)
    await saving(pool, schema, "b", "pokok", "2020-01-01", 100_000)
    measure = policy(capital_measure=CapitalMeasure.AVERAGE_MONTHLY_BALANCE,
                     include_exited_members=True)
    facts = await ReadModelBases(connector(pool, schema)).shu_facts(COOP, period, measure)
    by_id = {f.member_id: f for f in facts.members}
    assert set(by_id) == {"a", "b", "c"}  # candidates; eligibility is the domain's
    assert by_id["a"].month_end_balances_idr == (120_000,) * 6 + (180_000,) * 6
    assert (by_id["a"].months_active, by_id["b"].months_active) == (12, 6)
    bases = {b.member_id: b.capital_idr for b in member_bases(measure, period, facts.members)}
    assert bases == {"a": (120_000 * 6 + 180_000 * 6) // 12, "b": 100_000}
    with_sukarela = policy(capital_savings_types=(SavingsType.POKOK, SavingsType.SUKARELA))
    facts = await ReadModelBases(connector(pool, schema)).shu_facts(COOP, period, with_sukarela)
    assert {f.member_id: f.month_end_balances_idr[-1] for f in facts.members}["a"] == 1_120_000


async def test_a_void_counts_on_its_own_date(read_model: tuple[asyncpg.Pool, str]) -> None:
    pool, schema = read_model
    period = fiscal_period(2025)
    await status(pool, schema, "a", 1, "admitted", "2020-01-01")
    for sale, day, buyer, member, amount in [
        ("s-2024", "2024-12-30", "member", "a", 700),  # voided in 2025: -700 in 2025
        ("s-2025", "2025-03-01", "member", "a", 1_000),
        ("s-late", "2025-12-30", "member", "a", 50),  # voided in 2026: counts in 2025
        ("s-other", "2025-03-01", "non_member", None, 4_000),
    ]:
        await insert(pool, schema, "fact_sale_lines", sale_id=sale, line_no=1,
                     cooperative_id=COOP, business_date=date.fromisoformat(day),
                     recorded_at=AT, buyer_type=buyer, member_id=member, product_id="p",
                     category="staple_goods", qty=1, amount_idr=amount)
    for sale, day in [("s-2024", "2025-01-05"), ("s-late", "2026-01-02")]:
        await insert(pool, schema, "fact_sale_voids", sale_id=sale, cooperative_id=COOP,
                     business_date=date.fromisoformat(day), recorded_at=AT, reason_code="x")
    await insert(pool, schema, "fact_loan_events", event_id=uuid.uuid4(), loan_id="l",
                 cooperative_id=COOP, member_id="a", kind="restructured",
                 business_date=date(2025, 5, 1), recorded_at=AT, interest_idr=99)
    facts = await ReadModelBases(connector(pool, schema)).shu_facts(COOP, period, policy())
    (a,) = facts.members
    assert (a.member_purchases_idr, a.loan_interest_paid_idr) == (1_000 + 50 - 700, 0)
    assert (facts.totals.member_sales_idr, facts.totals.all_sales_idr) == (350, 4_350)
