"""A computation from the facts takes its cooperatives in chunks, and a chunk that fails
still leaves out only the cooperative that fails (real PostgreSQL savepoints).

Chunks bound what a first federation request holds at once (``FACTS_CHUNK``); the
bisection that finds a failing cooperative must keep working inside a chunk and must
not cost the chunks after it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import asyncpg
import pytest

from reporting.adapters.reports.isolation import per_cooperative
from reporting.domain.reports.unavailable import Unavailables

pytestmark = pytest.mark.integration

IDS = [f"k-{n:03d}" for n in range(23)]
BAD = "k-013"


@pytest.mark.parametrize("chunk", [None, 1, 5, 23, 100])
async def test_chunks_bound_each_call_and_isolate_the_failing_cooperative(
        database_factory: Any, chunk: int | None) -> None:
    conn = await asyncpg.connect(await database_factory("chunks"))
    calls: list[list[str]] = []

    async def compute(ids: Sequence[str]) -> dict[str, int]:
        calls.append(list(ids))
        # a statement on the connection, so a failure really rolls back a savepoint
        total = await conn.fetchval("SELECT count(*) FROM unnest($1::text[])", list(ids))
        assert total == len(ids)
        if BAD in ids:
            raise ValueError("a value no computation accepts")
        return {c: int(c[2:]) for c in ids}

    unavailable: Unavailables = {}
    try:
        async with conn.transaction():
            got = await per_cooperative(conn, IDS, "figures", compute, unavailable,
                                        chunk=chunk)
            # the transaction is still usable after the failed savepoints
            assert await conn.fetchval("SELECT 1") == 1
    finally:
        await conn.close()
    assert got == {c: int(c[2:]) for c in IDS if c != BAD}
    assert set(unavailable) == {BAD}
    assert unavailable[BAD].step == "figures"
    assert max(len(ids) for ids in calls) <= (chunk or len(IDS))
    # every cooperative but the failing one is computed exactly once
    succeeded = [c for ids in calls if BAD not in ids for c in ids]
    assert sorted(succeeded) == sorted(c for c in IDS if c != BAD)
