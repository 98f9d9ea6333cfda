"""Reads of the ledgers (``reporting.adapters.read_model.ledgers``): a few rows per
cooperative, whatever its history.

- ``known_now``: a period's flows (the month's row when it runs to its last day, else
  its days) and the balances at ``as_of`` (the total less what is dated after it),
  counting every fact known;
- ``recorded_after``: what facts recorded after a moment add to the same figures
  (late rows by their exact recorded time, and the on-time days that lie after the
  moment), the days whose facts the moment cuts listed apart, to be read from the facts
  (``cut_days``).

Several figure sets of one request are read in one statement per ledger, each set's
cooperatives passed as one array: a region's report touches its own rows only.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from datetime import date, datetime, timedelta
from typing import Any

from gotong_platform.db import DbConnection
from reporting.adapters.read_model.ledgers import ON_TIME_HOURS, Ledger

__all__ = ["KnownNow", "RecordedAfter", "known_now", "known_now_sql", "recorded_after"]


@dataclasses.dataclass(frozen=True)
class KnownNow:
    """One figure set's cooperatives and period, every known fact counted."""

    cooperatives: Sequence[str]
    start: date
    as_of: date
    end: date  # the month's last day

    @property
    def whole_month(self) -> bool:
        return self.as_of == self.end


@dataclasses.dataclass(frozen=True)
class RecordedAfter:
    """One figure set's cooperatives, each with the moment it is known at."""

    known_at: dict[str, datetime]
    start: date
    as_of: date


# (set index, cooperative, dims, flows, balances); sums as numeric text (``LedgerSums``
# turns them into int, and a cooperative whose sums are not whole into a failure)
Row = tuple[int, str, tuple[Any, ...], list[str], list[str]]


def _sums(ledger: Ledger, kind: str) -> str:
    return ", ".join(f"sum({kind}{i})::text" for i in range(len(ledger.measures)))


def _cols(ledger: Ledger, expr: str, alias: str) -> str:
    return ", ".join(f"{expr.format(m=m)} AS {alias}{i}" for i, m in enumerate(ledger.measures))


def _zeros(ledger: Ledger, alias: str) -> str:
    return ", ".join(f"0::numeric AS {alias}{i}" for i in range(len(ledger.measures)))


def known_now_sql(ledger: Ledger, sets: Sequence[KnownNow], flows: bool) -> str:
    """Per set and cooperative: flows ``f0..`` and balances ``b0..`` as numeric text.
    Set ``n`` takes parameters ``$4n+1..$4n+4``: cooperatives, start, as_of, month end."""
    dims = "".join(f"r.{d}, " for d in ledger.dim_names)
    branches: list[str] = []
    for n, s in enumerate(sets):
        coops, start, as_of, end = (f"${4 * n + k}" for k in range(1, 5))
        if flows and s.whole_month:
            branches.append(
                f"SELECT {n} AS i, r.cooperative_id AS c, {dims}{_cols(ledger, 'r.{m}', 'f')}, "
                f"{_zeros(ledger, 'b')} FROM {ledger.table('by_month')} r "
                f"WHERE r.cooperative_id = ANY({coops}::text[]) AND r.month = {start}::date")
        elif flows:
            branches.append(
                f"SELECT {n}, r.cooperative_id, {dims}{_cols(ledger, 'r.{m}', 'f')}, "
                f"{_zeros(ledger, 'b')} FROM {ledger.table('by_day')} r "
                f"WHERE r.cooperative_id = ANY({coops}::text[]) "
                f"AND r.business_date BETWEEN {start}::date AND {as_of}::date")
        if not ledger.balance:
            continue
        # balance at as_of = the total less what is dated after as_of
        branches.append(
            f"SELECT {n}, r.cooperative_id, {dims}{_zeros(ledger, 'f')}, "
            f"{_cols(ledger, 'r.{m}', 'b')} FROM {ledger.table('total')} r "
            f"WHERE r.cooperative_id = ANY({coops}::text[])")
        branches.append(
            f"SELECT {n}, r.cooperative_id, {dims}{_zeros(ledger, 'f')}, "
            f"{_cols(ledger, '-r.{m}', 'b')} FROM {ledger.table('by_month')} r "
            f"WHERE r.cooperative_id = ANY({coops}::text[]) AND r.month > {start}::date")
        if not s.whole_month:
            branches.append(
                f"SELECT {n}, r.cooperative_id, {dims}{_zeros(ledger, 'f')}, "
                f"{_cols(ledger, '-r.{m}', 'b')} FROM {ledger.table('by_day')} r "
                f"WHERE r.cooperative_id = ANY({coops}::text[]) "
                f"AND r.business_date > {as_of}::date AND r.business_date <= {end}::date")
    group = "".join(f", x.{d}" for d in ledger.dim_names)
    union = "\nUNION ALL\n".join(branches)
    # every parameter typed, also those a set's branches do not use
    typed = ", ".join(f"${4 * n + 1}::text[], ${4 * n + 2}::date, ${4 * n + 3}::date, "
                      f"${4 * n + 4}::date" for n in range(len(sets)))
    return (f"WITH typed AS (SELECT {typed})\n"
            f"SELECT x.i, x.c{group}, {_sums(ledger, 'x.f')}, {_sums(ledger, 'x.b')}\n"
            f"FROM (\n{union}\n) x(i, c{''.join(f', {d}' for d in ledger.dim_names)}, "
            f"{', '.join(f'f{i}' for i in range(len(ledger.measures)))}, "
            f"{', '.join(f'b{i}' for i in range(len(ledger.measures)))})\n"
            f"GROUP BY x.i, x.c{group}")


def _rows(ledger: Ledger, records: Sequence[Any]) -> list[Row]:
    k = len(ledger.dims)
    n = len(ledger.measures)
    out: list[Row] = []
    for r in records:
        values = tuple(r)
        out.append((values[0], values[1], values[2:2 + k], list(values[2 + k:2 + k + n]),
                    list(values[2 + k + n:2 + k + 2 * n])))
    return out


async def known_now(conn: DbConnection, ledger: Ledger, sets: Sequence[KnownNow], *,
                    flows: bool = True) -> list[Row]:
    """Per (set index, cooperative, dims): the flows of the set's period and the balances
    at its ``as_of`` (ledgers of balances), every known fact counted. The sums come
    back as numeric text: ``int()`` of it is exact, and raises ``ValueError`` for a
    value that is not whole, which fails only its own cooperative."""
    wanted = [s for s in sets if s.cooperatives]
    if not wanted or (not flows and not ledger.balance):
        return []
    index = [n for n, s in enumerate(sets) if s.cooperatives]
    args: list[Any] = []
    for s in wanted:
        args += [list(s.cooperatives), s.start, s.as_of, s.end]
    rows = _rows(ledger, await conn.fetch(known_now_sql(ledger, wanted, flows), *args))
    return [(index[i], c, dims, f, b) for i, c, dims, f, b in rows]


def _after_sql(ledger: Ledger) -> str:
    dims = "".join(f"r.{d}, " for d in ledger.dim_names)
    group = "".join(f", x.{d}" for d in ledger.dim_names)
    cols = _cols(ledger, "r.{m}", "m")
    names = ", ".join([*ledger.dim_names, *(f"m{i}" for i in range(len(ledger.measures)))])
    sums = ", ".join(f"sum(x.m{i})::text" for i in range(len(ledger.measures)))
    # On-time rows hold facts recorded by 15:00 UTC of their day: a day can hold facts
    # recorded after k only when it ends after k.
    return f"""
WITH q AS (SELECT * FROM unnest($1::text[], $2::timestamptz[]) AS q(c, k))
SELECT x.c, x.in_period{group}, {sums}
FROM (
    SELECT q.c, r.business_date >= $3::date AS in_period, {dims}{cols}
    FROM q JOIN {ledger.table('by_day')} r ON r.cooperative_id = q.c
    WHERE NOT r.late AND r.business_date <= $4::date
      AND r.business_date >= ((q.k AT TIME ZONE 'UTC') - interval '{ON_TIME_HOURS} hours')::date
      AND r.min_recorded_at > q.k
    UNION ALL
    SELECT q.c, r.business_date >= $3::date, {dims}{cols}
    FROM q JOIN {ledger.table('late')} r ON r.cooperative_id = q.c AND r.recorded_at > q.k
    WHERE r.business_date <= $4::date
) x(c, in_period, {names})
GROUP BY x.c, x.in_period{group}
"""


def _cut_sql(ledger: Ledger) -> str:
    return f"""
WITH q AS (SELECT * FROM unnest($1::text[], $2::timestamptz[]) AS q(c, k))
SELECT DISTINCT q.c, r.business_date
FROM q JOIN {ledger.table('by_day')} r ON r.cooperative_id = q.c
WHERE NOT r.late AND r.business_date <= $3::date
  AND r.business_date >= ((q.k AT TIME ZONE 'UTC') - interval '{ON_TIME_HOURS} hours')::date
  AND r.min_recorded_at <= q.k AND r.max_recorded_at > q.k
"""


async def recorded_after(conn: DbConnection, ledger: Ledger, s: RecordedAfter
                         ) -> tuple[list[tuple[str, bool, tuple[Any, ...], list[str]]],
                                    set[tuple[str, date]]]:
    """What facts recorded after each cooperative's ``known_at`` add, per (cooperative,
    in the period or before it, dims), except those of the days the moment cuts, which
    come back apart as (cooperative, business date)."""
    ids = sorted(s.known_at)
    if not ids:
        return [], set()
    moments = [s.known_at[i] for i in ids]
    k = len(ledger.dims)
    rows = [(r[0], r[1], tuple(r[2:2 + k]), list(r[2 + k:]))
            for r in await conn.fetch(_after_sql(ledger), ids, moments, s.start, s.as_of)]
    cut = {(r[0], r[1]) for r in await conn.fetch(_cut_sql(ledger), ids, moments, s.as_of)}
    return rows, cut


def first_day_after(moment: datetime) -> date:
    """The earliest business day whose on-time facts may be recorded after ``moment``."""
    return (moment - timedelta(hours=ON_TIME_HOURS)).date()
