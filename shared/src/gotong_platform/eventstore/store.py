"""The PostgreSQL event store: append with an expected version, load a stream.

An append writes the events and their outbox rows in ONE statement (two
data-modifying CTEs), inside the caller's transaction, so an event is
committed if and only if it is queued for Kafka.
"""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

import asyncpg

from gotong_platform.db import DbConnection, json_dumps
from gotong_platform.domain import ConcurrencyConflict
from gotong_platform.envelope import Envelope

__all__ = ["NewEvent", "PostgresEventStore", "RecordedEvent"]


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


_APPEND = """
WITH new AS (
    SELECT * FROM unnest(
        $1::uuid[], $2::int[], $3::text[], $4::int[], $5::text[], $6::timestamptz[],
        $7::date[], $8::uuid[], $9::uuid[], $10::text[], $11::text[], $12::text[],
        $13::text[], $14::jsonb[], $15::jsonb[]
    ) WITH ORDINALITY AS n(event_id, stream_version, event_type, schema_version,
        cooperative_id, occurred_at, business_date, correlation_id, causation_id,
        command_id, actor, traceparent, tracestate, payload, public_payload, ord)
), stored AS (
    INSERT INTO events (event_id, stream_id, stream_version, event_type, schema_version,
        cooperative_id, occurred_at, business_date, correlation_id, causation_id,
        command_id, actor, traceparent, tracestate, payload)
    SELECT event_id, $16, stream_version, event_type, schema_version, cooperative_id,
        occurred_at, business_date, correlation_id, causation_id, command_id, actor,
        traceparent, tracestate, payload
    FROM new ORDER BY ord
    RETURNING event_id, global_position, recorded_at
), queued AS (
    -- ORDER BY ord: outbox positions follow stream order within the append.
    INSERT INTO outbox (event_id, topic, payload)
    SELECT event_id, $17, public_payload FROM new
    WHERE public_payload IS NOT NULL ORDER BY ord
)
SELECT event_id, global_position, recorded_at FROM stored
"""

_LOAD = """
SELECT event_id, stream_id, stream_version, event_type, schema_version, cooperative_id,
       occurred_at, business_date, recorded_at, global_position, correlation_id,
       causation_id, command_id, actor, traceparent, tracestate, payload
FROM events WHERE stream_id = $1 AND stream_version > $2 ORDER BY stream_version
"""


class PostgresEventStore:
    """Event store of one service. ``source`` names the service on every envelope."""

    def __init__(self, *, source: str, topic: str) -> None:
        self.source = source
        self.topic = topic

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
        if not events:
            return []
        versions = list(range(expected_version + 1, expected_version + 1 + len(events)))
        try:
            rows = await conn.fetch(
                _APPEND,
                [e.event_id for e in events],
                versions,
                [e.event_type for e in events],
                [e.schema_version for e in events],
                [e.cooperative_id for e in events],
                [e.occurred_at for e in events],
                [e.business_date for e in events],
                [e.correlation_id for e in events],
                [e.causation_id for e in events],
                [e.command_id for e in events],
                [e.actor for e in events],
                [e.traceparent for e in events],
                [e.tracestate for e in events],
                [json_dumps(e.payload) for e in events],
                [None if e.public_payload is None else json_dumps(e.public_payload)
                 for e in events],
                stream_id,
                self.topic,
            )
        except asyncpg.UniqueViolationError as exc:
            if exc.constraint_name == "events_stream_version_key":
                raise ConcurrencyConflict(
                    f"{stream_id} was changed by someone else; reload and try again"
                ) from exc
            raise
        by_id = {r["event_id"]: r for r in rows}
        return [
            Envelope(
                event_id=e.event_id,
                event_type=e.event_type,
                schema_version=e.schema_version,
                source=self.source,
                stream_id=stream_id,
                stream_version=v,
                cooperative_id=e.cooperative_id,
                occurred_at=e.occurred_at,
                business_date=e.business_date,
                recorded_at=by_id[e.event_id]["recorded_at"],
                global_position=by_id[e.event_id]["global_position"],
                correlation_id=e.correlation_id,
                causation_id=e.causation_id,
                command_id=e.command_id,
                actor=e.actor,
                traceparent=e.traceparent,
                tracestate=e.tracestate,
            )
            for e, v in zip(events, versions, strict=True)
        ]

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
