"""Dead letters an operator can see, list and replay.

A record the consumer cannot apply after its retries is copied to the topic's
dead-letter topic and marked processed, so the partition moves on. On its own that
would hide a lost effect (a payout never made): so the runner also keeps each dead
letter in the consumer's own database (``dead_letters``), in the transaction that
moves its position. ``python -m <service> dead-letters list`` shows them;
``replay`` sends a record back to its source topic for the running consumer, after
taking back its processed mark, so it is applied like a first delivery (and, if it
fails again, dead-lettered again as a new row).

The order of a replay is: un-mark (committed), send, then note the replay. A crash
after the un-mark leaves the row unreplayed and a second replay sends it; a crash
after the send sends it twice at worst, and the event id makes the second a no-op.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from datetime import datetime
from typing import Any

import orjson
from aiokafka import AIOKafkaProducer, ConsumerRecord

from gotong_platform.db import DbConnection

__all__ = [
    "DEAD_LETTERS_V1",
    "DeadLetter",
    "list_dead_letters",
    "record_dead_letter",
    "replay_dead_letters",
]

DEAD_LETTERS_V1 = """
-- Records a consumer gave up on (also on the topic's .dlt topic): what an operator
-- lists and replays. Keyed by where the record was, so a second dead-lettering of
-- the same offset (a crash between the DLT send and this row) is one row.
CREATE TABLE IF NOT EXISTS dead_letters (
    consumer          text NOT NULL,
    topic             text NOT NULL,
    partition         integer NOT NULL,
    record_offset     bigint NOT NULL,
    event_id          uuid,
    event_type        text,
    record_key        bytea,
    record_value      bytea NOT NULL,
    record_headers    jsonb NOT NULL,
    error             text NOT NULL,
    dead_lettered_at  timestamptz NOT NULL DEFAULT now(),
    replayed_at       timestamptz,
    PRIMARY KEY (consumer, topic, partition, record_offset)
);
CREATE INDEX IF NOT EXISTS dead_letters_waiting ON dead_letters (consumer)
    WHERE replayed_at IS NULL;
"""

_RECORD = """
INSERT INTO dead_letters (consumer, topic, partition, record_offset, event_id, event_type,
                          record_key, record_value, record_headers, error)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9::jsonb, $10)
ON CONFLICT (consumer, topic, partition, record_offset) DO NOTHING
"""
_LIST = """
SELECT consumer, topic, partition, record_offset, event_id, event_type, error,
       dead_lettered_at, replayed_at
FROM dead_letters
WHERE ($1::text IS NULL OR consumer = $1) AND ($2 OR replayed_at IS NULL)
ORDER BY dead_lettered_at, topic, partition, record_offset
"""
_WAITING = """
SELECT consumer, topic, partition, record_offset, event_id, record_key, record_value,
       record_headers
FROM dead_letters
WHERE replayed_at IS NULL AND consumer = $1
  AND ($2::text[] IS NULL OR topic || '/' || partition || '/' || record_offset = ANY($2))
ORDER BY topic, partition, record_offset
"""
_UNMARK = "DELETE FROM processed_events WHERE consumer = $1 AND event_id = $2"
_REPLAYED = """
UPDATE dead_letters SET replayed_at = now()
WHERE consumer = $1 AND topic = $2 AND partition = $3 AND record_offset = $4
"""
# Headers the runner added when it dead-lettered the record: not part of the event.
_RUNNER_HEADERS = frozenset({"gotong_error", "gotong_consumer", "gotong_source_offset"})


@dataclasses.dataclass(frozen=True, slots=True)
class DeadLetter:
    """One dead letter as an operator lists it; ``ref`` names it for ``replay``."""

    consumer: str
    topic: str
    partition: int
    offset: int
    event_id: str | None
    event_type: str | None
    error: str
    dead_lettered_at: datetime
    replayed_at: datetime | None

    @property
    def ref(self) -> str:
        return f"{self.topic}/{self.partition}/{self.offset}"


async def record_dead_letter(
    conn: DbConnection, consumer: str, record: ConsumerRecord[bytes, bytes],
    event_id: Any, error: BaseException | None,
) -> None:
    """Keep ``record`` as a dead letter of ``consumer`` (in the caller's transaction)."""
    headers = [[name, value.hex()] for name, value in record.headers]
    event_type = next((value.decode(errors="replace") for name, value in record.headers
                       if name == "ce_type"), None)
    await conn.execute(
        _RECORD, consumer, record.topic, record.partition, record.offset, event_id,
        event_type, record.key, record.value, _json(headers), repr(error)[:2000])


async def list_dead_letters(
    conn: DbConnection, consumer: str | None = None, *, include_replayed: bool = False
) -> list[DeadLetter]:
    """The dead letters of ``consumer`` (of every consumer by default), oldest first."""
    rows = await conn.fetch(_LIST, consumer, include_replayed)
    return [DeadLetter(consumer=r["consumer"], topic=r["topic"], partition=r["partition"],
                       offset=r["record_offset"],
                       event_id=None if r["event_id"] is None else str(r["event_id"]),
                       event_type=r["event_type"], error=r["error"],
                       dead_lettered_at=r["dead_lettered_at"], replayed_at=r["replayed_at"])
            for r in rows]


async def replay_dead_letters(
    conn: DbConnection, producer: AIOKafkaProducer, consumer: str,
    refs: Sequence[str] | None = None,
) -> list[str]:
    """Send ``consumer``'s waiting dead letters (those named by ``refs``, or all) back to
    their source topics; the refs replayed, in order. ``producer`` must be started, and
    ``conn`` outside a transaction: each un-mark commits before its record is sent."""
    rows = await conn.fetch(_WAITING, consumer, None if refs is None else list(refs))
    replayed: list[str] = []
    for row in rows:
        if row["event_id"] is not None:
            await conn.execute(_UNMARK, consumer, row["event_id"])
        headers = [(name, bytes.fromhex(value)) for name, value in _headers(row)
                   if name not in _RUNNER_HEADERS]
        await producer.send_and_wait(row["topic"], value=row["record_value"],
                                     key=row["record_key"], headers=headers)
        await conn.execute(_REPLAYED, consumer, row["topic"], row["partition"],
                           row["record_offset"])
        replayed.append(f"{row['topic']}/{row['partition']}/{row['record_offset']}")
    return replayed


def _headers(row: Any) -> list[tuple[str, str]]:
    value = row["record_headers"]
    pairs = orjson.loads(value) if isinstance(value, (str, bytes)) else value
    return [(str(name), str(hexed)) for name, hexed in pairs]


def _json(value: Any) -> str:
    return orjson.dumps(value).decode()
