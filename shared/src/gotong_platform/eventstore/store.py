"""The PostgreSQL event store: append with an expected version, load a stream.

An append writes the events and their outbox rows in ONE statement (two
data-modifying CTEs), inside the caller's transaction, so an event is
committed if and only if it is queued for Kafka.
"""

from __future__ import annotations

import dataclasses
import re
import uuid
from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

import asyncpg
import orjson

from gotong_platform.calendar import Clock, SystemClock
from gotong_platform.db import DbConnection
from gotong_platform.domain import ConcurrencyConflict
from gotong_platform.envelope import Envelope

__all__ = [
    "AlsoWrite",
    "NewEvent",
    "PostgresEventStore",
    "RecordedEvent",
    "StreamAppend",
    "row_to_envelope",
]


@dataclasses.dataclass(frozen=True, slots=True, kw_only=True)
class NewEvent:
    """An event about to be appended. ``public_payload`` None means not published."""

    event_id: uuid.UUID
    event_type: str
    schema_version: int
    payload: dict[str, Any]
    public_payload: dict[str, Any] | None
    cooperative_id: str
    occurred_at: datetime
    business_date: date
    correlation_id: uuid.UUID | None = None
    causation_id: uuid.UUID | None = None
    command_id: str | None = None
    actor: str | None = None
    traceparent: str | None = None
    tracestate: str | None = None


@dataclasses.dataclass(frozen=True, slots=True, kw_only=True)
class RecordedEvent:
    envelope: Envelope
    payload: dict[str, Any]


@dataclasses.dataclass(frozen=True, slots=True)
class StreamAppend:
    """New events for one stream, after ``expected_version`` (0 for a new stream)."""

    stream_id: str
    expected_version: int
    events: Sequence[NewEvent]


@dataclasses.dataclass(frozen=True, slots=True)
class AlsoWrite:
    """Statements to run in the append's own statement (one round trip for both): the
    query rows and snapshots a command writes with its events.

    ``ctes`` are (name, body) pairs added to the append's ``WITH``; each body numbers its
    parameters from ``$1`` over ``args`` and may name the earlier CTEs of the same
    ``AlsoWrite``. Names must be unique within the statement and must not be ``new``,
    ``stored`` or ``queued``. The events are inserted first (the statement's result reads
    them), so a concurrent writer of a stream gets ``ConcurrencyConflict`` before any of
    these rows is touched, as with separate statements after the append. Bodies must not
    contain ``$`` other than parameters."""

    ctes: Sequence[tuple[str, str]]
    args: Sequence[Any]


_PARAM = re.compile(r"\$(\d+)")
_APPEND_ARGS = 18  # parameters of _APPEND


def _renumber(body: str, offset: int) -> str:
    return _PARAM.sub(lambda m: f"${int(m.group(1)) + offset}", body)


def _with_also(also: Sequence[AlsoWrite]) -> str:
    """``_APPEND`` with the ``also`` CTEs (parameters renumbered after the append's)."""
    ctes = []
    offset = _APPEND_ARGS
    for a in also:
        for name, body in a.ctes:
            ctes.append(f"{name} AS (\n{_renumber(body, offset)}\n)")
        offset += len(a.args)
    head, tail = _APPEND.rsplit("\n)\nSELECT ", 1)
    return head + "\n), " + ",\n".join(ctes) + "\nSELECT " + tail


# One statement for the events of one or more streams and their outbox rows. Each
# event row names its stream, so a command that writes several streams (a sale and the
# ledgers it takes from) appends them in one round trip.
_APPEND = """
WITH new AS (
    SELECT * FROM unnest(
        $1::uuid[], $2::text[], $3::int[], $4::text[], $5::int[], $6::text[],
        $7::timestamptz[], $8::date[], $9::uuid[], $10::uuid[], $11::text[], $12::text[],
        $13::text[], $14::text[], $15::text[], $16::text[]
    ) WITH ORDINALITY AS n(event_id, stream_id, stream_version, event_type, schema_version,
        cooperative_id, occurred_at, business_date, correlation_id, causation_id,
        command_id, actor, traceparent, tracestate, payload, public_payload, ord)
), stored AS (
    INSERT INTO events (event_id, stream_id, stream_version, event_type, schema_version,
        cooperative_id, occurred_at, business_date, correlation_id, causation_id,
        command_id, actor, traceparent, tracestate, payload, recorded_at)
    SELECT event_id, stream_id, stream_version, event_type, schema_version, cooperative_id,
        occurred_at, business_date, correlation_id, causation_id, command_id, actor,
        traceparent, tracestate, payload::jsonb, $18::timestamptz
    FROM new ORDER BY ord
    RETURNING global_position, recorded_at, stream_id, stream_version
), queued AS (
    -- ORDER BY ord: outbox positions follow stream order within the append.
    INSERT INTO outbox (event_id, topic, payload)
    SELECT event_id, $17, public_payload::jsonb FROM new
    WHERE public_payload IS NOT NULL ORDER BY ord
)
SELECT global_position, recorded_at, stream_id, stream_version FROM stored
"""

_LOAD = """
SELECT event_id, stream_id, stream_version, event_type, schema_version, cooperative_id,
       occurred_at, business_date, recorded_at, global_position, correlation_id,
       causation_id, command_id, actor, traceparent, tracestate, payload
FROM events WHERE stream_id = $1 AND stream_version > $2 ORDER BY stream_version
"""


def _dumps(value: dict[str, Any] | str) -> str:
    """JSON text of a payload (text passes through): sent as text and cast to jsonb in
    SQL, whatever jsonb codec the connection has."""
    return value if isinstance(value, str) else orjson.dumps(value).decode()


class PostgresEventStore:
    """Event store of one service. ``source`` names the service on every envelope.

    ``clock`` stamps ``recorded_at`` (and is the clock the service's repositories read
    for ``occurred_at``), so a test that sets the clock sees one moment everywhere.
    """

    def __init__(self, *, source: str, topic: str, clock: Clock | None = None) -> None:
        self.source = source
        self.topic = topic
        self.clock: Clock = clock or SystemClock()
        self._sql_with_also: dict[tuple[tuple[tuple[str, str], ...], ...], str] = {}

    async def append(
        self,
        conn: DbConnection,
        stream_id: str,
        expected_version: int,
        events: Sequence[NewEvent],
    ) -> list[Envelope]:
        """Append ``events`` after ``expected_version`` (0 for a new stream).

        Raises ``ConcurrencyConflict`` when another writer appended first: the
        unique (stream_id, stream_version) index decides, so no read is needed
        and no lock is held beyond the index entry.
        """
        appended = await self.append_streams(
            conn, [StreamAppend(stream_id, expected_version, events)])
        return appended[0]

    async def append_streams(
        self, conn: DbConnection, appends: Sequence[StreamAppend],
        also: Sequence[AlsoWrite] = (),
    ) -> list[list[Envelope]]:
        """``append`` for several streams in one statement (one round trip); the envelopes
        per stream, in the order given. A conflict on any stream raises
        ``ConcurrencyConflict`` and, the caller's transaction being rolled back, nothing of
        any stream is kept. ``also``: writes made in the same statement (``AlsoWrite``)."""
        ids: list[uuid.UUID] = []
        streams: list[str] = []
        versions: list[int] = []
        types: list[str] = []
        schemas: list[int] = []
        cooperatives: list[str] = []
        occurred: list[datetime] = []
        days: list[date] = []
        correlations: list[uuid.UUID | None] = []
        causations: list[uuid.UUID | None] = []
        commands: list[str | None] = []
        actors: list[str | None] = []
        parents: list[str | None] = []
        states: list[str | None] = []
        payloads: list[str] = []
        publics: list[str | None] = []
        for a in appends:
            version = a.expected_version
            for e in a.events:
                version += 1
                ids.append(e.event_id)
                streams.append(a.stream_id)
                versions.append(version)
                types.append(e.event_type)
                schemas.append(e.schema_version)
                cooperatives.append(e.cooperative_id)
                occurred.append(e.occurred_at)
                days.append(e.business_date)
                correlations.append(e.correlation_id)
                causations.append(e.causation_id)
                commands.append(e.command_id)
                actors.append(e.actor)
                parents.append(e.traceparent)
                states.append(e.tracestate)
                payloads.append(_dumps(e.payload))
                publics.append(None if e.public_payload is None else _dumps(e.public_payload))
        if not ids:
            if also:
                raise ValueError("append_streams: writes to make with no event to append")
            return [[] for _ in appends]
        sql = _APPEND
        extra: list[Any] = []
        if also:
            key = tuple(tuple(a.ctes) for a in also)
            sql = self._sql_with_also.get(key) or self._sql_with_also.setdefault(
                key, _with_also(also))
            for w in also:
                extra.extend(w.args)
        try:
            rows = await conn.fetch(
                sql, ids, streams, versions, types, schemas, cooperatives, occurred, days,
                correlations, causations, commands, actors, parents, states, payloads,
                publics, self.topic, self.clock.now(), *extra)
        except asyncpg.UniqueViolationError as exc:
            if exc.constraint_name == "events_stream_version_key":
                names = ", ".join(a.stream_id for a in appends if a.events)
                raise ConcurrencyConflict(
                    f"{names} was changed by someone else; reload and try again"
                ) from exc
            raise
        stored = {(r[2], r[3]): r for r in rows}
        source = self.source
        out: list[list[Envelope]] = []
        for a in appends:
            envelopes = []
            version = a.expected_version
            for e in a.events:
                version += 1
                r = stored[a.stream_id, version]
                envelopes.append(Envelope(
                    event_id=e.event_id, event_type=e.event_type,
                    schema_version=e.schema_version, source=source, stream_id=a.stream_id,
                    stream_version=version, cooperative_id=e.cooperative_id,
                    occurred_at=e.occurred_at, business_date=e.business_date,
                    recorded_at=r[1], global_position=r[0],
                    correlation_id=e.correlation_id, causation_id=e.causation_id,
                    command_id=e.command_id, actor=e.actor, traceparent=e.traceparent,
                    tracestate=e.tracestate))
            out.append(envelopes)
        return out

    async def load(
        self, conn: DbConnection, stream_id: str, after_version: int = 0
    ) -> list[RecordedEvent]:
        """The stream's events after ``after_version``, in version order."""
        rows = await conn.fetch(_LOAD, stream_id, after_version)
        return [RecordedEvent(envelope=row_to_envelope(self.source, r), payload=r["payload"])
                for r in rows]


def row_to_envelope(source: str, r: asyncpg.Record) -> Envelope:
    return Envelope(
        event_id=r["event_id"],
        event_type=r["event_type"],
        schema_version=r["schema_version"],
        source=source,
        stream_id=r["stream_id"],
        stream_version=r["stream_version"],
        cooperative_id=r["cooperative_id"],
        occurred_at=r["occurred_at"],
        business_date=r["business_date"],
        recorded_at=r["recorded_at"],
        global_position=r["global_position"],
        correlation_id=r["correlation_id"],
        causation_id=r["causation_id"],
        command_id=r["command_id"],
        actor=r["actor"],
        traceparent=r["traceparent"],
        tracestate=r["tracestate"],
    )
