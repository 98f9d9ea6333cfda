"""Rows of an ``InsertNew`` sent set-wise (one JSON parameter) land exactly as the
same rows sent one by one with typed parameters."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any

import asyncpg
import pytest

from reporting.adapters.projection.statements import InsertNew, Statements

pytestmark = pytest.mark.integration

_TABLE = InsertNew("odd_rows", """
    id uuid, label text, n bigint, small integer, day date, at timestamptz, flag boolean""",
                   "(id)")
_DDL = """CREATE TABLE odd_rows (id uuid PRIMARY KEY, label text, n bigint, small integer,
          day date, at timestamptz, flag boolean)"""

_ROWS: list[tuple[Any, ...]] = [
    (uuid.uuid4(), 'quote " back\\slash \n newline, tab\t', 2**63 - 1, -2**31,
     date(1, 1, 1), datetime(2026, 3, 1, 23, 59, 59, 999999, tzinfo=UTC), True),
    (uuid.uuid4(), "unicode: Rp 1.000 \u2013 koperasi ✓ 😀", -(2**63), 0, date(9999, 12, 31),
     datetime(2026, 3, 1, 7, tzinfo=timezone(timedelta(hours=7, minutes=30))), False),
    (uuid.uuid4(), None, None, None, None, None, None),
    (uuid.uuid4(), "", 0, 1, date(2026, 2, 28), datetime(2026, 2, 28, tzinfo=UTC), None),
]


async def _table(conn: asyncpg.Connection, rows: list[tuple[Any, ...]], *, set_wise: bool
                 ) -> list[Any]:
    await conn.execute("DROP TABLE IF EXISTS odd_rows")
    await conn.execute(_DDL)
    out = Statements()
    for row in rows if set_wise else rows[:1]:
        out.add(_TABLE, *row)
    await out.flush(conn)
    if not set_wise:
        for row in rows[1:]:
            out.add(_TABLE, *row)
            await out.flush(conn)  # one row: typed parameters
    return [tuple(r) for r in await conn.fetch("SELECT * FROM odd_rows ORDER BY id")]


async def test_set_wise_rows_equal_typed_rows(database_factory: Any) -> None:
    conn = await asyncpg.connect(await database_factory("insert_rows"))
    try:
        rows = [*_ROWS, _ROWS[0]]  # a repeat keeps the first, as one by one
        set_wise = await _table(conn, rows, set_wise=True)
        one_by_one = await _table(conn, rows, set_wise=False)
    finally:
        await conn.close()
    assert set_wise == one_by_one
    assert len(set_wise) == len(_ROWS)
