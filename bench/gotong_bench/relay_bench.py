"""Outbox relay versus a raw producer: ``python -m gotong_bench.relay_bench spec.json``.

``prefill`` (called in the orchestrator) COPYs N events and their outbox rows into
the bench database ``relay`` (payments' schema), cloned from real deposits the
payments API stored earlier in the run: their payloads, spread over many streams.

* ``relay``: the real ``OutboxRelay`` with the real producer settings
  (``make_producer``), set up like ``python -m payments relay`` (logging and tracing
  configured the same way), runs until it has published all N; timed from the moment
  it holds the leader lock to the last acknowledged batch.
* ``producer``: a raw aiokafka producer (acks=all, idempotent, the same linger and
  batch size) sends the same N messages (same value, key and CloudEvents headers,
  built beforehand from the same rows, untimed) to the same broker.
"""

from __future__ import annotations

import asyncio
import dataclasses
import time
import uuid
from typing import Any

import asyncpg
from aiokafka import AIOKafkaProducer

from gotong_bench.common import load_spec, print_result, wait_for_go

__all__ = ["main", "prefill"]

_TEMPLATE = """
SELECT e.event_type, e.schema_version, e.cooperative_id, e.business_date, e.payload::text,
       o.payload::text AS public
FROM events e JOIN outbox o ON o.event_id = e.event_id
WHERE e.event_type = 'SavingsDeposited' AND ($2::text IS NULL OR e.cooperative_id = $2)
ORDER BY e.global_position LIMIT $1
"""


async def prefill(source_dsn: str, target_dsn: str, *, events: int, topic: str,
                  streams: int = 1000, cooperative_id: str | None = None) -> int:
    """COPY ``events`` cloned deposits (+ outbox rows for ``topic``) into the relay DB;
    with ``cooperative_id``, clones of that cooperative's deposits only."""
    from datetime import UTC, datetime

    from gotong_platform.ids import uuid7

    source = await asyncpg.connect(source_dsn)
    try:
        templates = await source.fetch(_TEMPLATE, 500, cooperative_id)
    finally:
        await source.close()
    if not templates:
        raise RuntimeError("no deposit events to clone: the deposit scenario stored none")
    run = uuid.uuid4().hex[:8]
    now = datetime.now(UTC)
    event_rows: list[tuple[Any, ...]] = []
    outbox_rows: list[tuple[Any, ...]] = []
    for i in range(events):
        t = templates[i % len(templates)]
        event_id = uuid7()
        stream = i % streams
        event_rows.append((event_id, f"savings-bench-{run}-{stream:05d}-sukarela",
                           i // streams + 1, t["event_type"], t["schema_version"],
                           t["cooperative_id"], now, t["business_date"], now, uuid.uuid4(),
                           f"bench-{run}-{i}", "bench-relay", t["payload"]))
        outbox_rows.append((event_id, topic, t["public"]))
    target = await asyncpg.connect(target_dsn)
    try:
        async with target.transaction():
            await target.copy_records_to_table(
                "events", records=event_rows,
                columns=("event_id", "stream_id", "stream_version", "event_type",
                         "schema_version", "cooperative_id", "occurred_at", "business_date",
                         "recorded_at", "correlation_id", "command_id", "actor", "payload"))
            await target.copy_records_to_table("outbox", records=outbox_rows,
                                               columns=("event_id", "topic", "payload"))
        await target.execute("ANALYZE events; ANALYZE outbox")
    finally:
        await target.close()
    return events


async def _relay(spec: dict[str, Any]) -> dict[str, Any]:
    from gotong_platform.kafka import create_topics, make_producer
    from gotong_platform.outbox import OutboxRelay, RelayConfig
    from gotong_platform.telemetry import configure_logging, configure_tracing

    configure_logging("INFO")
    configure_tracing("payments-relay", otlp_endpoint=None)
    bootstrap, expected = spec["bootstrap"], int(spec["events"])
    await create_topics(bootstrap, [spec["topic"]], partitions=int(spec["partitions"]))
    relay = OutboxRelay(
        dsn=spec["dsn"],
        producer_factory=lambda: make_producer(bootstrap, client_id="bench-relay"),
        config=RelayConfig(source="payments"))
    wait_for_go()
    task = asyncio.create_task(relay.run())
    deadline = time.monotonic() + float(spec["timeout_s"])
    while not relay.is_leader:
        if task.done() or time.monotonic() > deadline:
            raise RuntimeError("the relay never became active")
        await asyncio.sleep(0.001)
    started = time.perf_counter()
    while relay.published < expected:
        if task.done():
            await task  # raises what stopped it
            raise RuntimeError("the relay stopped early")
        if time.monotonic() > deadline:
            break
        await asyncio.sleep(0.002)
    seconds = time.perf_counter() - started
    published = relay.published
    relay.stop()
    await task
    return {"mode": "relay", "events": published, "seconds": seconds,
            "events_per_s": published / seconds, "complete": published >= expected}


async def _producer(spec: dict[str, Any]) -> dict[str, Any]:
    from gotong_platform.envelope import encode_kafka_headers
    from gotong_platform.eventstore.store import row_to_envelope
    from gotong_platform.kafka import KafkaAuth, create_topics
    from gotong_platform.outbox.relay import _FETCH

    bootstrap = spec["bootstrap"]
    await create_topics(bootstrap, [spec["topic"]], partitions=int(spec["partitions"]))
    conn = await asyncpg.connect(spec["dsn"])
    try:
        rows = await conn.fetch(_FETCH, int(spec["events"]))
    finally:
        await conn.close()
    messages = []
    for row in rows:
        env = row_to_envelope("payments", row)
        messages.append((row["value"].encode(), env.stream_id.encode(),
                         encode_kafka_headers(dataclasses.replace(env))))
    producer = AIOKafkaProducer(
        **KafkaAuth.from_env().client_kwargs(),
        bootstrap_servers=bootstrap, client_id="bench-raw-producer", acks="all",
        enable_idempotence=True, linger_ms=2, max_batch_size=256 * 1024,
        request_timeout_ms=30_000)
    await producer.start()
    try:
        started = time.perf_counter()
        futures = [await producer.send(spec["topic"], value=v, key=k, headers=h)
                   for v, k, h in messages]
        await asyncio.gather(*futures)
        seconds = time.perf_counter() - started
    finally:
        await producer.stop()
    return {"mode": "producer", "events": len(messages), "seconds": seconds,
            "events_per_s": len(messages) / seconds,
            "bytes": sum(len(v) + len(k) + sum(len(a) + len(b) for a, b in h)
                         for v, k, h in messages)}


def main() -> None:
    spec = load_spec()
    cpu0 = time.process_time()
    result = asyncio.run(_relay(spec) if spec["mode"] == "relay" else _producer(spec))
    result["worker_cpu_s"] = time.process_time() - cpu0
    print_result(result)


if __name__ == "__main__":
    main()
