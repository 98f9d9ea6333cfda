"""A batch's statements: grouped per statement in recorded order, barriers in place,
and freshness clocks aggregated per cooperative."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gotong_platform.envelope import Envelope
from reporting.projection.common import Clocks
from reporting.projection.statements import Statements

pytestmark = pytest.mark.unit


class FakeConn:
    def __init__(self) -> None:
        self.sent: list[tuple[str, list[Any]]] = []

    async def execute(self, sql: str, *args: Any) -> None:
        self.sent.append((sql, [args]))

    async def executemany(self, sql: str, rows: list[Any]) -> None:
        self.sent.append((sql, list(rows)))


async def test_rows_of_a_statement_are_grouped_in_recorded_order() -> None:
    out = Statements()
    out.add("A", 1)
    out.add("B", 1)
    out.add("A", 2)
    out.add_many("B", [(2,), (3,)])
    out.add("C", 1)
    assert len(out) == 6
    conn = FakeConn()
    await out.flush(conn)
    assert conn.sent == [("A", [(1,), (2,)]), ("B", [(1,), (2,), (3,)]), ("C", [(1,)])]
    assert len(out) == 0


async def test_a_barrier_runs_after_everything_before_it_and_before_everything_after() -> None:
    out = Statements()
    out.add("A", 1)
    out.barrier("R", "x")
    out.add("A", 2)
    out.add("B", 1)
    out.barrier("R", "y")
    conn = FakeConn()
    await out.flush(conn)
    assert conn.sent == [("A", [(1,)]), ("R", [("x",)]), ("A", [(2,)]), ("B", [(1,)]),
                         ("R", [("y",)])]


def an_envelope(coop: str, recorded_at: datetime, business_date: date) -> Envelope:
    return Envelope(event_id=uuid.uuid4(), event_type="T", schema_version=1, source="s",
                    stream_id="x", stream_version=1, cooperative_id=coop,
                    occurred_at=recorded_at, business_date=business_date,
                    recorded_at=recorded_at)


CLOCK = st.tuples(st.sampled_from(["coop-b", "coop-a", "coop-c"]),
                  st.integers(0, 10_000), st.integers(0, 400))


@given(st.lists(CLOCK, min_size=1, max_size=40), st.data())
def test_freshness_is_the_latest_clocks_and_count_per_cooperative_however_batched(
    clocks: list[tuple[str, int, int]], data: st.DataObject
) -> None:
    t0, d0 = datetime(2026, 1, 1, tzinfo=UTC), date(2026, 1, 1)
    envs = [an_envelope(c, t0 + timedelta(seconds=s), d0 + timedelta(days=d))
            for c, s, d in clocks]
    whole = Clocks()
    for env in envs:
        whole.add(env)
    expected = {c: (max(t0 + timedelta(seconds=s) for cc, s, _ in clocks if cc == c),
                    max(d0 + timedelta(days=d) for cc, _, d in clocks if cc == c),
                    sum(1 for cc, _, _ in clocks if cc == c))
                for c in {c for c, _, _ in clocks}}
    rows = whole.freshness()
    assert [r[0] for r in rows] == sorted(expected)  # cooperative order: no deadlocks
    assert {r[0]: r[1:] for r in rows} == expected
    # Cut into batches, then merged as the upsert does (greatest, greatest, sum).
    cuts = sorted(data.draw(st.sets(st.integers(1, len(envs) - 1) if len(envs) > 1
                                    else st.nothing())))
    merged: dict[str, tuple[datetime, date, int]] = {}
    for lo, hi in zip([0, *cuts], [*cuts, len(envs)], strict=True):
        part = Clocks()
        for env in envs[lo:hi]:
            part.add(env)
        for coop, at, day, n in part.freshness():
            old = merged.get(coop)
            merged[coop] = ((at, day, n) if old is None else
                            (max(old[0], at), max(old[1], day), old[2] + n))
    assert merged == expected
