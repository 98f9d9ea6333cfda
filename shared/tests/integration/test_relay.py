"""Outbox relay against real PostgreSQL and Kafka, including its faults.

Each test counts every committed event on the topic: "lost" means committed
to the event store and never seen on Kafka.
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import asyncpg
import pytest

from gotong_platform.db import create_pool
from gotong_platform.eventstore import PostgresEventStore
from gotong_platform.kafka import make_producer
from gotong_platform.outbox import OutboxRelay, RelayConfig, measure_backlog

from .helpers import a_new_event, event_ids, install_schema, read_topic, stream_versions

pytestmark = pytest.mark.integration


class Env:
    def __init__(self, dsn: str, pool: asyncpg.Pool, topic: str, bootstrap: str) -> None:
        self.dsn, self.pool, self.topic, self.bootstrap = dsn, pool, topic, bootstrap
        self.store = PostgresEventStore(source="test", topic=topic)

    def relay(self, **kwargs: Any) -> OutboxRelay:
        return OutboxRelay(
            dsn=self.dsn,
            producer_factory=lambda: make_producer(self.bootstrap, client_id="test-relay"),
            config=RelayConfig(source="test", batch_size=kwargs.pop("batch_size", 100)),
            **kwargs,
        )

    async def append(self, stream: str, version: int, n: int = 1) -> list[Any]:
        async with self.pool.acquire() as conn, conn.transaction():
            return await self.store.append(conn, stream, version, [a_new_event() for _ in range(n)])


@pytest.fixture
async def env(database_factory, topic_factory, kafka_bootstrap) -> AsyncIterator[Env]:  # type: ignore[no-untyped-def]
    dsn = await database_factory("relay")
    pool = await create_pool(dsn, min_size=1, max_size=40)
    async with pool.acquire() as conn:
        await install_schema(conn)
    yield Env(dsn, pool, await topic_factory("relay"), kafka_bootstrap)
    await pool.close()


async def run_until_drained(relay: OutboxRelay, dsn: str, timeout_s: float = 60) -> None:
    task = asyncio.create_task(relay.run())
    try:
        async with asyncio.timeout(timeout_s):
            while (await measure_backlog(dsn))[0] > 0:
                await asyncio.sleep(0.05)
    finally:
        relay.stop()
        await task


async def test_relay_publishes_in_stream_order_with_cloudevents_headers(env: Env) -> None:
    committed = await env.append("stream-a", 0, 3) + await env.append("stream-b", 0, 2)
    committed += await env.append("stream-a", 3, 2)
    await run_until_drained(env.relay(), env.dsn)
    records = await read_topic(env.bootstrap, env.topic, expected=len(committed))
    assert sorted(event_ids(records)) == sorted(e.event_id for e in committed)
    assert stream_versions(records) == {"stream-a": [1, 2, 3, 4, 5], "stream-b": [1, 2]}
    headers = dict(records[0].headers)
    assert headers["ce_specversion"] == b"1.0"
    assert headers["ce_type"] == b"gotong.test.ThingHappened.v1"
    assert records[0].key in (b"stream-a", b"stream-b")
    # Only the public payload travels; the internal one stays in the store.
    assert records[0].value == b'{"n": 1}'


async def test_an_unsampled_trace_is_forwarded_as_stored_and_the_command_id_digested(
    env: Env,
) -> None:
    """No span per message for a trace nobody records; consumers still get its id."""
    unsampled = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00"
    async with env.pool.acquire() as conn, conn.transaction():
        await env.store.append(conn, "traced", 0, [a_new_event(
            traceparent=unsampled, command_id="idem-key-from-a-device")])
    await run_until_drained(env.relay(), env.dsn)
    [record] = await read_topic(env.bootstrap, env.topic, expected=1)
    headers = dict(record.headers)
    assert headers["traceparent"] == unsampled.encode()
    command_id = headers["ce_commandid"].decode()
    assert len(command_id) == 32
    assert "idem-key" not in command_id


async def test_late_committer_with_lower_position_is_not_skipped(env: Env) -> None:
    """The commit-order trap: a tailing reader would skip the slow transaction."""
    relay = env.relay()
    task = asyncio.create_task(relay.run())
    slow = await env.pool.acquire()
    tx = slow.transaction()
    await tx.start()
    slow_events = await env.store.append(slow, "slow-stream", 0, [a_new_event()])
    fast_events = await env.append("fast-stream", 0, 1)  # higher position, commits first
    async with asyncio.timeout(20):
        while relay.published < 1:
            await asyncio.sleep(0.02)
    await tx.commit()
    await env.pool.release(slow)
    async with asyncio.timeout(20):
        while relay.published < 2:
            await asyncio.sleep(0.02)
    relay.stop()
    await task
    records = await read_topic(env.bootstrap, env.topic, expected=2)
    assert sorted(event_ids(records)) == sorted(
        e.event_id for e in slow_events + fast_events
    )


async def test_concurrent_writers_lose_nothing_and_keep_stream_order(env: Env) -> None:
    relay = env.relay(batch_size=50)
    task = asyncio.create_task(relay.run())
    rng = random.Random(7)
    committed: list[Any] = []

    async def writer(w: int) -> None:
        version = 0
        for _ in range(15):
            async with env.pool.acquire() as conn, conn.transaction():
                events = await env.store.append(
                    conn, f"w-{w % 8}-{w}", version, [a_new_event() for _ in range(2)]
                )
                # Hold some transactions open so commits interleave out of position order.
                await asyncio.sleep(rng.random() * 0.01)
            version += 2
            committed.extend(events)

    await asyncio.gather(*(writer(w) for w in range(24)))
    async with asyncio.timeout(60):
        while (await measure_backlog(env.dsn))[0] > 0:
            await asyncio.sleep(0.05)
    relay.stop()
    await task
    records = await read_topic(env.bootstrap, env.topic, expected=len(committed))
    seen = set(event_ids(records))
    lost = [e for e in committed if e.event_id not in seen]
    assert lost == []
    for stream, versions in stream_versions(records).items():
        assert versions == sorted(versions), stream


async def test_relay_killed_after_send_before_bookkeeping_loses_nothing(env: Env) -> None:
    committed = await env.append("crash-stream", 0, 30)

    async def die(_: int) -> None:
        raise asyncio.CancelledError  # the process dies: no cleanup, no delete

    crashing = env.relay(batch_size=10, after_send=die)
    with pytest.raises(asyncio.CancelledError):
        await crashing.run()
    assert (await measure_backlog(env.dsn))[0] == 30  # nothing was marked as sent
    await run_until_drained(env.relay(batch_size=10), env.dsn)
    records = await read_topic(env.bootstrap, env.topic, expected=40)
    ids = event_ids(records)
    assert set(ids) == {e.event_id for e in committed}
    duplicates = len(ids) - len(set(ids))
    assert 1 <= duplicates <= 10  # the one batch in flight, no more
    versions = stream_versions(records)["crash-stream"]
    assert versions[:10] == versions[10:20] == list(range(1, 11))  # re-sent in order


async def test_second_relay_stays_standby_until_the_first_stops(env: Env) -> None:
    first, second = env.relay(), env.relay()
    t1 = asyncio.create_task(first.run())
    async with asyncio.timeout(10):
        while not first.is_leader:
            await asyncio.sleep(0.02)
    t2 = asyncio.create_task(second.run())
    await asyncio.sleep(1.5)
    assert not second.is_leader
    first.stop()
    await t1
    async with asyncio.timeout(10):
        while not second.is_leader:
            await asyncio.sleep(0.05)
    committed = await env.append("handover", 0, 3)
    async with asyncio.timeout(20):
        while second.published < 3:
            await asyncio.sleep(0.05)
    second.stop()
    await t2
    records = await read_topic(env.bootstrap, env.topic, expected=3)
    assert set(event_ids(records)) == {e.event_id for e in committed}


KafkaControl = Callable[[], Awaitable[None]]


async def test_kafka_down_events_wait_and_drain(env: Env, kafka_control: Any) -> None:
    relay = env.relay()
    task = asyncio.create_task(relay.run())
    before = await env.append("outage", 0, 5)
    async with asyncio.timeout(20):
        while relay.published < 5:
            await asyncio.sleep(0.05)
    await kafka_control.stop()
    try:
        during = []
        version = 5
        for _ in range(10):  # commands keep arriving while Kafka is down
            during += await env.append("outage", version, 2)
            version += 2
            await asyncio.sleep(0.2)
        backlog, _ = await measure_backlog(env.dsn)
        assert backlog == 20
    finally:
        await kafka_control.start()
    async with asyncio.timeout(90):
        while (await measure_backlog(env.dsn))[0] > 0:
            await asyncio.sleep(0.1)
    relay.stop()
    await task
    committed = before + during
    records = await read_topic(env.bootstrap, env.topic, expected=len(committed))
    assert {e.event_id for e in committed} <= set(event_ids(records))
    versions = stream_versions(records)["outage"]
    assert sorted(set(versions)) == list(range(1, 26))
