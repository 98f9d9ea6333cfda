"""What every event does to the read model, whatever its source.

Each event moves its cooperative's data-freshness clocks and is logged with both
of its clocks (``fact_events``), so freshness can be asked "as known at" any
moment. Its payload is then read through its published contract and turned into
statements by its source's projection.

A batch of events is written set-wise: the projections' statements grouped per
statement (``Statements``), every event's ``fact_events`` row in one statement,
and the freshness clocks aggregated per cooperative (latest recorded time, latest
business date, number of events) and upserted once per cooperative. Maximum and
sum do not depend on how events are cut into batches, so a rebuild and the live
consumer end with the same figures. The clocks are kept per Kafka partition
(``freshness`` is a view over them): every event of a cooperative used to upsert
its one row, so consumer instances on other partitions queued behind each
other's row locks; a partition's rows are written by one consumer at a time.
The upsert is the batch's last statement, in key order, so even two consumers of
one partition during a rebalance hold the locks briefly and cannot deadlock.

The consumer claims event ids through the event log (``claim_and_apply``): the
``fact_events`` insert, keyed by event id, is its first statement and returns the
events never seen before, so no ``processed_events`` row is written per event.

Before the freshness clocks, ``rm_apply`` writes what the batch adds to the maintained
tables in one statement (``reporting.adapters.read_model.ledgers``): the fact
statements' contributions and, from the clocks, each cooperative's first recorded time
per business day. Those rows are shared by every partition's consumer, so they are
written last and in one fixed order: a consumer may wait for another's commit, never
deadlock with it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import date, datetime
from typing import Any

import orjson
from pydantic import ValidationError

from gotong_platform.consumer import ConsumedEvent
from gotong_platform.contracts import EventContract, contract_for
from gotong_platform.db import DbConnection
from gotong_platform.envelope import Envelope
from reporting.adapters.projection.statements import Statements, json_rows, select_json_rows

__all__ = ["Apply", "Clocks", "apply_events", "claim_and_apply", "contract_of"]

# A source's projection: the statements one event of its contracts needs.
Apply = Callable[[Statements, EventContract, Envelope], None]

_FRESHNESS = """
INSERT INTO freshness_by_partition (cooperative_id, topic, partition, last_recorded_at,
                                    last_business_date, events)
SELECT * FROM unnest($1::text[], $2::text[], $3::integer[], $4::timestamptz[], $5::date[],
                     $6::bigint[])
    AS f(cooperative_id, topic, partition, last_recorded_at, last_business_date, events)
ORDER BY cooperative_id, topic, partition
ON CONFLICT (cooperative_id, topic, partition) DO UPDATE SET
    last_recorded_at = greatest(freshness_by_partition.last_recorded_at,
                                EXCLUDED.last_recorded_at),
    last_business_date = greatest(freshness_by_partition.last_business_date,
                                  EXCLUDED.last_business_date),
    events = freshness_by_partition.events + EXCLUDED.events
"""
_EVENT_LOG = """
INSERT INTO fact_events (event_id, cooperative_id, source, event_type, business_date,
                         recorded_at)
SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::date[],
                     $6::timestamptz[])
ON CONFLICT (event_id) DO NOTHING
"""
# The consumer's claim (see ``claim_and_apply``): the event log is keyed by event id,
# so logging an event claims it. An id dead-lettered before is in processed_events
# (the runner's dead-letter path) and is neither logged nor returned.
_CLAIM_AND_LOG = f"""
INSERT INTO fact_events (event_id, cooperative_id, source, event_type, business_date,
                         recorded_at)
SELECT * FROM ({select_json_rows("$2", ["uuid", "text", "text", "text", "date",
                                        "timestamptz"])})
    AS e(event_id, cooperative_id, source, event_type, business_date, recorded_at)
WHERE NOT EXISTS (SELECT 1 FROM processed_events p
                  WHERE p.consumer = $1 AND p.event_id = e.event_id)
ON CONFLICT (event_id) DO NOTHING
RETURNING event_id
"""


# The maintained tables' share of a batch, in one statement (``ledgers.rm_apply``).
_MAINTAIN = "SELECT rm_apply($1::jsonb)"


class Clocks:
    """The freshness clocks and event log of a batch, written in two statements."""

    __slots__ = ("_by_coop", "_days", "_log", "_logged", "_maintain")

    def __init__(self, *, logged: bool = False, maintain: bool = True) -> None:
        self._logged = logged  # the events are in fact_events already (claimed)
        self._maintain = maintain  # False: no event_days rows (a rebuild derives them)
        # (cooperative, topic, partition) -> [latest recorded_at, latest business date,
        # events]
        self._by_coop: dict[tuple[str, str, int], list[Any]] = {}
        self._log: list[Envelope] = []
        # (cooperative, business date) -> the first recorded_at (``event_days``)
        self._days: dict[tuple[str, date], datetime] = {}

    def add(self, event: ConsumedEvent) -> None:
        env = event.envelope
        if not self._logged:
            self._log.append(env)
        if self._maintain:
            day = (env.cooperative_id, env.business_date)
            first = self._days.get(day)
            if first is None or env.recorded_at < first:
                self._days[day] = env.recorded_at
        key = (env.cooperative_id, event.topic, event.partition)
        clock = self._by_coop.get(key)
        if clock is None:
            self._by_coop[key] = [env.recorded_at, env.business_date, 1]
            return
        if env.recorded_at > clock[0]:
            clock[0] = env.recorded_at
        if env.business_date > clock[1]:
            clock[1] = env.business_date
        clock[2] += 1

    def event_days(self) -> list[str]:
        """The batch's first recorded time per cooperative and business day, as rows
        for ``rm_apply``."""
        return [orjson.dumps({"t": "ev", "c": coop, "d": day, "r0": first},
                             option=orjson.OPT_NAIVE_UTC).decode()
                for (coop, day), first in sorted(self._days.items())]

    def freshness(self) -> list[tuple[str, str, int, datetime, date, int]]:
        """One row per cooperative and partition, in that order."""
        return [(*key, c[0], c[1], c[2]) for key, c in sorted(self._by_coop.items())]

    async def write(self, conn: DbConnection) -> None:
        if not self._by_coop:
            return
        if self._log:
            log = self._log
            await conn.execute(_EVENT_LOG, *_log_columns(log))
        rows = self.freshness()
        await conn.execute(_FRESHNESS, *[list(column) for column in zip(*rows, strict=True)])


def _log_columns(log: Sequence[Envelope]) -> tuple[list[Any], ...]:
    return ([e.event_id for e in log], [e.cooperative_id for e in log],
            [e.source for e in log], [e.event_type for e in log],
            [e.business_date for e in log], [e.recorded_at for e in log])


async def claim_and_apply(conn: DbConnection, consumer: str,
                          events: Sequence[ConsumedEvent],
                          by_source: Mapping[str, Apply], *, maintain: bool = True) -> int:
    """Log the events never seen before in ``fact_events`` and apply exactly those.

    ``events`` has no event id twice (the runner drops later deliveries). The log's
    primary key is the claim: a redelivered event conflicts and is not returned, and
    one dead-lettered before is found in ``processed_events`` and skipped. Returns how
    many events were applied. ``maintain``: as in ``apply_events``.
    """
    if not events:
        return 0
    claimed = {row[0] for row in await conn.fetch(_CLAIM_AND_LOG, consumer, json_rows([
        (e.event_id, e.cooperative_id, e.source, e.event_type, e.business_date,
         e.recorded_at) for e in (event.envelope for event in events)]))}
    new = [event for event in events if event.envelope.event_id in claimed]
    if new:
        await apply_events(conn, new, by_source, logged=True, maintain=maintain)
    return len(new)


def contract_of(event: ConsumedEvent) -> EventContract | None:
    """The event's payload as its contract; None for a type this consumer does not know.

    A payload that breaks its own contract is a poison event: the ValueError sends it
    to the dead-letter topic after the runner's retries.
    """
    env = event.envelope
    cls = contract_for(env.source, env.event_type, env.schema_version)
    if cls is None:
        return None
    try:
        return cls.model_validate(event.data)
    except ValidationError as exc:
        raise ValueError(f"{env.event_type} does not match its contract: {exc}") from exc


async def apply_events(conn: DbConnection, events: Sequence[ConsumedEvent],
                       by_source: Mapping[str, Apply], *, logged: bool = False,
                       maintain: bool = True) -> None:
    """Apply new events (no event id twice) in delivery order, set-wise.

    Every contract is read before anything is written: an event that breaks its
    contract refuses the whole batch, which the runner then retries one by one.
    ``logged``: the events are in ``fact_events`` already (``claim_and_apply``).
    ``maintain=False`` writes the facts and the freshness clocks only: a rebuild derives
    the maintained tables from the facts once, at its end (``reporting.adapters.
    read_model.bulk``), which costs less than keeping them batch by batch.
    """
    out = Statements(maintain=maintain)
    clocks = Clocks(logged=logged, maintain=maintain)
    for event in events:
        env = event.envelope
        clocks.add(event)
        contract = contract_of(event)
        apply = by_source.get(env.source)
        if contract is not None and apply is not None:
            apply(out, contract, env)
    await out.flush(conn)
    rows = out.contributions + clocks.event_days()
    if rows:
        await conn.execute(_MAINTAIN, "[" + ",".join(rows) + "]")
    await clocks.write(conn)
