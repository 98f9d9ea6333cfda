"""Figures computed once and kept while nothing they depend on changes.

Two kinds of rows in ``stored_figures``, one per cooperative, month, ``as_of``:

- a *group* of figures as known now (``known_at`` infinity): the figures that are
  not sums of facts (members active at ``as_of`` and participation, produce suppliers,
  wajib compliance, the loan book's quality), computed from the facts the first time
  they are asked for;
- ``all`` the figures as known at a past moment (a closed month as known at its end):
  they never change, unless a fact recorded before that moment arrives late.

Each row keeps ``seen``: the ``changes`` count, at the time it was computed, of the
facts that can change it (for a group: its kinds of facts effective in its month or
before; for ``all``: every fact effective by then and recorded by the moment's month).
A fact written later moves that count, so a row whose ``seen`` differs from the
count now is computed again: a stale row is never shown, whatever the timing of the
consumer's and the API's transactions (the count and the figures are read in one
snapshot).
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import Any

import orjson

from gotong_platform.db import DbConnection

__all__ = ["GROUP_COUNTS", "Counts", "StoredRow", "decode", "encode", "load", "save",
           "seen_counts"]

log = logging.getLogger("reporting.reports.stored")

# the ``changes`` column that counts the facts a group depends on
GROUP_COUNTS = {"members": "members", "suppliers": "produce", "wajib": "wajib",
                "portfolio": "loans"}
ALL = "all"


@dataclasses.dataclass(frozen=True)
class StoredRow:
    cooperative_id: str
    month: date
    as_of: date
    known_at: datetime | None  # None: as known now
    threshold: int
    grp: str
    seen: int
    payload: str


# (cooperative, effective month, recorded month or None) -> counts
Counts = dict[str, int]


# ``changes`` columns by what they count: a group's own kinds of facts, and every fact
_COUNTED = {"members": "members", "produce": "produce", "wajib": "wajib", "loans": "loans",
            ALL: "members + produce + wajib + loans + other"}
# conditions (effective month, recorded month) one statement sums: a request asks a few
_CONDITIONS_PER_STATEMENT = 8
# (cooperative, effective month, recorded month or None for any)
CountKey = tuple[str, date, date | None]


def _counts_sql(conditions: Sequence[tuple[date, date | None]], counted: dict[str, str]
                ) -> tuple[str, list[date]]:
    """One pass over the cooperatives' ``changes`` rows, a sum per condition and column
    (a join of every asked (cooperative, month) to the rows read each row once per month
    asked, three times the cost at 1,000 cooperatives)."""
    columns = ["coalesce(max(xmin::text::bigint), 0)"]
    args: list[date] = []
    for effective, recorded in conditions:
        args.append(effective)
        where = f"effective_month <= ${len(args) + 1}::date"
        if recorded is not None:
            args.append(recorded)
            where += f" AND recorded_month <= ${len(args) + 1}::date"
        columns += [f"coalesce(sum({what}) FILTER (WHERE {where}), 0)::bigint"
                    for what in counted.values()]
    return (f"SELECT cooperative_id, {', '.join(columns)} FROM changes "
            "WHERE cooperative_id = ANY($1::text[]) GROUP BY cooperative_id"), args


async def count_facts(conn: DbConnection, wanted: Iterable[CountKey],
                      columns: Sequence[str] = tuple(_COUNTED),
                      ) -> tuple[dict[CountKey, Counts], dict[str, int]]:
    """The counts of facts for each (cooperative, effective month, recorded month or
    None for any), per group column and ``all`` (or only ``columns``); and each
    cooperative's newest transaction id among its ``changes`` rows (0: none)."""
    counted = {name: _COUNTED[name] for name in columns}
    keys = set(wanted)
    ids = sorted({k[0] for k in keys})
    conditions = sorted({(k[1], k[2]) for k in keys}, key=lambda c: (c[0], c[1] or date.min))
    counts: dict[tuple[str, date, date | None], Counts] = {}
    newest: dict[str, int] = dict.fromkeys(ids, 0)
    zero = dict.fromkeys(counted, 0)
    for start in range(0, len(conditions), _CONDITIONS_PER_STATEMENT):
        part = conditions[start:start + _CONDITIONS_PER_STATEMENT]
        sql, args = _counts_sql(part, counted)
        for r in await conn.fetch(sql, ids, *args) if ids else []:
            newest[r[0]] = r[1]
            for n, (effective, recorded) in enumerate(part):
                values = r[2 + n * len(counted): 2 + (n + 1) * len(counted)]
                counts[(r[0], effective, recorded)] = dict(zip(counted, values, strict=True))
    return {k: counts.get(k) or dict(zero) for k in keys}, newest


async def seen_counts(conn: DbConnection,
                      wanted: Iterable[CountKey]) -> dict[CountKey, Counts]:
    """The counts of facts for each (cooperative, effective month, recorded month or
    None for any): per group column and ``all``."""
    counts, _ = await count_facts(conn, wanted)
    return counts


_LOAD = """
WITH q AS (SELECT * FROM unnest($1::text[], $2::date[], $3::date[], $4::timestamptz[],
                                $5::bigint[]) WITH ORDINALITY
           AS q(c, month, as_of, known_at, threshold, n))
SELECT q.n, s.grp, s.seen, s.payload
FROM q JOIN stored_figures s ON s.cooperative_id = q.c AND s.month = q.month
    AND s.as_of = q.as_of AND s.known_at = coalesce(q.known_at, 'infinity')
    AND s.threshold = q.threshold
"""
# (cooperative, month, as_of, known_at or None for "known now", low-stock threshold)
Key = tuple[str, date, date, datetime | None, int]


async def load(conn: DbConnection, keys: Iterable[Key]) -> dict[tuple[Key, str], StoredRow]:
    """The stored rows of each key, by (key, group)."""
    wanted = sorted(set(keys), key=lambda k: (k[0], k[1], k[2], k[3] or datetime.min, k[4]))
    if not wanted:
        return {}
    rows = await conn.fetch(_LOAD, *(list(column) for column in zip(*wanted, strict=True)))
    out: dict[tuple[Key, str], StoredRow] = {}
    for r in rows:
        key = wanted[r[0] - 1]
        c, month, as_of, known_at, threshold = key
        out[(key, r[1])] = StoredRow(c, month, as_of, known_at, threshold, r[1], r[2], r[3])
    return out

_SAVE = """
INSERT INTO stored_figures (cooperative_id, month, as_of, known_at, threshold, grp, seen,
                            payload)
SELECT c, month, as_of, coalesce(known_at, 'infinity'), threshold, grp, seen, payload
FROM unnest($1::text[], $2::date[], $3::date[], $4::timestamptz[], $5::bigint[], $6::text[],
            $7::bigint[], $8::text[])
    AS r(c, month, as_of, known_at, threshold, grp, seen, payload)
ORDER BY 1, 2, 3, 4, 5, 6
ON CONFLICT (cooperative_id, month, as_of, known_at, threshold, grp) DO UPDATE
SET seen = EXCLUDED.seen, payload = EXCLUDED.payload, computed_at = now()
"""
# Rows not computed for a while are dropped (a past moment nobody asks about again).
_PRUNE = "DELETE FROM stored_figures WHERE computed_at < now() - interval '30 days'"


async def save(conn: DbConnection, rows: Sequence[StoredRow]) -> None:
    """Keep ``rows`` (a later computation of the same key replaces it)."""
    if not rows:
        return
    columns = [[r.cooperative_id for r in rows], [r.month for r in rows],
               [r.as_of for r in rows], [r.known_at for r in rows],
               [r.threshold for r in rows], [r.grp for r in rows], [r.seen for r in rows],
               [r.payload for r in rows]]
    await conn.execute(_SAVE, *columns)
    await conn.execute(_PRUNE)


def _whole(value: Any) -> Any:
    """Ints beyond 64 bits as text (orjson writes 64-bit ints only)."""
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) >= 2**63:
        return {"int": str(value)}
    if isinstance(value, dict):
        return {k: _whole(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_whole(v) for v in value]
    return value


def _restore(value: Any) -> Any:
    if isinstance(value, dict):
        if set(value) == {"int"}:
            return int(value["int"])
        return {k: _restore(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_restore(v) for v in value]
    return value


def encode(value: Any) -> str:
    return orjson.dumps(_whole(value)).decode()


def decode(payload: str) -> Any:
    value = orjson.loads(payload)
    # Only a payload holding an int beyond 64 bits has an {"int": ...} to restore: the
    # walk is skipped for the others (most of a federation report's stored rows).
    return _restore(value) if '{"int":' in payload else value
