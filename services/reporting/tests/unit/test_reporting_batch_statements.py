"""A batch's statements: grouped per statement in recorded order, barriers in place,
and freshness clocks aggregated per cooperative."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gotong_platform.consumer import ConsumedEvent
from gotong_platform.envelope import Envelope
from reporting.adapters.projection.common import Clocks
from reporting.adapters.projection.statements import Statements

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


def an_event(coop: str, partition: int, recorded_at: datetime, business_date: date
             ) -> ConsumedEvent:
    env = Envelope(event_id=uuid.uuid4(), event_type="T", schema_version=1, source="s",
                   stream_id="x", stream_version=1, cooperative_id=coop,
                   occurred_at=recorded_at, business_date=business_date,
                   recorded_at=recorded_at)
    return ConsumedEvent(envelope=env, data={}, topic="t", partition=partition, offset=0)


CLOCK = st.tuples(st.sampled_from(["coop-b", "coop-a", "coop-c"]), st.integers(0, 2),
                  st.integers(0, 10_000), st.integers(0, 400))


@given(st.lists(CLOCK, min_size=1, max_size=40), st.data())
def test_freshness_is_the_latest_clocks_and_count_per_cooperative_however_batched(
    clocks: list[tuple[str, int, int, int]], data: st.DataObject
) -> None:
    t0, d0 = datetime(2026, 1, 1, tzinfo=UTC), date(2026, 1, 1)
    events = [an_event(c, p, t0 + timedelta(seconds=s), d0 + timedelta(days=d))
              for c, p, s, d in clocks]
    whole = Clocks()
    for event in events:
        whole.add(event)
    rows = whole.freshness()
    keys = [(r[0], r[1], r[2]) for r in rows]
    assert keys == sorted(set(keys))  # one row per key, in key order: no deadlocks
    # Cut into batches, merged per key as the upsert does (greatest, greatest, sum), then
    # per cooperative as the view does: the latest clocks and the count of its events.
    cuts = sorted(data.draw(st.sets(st.integers(1, len(events) - 1) if len(events) > 1
                                    else st.nothing())))
    by_key: dict[tuple[str, str, int], tuple[datetime, date, int]] = {}
    for lo, hi in zip([0, *cuts], [*cuts, len(events)], strict=True):
        part = Clocks()
        for event in events[lo:hi]:
            part.add(event)
        for coop, topic, partition, at, day, n in part.freshness():
            old = by_key.get((coop, topic, partition))
            by_key[(coop, topic, partition)] = (
                (at, day, n) if old is None else
                (max(old[0], at), max(old[1], day), old[2] + n))
    assert by_key == {(r[0], r[1], r[2]): r[3:] for r in rows}
    view = {c: (max(v[0] for k, v in by_key.items() if k[0] == c),
                max(v[1] for k, v in by_key.items() if k[0] == c),
                sum(v[2] for k, v in by_key.items() if k[0] == c))
            for c in {k[0] for k in by_key}}
    expected = {c: (max(t0 + timedelta(seconds=s) for cc, _, s, _ in clocks if cc == c),
                    max(d0 + timedelta(days=d) for cc, _, _, d in clocks if cc == c),
                    sum(1 for cc, _, _, _ in clocks if cc == c))
                for c in {c for c, _, _, _ in clocks}}
    assert view == expected
