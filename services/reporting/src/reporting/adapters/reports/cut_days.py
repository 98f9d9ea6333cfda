"""The days a ``known_at`` cuts, read from the facts.

An on-time day row of a ledger holds facts recorded by the end of that day; when a
report's ``known_at`` falls between the first and the last of them, the row cannot say
which count. Those few days are read back from the fact tables with the ledger's own
contributions (``reporting.adapters.read_model.contributions``), one row per recorded
time, and only what was recorded after ``known_at`` is kept.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from gotong_platform.db import DbConnection
from reporting.adapters.read_model.contributions import (
    DERIVE,
    FACT_CONTRIBUTIONS,
    Contribution,
    by_recorded_time,
)
from reporting.adapters.read_model.ledgers import Ledger

__all__ = ["recorded_after_on_day"]


def _parts(ledger: Ledger) -> list[tuple[str, Contribution]]:
    """(fact table, contribution) of every fact that adds to ``ledger``."""
    found: list[tuple[str, Contribution]] = []
    for table, builder in FACT_CONTRIBUTIONS.items():
        parts, _ = builder(DERIVE)
        found += [(table, p) for p in parts if p.ledger == ledger]
    return found


def _sql(table: str, part: Contribution) -> str:
    k = len(part.ledger.dims)
    keys = "".join(f", y.k{i}" for i in range(k))
    sums = ", ".join(f"sum(y.m{i}::numeric)::text" for i in range(len(part.ledger.measures)))
    # ``new``: the cooperative's facts of the month up to the day (a void's pair may be
    # dated on its line's day); what they add on that day, on time, after known_at.
    return (f"WITH new AS (SELECT * FROM {table} WHERE cooperative_id = $1 "
            f"AND business_date BETWEEN date_trunc('month', $2::date::timestamp)::date "
            f"AND $2::date)\n"
            f"SELECT 0{keys}, {sums} FROM ({by_recorded_time(part)}) y\n"
            f"WHERE y.c = $1 AND y.d = $2::date AND NOT y.late AND y.r > $3\n"
            f"GROUP BY 1{keys}")


async def recorded_after_on_day(conn: DbConnection, ledger: Ledger, cooperative_id: str,
                                day: date, known_at: datetime
                                ) -> list[tuple[tuple[Any, ...], list[int]]]:
    """What the cooperative's on-time facts of ``day`` recorded after ``known_at`` add to
    ``ledger``, per dims."""
    out: list[tuple[tuple[Any, ...], list[int]]] = []
    k = len(ledger.dims)
    for table, part in _parts(ledger):
        for r in await conn.fetch(_sql(table, part), cooperative_id, day, known_at):
            out.append((tuple(r[1:1 + k]), [int(v) for v in r[1 + k:]]))
    return out
