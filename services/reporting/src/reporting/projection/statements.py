"""Statements of a batch of events, written with one pipelined round trip per statement.

The projections do no I/O: they say which statement each event needs, with which
arguments, to a ``Statements`` recorder. The recorder groups the rows of each
statement (in the order they were recorded) and ``flush`` sends every group with
asyncpg's ``executemany``, which pipelines all its rows in one round trip. So a
batch of 500 deposits costs one statement for ``fact_savings`` instead of 500.

Grouping moves a statement past statements of *other* groups recorded between
its rows, never past its own rows. That is only correct when statements of
different groups commute, which holds for the read model's writes: each fact
table is written by one statement (``INSERT ... ON CONFLICT DO NOTHING`` keyed by
event or business key), and the order-tolerant upserts of ``cooperatives`` by
registration (every column but the federation ones) and by a federation event
(insert the bare row if missing) give the same row in either order.

A statement that *reads* what other statements wrote (``members._FEDERATION``
derives membership from ``fact_federation``) is recorded as a ``barrier``: every
row recorded before it is written first, then the barrier, and rows recorded
after it come after. It is rare (a federation join or leave), so a barrier costs
a round trip only when one occurs.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from gotong_platform.db import DbConnection

__all__ = ["Statements"]


class Statements:
    """Collects (sql, args) in order; ``flush`` writes them grouped per statement."""

    __slots__ = ("_current", "_segments")

    def __init__(self) -> None:
        # Each segment is either {sql: [args, ...]} (grouped writes, insertion-ordered)
        # or a barrier: (sql, args) executed alone.
        self._segments: list[dict[str, list[Sequence[Any]]] | tuple[str, Sequence[Any]]] = []
        self._current: dict[str, list[Sequence[Any]]] = {}

    def add(self, sql: str, *args: Any) -> None:
        """One row of a grouped write."""
        rows = self._current.get(sql)
        if rows is None:
            self._current[sql] = [args]
        else:
            rows.append(args)

    def add_many(self, sql: str, rows: Iterable[Sequence[Any]]) -> None:
        group = self._current.setdefault(sql, [])
        group.extend(rows)

    def barrier(self, sql: str, *args: Any) -> None:
        """A statement that reads what earlier ones wrote: runs after them, alone."""
        if self._current:
            self._segments.append(self._current)
            self._current = {}
        self._segments.append((sql, args))

    def __len__(self) -> int:
        """Rows recorded and not yet flushed (a barrier counts one)."""
        return sum(len(rows) for _, rows in self.statements())

    def statements(self) -> list[tuple[str, list[Sequence[Any]]]]:
        """What ``flush`` would send, in order: (sql, rows) per round trip."""
        out: list[tuple[str, list[Sequence[Any]]]] = []
        for segment in [*self._segments, self._current]:
            if isinstance(segment, tuple):
                out.append((segment[0], [segment[1]]))
            else:
                out.extend((sql, rows) for sql, rows in segment.items() if rows)
        return out

    async def flush(self, conn: DbConnection) -> None:
        """Write everything recorded, in order, then start empty."""
        work = self.statements()
        self._segments = []
        self._current = {}
        for sql, rows in work:
            if len(rows) == 1:
                await conn.execute(sql, *rows[0])
            else:
                await conn.executemany(sql, rows)
