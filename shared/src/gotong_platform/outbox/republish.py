"""Republish: a service's events sent to Kafka again, from its event store.

Kafka is not the system of record: a lost or damaged topic is refilled from the event
store with ``python -m <service> republish --from-position N [--to-position M]``. Each
event goes out as the relay sent it (``send_event``: the same key, headers and value
bytes), with the idempotent, acks=all producer, in batches whose acknowledgements are
awaited before the next one is read.

What keeps it safe:

* **Order per stream.** Events are read in position order, and within a stream
  position order is version order (the relay's own argument: a later version cannot
  commit before an earlier one). They are read from ONE repeatable-read snapshot, so a
  transaction that took a lower position but commits during the republish is not
  half-seen: it is absent with every later version of its streams, and the relay sends
  it from the outbox afterwards, after the versions republished here.
* **Never beside the relay.** Republish holds the relay's leader lock while it sends,
  so the live relay cannot put a newer version of a stream on the topic ahead of an
  older one being republished. A relay running meanwhile waits as a standby and then
  drains its outbox, which may send again some events republished here: duplicates,
  which consumers skip by event id, as they skip the relay's own re-sends.
* **The outbox is not touched.** Republish only reads ``events``; the relay's rows and
  their deletion stay the relay's.
* **Unknown data is refused, not guessed.** Events published before the event store
  kept their public payload (``EVENT_STORE_V2``'s ``republish_floor``) cannot be sent
  again byte for byte; a range that starts among them is refused.

The trace context goes as it was stored: a republished record carries the request's
``traceparent``, not a new publish span (the relay's span ids are not kept).
"""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import Awaitable, Callable
from typing import Any

import asyncpg
from aiokafka import AIOKafkaProducer

from gotong_platform.db import DbConnection
from gotong_platform.outbox.relay import EVENT_RECORD_COLUMNS, RELAY_LOCK_KEY, send_event

__all__ = ["RepublishProgress", "RepublishRefused", "RepublishResult", "republish"]

_EVENTS = f"""
SELECT $3::text AS topic, e.public_payload::text AS value, {EVENT_RECORD_COLUMNS}
FROM events e
WHERE e.global_position >= $1 AND ($2::bigint IS NULL OR e.global_position <= $2)
  AND e.public_payload IS NOT NULL
ORDER BY e.global_position
"""
_COUNT = """
SELECT count(*), min(global_position), max(global_position) FROM events
WHERE global_position >= $1 AND ($2::bigint IS NULL OR global_position <= $2)
  AND public_payload IS NOT NULL
"""
_FLOOR = "SELECT max(last_unknown) FROM republish_floor"


class RepublishRefused(Exception):
    """Republishing was not started (nothing was sent): the reason, for the operator."""


@dataclasses.dataclass(frozen=True, slots=True)
class RepublishProgress:
    """Acknowledged so far: ``events``, the last of them at ``position``."""

    events: int
    position: int


@dataclasses.dataclass(frozen=True, slots=True)
class RepublishResult:
    """What was (with ``dry_run``: would be) sent: ``events`` published events, from
    ``first`` to ``last`` position (None when there were none), to ``topic``."""

    events: int
    first: int | None
    last: int | None
    topic: str
    dry_run: bool


async def republish(
    *, dsn: str, source: str, topic: str, producer_factory: Callable[[], AIOKafkaProducer],
    from_position: int, to_position: int | None = None, batch_size: int = 500,
    dry_run: bool = False, before_sending: Callable[[], Awaitable[None]] | None = None,
    progress: Callable[[RepublishProgress], Awaitable[None]] | None = None,
) -> RepublishResult:
    """Send the published events of positions ``from_position``..``to_position`` (to the
    end when None) to ``topic`` again, as ``source``'s relay sent them.

    Raises ``RepublishRefused`` before sending anything when the range starts among
    events whose published data is unknown, or when the relay is active. With
    ``dry_run`` only counts (no lock, no Kafka). ``before_sending`` runs once the lock is
    held (the caller creates the topic there); ``progress`` after each acknowledged batch.
    A failed send raises; what ``progress`` reported last was acknowledged.
    """
    if batch_size < 1:
        raise ValueError("batch_size must be at least 1")
    conn: DbConnection = await asyncpg.connect(dsn)
    try:
        floor = await conn.fetchval(_FLOOR) or 0
        if from_position <= floor:
            raise RepublishRefused(
                f"events up to position {floor} were published before the event store kept "
                f"what it publishes: they cannot be sent again as they were; republish from "
                f"position {floor + 1}")
        if dry_run:
            found = await conn.fetchrow(_COUNT, from_position, to_position)
            assert found is not None  # an aggregate always returns one row
            return RepublishResult(events=found[0], first=found[1], last=found[2],
                                   topic=topic, dry_run=True)
        if not await conn.fetchval("SELECT pg_try_advisory_lock($1)", RELAY_LOCK_KEY):
            raise RepublishRefused(
                f"the {source} relay is active (it holds the relay lock): stop it first, so "
                "that no newer event of a stream reaches the topic before the older ones "
                "republished; started again afterwards, it drains its outbox")
        if before_sending is not None:
            await before_sending()
        producer = producer_factory()
        await producer.start()
        try:
            return await _send_all(conn, producer, source, topic, from_position,
                                   to_position, batch_size, progress)
        finally:
            await producer.stop()
    finally:
        await conn.close()  # also releases the relay lock


async def _send_all(conn: DbConnection, producer: AIOKafkaProducer, source: str, topic: str,
                    from_position: int, to_position: int | None, batch_size: int,
                    progress: Callable[[RepublishProgress], Awaitable[None]] | None,
                    ) -> RepublishResult:
    sent = 0
    first: int | None = None
    last: int | None = None
    # One snapshot for every batch: see the module's docstring (order per stream).
    async with conn.transaction(isolation="repeatable_read", readonly=True):
        cursor = await conn.cursor(_EVENTS, from_position, to_position, topic)
        while rows := await cursor.fetch(batch_size):
            futures: list[Awaitable[Any]] = [
                await send_event(producer, row, source=source, traceparent=row["traceparent"],
                                 tracestate=row["tracestate"])
                for row in rows]
            # The whole batch acknowledged before the next is read: progress is exact.
            await asyncio.gather(*futures)
            sent += len(rows)
            first = rows[0]["global_position"] if first is None else first
            last = rows[-1]["global_position"]
            if progress is not None:
                await progress(RepublishProgress(events=sent, position=last))
    return RepublishResult(events=sent, first=first, last=last, topic=topic, dry_run=False)
