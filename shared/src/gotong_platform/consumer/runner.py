"""The consumer runner: at-least-once delivery, exactly-once effects.

For each record the handler's effect, the event id and the consumer's next
offset are written in ONE PostgreSQL transaction. A redelivered record (same
offset after a crash, or the same event re-sent by the relay at another
offset) finds its event id already recorded and changes nothing. Kafka's own
committed offsets are written too, but only so that lag tools see progress:
the database is the source of truth and the runner seeks to its positions
whenever partitions are assigned.

A record whose handler keeps failing (a poison event) is retried a bounded
number of times, then copied to the dead-letter topic with the error, kept in the
consumer's ``dead_letters`` table (listed and replayed by an operator: see
``dead_letters``), marked processed, and the partition moves on: healthy events keep
flowing. Transient database errors (deadlock, timeout, fail-over) are retried without
limit instead: the event is fine and must not be lost from the read model. A lost
optimistic-concurrency race (``ConcurrencyConflict``: a clerk's deposit appended to
the stream a reaction was writing) is not the event's fault either: it is retried,
re-reading and re-deciding in a new transaction, with a jittered backoff, up to
``max_conflict_attempts`` times, before it could ever be dead-lettered.

A poll batch of one partition is applied in one transaction with a few
statements whatever its size: every record is decoded first, the event ids are
claimed with one ``INSERT ... SELECT unnest(...) RETURNING`` (an id repeated
inside the batch is dropped in Python, one already claimed is not returned),
the new events go to the handler together, and the position is saved once. A
handler that knows batches (``BatchHandler``) writes them set-wise; a plain
per-event ``Handler`` is called once per event, as before. If anything in the
batch fails, its records are retried one per transaction, which isolates a
poison record; the records after it go back to the batch path.

A handler that already writes a row keyed by event id for every event it
applies may claim the ids itself (``SelfClaimingHandler``, opt-in): the runner
then writes no ``processed_events`` row per event, only one per dead-lettered
event, which the handler's claim must also skip.

Tracing: a consumed event continues its producer's trace. Its span ("consume
<type>", a child of the record's ``traceparent``) is made only when that trace
is being recorded: an unsampled trace costs no span. A plain handler runs with
the event's span (or, unsampled, its parent context) as the current context, so
the events it writes carry the same trace id.

This module is the loop (polling, batches, retries, dead letters, positions); the
claims of event ids are in ``claims``, the decoding of a record in ``decoding``,
the handler protocols in ``handlers`` and the spans in ``tracing``.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import logging
import random
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import asyncpg
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, ConsumerRecord, TopicPartition
from aiokafka.abc import ConsumerRebalanceListener
from opentelemetry import trace

from gotong_platform.consumer.claims import apply_new, first_deliveries, mark_processed
from gotong_platform.consumer.dead_letters import record_dead_letter
from gotong_platform.consumer.decoding import PoisonRecord, decode_record, record_event_id
from gotong_platform.consumer.events import ConsumedEvent
from gotong_platform.consumer.handlers import (
    BatchHandler,
    Handler,
    PerEvent,
    SelfClaimingHandler,
    as_batch_handler,
)
from gotong_platform.consumer.lag import UnappliedRecords
from gotong_platform.consumer.tracing import start_spans
from gotong_platform.db import DbConnection
from gotong_platform.domain import ConcurrencyConflict
from gotong_platform.kafka import dead_letter_topic
from gotong_platform.telemetry.metrics import PlatformMetrics

__all__ = ["ConsumerRunner", "RunnerConfig"]

log = logging.getLogger(__name__)


@dataclasses.dataclass(frozen=True, slots=True)
class RunnerConfig:
    consumer: str  # name of the effect: positions and dedup rows are kept per name
    topics: tuple[str, ...]
    group_id: str | None  # None: assign every partition (rebuilds, single instance)
    max_attempts: int = 3
    retry_backoff_s: float = 0.05
    # Lost optimistic-concurrency races, retried apart from ``max_attempts``: under a
    # burst of clerks writing one member's wajib, a payout may lose several in a row.
    max_conflict_attempts: int = 30
    max_conflict_backoff_s: float = 1.0
    max_records: int = 500
    # Partition batches of one poll applied at once, each in its own transaction on its
    # own connection. Only for handlers whose effects on different partitions cannot
    # conflict (the read model's); 1 keeps the partitions of a poll in sequence.
    partition_concurrency: int = 1
    # Without a group: (i, n) takes every n-th of the topics' partitions from the i-th,
    # so n processes (a parallel rebuild) share them without a rebalance.
    share: tuple[int, int] | None = None


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
        # Batches already handed out are applied before another instance takes over.
        await self._runner.wait_in_flight()
        self._runner.release(revoked)

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
        handler: Handler | BatchHandler,
        config: RunnerConfig,
        metrics: PlatformMetrics | None = None,
    ) -> None:
        self._pool = pool
        self._consumer = consumer
        self._dlq = dlq_producer
        self._batch = as_batch_handler(handler, config.consumer)
        self._self_claiming = handler if isinstance(handler, SelfClaimingHandler) else None
        # A batch-aware handler gets its spans from the runner; PerEvent makes its own.
        self._native = not isinstance(self._batch, PerEvent)
        self._config = config
        self._metrics = metrics
        self._stopping = asyncio.Event()
        self.processed = 0
        self.dead_lettered = 0
        self.positions: dict[TopicPartition, int] = {}
        self._in_flight: Mapping[TopicPartition, asyncio.Queue[Any]] = {}
        # The records received and not applied yet: the consumer's lag in seconds.
        self.unapplied = UnappliedRecords()
        if metrics is not None:
            metrics.consumer_lag_seconds.watch(config.consumer, self.unapplied)
            # Both counters exist from the start at 0: increase() over a series that first
            # appears at 1 sees nothing, so the first dead letter would raise no alert.
            metrics.consumer_processed.labels(config.consumer)
            metrics.consumer_dead_lettered.labels(config.consumer)

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
            if self._config.share is not None:
                index, count = self._config.share
                parts = parts[index::count]
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
            self.unapplied.positioned(tp, offset or 0)

    def release(self, partitions: Sequence[TopicPartition]) -> None:
        """Forget partitions another instance of the group took over: their lag is its to
        report (and ``highwater`` refuses a partition no longer assigned)."""
        self.unapplied.forget(partitions)
        for tp in partitions:
            self.positions.pop(tp, None)
            if self._metrics is not None:
                with contextlib.suppress(KeyError):  # never reported
                    self._metrics.consumer_lag.remove(self._config.consumer, tp.topic,
                                                      str(tp.partition))

    async def run(self, on_started: Callable[[], None] | None = None) -> None:
        """Start, call ``on_started`` (the process is ready), consume until ``stop()``."""
        try:
            await self.start()
            if on_started is not None:
                on_started()
            await self._consume(None)
        finally:
            await self.close()

    async def _consume(self, targets: Mapping[TopicPartition, int] | None) -> None:
        """Poll until stopped, or until every partition reached ``targets``.

        With ``partition_concurrency`` above 1 each partition gets a task of its own
        and a queue of one batch: the next poll (and the decoding of its batches)
        overlaps the transactions of the previous ones, partitions are applied at
        once, and each partition's batches still commit in offset order.
        """
        if self._config.partition_concurrency <= 1:
            while not (self._stopping.is_set() if targets is None
                       else self._caught_up(targets)):
                await self.poll_once()
            return
        queues: dict[TopicPartition, asyncio.Queue[list[ConsumerRecord[bytes, bytes]]]] = {}
        fetched: dict[TopicPartition, int] = {}
        limit = asyncio.Semaphore(self._config.partition_concurrency)

        async def apply(tp: TopicPartition,
                        queue: asyncio.Queue[list[ConsumerRecord[bytes, bytes]]]) -> None:
            while True:
                records = await queue.get()
                try:
                    async with limit:
                        await self._process_partition_batch(tp, records)
                finally:
                    queue.task_done()

        def more() -> bool:
            if targets is None:
                return not self._stopping.is_set()
            return not all(max(fetched.get(tp, 0), self.positions.get(tp, 0)) >= offset
                           for tp, offset in targets.items())

        appliers: list[asyncio.Task[None]] = []
        self._in_flight = queues
        try:
            async with asyncio.TaskGroup() as group:
                try:
                    while more():
                        batches = await self._consumer.getmany(
                            timeout_ms=200, max_records=self._config.max_records)
                        for tp, records in batches.items():
                            if not records:
                                continue
                            queue = queues.get(tp)
                            if queue is None:
                                queue = queues[tp] = asyncio.Queue(maxsize=1)
                                appliers.append(group.create_task(apply(tp, queue)))
                            fetched[tp] = records[-1].offset + 1
                            self.unapplied.received(tp, records)
                            await queue.put(records)
                        if batches:
                            await self._commit_kafka_offsets()
                            self._report_lag()
                    await self.wait_in_flight()
                    await self._commit_kafka_offsets()
                finally:
                    for task in appliers:
                        task.cancel()
        except BaseExceptionGroup as group_error:  # an applier failed: raise its error
            raise group_error.exceptions[0] from None
        finally:
            self._in_flight = {}

    async def wait_in_flight(self) -> None:
        """Until every batch handed to a partition task is applied (or dead-lettered)."""
        for queue in list(self._in_flight.values()):
            await queue.join()

    def _caught_up(self, targets: Mapping[TopicPartition, int]) -> bool:
        return all(self.positions.get(tp, 0) >= offset for tp, offset in targets.items())

    async def poll_once(self, timeout_ms: int = 200) -> int:
        batches = await self._consumer.getmany(
            timeout_ms=timeout_ms, max_records=self._config.max_records
        )
        work = [(tp, records) for tp, records in batches.items() if records]
        count = sum(len(records) for _, records in work)
        for tp, records in work:
            self.unapplied.received(tp, records)
        if self._config.partition_concurrency > 1 and len(work) > 1:
            # Partitions are independent (own positions, own transactions): while one
            # batch waits for PostgreSQL, the next one is decoded and sent.
            limit = asyncio.Semaphore(self._config.partition_concurrency)

            async def one(tp: TopicPartition, records: list[ConsumerRecord[bytes, bytes]]
                          ) -> None:
                async with limit:
                    await self._process_partition_batch(tp, records)

            try:
                async with asyncio.TaskGroup() as group:
                    for tp, records in work:
                        group.create_task(one(tp, records))
            except BaseExceptionGroup as group_error:  # raise the batch's own error
                raise group_error.exceptions[0] from None
        else:
            for tp, records in work:
                await self._process_partition_batch(tp, records)
        if count:
            await self._commit_kafka_offsets()
            self._report_lag()
        return count

    async def _process_partition_batch(
        self, tp: TopicPartition, records: list[ConsumerRecord[bytes, bytes]]
    ) -> None:
        # Fast path: the whole batch in one transaction. If it fails, apply its
        # records one per transaction until a poison one is dead-lettered, then
        # go back to the fast path with the records after it.
        while records:
            if await self._try_batch(tp, records):
                return
            records = await self._isolate_poison(tp, records)

    async def _try_batch(self, tp: TopicPartition,
                         records: list[ConsumerRecord[bytes, bytes]]) -> bool:
        try:
            events = [decode_record(record) for record in records]
        except PoisonRecord:
            return False
        nxt = records[-1].offset + 1
        try:
            await self._apply_in_transaction(tp, events, nxt)
        except (asyncpg.PostgresConnectionError, asyncpg.InterfaceError, OSError):
            raise
        except Exception:  # isolated and retried one by one
            return False
        self._advance(tp, nxt, len(records))
        return True

    async def _isolate_poison(
        self, tp: TopicPartition, records: list[ConsumerRecord[bytes, bytes]]
    ) -> list[ConsumerRecord[bytes, bytes]]:
        """Apply records one by one up to the first dead-lettered one; the rest remain."""
        for i, record in enumerate(records):
            if self.positions.get(tp, 0) > record.offset:
                continue  # already applied by an earlier pass
            if await self._process_one(tp, record):
                return records[i + 1:]
        return []

    async def _apply_in_transaction(self, tp: TopicPartition, events: list[ConsumedEvent],
                                    nxt: int) -> None:
        spans = start_spans(events, self._config.consumer) if self._native else ()
        try:
            async with self._pool.acquire() as conn, conn.transaction():
                await self._apply(conn, events)
                await self._save_position(conn, tp, nxt)
        except BaseException as exc:
            for span in spans:
                span.record_exception(exc)
                span.set_status(trace.StatusCode.ERROR)
                span.end()
            raise
        for span in spans:
            span.end()

    async def _process_one(self, tp: TopicPartition,
                           record: ConsumerRecord[bytes, bytes]) -> bool:
        """Apply one record in its own transaction; True when it was dead-lettered."""
        last_error: BaseException | None = None
        attempt = conflicts = 0
        while attempt < self._config.max_attempts:
            attempt += 1
            try:
                await self._apply_in_transaction(tp, [decode_record(record)], record.offset + 1)
                self._advance(tp, record.offset + 1, 1)
                return False
            except PoisonRecord as exc:
                last_error = exc.__cause__ or exc
                break  # undecodable: retrying cannot help
            except (asyncpg.PostgresConnectionError, asyncpg.InterfaceError, OSError):
                raise
            except ConcurrencyConflict as exc:
                conflicts += 1
                last_error = exc
                if conflicts >= self._config.max_conflict_attempts:
                    break
                attempt -= 1  # a lost race is not a failed attempt: it has its own budget
                log.info("lost a concurrency race; deciding again",
                         extra={"fields": {"consumer": self._config.consumer,
                                           "offset": record.offset, "conflicts": conflicts}})
                await asyncio.sleep(self._conflict_backoff(conflicts))
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
        return True

    def _conflict_backoff(self, conflicts: int) -> float:
        """Full jitter: the writers that collided do not come back in step."""
        ceiling = min(self._config.retry_backoff_s * 2 ** min(conflicts, 16),
                      self._config.max_conflict_backoff_s)
        return random.uniform(0, ceiling)  # noqa: S311 - spacing retries, not a secret

    async def _apply(self, conn: DbConnection, events: list[ConsumedEvent]) -> None:
        if self._self_claiming is not None:
            await self._self_claiming.apply_unclaimed(
                conn, self._config.consumer, first_deliveries(events))
        else:
            await apply_new(conn, self._config.consumer, self._batch, events)

    async def _save_position(self, conn: DbConnection, tp: TopicPartition, nxt: int) -> None:
        await conn.execute(_POSITION, self._config.consumer, tp.topic, tp.partition, nxt)

    def _advance(self, tp: TopicPartition, nxt: int, n: int) -> None:
        self.positions[tp] = nxt
        self.unapplied.applied(tp, nxt)
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
            event_id = record_event_id(record)
            if event_id is not None:  # a later duplicate of it is skipped, not applied
                await mark_processed(conn, self._config.consumer, event_id)
            await record_dead_letter(conn, self._config.consumer, record, event_id, error)
        self.positions[tp] = record.offset + 1
        self.unapplied.applied(tp, record.offset + 1)
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
                self.unapplied.high_watermark(tp, high)
                self._metrics.consumer_lag.labels(self._config.consumer, tp.topic,
                                                  str(tp.partition)).set(max(high - pos, 0))

    async def end_offsets(self) -> Mapping[TopicPartition, int]:
        parts = list(self._consumer.assignment())
        if not parts:
            return {}
        result: Mapping[TopicPartition, int] = await self._consumer.end_offsets(parts)
        return result

    async def run_until_caught_up(self, targets: Mapping[TopicPartition, int]) -> None:
        """Consume until every partition reached ``targets`` (used by rebuilds and tests)."""
        await self._consume(targets)


_TRANSIENT = (
    asyncpg.exceptions.DeadlockDetectedError,
    asyncpg.exceptions.SerializationError,
    asyncpg.exceptions.LockNotAvailableError,
    asyncpg.exceptions.QueryCanceledError,
    asyncpg.exceptions.AdminShutdownError,
    asyncpg.exceptions.CannotConnectNowError,
    asyncpg.exceptions.TooManyConnectionsError,
)
