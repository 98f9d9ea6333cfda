"""A bulk copy of a cooperative's facts equals the projection of the same history.

The benchmark of the federation view (``bench/gotong_bench/scenarios/federation.py``)
projects one synthetic cooperative's year through the consumer's own path and copies
its rows as the other cooperatives' (``copy_cooperative``: the facts under new ids,
then their maintained tables derived from them). Here a small year of cooperative
``t`` is projected in two read-model versions; in one, cooperative ``x``'s year (the
same history under x's ids, ``gotong_testing.synthetic_federation``) is projected
too, in the other it is copied from ``t``. Every monthly report of every month, as
known now and as known at moments inside the history, from the maintained tables and
from the facts, is the same in both, byte for byte.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

import asyncpg
import orjson
import pytest

from gotong_platform.consumer import ConsumedEvent
from gotong_testing.synthetic_federation import Shape, cooperative_year
from reporting.adapters.projection.dispatch import read_model_handler
from reporting.adapters.read_model.copies import copy_cooperative
from reporting.adapters.read_model.schema import READ_MODEL_DDL
from reporting.adapters.reports.reader import ReadModelReader
from reporting.application.snapshot import monthly_snapshot
from reporting.domain.reports.figures import ReportOptions

pytestmark = pytest.mark.integration

SMALL = Shape(months=3, members=6, sales=25, max_lines=3, receipts=4, savings=8, loans=1,
              products=4, void_per_mille=150, late_per_mille=200)
MOMENTS = (datetime(2025, 2, 1, 0, tzinfo=UTC), datetime(2025, 3, 10, 5, tzinfo=UTC),
           datetime(2026, 1, 1, tzinfo=UTC))


def year(coop: str, regency: str) -> list[ConsumedEvent]:
    return cooperative_year(coop, regency, "WITA", SMALL)


async def _apply(conn: asyncpg.Connection, events: Sequence[ConsumedEvent]) -> None:
    for start in range(0, len(events), 200):
        async with conn.transaction():
            await read_model_handler.apply_batch(conn, events[start:start + 200])


async def _snapshots(conn: asyncpg.Connection) -> list[bytes]:
    out = []
    for moment, reference in itertools.product(MOMENTS, (False, True)):
        async with conn.transaction(isolation="repeatable_read", readonly=True):
            snapshot = await monthly_snapshot(ReadModelReader(conn, reference=reference),
                                              moment, ReportOptions(low_stock_threshold=9_000))
        out.append(orjson.dumps(snapshot, option=orjson.OPT_SORT_KEYS))
    return out


async def _version(conn: asyncpg.Connection, schema: str, copied: bool) -> list[bytes]:
    await conn.execute(f"CREATE SCHEMA {schema}; SET search_path TO {schema}")
    await conn.execute(READ_MODEL_DDL)
    await _apply(conn, year("t", "5302"))
    if copied:
        async with conn.transaction():
            await copy_cooperative(conn, "t", [("x", "5311")])
    else:
        await _apply(conn, year("x", "5311"))
    return await _snapshots(conn)


async def test_a_copied_cooperative_reports_what_its_projected_history_does(
    database_factory: Any,
) -> None:
    conn = await asyncpg.connect(await database_factory("copies"))
    try:
        projected = await _version(conn, "rm_projected", copied=False)
        copied = await _version(conn, "rm_copied", copied=True)
        counts = [await conn.fetchval(f"SELECT count(*) FROM {s}.fact_sale_lines "
                                      "WHERE cooperative_id = 'x'")
                  for s in ("rm_projected", "rm_copied")]
    finally:
        await conn.close()
    assert counts[0] == counts[1] > 100
    assert len(projected) == len(copied) == 2 * len(MOMENTS)
    for a, b in zip(projected, copied, strict=True):
        assert orjson.loads(a) == orjson.loads(b)
        assert a == b
