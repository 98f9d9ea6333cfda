"""The outbox relay: every committed event reaches Kafka at least once, in stream order.

Design, and the traps it avoids:

* **Commit order is not sequence order.** The relay never tails "position >
  last seen". It reads every *visible* outbox row in position order and deletes
  rows once Kafka acknowledged them, so a transaction that took a low position
  but committed late is simply found on a later pass. Within one stream a
  later version cannot commit before an earlier one (the unique stream-version
  index makes the second writer wait), so position order is stream order.
* **One active relay per service.** A session-level advisory lock elects it;
  a second relay process waits as a hot standby and takes over when the
  first one's connection dies.
* **Crash between send and bookkeeping.** Rows are deleted only after Kafka
  acknowledged the whole batch. A crash in between re-sends that batch:
  duplicates (at most one batch), never a loss. Consumers de-duplicate on the
  event id.
* **Kafka down.** Sends fail, rows stay, the relay backs off and retries with
  a fresh producer; the backlog drains when Kafka returns.

What an operator sees (with ``metrics`` and ``health``): events published, batches Kafka
refused, whether this relay is the active one (``gotong_relay_leader``), and every
``RelayConfig.backlog_interval_s`` the backlog and the age of its oldest event, measured on
the relay's own connection between batches (a standby measures too, so a stuck active
relay shows on its standby's gauges). ``health`` is ready while
the relay is connected and working: as a standby, or as the active relay while Kafka
acknowledges; not while sends fail, and not while a batch has waited for Kafka's
acknowledgement longer than ``RelayConfig.stall_after_s``.

That last one is the quiet failure: the idempotent producer never gives a batch up, so
while too few brokers are in sync (two of three gone, ``min.insync.replicas=2``) every
send is retried without an error and the relay would look ready while its outbox grows.
A watchdog beside the publishing loop marks it not ready once the batch in flight is
older than the bound, and the next acknowledged batch marks it ready again. An idle relay
has no batch in flight, so an empty outbox never makes it flap.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import asyncpg
from aiokafka import AIOKafkaProducer
from opentelemetry import trace

from gotong_platform.db import DbConnection
from gotong_platform.envelope import Envelope, encode_kafka_headers
from gotong_platform.supervise import ProcessHealth
from gotong_platform.telemetry.metrics import PlatformMetrics
from gotong_platform.telemetry.tracing import (
    context_from_traceparent,
    current_trace_headers,
    is_sampled,
)

__all__ = ["EVENT_RECORD_COLUMNS", "RELAY_LOCK_KEY", "OutboxRelay", "RelayConfig", "send_event"]

log = logging.getLogger(__name__)
tracer = trace.get_tracer("gotong.relay")

# What a Kafka record is built from (``send_event``), besides its ``topic`` and ``value``
# (the published JSON as text): the relay reads these beside its outbox rows,
# ``republish`` from the events alone.
EVENT_RECORD_COLUMNS = """e.event_id, e.stream_id, e.stream_version, e.event_type,
       e.schema_version, e.cooperative_id, e.occurred_at, e.business_date, e.recorded_at,
       e.global_position, e.correlation_id, e.causation_id, e.command_id, e.actor,
       e.traceparent, e.tracestate"""
_FETCH = f"""
SELECT o.position, o.topic, o.payload::text AS value, {EVENT_RECORD_COLUMNS}
FROM outbox o JOIN events e ON e.event_id = o.event_id
ORDER BY o.position
LIMIT $1
"""
_DELETE = "DELETE FROM outbox WHERE position = ANY($1::bigint[])"
_BACKLOG = """
SELECT count(*), extract(epoch FROM now() - min(e.recorded_at))
FROM outbox o JOIN events e ON e.event_id = o.event_id
"""

# The active relay's session lock (``republish`` holds it too, so the two never send
# at once). Any 64-bit constant works; it only has to be the same for every relay of a
# service, and each service has its own database.
RELAY_LOCK_KEY = 0x60706F6E67_01


@dataclass(frozen=True, slots=True)
class RelayConfig:
    source: str
    batch_size: int = 500
    idle_sleep_s: float = 0.01
    max_backoff_s: float = 5.0
    standby_poll_s: float = 1.0
    # How often the backlog gauges are measured (a count over the outbox).
    backlog_interval_s: float = 10.0
    # A batch unacknowledged this long makes the relay not ready (``/ready`` 503). Longer
    # than a leader election (the partition leader killed: every event published 8-12 s
    # after, docs/reliability.md), so a broker lost and replaced does not page anyone.
    stall_after_s: float = 30.0


ProducerFactory = Callable[[], AIOKafkaProducer]


class OutboxRelay:
    """Publishes one service's outbox to Kafka. ``run()`` until ``stop()``."""

    def __init__(
        self,
        *,
        dsn: str,
        producer_factory: ProducerFactory,
        config: RelayConfig,
        metrics: PlatformMetrics | None = None,
        health: ProcessHealth | None = None,
        after_send: Callable[[int], Awaitable[None]] | None = None,
    ) -> None:
        self._dsn = dsn
        self._producer_factory = producer_factory
        self._config = config
        self._metrics = metrics
        self._health = health
        self._backlog_due = 0.0  # loop time of the next backlog measurement
        if metrics is not None:
            # Both counters exist from the start at 0, so a rate or an alert on them works
            # before the first event or the first failure.
            metrics.relay_published.labels(config.source)
            metrics.relay_send_errors.labels(config.source)
            metrics.relay_leader.labels(config.source).set(0)
        # Test hook: runs after Kafka acknowledged a batch and before its rows
        # are deleted, where a crash is most interesting.
        self._after_send = after_send
        self._stopping = asyncio.Event()
        # Loop time at which the batch now waiting for Kafka began sending; None between
        # batches. The stall watchdog reads it.
        self._sending_since: float | None = None
        self.stalled = False
        self.is_leader = False
        self.published = 0

    def stop(self) -> None:
        self._stopping.set()

    async def run(self) -> None:
        conn: DbConnection = await asyncpg.connect(self._dsn)
        try:
            self._mark(True)  # connected: ready, as a standby or as the active relay
            self._backlog_due = 0.0
            await self._become_leader(conn)
            if self._stopping.is_set():
                return
            await self._publish_loop(conn)
        finally:
            self._lead(False)
            self._mark(False)
            with contextlib.suppress(Exception):
                await conn.close()

    async def _become_leader(self, conn: DbConnection) -> None:
        while not self._stopping.is_set():
            await self._measure_backlog(conn)
            if await conn.fetchval("SELECT pg_try_advisory_lock($1)", RELAY_LOCK_KEY):
                self._lead(True)
                log.info("relay is active", extra={"fields": {"service": self._config.source}})
                return
            await self._sleep(self._config.standby_poll_s)

    def _lead(self, leader: bool) -> None:
        """Whether this relay holds the lock (the session's: it ends with the connection)."""
        self.is_leader = leader
        if self._metrics is not None:
            self._metrics.relay_leader.labels(self._config.source).set(1 if leader else 0)

    def _mark(self, ready: bool) -> None:
        if self._health is not None and self._health.ready != ready:
            self._health.mark(ready)

    async def _measure_backlog(self, conn: DbConnection) -> None:
        """Set the backlog gauges when they are due (on this connection, between batches:
        asyncpg runs one query at a time per connection)."""
        if self._metrics is None:
            return
        now = asyncio.get_running_loop().time()
        if now < self._backlog_due:
            return
        self._backlog_due = now + self._config.backlog_interval_s
        backlog, age = await outbox_backlog(conn)
        self._metrics.outbox_backlog.labels(self._config.source).set(backlog)
        self._metrics.outbox_oldest_age.labels(self._config.source).set(age)

    async def _watch_stall(self) -> None:
        """Mark the relay not ready while a batch has been in flight longer than
        ``stall_after_s`` (the producer retrying without end); the publishing loop marks
        it ready again after the next acknowledged batch."""
        loop = asyncio.get_running_loop()
        bound = self._config.stall_after_s
        while True:
            await asyncio.sleep(min(1.0, bound / 4))
            since = self._sending_since
            waited = 0.0 if since is None else loop.time() - since
            if waited > bound and not self.stalled:
                self.stalled = True
                self._mark(False)
                log.warning("publish stalled: a batch unacknowledged for %.0f s", waited,
                            extra={"fields": {"service": self._config.source,
                                              "waited_s": round(waited, 1)}})

    def _progressed(self) -> None:
        """A batch was acknowledged (or there was none to send): working again."""
        if self.stalled:
            self.stalled = False
            log.warning("publish resumed", extra={"fields": {"service": self._config.source}})
        self._mark(True)

    async def _publish_loop(self, conn: DbConnection) -> None:
        producer: AIOKafkaProducer | None = None
        backoff = 0.1
        watchdog = asyncio.create_task(self._watch_stall())
        try:
            while not self._stopping.is_set():
                try:
                    if producer is None:
                        producer = self._producer_factory()
                        await producer.start()
                    await self._measure_backlog(conn)
                    sent = await self._publish_batch(conn, producer)
                    backoff = 0.1
                    self._progressed()
                    if sent < self._config.batch_size:
                        await self._sleep(self._config.idle_sleep_s)
                except (asyncpg.PostgresError, asyncpg.InterfaceError):
                    raise  # lost our database: the process supervisor restarts us
                except Exception as exc:
                    # Kafka is unavailable or refused the batch. The rows are still
                    # in the outbox; a fresh producer avoids reusing a sequence
                    # state the broker may have forgotten.
                    log.warning(
                        "publish failed; will retry",
                        extra={"fields": {"error": repr(exc), "backoff_s": backoff}},
                    )
                    self._sending_since = None
                    self._mark(False)  # connected, but not working: the backlog grows
                    if self._metrics is not None:
                        self._metrics.relay_send_errors.labels(self._config.source).inc()
                    if producer is not None:
                        with contextlib.suppress(Exception):
                            await producer.stop()
                        producer = None
                    await self._sleep(backoff)
                    backoff = min(backoff * 2, self._config.max_backoff_s)
        finally:
            watchdog.cancel()
            self._sending_since = None
            self.stalled = False
            if producer is not None:
                with contextlib.suppress(Exception):
                    await producer.stop()

    async def _publish_batch(self, conn: DbConnection, producer: AIOKafkaProducer) -> int:
        rows = await conn.fetch(_FETCH, self._config.batch_size)
        if not rows:
            return 0
        # From the first send (which itself waits while the producer's buffer is full)
        # to the acknowledgement of the last.
        self._sending_since = asyncio.get_running_loop().time()
        futures = [await self._send(producer, row) for row in rows]
        # Awaiting every future before any bookkeeping: either the whole batch
        # was acknowledged or none of it is deleted.
        await asyncio.gather(*futures)
        self._sending_since = None
        if self._after_send is not None:
            await self._after_send(len(rows))
        await conn.execute(_DELETE, [r["position"] for r in rows])
        self.published += len(rows)
        if self._metrics is not None:
            self._metrics.relay_published.labels(self._config.source).inc(len(rows))
        return len(rows)

    async def _send(self, producer: AIOKafkaProducer, row: asyncpg.Record) -> Awaitable[Any]:
        traceparent: str | None = row["traceparent"]
        tracestate: str | None = row["tracestate"]
        if not is_sampled(traceparent):
            # Nobody records this trace: forward the request's traceparent as it is,
            # so consumers still join its trace id, without a span per message.
            return await self._produce(producer, row, traceparent, tracestate)
        with tracer.start_as_current_span(
            f"publish {row['event_type']}",
            context=context_from_traceparent(traceparent, tracestate),
            kind=trace.SpanKind.PRODUCER,
            attributes={
                "messaging.system": "kafka",
                "messaging.destination.name": row["topic"],
                "messaging.message.id": str(row["event_id"]),
                "gotong.stream_id": row["stream_id"],
            },
        ):
            # The headers carry the publish span, a child of the request span,
            # so consumers join the same trace one hop further down.
            span_parent, span_state = current_trace_headers()
            return await self._produce(producer, row, span_parent or traceparent,
                                       span_state or tracestate)

    async def _produce(self, producer: AIOKafkaProducer, row: asyncpg.Record,
                       traceparent: str | None, tracestate: str | None) -> Awaitable[Any]:
        return await send_event(producer, row, source=self._config.source,
                                traceparent=traceparent, tracestate=tracestate)

    async def _sleep(self, seconds: float) -> None:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._stopping.wait(), timeout=seconds)


async def send_event(producer: AIOKafkaProducer, row: asyncpg.Record, *, source: str,
                     traceparent: str | None, tracestate: str | None) -> Awaitable[Any]:
    """Send one stored event as its Kafka record: key = stream id, the CloudEvents headers
    of its envelope, the published JSON as the value; the future of its acknowledgement.

    ``row`` has the ``EVENT_RECORD_COLUMNS``, ``topic`` and ``value``. The relay and
    ``republish`` both send through here, so a republished record is the relay's.
    """
    # Built once, straight from the row (no envelope copy per message).
    env = Envelope(
        event_id=row["event_id"], event_type=row["event_type"],
        schema_version=row["schema_version"], source=source,
        stream_id=row["stream_id"], stream_version=row["stream_version"],
        cooperative_id=row["cooperative_id"], occurred_at=row["occurred_at"],
        business_date=row["business_date"], recorded_at=row["recorded_at"],
        global_position=row["global_position"], correlation_id=row["correlation_id"],
        causation_id=row["causation_id"],
        command_id=_public_command_id(row["command_id"]), actor=row["actor"],
        traceparent=traceparent, tracestate=tracestate,
    )
    future: Awaitable[Any] = await producer.send(
        row["topic"], value=row["value"].encode(), key=env.stream_id.encode(),
        headers=encode_kafka_headers(env))
    return future


def _public_command_id(command_id: str | None) -> str | None:
    """The Idempotency-Key is client text (a device might build it from a NIK or phone
    number), so partners get a digest: still equal for events of one command."""
    if command_id is None:
        return None
    return hashlib.sha256(command_id.encode()).hexdigest()[:32]


async def outbox_backlog(db: DbConnection | asyncpg.Pool) -> tuple[int, float]:
    """(events waiting, age in seconds of the oldest), on a connection or pool at hand."""
    row = await db.fetchrow(_BACKLOG)
    if row is None:  # an aggregate always returns one row
        return 0, 0.0
    return int(row[0]), float(row[1] or 0.0)


async def measure_backlog(dsn: str) -> tuple[int, float]:
    """The same from a DSN, for tests and tools that hold no pool."""
    conn = await asyncpg.connect(dsn)
    try:
        return await outbox_backlog(conn)
    finally:
        await conn.close()
