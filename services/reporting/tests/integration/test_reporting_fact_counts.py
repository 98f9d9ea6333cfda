"""``stored.count_facts`` (one pass over ``changes``, a sum per condition) gives, for any
rows and any asked (cooperative, effective month, recorded month), the counts the
stamps of stored and kept figures are defined by, and each cooperative's newest row
version: checked against a plain computation on random rows (real PostgreSQL)."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from reporting_harness import Reporting

from reporting.adapters.reports import stored

pytestmark = pytest.mark.integration

COOPS = ("k-a", "k-b", "k-c")
MONTHS = tuple(date(2025, m, 1) for m in range(9, 13))
COLUMNS = ("members", "produce", "wajib", "loans", "other")

_ROWS = st.dictionaries(
    st.tuples(st.sampled_from(COOPS), st.sampled_from(MONTHS), st.sampled_from(MONTHS)),
    st.tuples(*(st.integers(0, 5) for _ in COLUMNS)), max_size=20)
_WANTED = st.lists(st.tuples(st.sampled_from((*COOPS, "k-none")), st.sampled_from(MONTHS),
                             st.none() | st.sampled_from(MONTHS)), min_size=1, max_size=14)


def _expected(rows: dict[tuple[str, date, date], tuple[int, ...]],
              key: tuple[str, date, date | None]) -> dict[str, int]:
    c, effective, recorded = key
    counted = [v for (rc, e, r), v in rows.items() if rc == c and e <= effective
               and (recorded is None or r <= recorded)]
    sums = [sum(v[n] for v in counted) for n in range(len(COLUMNS))]
    return {"members": sums[0], "produce": sums[1], "wajib": sums[2], "loans": sums[3],
            stored.ALL: sum(sums)}


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=_ROWS, wanted=_WANTED)
async def test_counts_are_the_sums_of_the_rows_each_key_asks_for(
        reporting: Reporting, rows: dict[tuple[str, date, date], tuple[int, ...]],
        wanted: list[tuple[str, date, date | None]]) -> None:
    async with reporting.pool.acquire() as conn, conn.transaction():
        await conn.execute("DELETE FROM changes")
        await conn.executemany(
            "INSERT INTO changes (cooperative_id, effective_month, recorded_month, members, "
            "produce, wajib, loans, other) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
            [(*k, *v) for k, v in rows.items()])
        counts, newest = await stored.count_facts(conn, wanted)
        xids = {r[0]: r[1] for r in await conn.fetch(
            "SELECT cooperative_id, max(xmin::text::bigint) FROM changes GROUP BY 1")}
    assert set(counts) == set(wanted)
    for key in wanted:
        assert counts[key] == _expected(rows, key), key
    assert newest == {c: xids.get(c, 0) for c in {k[0] for k in wanted}}


async def test_more_conditions_than_one_statement_sums(reporting: Reporting) -> None:
    many = [(c, date(2020 + n // 12, n % 12 + 1, 1), None) for c in COOPS for n in range(30)]
    async with reporting.pool.acquire() as conn:
        await conn.execute(
            "INSERT INTO changes (cooperative_id, effective_month, recorded_month, members) "
            "VALUES ('k-a', '2021-06-01', '2021-06-01', 3)")
        counts, _ = await stored.count_facts(conn, many)
    assert len(counts) == len(many)
    for (c, effective, _), n in counts.items():
        assert n["members"] == (3 if c == "k-a" and effective >= date(2021, 6, 1) else 0)
