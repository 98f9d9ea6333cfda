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

An insert of new rows only (``InsertNew``, ``ON CONFLICT DO NOTHING``) is sent as
one ``INSERT ... SELECT`` over all its rows when it has several: PostgreSQL then
plans and runs it once, where ``executemany`` runs it once per row. The rows travel
as one JSON array of arrays (``json_rows``: orjson, in C) read back with a cast per
column, not as a typed array per column: asyncpg checks and encodes every array
element in Python-level code (1.7 us per row of six columns against 0.4 us, for
about 0.5 us more in PostgreSQL). Rows of one statement that collide on the key keep the first, as
one by one would (``DO NOTHING`` also skips a row that conflicts with an earlier
row of the same statement). Upserts stay on ``executemany``: ``DO UPDATE`` may not
touch one row twice in a statement.

A statement that *reads* what other statements wrote (``members._FEDERATION``
derives membership from ``fact_federation``) is recorded as a ``barrier``: every
row recorded before it is written first, then the barrier, and rows recorded
after it come after. It is rare (a federation join or leave), so a barrier costs
a round trip only when one occurs.

An insert into a fact table the maintained tables read also returns what its new
rows add to them (``reporting.adapters.read_model.contributions``: the insert is
``WITH new AS (INSERT ... RETURNING *)``, so a duplicate adds nothing): a few JSON
rows per statement, kept in ``contributions`` for the batch's one ``rm_apply`` at the
end. A pair of a void and a line of its sale adds in whichever statement runs
second, which is why moving a statement past another group's never counts a pair
twice or not at all.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import orjson

from gotong_platform.db import DbConnection
from reporting.adapters.read_model.contributions import contributions_of

__all__ = ["InsertNew", "Statements", "json_rows", "select_json_rows"]

_JSON_OPTIONS = orjson.OPT_NAIVE_UTC  # as asyncpg sends a naive datetime


def json_rows(rows: Sequence[Sequence[Any]]) -> str:
    """Rows as the JSON text ``select_json_rows`` reads (uuid, date and datetime as
    ISO strings, None as null)."""
    return orjson.dumps(rows, option=_JSON_OPTIONS).decode()


def select_json_rows(param: str, types: Sequence[str]) -> str:
    """``SELECT`` of the typed columns of the rows in the jsonb parameter ``param``."""
    columns = ", ".join(f"(r->>{i})::{t}" for i, t in enumerate(types))
    return f"SELECT {columns} FROM jsonb_array_elements({param}::jsonb) AS r"


class InsertNew:
    """``INSERT INTO table (columns) ... ON CONFLICT conflict DO NOTHING``.

    ``columns`` is ``"name type, name type, ..."`` with the column types of the
    table (the array types of the set-wise form). When the maintained tables read
    ``table``, the statement returns what its new rows add to them (``returns``).
    """

    __slots__ = ("bare_many_sql", "bare_row_sql", "many_sql", "returns", "row_sql", "table")

    def __init__(self, table: str, columns: str, conflict: str = "") -> None:
        pairs = [c.split() for c in columns.split(",")]
        names = ", ".join(name for name, _ in pairs)
        on_conflict = f"ON CONFLICT {conflict} DO NOTHING".replace("  ", " ")
        self.table = table
        self.row_sql = (f"INSERT INTO {table} ({names}) VALUES "
                        f"({', '.join(f'${n}' for n in range(1, len(pairs) + 1))}) "
                        f"{on_conflict}")
        self.many_sql = (f"INSERT INTO {table} ({names}) "
                         f"{select_json_rows('$1', [t for _, t in pairs])} {on_conflict}")
        # Without the maintained tables' share (a rebuild derives them at its end).
        self.bare_row_sql = self.row_sql
        self.bare_many_sql = self.many_sql
        tail = contributions_of(table)
        self.returns = tail is not None
        if tail is not None:
            self.row_sql = f"WITH new AS ({self.row_sql} RETURNING *)\n{tail}"
            self.many_sql = f"WITH new AS ({self.many_sql} RETURNING *)\n{tail}"

    def __repr__(self) -> str:
        return f"InsertNew({self.table})"


Statement = str | InsertNew


class Statements:
    """Collects (sql, args) in order; ``flush`` writes them grouped per statement.

    ``contributions``: what the flushed fact rows add to the maintained tables (JSON
    rows for ``rm_apply``), with the rows the projections ``note`` themselves.
    ``maintain=False`` writes the facts alone and collects no contributions (a
    rebuild, which derives the maintained tables from the facts once at its end).
    """

    __slots__ = ("_current", "_maintain", "_segments", "contributions")

    def __init__(self, *, maintain: bool = True) -> None:
        self._maintain = maintain
        # Each segment is either {sql: [args, ...]} (grouped writes, insertion-ordered)
        # or a barrier: (sql, args) executed alone.
        self._segments: list[dict[Statement, list[Sequence[Any]]] | tuple[str, Sequence[Any]]] = []
        self._current: dict[Statement, list[Sequence[Any]]] = {}
        self.contributions: list[str] = []

    def note(self, row: dict[str, Any]) -> None:
        """A row for ``rm_apply`` that no fact statement returns (e.g. a catalog change)."""
        if self._maintain:
            self.contributions.append(orjson.dumps(row, option=_JSON_OPTIONS).decode())

    def add(self, sql: Statement, *args: Any) -> None:
        """One row of a grouped write."""
        rows = self._current.get(sql)
        if rows is None:
            self._current[sql] = [args]
        else:
            rows.append(args)

    def add_many(self, sql: Statement, rows: Iterable[Sequence[Any]]) -> None:
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

    def statements(self) -> list[tuple[Statement, list[Sequence[Any]]]]:
        """What ``flush`` would send, in order: (sql, rows) per round trip."""
        out: list[tuple[Statement, list[Sequence[Any]]]] = []
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
            if isinstance(sql, InsertNew):
                if not (self._maintain and sql.returns):
                    if len(rows) == 1:
                        await conn.execute(sql.bare_row_sql, *rows[0])
                    else:
                        await conn.execute(sql.bare_many_sql, json_rows(rows))
                    continue
                added = (await conn.fetch(sql.row_sql, *rows[0]) if len(rows) == 1
                         else await conn.fetch(sql.many_sql, json_rows(rows)))
                self.contributions.extend(r[0] for r in added)
            elif len(rows) == 1:
                await conn.execute(sql, *rows[0])
            else:
                await conn.executemany(sql, rows)
