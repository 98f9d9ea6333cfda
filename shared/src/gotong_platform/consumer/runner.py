"""The consumer runner: at-least-once delivery, exactly-once effects.

For each record the handler's effect, the event id and the consumer's next
offset are written in ONE PostgreSQL transaction. A redelivered record (same
offset after a crash, or the same event re-sent by the relay at another
offset) finds its event id already recorded and changes nothing. Kafka's own
committed offsets are written too, but only so that lag tools see progress:
the database is the source of truth and the runner seeks to its positions
whenever partitions are assigned.

A record whose handler keeps failing (a poison event) is retried a bounded
number of times, then copied to the dead-letter topic with the error, marked
processed, and the partition moves on: healthy events keep flowing. Transient
database errors (deadlock, timeout, fail-over) are retried without limit
instead: the event is fine and must not be lost from the read model.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import logging
from collections.abc import Mapping, Sequence
from typing import Any, Protocol

import asyncpg
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, ConsumerRecord, TopicPartition
from aiokafka.abc import ConsumerRebalanceListener
from opentelemetry import trace

from gotong_platform.db import DbConnection
from gotong_platform.envelope import (
    Envelope,
    EnvelopeDecodeError,
    decode_data,
    decode_kafka_headers,
)
from gotong_platform.kafka import dead_letter_topic
from gotong_platform.telemetry.metrics import PlatformMetrics
from gotong_platform.telemetry.tracing import context_from_traceparent

__all__ = ["ConsumedEvent", "ConsumerRunner", "Handler", "RunnerConfig"]

log = logging.getLogger(__name__)
tracer = trace.get_tracer("gotong.consumer")


@dataclasses.dataclass(frozen=True, slots=True)
class ConsumedEvent:
    envelope: Envelope
    data: dict[str, Any]
    topic: str
    partition: int
    offset: int


class Handler(Protocol):
    """Applies one event inside the runner's transaction. Raise to refuse it."""

    async def __call__(self, conn: DbConnection, event: ConsumedEvent) -> None: ...


@dataclasses.dataclass(frozen=True, slots=True)
class RunnerConfig:
    consumer: str  # name of the effect: positions and dedup rows are kept per name
    topics: tuple[str, ...]
    group_id: str | None  # None: assign every partition (rebuilds, single instance)
    max_attempts: int = 3
    retry_backoff_s: float = 0.05
    max_records: int = 500


_SEEN = """
INSERT INTO processed_events (consumer, event_id) VALUES ($1, $2)
ON CONFLICT DO NOTHING RETURNING 1
"""
_POSITION = """
INSERT INTO consumer_positions (consumer, topic, partition, next_offset) VALUES ($1, $2, $3, $4)
ON CONFLICT (consumer, topic, partition)
DO UPDATE SET next_offset = EXCLUDED.next_offset, updated_at = now()
"""
_POSITIONS = "SELECT topic, partition, next_offset FROM consumer_positions WHERE consumer = $1"


class _SeekToStored(ConsumerRebalanceListener):  # type: ignore[misc]
    def __init__(self, runner: ConsumerRunner) -> None:
        self._runner = runner

    async def on_partitions_revoked(self, revoked: Sequence[TopicPartition]) -> None:
        return None

    async def on_partitions_assigned(self, assigned: Sequence[TopicPartition]) -> None:
        await self._runner.seek_to_stored(assigned)


class ConsumerRunner:
    """Runs one handler over one or more topics until ``stop()``."""

    def __init__(
        self,
        *,
        pool: asyncpg.Pool,
        consumer: AIOKafkaConsumer,
        dlq_producer: AIOKafkaProducer,
        handler: Handler,
        config: RunnerConfig,
        metrics: PlatformMetrics | None = None,
    ) -> None:
        self._pool = pool
        self._consumer = consumer
        self._dlq = dlq_producer
        self._handler = handler
        self._config = config
        self._metrics = metrics
        self._stopping = asyncio.Event()
        self.processed = 0
        self.dead_lettered = 0
        self.positions: dict[TopicPartition, int] = {}

    def stop(self) -> None:
        self._stopping.set()

    async def start(self) -> None:
        """Join the group (or assign all partitions) and seek to stored positions."""
        await self._consumer.start()
        await self._dlq.start()
        if self._config.group_id is None:
            parts: list[TopicPartition] = []
            for topic in self._config.topics:
                partitions = self._consumer.partitions_for_topic(topic)
                if not partitions:
                    # Metadata for a topic not yet fetched: ask once, then assign.
                    await self._consumer._client.force_metadata_update()
                    partitions = self._consumer.partitions_for_topic(topic) or set()
                parts.extend(TopicPartition(topic, p) for p in sorted(partitions))
            self._consumer.assign(parts)
            await self.seek_to_stored(parts)
        else:
            self._consumer.subscribe(list(self._config.topics), listener=_SeekToStored(self))

    async def close(self) -> None:
        with contextlib.suppress(Exception):
            await self._consumer.stop()
        with contextlib.suppress(Exception):
            await self._dlq.stop()

    async def seek_to_stored(self, partitions: Sequence[TopicPartition]) -> None:
        async with self._pool.acquire() as conn:
            rows = await conn.fetch(_POSITIONS, self._config.consumer)
        stored = {TopicPartition(r["topic"], r["partition"]): r["next_offset"] for r in rows}
        for tp in partitions:
            offset = stored.get(tp)
            if offset is None:
                # No effect applied yet from this partition: start at the very
                # beginning, whatever the group's committed offset says.
                await self._consumer.seek_to_beginning(tp)
            else:
                self._consumer.seek(tp, offset)
            self.positions[tp] = offset or 0

    async def run(self) -> None:
        await self.start()
        try:
            while not self._stopping.is_set():
                await self.poll_once()
        finally:
            await self.close()

    async def poll_once(self, timeout_ms: int = 200) -> int:
        batches = await self._consumer.getmany(
            timeout_ms=timeout_ms, max_records=self._config.max_records
        )
        count = 0
        for tp, records in batches.items():
            if records:
                await self._process_partition_batch(tp, records)
                count += len(records)
        if count:
            await self._commit_kafka_offsets()
            self._report_lag()
        return count

    async def _process_partition_batch(
        self, tp: TopicPartition, records: list[ConsumerRecord[bytes, bytes]]
    ) -> None:
        # Fast path: the whole batch in one transaction. If any record fails,
        # fall back to one record per transaction to isolate the poison one.
        try:
            async with self._pool.acquire() as conn, conn.transaction():
                for record in records:
                    await self._apply(conn, record)
                await self._save_position(conn, tp, records[-1].offset + 1)
            self._advance(tp, records[-1].offset + 1, len(records))
            return
        except _Poison:
            pass
        except (asyncpg.PostgresConnectionError, asyncpg.InterfaceError, OSError):
            raise
        except Exception:  # noqa: S110 - isolated and retried one by one below
            pass
        for record in records:
            if self.positions.get(tp, 0) > record.offset:
                continue  # already applied by an earlier single-record pass
            await self._process_one(tp, record)

    async def _process_one(self, tp: TopicPartition, record: ConsumerRecord[bytes, bytes]) -> None:
        last_error: BaseException | None = None
        attempt = 0
        while attempt < self._config.max_attempts:
            attempt += 1
            try:
                async with self._pool.acquire() as conn, conn.transaction():
                    await self._apply(conn, record)
                    await self._save_position(conn, tp, record.offset + 1)
                self._advance(tp, record.offset + 1, 1)
                return
            except _Poison as exc:
                last_error = exc.__cause__ or exc
                break  # undecodable: retrying cannot help
            except (asyncpg.PostgresConnectionError, asyncpg.InterfaceError, OSError):
                raise
            except _TRANSIENT as exc:
                # Deadlocks, timeouts, a fail-over in progress: the same event would
                # apply later, so dead-lettering it would make live differ from a
                # rebuild. Retry without limit; the lag metric shows a stuck partition.
                log.warning("transient database error; retrying",
                            extra={"fields": {"offset": record.offset, "error": repr(exc)}})
                attempt = 0
                await asyncio.sleep(min(self._config.retry_backoff_s * 20, 2.0))
            except Exception as exc:
                last_error = exc
                log.warning(
                    "handler failed",
                    extra={"fields": {"consumer": self._config.consumer, "attempt": attempt,
                                      "offset": record.offset, "error": repr(exc)}},
                )
                await asyncio.sleep(self._config.retry_backoff_s * attempt)
        await self._dead_letter(tp, record, last_error)

    async def _apply(self, conn: DbConnection, record: ConsumerRecord[bytes, bytes]) -> None:
        try:
            envelope = decode_kafka_headers(list(record.headers))
            data = decode_data(record.value)
        except EnvelopeDecodeError as exc:
            raise _Poison() from exc
        parent = context_from_traceparent(envelope.traceparent, envelope.tracestate)
        with tracer.start_as_current_span(
            f"consume {envelope.event_type}",
            context=parent,
            kind=trace.SpanKind.CONSUMER,
            attributes={
                "messaging.system": "kafka",
                "messaging.consumer.group.name": self._config.consumer,
                "messaging.message.id": str(envelope.event_id),
                "messaging.kafka.offset": record.offset,
            },
        ):
            if await conn.fetchval(_SEEN, self._config.consumer, envelope.event_id) is None:
                return  # a duplicate: its effect is already in the read model
            await self._handler(conn, ConsumedEvent(
                envelope=envelope, data=data, topic=record.topic,
                partition=record.partition, offset=record.offset,
            ))

    async def _save_position(self, conn: DbConnection, tp: TopicPartition, nxt: int) -> None:
        await conn.execute(_POSITION, self._config.consumer, tp.topic, tp.partition, nxt)

    def _advance(self, tp: TopicPartition, nxt: int, n: int) -> None:
        self.positions[tp] = nxt
        self.processed += n
        if self._metrics is not None:
            self._metrics.consumer_processed.labels(self._config.consumer).inc(n)

    async def _dead_letter(
        self, tp: TopicPartition, record: ConsumerRecord[bytes, bytes], error: BaseException | None
    ) -> None:
        headers = [*record.headers,
                   ("gotong_error", repr(error).encode()[:2000]),
                   ("gotong_consumer", self._config.consumer.encode()),
                   ("gotong_source_offset", f"{record.topic}/{record.partition}/{record.offset}"
                    .encode())]
        # Publish first, then record the position: if we crash in between the
        # record is dead-lettered twice, which is safe; the reverse could lose it.
        await self._dlq.send_and_wait(
            dead_letter_topic(record.topic), value=record.value, key=record.key, headers=headers
        )
        async with self._pool.acquire() as conn, conn.transaction():
            await self._save_position(conn, tp, record.offset + 1)
            event_id = _event_id(record)
            if event_id is not None:  # a later duplicate of it is skipped, not applied
                await conn.execute(_SEEN, self._config.consumer, event_id)
        self.positions[tp] = record.offset + 1
        self.dead_lettered += 1
        if self._metrics is not None:
            self._metrics.consumer_dead_lettered.labels(self._config.consumer).inc()
        log.error(
            "event dead-lettered",
            extra={"fields": {"consumer": self._config.consumer, "topic": record.topic,
                              "offset": record.offset, "error": repr(error)}},
        )

    async def _commit_kafka_offsets(self) -> None:
        if self._config.group_id is None:
            return
        with contextlib.suppress(Exception):  # informational only; see module docstring
            await self._consumer.commit(
                {tp: off for tp, off in self.positions.items()
                 if tp in self._consumer.assignment()}
            )

    def _report_lag(self) -> None:
        if self._metrics is None:
            return
        for tp, pos in self.positions.items():
            high = self._consumer.highwater(tp)
            if high is not None:
                self._metrics.consumer_lag.labels(self._config.consumer, tp.topic,
                                                  str(tp.partition)).set(max(high - pos, 0))

    async def end_offsets(self) -> Mapping[TopicPartition, int]:
        parts = list(self._consumer.assignment())
        result: Mapping[TopicPartition, int] = await self._consumer.end_offsets(parts)
        return result

    async def run_until_caught_up(self, targets: Mapping[TopicPartition, int]) -> None:
        """Consume until every partition reached ``targets`` (used by rebuilds and tests)."""
        while not all(self.positions.get(tp, 0) >= off for tp, off in targets.items()):
            await self.poll_once()


_TRANSIENT = (
    asyncpg.exceptions.DeadlockDetectedError,
    asyncpg.exceptions.SerializationError,
    asyncpg.exceptions.LockNotAvailableError,
    asyncpg.exceptions.QueryCanceledError,
    asyncpg.exceptions.AdminShutdownError,
    asyncpg.exceptions.CannotConnectNowError,
    asyncpg.exceptions.TooManyConnectionsError,
)


def _event_id(record: ConsumerRecord[bytes, bytes]) -> Any:
    try:
        return decode_kafka_headers(list(record.headers)).event_id
    except EnvelopeDecodeError:
        return None


class _Poison(Exception):
    """The record cannot be decoded as a Gotong event."""
