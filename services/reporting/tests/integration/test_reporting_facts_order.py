"""Property: the fact tables (and every monthly report) do not depend on delivery order.

The scenario's events from all three services are delivered in any order, some of
them twice (the runner drops a repeated event id, as it does in production); the
read model and the monthly reports must equal those built in order.
"""

from __future__ import annotations

import asyncio
import itertools
import uuid
from datetime import UTC, datetime
from typing import Any

import asyncpg
import orjson
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from reporting_harness import Reporting
from reporting_scenario import seed

from gotong_platform.consumer import ConsumedEvent
from reporting.adapters.projection.dispatch import apply_event
from reporting.adapters.read_model.schema import READ_MODEL_DDL
from reporting.adapters.reports.reader import ReadModelReader
from reporting.application.snapshot import monthly_snapshot
from reporting.domain.reports.figures import ReportOptions

pytestmark = pytest.mark.integration

TABLES = ("cooperatives", "members", "freshness", "fact_member_status", "fact_sale_lines",
          "fact_sale_voids", "fact_produce", "fact_stock", "fact_savings", "fact_wajib_bills",
          "fact_loans", "fact_loan_schedule", "fact_loan_events", "fact_federation",
          "fact_events", "products", "warehouses")
KNOWN_AT = datetime(2026, 3, 1, tzinfo=UTC)
_schemas = itertools.count()


class Recorder(Reporting):
    """Collects the scenario's events instead of applying them."""

    def __init__(self) -> None:
        super().__init__(client=None, pool=None)  # type: ignore[arg-type]
        self.events: list[ConsumedEvent] = []

    async def apply(self, *events: ConsumedEvent) -> None:
        self.events.extend(events)


def run(coroutine: Any) -> Any:
    """Run on a private loop (asyncio.run would unset the session's current loop)."""
    loop = asyncio.new_event_loop()
    try:
        return loop.run_until_complete(coroutine)
    finally:
        loop.close()


def scenario_events() -> list[ConsumedEvent]:
    recorder = Recorder()
    run(seed(recorder))
    return recorder.events


IN_ORDER = scenario_events()


async def build(dsn: str, deliveries: list[ConsumedEvent]) -> tuple[list[Any], bytes]:
    conn = await asyncpg.connect(dsn)
    schema = f"rm_facts_{next(_schemas)}"
    try:
        await conn.execute(f"CREATE SCHEMA {schema}; SET search_path TO {schema}")
        await conn.execute(READ_MODEL_DDL)
        seen: set[uuid.UUID] = set()
        for event in deliveries:
            if event.envelope.event_id in seen:
                continue
            seen.add(event.envelope.event_id)
            async with conn.transaction():
                await apply_event(conn, event)
        tables = [sorted(map(repr, await conn.fetch(f"SELECT * FROM {table}")))
                  for table in TABLES]
        reports = await monthly_snapshot(ReadModelReader(conn), KNOWN_AT, ReportOptions())
        return tables, orjson.dumps(reports, option=orjson.OPT_SORT_KEYS)
    finally:
        await conn.execute(f"DROP SCHEMA {schema} CASCADE")
        await conn.close()


@pytest.fixture(scope="module")
def facts_dsn(database_factory: Any) -> str:  # type: ignore[misc]
    # A loop of its own: the thread's current loop is not guaranteed (another module's
    # fixture may have closed it), and the database outlives this call anyway.
    loop = asyncio.new_event_loop()
    try:
        return loop.run_until_complete(database_factory("facts"))  # type: ignore[no-any-return]
    finally:
        loop.close()


@pytest.fixture(scope="module")
def in_order_model(facts_dsn: str) -> tuple[list[Any], bytes]:
    result: tuple[list[Any], bytes] = run(build(facts_dsn, IN_ORDER))
    return result


@settings(max_examples=6, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_any_delivery_order_with_duplicates_gives_the_same_facts_and_reports(
    facts_dsn: str, in_order_model: tuple[list[Any], bytes], data: st.DataObject
) -> None:
    duplicates = data.draw(st.lists(st.sampled_from(IN_ORDER), max_size=10))
    delivered = data.draw(st.permutations(IN_ORDER + duplicates))
    tables, reports = run(build(facts_dsn, list(delivered)))
    expected_tables, expected_reports = in_order_model
    assert tables == expected_tables
    assert reports == expected_reports


def test_the_scenario_touches_every_fact_table(in_order_model: tuple[list[Any], bytes]) -> None:
    tables, reports = in_order_model
    assert all(rows for rows in tables[:3])
    empty = [name for name, rows in zip(TABLES, tables, strict=True) if not rows]
    assert empty == []
    assert b'"2026-01"' in reports
