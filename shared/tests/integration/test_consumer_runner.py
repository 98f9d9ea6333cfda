"""Consumer runner on real Kafka and PostgreSQL: exactly-once effects, dead letters."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Sequence
from datetime import date
from typing import Any

import asyncpg
import orjson
import pytest
from aiokafka import AIOKafkaProducer

from gotong_platform.consumer import ConsumedEvent, ConsumerRunner, RunnerConfig
from gotong_platform.db import create_pool
from gotong_platform.envelope import Envelope, encode_kafka_headers
from gotong_platform.ids import uuid7
from gotong_platform.kafka import dead_letter_topic, make_consumer, make_producer
from gotong_testing import business_now

from .helpers import install_schema, read_topic

pytestmark = pytest.mark.integration


def an_envelope(stream: str, version: int, **overrides: Any) -> Envelope:
    fields: dict[str, Any] = {
        "event_id": uuid7(), "event_type": "Counted", "schema_version": 1, "source": "test",
        "stream_id": stream, "stream_version": version, "cooperative_id": "cooperative-x",
        "occurred_at": business_now(), "business_date": date(2026, 11, 28),
        "recorded_at": business_now(),
    }
    fields.update(overrides)
    return Envelope(**fields)


async def counting_handler(conn: asyncpg.Connection, event: ConsumedEvent) -> None:
    if event.data.get("explode"):
        raise ValueError("this event cannot be applied")
    await conn.execute(
        "INSERT INTO counts (stream_id, n) VALUES ($1, $2) "
        "ON CONFLICT (stream_id) DO UPDATE SET n = counts.n + EXCLUDED.n",
        event.envelope.stream_id, int(event.data["n"]),
    )


class Env:
    def __init__(self, pool: asyncpg.Pool, topic: str, bootstrap: str) -> None:
        self.pool, self.topic, self.bootstrap = pool, topic, bootstrap
        self.producer: AIOKafkaProducer = make_producer(bootstrap, client_id="test-producer")

    def runner(self, name: str = "counter", handler: Any = counting_handler,
               concurrency: int = 1) -> ConsumerRunner:
        return ConsumerRunner(
            pool=self.pool,
            consumer=make_consumer(self.bootstrap, group_id=None, client_id=name),
            dlq_producer=make_producer(self.bootstrap, client_id=f"{name}-dlq"),
            handler=handler,
            config=RunnerConfig(consumer=name, topics=(self.topic,), group_id=None,
                                max_attempts=3, retry_backoff_s=0.01,
                                partition_concurrency=concurrency),
        )

    async def send(self, env: Envelope, data: Any, key: bytes | None = None) -> None:
        await self.producer.send_and_wait(
            self.topic, value=orjson.dumps(data), key=key or env.stream_id.encode(),
            headers=encode_kafka_headers(env),
        )

    async def counts(self) -> dict[str, int]:
        async with self.pool.acquire() as conn:
            rows = await conn.fetch("SELECT stream_id, n FROM counts")
        return {r["stream_id"]: r["n"] for r in rows}


@pytest.fixture
async def env(database_factory, topic_factory, kafka_bootstrap) -> AsyncIterator[Env]:  # type: ignore[no-untyped-def]
    dsn = await database_factory("consumer")
    pool = await create_pool(dsn, min_size=1, max_size=10)
    async with pool.acquire() as conn:
        await install_schema(conn)
        await conn.execute("CREATE TABLE counts (stream_id text PRIMARY KEY, n int NOT NULL)")
    e = Env(pool, await topic_factory("consumer"), kafka_bootstrap)
    await e.producer.start()
    yield e
    await e.producer.stop()
    await pool.close()


async def drain(runner: ConsumerRunner, expected_offsets: int, timeout_s: float = 30) -> None:
    async with asyncio.timeout(timeout_s):
        while sum(runner.positions.values()) < expected_offsets:
            await runner.poll_once()


async def test_duplicate_deliveries_change_nothing(env: Env) -> None:
    envelopes = [an_envelope("s-1", v) for v in range(1, 6)]
    for e in envelopes:
        await env.send(e, {"n": 1})
    for e in envelopes[:3]:  # the relay re-sent three of them
        await env.send(e, {"n": 1})
    runner = env.runner()
    await runner.start()
    try:
        await drain(runner, 8)
    finally:
        await runner.close()
    assert await env.counts() == {"s-1": 5}


class CountingBatches:
    """A batch-aware handler: one statement per batch, and the batches it was given."""

    def __init__(self) -> None:
        self.batches: list[list[str]] = []

    async def apply_batch(self, conn: asyncpg.Connection, events: Sequence[ConsumedEvent]
                          ) -> None:
        if any(e.data.get("explode") for e in events):
            raise ValueError("this event cannot be applied")
        self.batches.append([e.envelope.stream_id for e in events])
        await conn.executemany(
            "INSERT INTO counts (stream_id, n) VALUES ($1, $2) "
            "ON CONFLICT (stream_id) DO UPDATE SET n = counts.n + EXCLUDED.n",
            [(e.envelope.stream_id, int(e.data["n"])) for e in events])


@pytest.mark.parametrize("concurrency", [1, 3])
async def test_a_batch_handler_gets_each_event_once_across_partitions(
    env: Env, concurrency: int
) -> None:
    envelopes = [an_envelope(f"s-{n % 6}", n) for n in range(1, 31)]
    for e in envelopes:
        await env.send(e, {"n": 1})
    for e in [*envelopes[:4], envelopes[0]]:  # re-sent, once twice
        await env.send(e, {"n": 1})
    handler = CountingBatches()
    runner = env.runner(handler=handler, concurrency=concurrency)
    await runner.start()
    try:
        await drain(runner, 35)
    finally:
        await runner.close()
    assert await env.counts() == {f"s-{n}": 5 for n in range(6)}
    assert sum(len(b) for b in handler.batches) == 30
    assert max(len(b) for b in handler.batches) > 1  # the batch path, not one by one


async def test_a_poison_record_in_a_batch_is_isolated_and_the_rest_stays_batched(
    env: Env
) -> None:
    for v in range(1, 11):
        await env.send(an_envelope("s-p", v), {"n": 1, "explode": v == 4}, key=b"p")
    handler = CountingBatches()
    runner = env.runner(handler=handler)
    await runner.start()
    try:
        await drain(runner, 10)
    finally:
        await runner.close()
    assert await env.counts() == {"s-p": 9}
    assert runner.dead_lettered == 1
    # one by one up to the poison record, then the six after it in one batch
    assert handler.batches == [["s-p"]] * 3 + [["s-p"] * 6]
    dead = await read_topic(env.bootstrap, dead_letter_topic(env.topic), expected=1)
    assert "cannot be applied" in dict(dead[0].headers)["gotong_error"].decode()


async def test_restart_resumes_from_stored_position_without_double_apply(env: Env) -> None:
    for v in range(1, 11):
        await env.send(an_envelope("s-2", v), {"n": 1})
    first = env.runner()
    await first.start()
    try:
        await drain(first, 10)
    finally:
        await first.close()  # Kafka offsets are never the source of truth here
    for v in range(11, 16):
        await env.send(an_envelope("s-2", v), {"n": 1})
    second = env.runner()
    await second.start()
    try:
        await drain(second, 15)
    finally:
        await second.close()
    assert await env.counts() == {"s-2": 15}


async def test_poison_events_go_to_dead_letter_topic_and_healthy_ones_flow(env: Env) -> None:
    await env.send(an_envelope("s-3", 1), {"n": 1})
    await env.producer.send_and_wait(env.topic, value=b"not json", key=b"s-3",
                                     headers=[("ce_specversion", b"1.0")])
    await env.send(an_envelope("s-3", 2), {"n": 1, "explode": True})
    await env.send(an_envelope("s-3", 3), {"n": 1})
    runner = env.runner()
    await runner.start()
    try:
        await drain(runner, 4)
    finally:
        await runner.close()
    assert await env.counts() == {"s-3": 2}
    assert runner.dead_lettered == 2
    dead = await read_topic(env.bootstrap, dead_letter_topic(env.topic), expected=2)
    assert len(dead) == 2
    errors = [dict(r.headers)["gotong_error"].decode() for r in dead]
    assert any("cannot be applied" in e for e in errors)


async def test_partition_tasks_apply_every_partition_in_order_until_caught_up(
    env: Env
) -> None:
    """The pipelined loop (a task per partition) used by rebuilds and ``run``."""
    envelopes = [an_envelope(f"s-{n % 9}", n) for n in range(1, 91)]
    for e in envelopes:
        await env.send(e, {"n": 1, "explode": e.stream_version == 40})
    for e in envelopes[:5]:  # re-sent
        await env.send(e, {"n": 1})
    handler = CountingBatches()
    runner = env.runner(handler=handler, concurrency=3)
    await runner.start()
    try:
        async with asyncio.timeout(60):
            await runner.run_until_caught_up(await runner.end_offsets())
    finally:
        await runner.close()
    assert runner.dead_lettered == 1
    assert sum(runner.positions.values()) == 95
    expected = {f"s-{n}": 10 for n in range(9)}
    expected["s-4"] -= 1  # version 40 exploded
    assert await env.counts() == expected
    async with env.pool.acquire() as conn:
        stored = await conn.fetchval(
            "SELECT sum(next_offset) FROM consumer_positions WHERE consumer = 'counter'")
    assert stored == 95


async def test_run_applies_what_it_fetched_before_it_stops(env: Env) -> None:
    for v in range(1, 21):
        await env.send(an_envelope("s-r", v), {"n": 1})
    handler = CountingBatches()
    runner = env.runner(handler=handler, concurrency=3)
    task = asyncio.create_task(runner.run())
    async with asyncio.timeout(30):
        while sum(runner.positions.values()) < 20:
            await asyncio.sleep(0.05)
    runner.stop()
    await asyncio.wait_for(task, 10)
    assert await env.counts() == {"s-r": 20}


class SelfClaiming:
    """Claims event ids in its own log (``claims``), as the read model does."""

    def __init__(self) -> None:
        self.batches: list[list[int]] = []

    async def apply_batch(self, conn: asyncpg.Connection, events: Sequence[ConsumedEvent]
                          ) -> None:
        raise AssertionError("the runner must call apply_unclaimed")

    async def apply_unclaimed(self, conn: asyncpg.Connection, consumer: str,
                              events: Sequence[ConsumedEvent]) -> int:
        ids = [e.envelope.event_id for e in events]
        assert len(set(ids)) == len(ids)  # the runner dropped repeats
        claimed = {r[0] for r in await conn.fetch(
            "INSERT INTO claims (event_id) SELECT e FROM unnest($2::uuid[]) AS e "
            "WHERE NOT EXISTS (SELECT 1 FROM processed_events p "
            "                  WHERE p.consumer = $1 AND p.event_id = e) "
            "ON CONFLICT DO NOTHING RETURNING event_id", consumer, ids)}
        new = [e for e in events if e.envelope.event_id in claimed]
        if any(e.data.get("explode") for e in new):
            raise ValueError("this event cannot be applied")
        self.batches.append([e.envelope.stream_version for e in new])
        await conn.executemany(
            "INSERT INTO counts (stream_id, n) VALUES ($1, $2) "
            "ON CONFLICT (stream_id) DO UPDATE SET n = counts.n + EXCLUDED.n",
            [(e.envelope.stream_id, int(e.data["n"])) for e in new])
        return len(new)


@pytest.mark.parametrize("concurrency", [1, 3])
async def test_a_self_claiming_handler_keeps_exactly_once_and_dead_letters(
    env: Env, concurrency: int
) -> None:
    async with env.pool.acquire() as conn:
        await conn.execute("CREATE TABLE claims (event_id uuid PRIMARY KEY)")
    envelopes = [an_envelope("s-c", v) for v in range(1, 11)]
    for e in envelopes:
        await env.send(e, {"n": 1, "explode": e.stream_version == 4}, key=b"c")
    # re-sent by the relay: a healthy one twice, and the poison one
    for e in [envelopes[0], envelopes[0], envelopes[3], envelopes[6]]:
        await env.send(e, {"n": 1, "explode": e.stream_version == 4}, key=b"c")
    handler = SelfClaiming()
    runner = env.runner(handler=handler, concurrency=concurrency)
    await runner.start()
    try:
        await drain(runner, 14)
    finally:
        await runner.close()
    assert await env.counts() == {"s-c": 9}
    assert runner.dead_lettered == 1  # its later duplicate is skipped, not dead-lettered
    assert await read_topic(env.bootstrap, dead_letter_topic(env.topic), expected=1)
    async with env.pool.acquire() as conn:
        claimed = await conn.fetchval("SELECT count(*) FROM claims")
        processed = await conn.fetch("SELECT consumer, event_id FROM processed_events")
    assert claimed == 9
    # only the dead-lettered id is in processed_events: no row per applied event
    assert [(r["consumer"], r["event_id"]) for r in processed] == [
        ("counter", envelopes[3].event_id)]
    assert max(len(b) for b in handler.batches) > 1  # the batch path
    # a restart from the stored positions applies nothing again
    again = env.runner(handler=handler, concurrency=concurrency)
    await again.start()
    try:
        await drain(again, 14)
    finally:
        await again.close()
    assert await env.counts() == {"s-c": 9}
