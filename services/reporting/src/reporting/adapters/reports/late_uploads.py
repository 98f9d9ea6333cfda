"""Late uploads from the maintained ``late`` ledger: the facts of the period recorded
after the month ended for their cooperative (the 1st of the next month, 00:00 in its
zone) and by ``known_at``, per kind of fact, as the report's own query counts them
(``fetch_clocks.fetch_late_uploads``).

The ledger keeps, per kind, how late each fact came: after the month's end in WIT,
WITA or WIB (``after_close`` 1, 2, 3), so a cooperative's late uploads as known now
are its rows at or past its own zone's end; as known at a past moment, less those
recorded after that moment (late rows keep their exact recorded time).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from gotong_platform.calendar import TimeZone
from gotong_platform.db import DbConnection
from reporting.adapters.read_model.ledgers import LATE
from reporting.adapters.reports.isolation import per_cooperative
from reporting.adapters.reports.ledger_reads import (
    KnownNow,
    RecordedAfter,
    known_now,
    recorded_after,
)
from reporting.domain.reports.query import Query
from reporting.domain.reports.unavailable import Unavailables

__all__ = ["maintained_late_uploads"]

# after_close of a cooperative whose month ended at its zone's midnight
_AFTER = {TimeZone.WIT: 1, TimeZone.WITA: 2, TimeZone.WIB: 3}


def _after_close(q: Query) -> dict[datetime, int]:
    """Which ``after_close`` rows count, by the moment a cooperative's month ended."""
    return {q.period.month_end_at(zone): after for zone, after in _AFTER.items()}


async def _compute(conn: DbConnection, q: Query, month_end_at: Mapping[str, datetime],
                   last_recorded: Mapping[str, datetime | None]) -> dict[str, list[Any]]:
    ids = sorted(q.known_at)
    after_close = _after_close(q)
    wanted = {c: after_close.get(month_end_at[c]) for c in ids
              if month_end_at[c] < q.known_at[c]}
    # (cooperative, fact) -> [n, amount]
    counts: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0])
    period = q.period
    read = KnownNow([c for c in ids if wanted.get(c)], period.start, period.as_of, period.end)
    for _, c, (fact, after), flows, _ in await known_now(conn, LATE, [read]):
        least = wanted.get(c)
        if least is not None and after >= least:
            counts[(c, fact)][0] += int(flows[0])
            counts[(c, fact)][1] += int(flows[1])
    past = {c: q.known_at[c] for c in wanted
            if (last := last_recorded.get(c)) is not None and q.known_at[c] < last}
    rows, _ = await recorded_after(conn, LATE, RecordedAfter(past, period.start, period.as_of))
    for c, in_period, (fact, after), values in rows:
        least = wanted.get(c)
        if in_period and least is not None and after >= least:
            counts[(c, fact)][0] -= int(values[0])
            counts[(c, fact)][1] -= int(values[1])
    by_coop: dict[str, list[Any]] = {c: [] for c in ids}
    for (c, fact), (n, amount) in sorted(counts.items()):
        if n > 0:
            by_coop[c].append({"cooperative_id": c, "fact": fact, "count": n,
                               "amount_idr": amount})
    return by_coop


async def maintained_late_uploads(conn: DbConnection, q: Query,
                                  month_end_at: Mapping[str, datetime],
                                  last_recorded: Mapping[str, datetime | None],
                                  unavailable: Unavailables) -> list[dict[str, Any]]:
    """The late uploads of ``q``'s cooperatives by cooperative (those that cannot be
    computed are recorded in ``unavailable`` under "late uploads")."""

    async def compute(ids: Sequence[str]) -> dict[str, list[Any]]:
        return await _compute(conn, q.only(ids), month_end_at, last_recorded)

    rows = await per_cooperative(conn, sorted(q.known_at), "late uploads", compute,
                                 unavailable)
    return [row for c in sorted(rows) for row in rows[c]]
