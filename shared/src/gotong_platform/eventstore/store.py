"""The PostgreSQL event store: append with an expected version, load a stream.

An append writes the events and their outbox rows in ONE statement (two
data-modifying CTEs), inside the caller's transaction, so an event is
committed if and only if it is queued for Kafka. The event keeps its published
payload too (``public_payload``): the outbox row goes once Kafka has it, and the
event store, not Kafka, is the record of what was published (``republish``).
"""

from __future__ import annotations

import dataclasses
import re
import uuid
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, date, datetime
from typing import Any, Protocol, TypeVar

import asyncpg
import orjson

from gotong_platform.calendar import Clock, SystemClock
from gotong_platform.db import DbConnection, json_dumps
from gotong_platform.domain import ConcurrencyConflict
from gotong_platform.envelope import Envelope

__all__ = [
    "AlsoWrite",
    "EventDecoder",
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


_Event = TypeVar("_Event")
_Event_co = TypeVar("_Event_co", covariant=True)
_State = TypeVar("_State")


class EventDecoder(Protocol[_Event_co]):
    """A service's ``*_event_from_payload``: a stored event back into its domain event."""

    def __call__(self, event_type: str, payload: Mapping[str, Any], *,
                 schema_version: int = ...) -> _Event_co: ...


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
_APPEND_ARGS = 3  # parameters of _APPEND: the rows, the topic, recorded_at


def _renumber(body: str, offset: int) -> str:
    return _PARAM.sub(lambda m: f"${int(m.group(1)) + offset}", body)


def _with_also(sql: str, also: Sequence[AlsoWrite]) -> str:
    """``sql`` (an append) with the ``also`` CTEs (parameters renumbered after its own)."""
    ctes = []
    offset = _APPEND_ARGS
    for a in also:
        for name, body in a.ctes:
            ctes.append(f"{name} AS (\n{_renumber(body, offset)}\n)")
        offset += len(a.args)
    head, tail = sql.rsplit("\n)\nSELECT ", 1)
    return head + "\n), " + ",\n".join(ctes) + "\nSELECT " + tail


# One statement for the events of one or more streams and their outbox rows. Each
# event row names its stream, so a command that writes several streams (a sale and the
# ledgers it takes from) appends them in one round trip. The events come as ONE JSON
# array of rows (``_EventRows``): 16 typed arrays of hundreds of elements cost the API
# about 3 us per event to encode, the JSON text about 0.5 us.
_APPEND_HEAD = """
WITH new AS (
    SELECT (e->>0)::uuid AS event_id, e->>1 AS stream_id, (e->>2)::int AS stream_version,
        e->>3 AS event_type, (e->>4)::int AS schema_version, e->>5 AS cooperative_id,
        (e->>6)::timestamptz AS occurred_at, (e->>7)::date AS business_date,
        (e->>8)::uuid AS correlation_id, (e->>9)::uuid AS causation_id,
        e->>10 AS command_id, e->>11 AS actor, e->>12 AS traceparent, e->>13 AS tracestate,
        e->14 AS payload, NULLIF(e->15, 'null'::jsonb) AS public_payload, n.ord
    FROM jsonb_array_elements($1::jsonb) WITH ORDINALITY AS n(e, ord)
), stored AS (
    INSERT INTO events (event_id, stream_id, stream_version, event_type, schema_version,
        cooperative_id, occurred_at, business_date, correlation_id, causation_id,
        command_id, actor, traceparent, tracestate, payload, public_payload, recorded_at)
    SELECT event_id, stream_id, stream_version, event_type, schema_version, cooperative_id,
        occurred_at, business_date, correlation_id, causation_id, command_id, actor,
        traceparent, tracestate, payload, public_payload, $3::timestamptz
    FROM new ORDER BY ord
    RETURNING global_position, recorded_at, stream_id, stream_version
), queued AS (
    -- ORDER BY ord: outbox positions follow stream order within the append.
    INSERT INTO outbox (event_id, topic, payload)
    SELECT event_id, $2, public_payload FROM new
    WHERE public_payload IS NOT NULL ORDER BY ord
)
"""
# ``append_streams`` reads back each event's position and time for its envelopes;
# ``write_streams``, for commands that return no envelope, only counts them.
_APPEND = (_APPEND_HEAD
           + "SELECT global_position, recorded_at, stream_id, stream_version FROM stored\n")
_WRITE = _APPEND_HEAD + "SELECT count(*) FROM stored\n"

_LOAD = """
SELECT event_id, stream_id, stream_version, event_type, schema_version, cooperative_id,
       occurred_at, business_date, recorded_at, global_position, correlation_id,
       causation_id, command_id, actor, traceparent, tracestate, payload
FROM events WHERE stream_id = $1 AND stream_version > $2 ORDER BY stream_version
"""


class _EventRows:
    """New events as one JSON array of rows, a value per column of ``new``.

    ``json_dumps`` of a payload is embedded as it is (a dict is serialised once, text
    passes through); ids, dates and times are orjson's text of them, which PostgreSQL
    casts back (a time without an offset is taken as UTC, as asyncpg would).
    """

    __slots__ = ("count", "rows")

    def __init__(self) -> None:
        self.rows: list[list[Any]] = []
        self.count = 0

    def add(self, stream_id: str, expected_version: int, events: Sequence[NewEvent]) -> None:
        append = self.rows.append
        for v, e in enumerate(events, start=expected_version + 1):
            occurred_at = e.occurred_at
            if occurred_at.tzinfo is None:
                occurred_at = occurred_at.replace(tzinfo=UTC)
            append([e.event_id, stream_id, v, e.event_type, e.schema_version, e.cooperative_id,
                    occurred_at, e.business_date, e.correlation_id, e.causation_id,
                    e.command_id, e.actor, e.traceparent, e.tracestate,
                    orjson.Fragment(_dumps(e.payload)),
                    None if e.public_payload is None
                    else orjson.Fragment(_dumps(e.public_payload))])
        self.count += len(events)

    def json(self) -> str:
        return orjson.dumps(self.rows).decode()


def _dumps(value: dict[str, Any] | str) -> str:
    """JSON text of a payload (text passes through, assumed to be JSON already)."""
    return value if isinstance(value, str) else json_dumps(value)


class PostgresEventStore:
    """Event store of one service. ``source`` names the service on every envelope.

    ``clock`` stamps ``recorded_at`` (and is the clock the service's repositories read
    for ``occurred_at``), so a test that sets the clock sees one moment everywhere.

    Every append of the service goes through ``append_streams`` or ``write_streams``:
    the one place the event-store invariants (expected versions, outbox rows in the same
    statement, stream order in the outbox) are kept.
    """

    def __init__(self, *, source: str, topic: str, clock: Clock | None = None) -> None:
        self.source = source
        self.topic = topic
        self.clock: Clock = clock or SystemClock()
        self._sql_with_also: dict[tuple[str, tuple[tuple[tuple[str, str], ...], ...]],
                                  str] = {}

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

    async def write(
        self, conn: DbConnection, stream_id: str, expected_version: int,
        events: Sequence[NewEvent], also: Sequence[AlsoWrite] = (),
    ) -> None:
        """``append`` without building the envelopes (a command that returns none)."""
        await self.write_streams(conn, [StreamAppend(stream_id, expected_version, events)],
                                 also)

    async def append_streams(
        self, conn: DbConnection, appends: Sequence[StreamAppend],
        also: Sequence[AlsoWrite] = (),
    ) -> list[list[Envelope]]:
        """``append`` for several streams in one statement (one round trip); the envelopes
        per stream, in the order given. A conflict on any stream raises
        ``ConcurrencyConflict`` and, the caller's transaction being rolled back, nothing of
        any stream is kept. ``also``: writes made in the same statement (``AlsoWrite``)."""
        rows = await self._run(conn, _APPEND, appends, also, fetch_rows=True)
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

    async def write_streams(
        self, conn: DbConnection, appends: Sequence[StreamAppend],
        also: Sequence[AlsoWrite] = (),
    ) -> None:
        """``append_streams`` without building the envelopes: the write path of commands
        and reactions, which answer from their own state, not from the stored events."""
        await self._run(conn, _WRITE, appends, also, fetch_rows=False)

    async def _run(
        self, conn: DbConnection, sql: str, appends: Sequence[StreamAppend],
        also: Sequence[AlsoWrite], *, fetch_rows: bool,
    ) -> list[asyncpg.Record]:
        rows = _EventRows()
        for a in appends:
            rows.add(a.stream_id, a.expected_version, a.events)
        if not rows.count:
            if also:
                raise ValueError("append_streams: writes to make with no event to append")
            return []
        extra: list[Any] = []
        if also:
            key = (sql, tuple(tuple(a.ctes) for a in also))
            sql = self._sql_with_also.get(key) or self._sql_with_also.setdefault(
                key, _with_also(sql, also))
            for w in also:
                extra.extend(w.args)
        args = (rows.json(), self.topic, self.clock.now(), *extra)
        try:
            if fetch_rows:
                return list(await conn.fetch(sql, *args))
            await conn.fetchval(sql, *args)
            return []
        except asyncpg.UniqueViolationError as exc:
            if exc.constraint_name == "events_stream_version_key":
                names = ", ".join(a.stream_id for a in appends if a.events)
                raise ConcurrencyConflict(
                    f"{names} was changed by someone else; reload and try again"
                ) from exc
            raise

    async def load(
        self, conn: DbConnection, stream_id: str, after_version: int = 0
    ) -> list[RecordedEvent]:
        """The stream's events after ``after_version``, in version order."""
        rows = await conn.fetch(_LOAD, stream_id, after_version)
        return [RecordedEvent(envelope=row_to_envelope(self.source, r), payload=r["payload"])
                for r in rows]

    async def replay(
        self, conn: DbConnection, stream_id: str, decode: EventDecoder[_Event],
        fold: Callable[[list[_Event]], _State | None],
    ) -> tuple[_State | None, int]:
        """The stream's state from its first event, and its version: every stored event
        decoded (``decode``), then folded (``fold``, the domain's ``replay_*``)."""
        events = [decode(r.envelope.event_type, r.payload,
                         schema_version=r.envelope.schema_version)
                  for r in await self.load(conn, stream_id)]
        return fold(events), len(events)


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
