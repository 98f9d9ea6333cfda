"""Republish from the event store, against real PostgreSQL and Kafka: the records are
the relay's byte for byte, stream order holds against a late committer, and it refuses
what it cannot do safely (a relay active, published data the store never kept)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import asyncpg
import pytest
from aiokafka import ConsumerRecord

from gotong_platform.db import create_pool
from gotong_platform.envelope import decode_kafka_headers
from gotong_platform.eventstore import (
    CONSUMER_V1,
    EVENT_STORE_V1,
    EVENT_STORE_V2,
    PostgresEventStore,
)
from gotong_platform.kafka import make_producer
from gotong_platform.outbox import OutboxRelay, RelayConfig, measure_backlog
from gotong_platform.outbox.republish import RepublishProgress, RepublishRefused, republish

from .helpers import a_new_event, event_ids, install_schema, read_topic, stream_versions

pytestmark = pytest.mark.integration


class Env:
    def __init__(self, dsn: str, pool: asyncpg.Pool, topic: str, bootstrap: str) -> None:
        self.dsn, self.pool, self.topic, self.bootstrap = dsn, pool, topic, bootstrap
        self.store = PostgresEventStore(source="test", topic=topic)

    def relay(self) -> OutboxRelay:
        return OutboxRelay(
            dsn=self.dsn, config=RelayConfig(source="test", batch_size=100),
            producer_factory=lambda: make_producer(self.bootstrap, client_id="test-relay"))

    async def append(self, stream: str, version: int, n: int = 1, **fields: Any) -> list[Any]:
        async with self.pool.acquire() as conn, conn.transaction():
            return await self.store.append(conn, stream, version,
                                           [a_new_event(**fields) for _ in range(n)])

    async def drain(self) -> None:
        relay = self.relay()
        task = asyncio.create_task(relay.run())
        try:
            async with asyncio.timeout(60):
                while (await measure_backlog(self.dsn))[0] > 0:
                    await asyncio.sleep(0.05)
        finally:
            relay.stop()
            await task

    async def republish(self, topic: str, **kwargs: Any) -> Any:
        return await republish(
            dsn=self.dsn, source="test", topic=topic,
            producer_factory=lambda: make_producer(self.bootstrap, client_id="test-republish"),
            **{"from_position": 1, **kwargs})


@pytest.fixture
async def env(database_factory, topic_factory, kafka_bootstrap) -> AsyncIterator[Env]:  # type: ignore[no-untyped-def]
    dsn = await database_factory("republish")
    pool = await create_pool(dsn, min_size=1, max_size=5)
    async with pool.acquire() as conn:
        await install_schema(conn)
    yield Env(dsn, pool, await topic_factory("republish"), kafka_bootstrap)
    await pool.close()


def by_event(records: list[ConsumerRecord[bytes, bytes]]) -> dict[Any, tuple[Any, ...]]:
    """Each record by its event id: everything a consumer receives of it."""
    return {decode_kafka_headers(list(r.headers)).event_id:
            (r.partition, r.key, list(r.headers), r.value) for r in records}


async def test_republished_records_are_the_relays_byte_for_byte(
    env: Env, topic_factory: Any,
) -> None:
    unsampled = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00"
    published = await env.append("stream-a", 0, 3) + await env.append("stream-b", 0, 2)
    published += await env.append("stream-a", 3, 2, traceparent=unsampled,
                                  tracestate="vendor=1", command_id="key-from-a-device",
                                  payload={"n": 2}, public_payload={"z": "\u00e9", "a": [1]})
    await env.append("stream-c", 0, 1, public_payload=None)  # never published
    await env.drain()
    relayed = await read_topic(env.bootstrap, env.topic, expected=len(published))

    again = await topic_factory("again")
    seen: list[RepublishProgress] = []

    async def progress(p: RepublishProgress) -> None:
        seen.append(p)
    result = await env.republish(again, batch_size=3, progress=progress)

    republished = await read_topic(env.bootstrap, again, expected=len(published))
    assert len(republished) == len(relayed) == result.events == len(published) == 7
    # Same partition, key, every header (ce_id, the digested command id, the trace
    # context as stored) and the same value bytes, event by event.
    assert by_event(republished) == by_event(relayed)
    assert stream_versions(republished) == {"stream-a": [1, 2, 3, 4, 5], "stream-b": [1, 2]}
    positions = [e.global_position for e in published]
    assert (result.first, result.last) == (positions[0], positions[-1])
    # Batches of 3, each acknowledged before the next was read.
    assert [p.events for p in seen] == [3, 6, 7]
    assert [p.position for p in seen] == [positions[2], positions[5], positions[6]]
    # The relay's bookkeeping is untouched: its outbox is as empty as it left it.
    assert (await measure_backlog(env.dsn))[0] == 0


async def test_a_range_and_a_dry_run(env: Env, topic_factory: Any) -> None:
    events = await env.append("stream-a", 0, 4) + await env.append("stream-b", 0, 2)
    positions = [e.global_position for e in events]
    counted = await env.republish("never-created", from_position=positions[1],
                                  to_position=positions[4], dry_run=True)
    assert (counted.events, counted.first, counted.last, counted.dry_run) == (
        4, positions[1], positions[4], True)
    target = await topic_factory("range")
    sent = await env.republish(target, from_position=positions[1], to_position=positions[4])
    records = await read_topic(env.bootstrap, target, expected=4)
    assert sorted(event_ids(records)) == sorted(e.event_id for e in events[1:5])
    assert sent.events == 4


async def test_a_late_committer_is_left_to_the_relay_and_stream_order_holds(
    env: Env, topic_factory: Any,
) -> None:
    """The commit-order trap, for republish: ``slow`` v1 takes the lowest position and
    commits only after the first batch was sent, and ``slow`` v2 is appended then. Read
    batch by batch as "position > last sent", v2 would be republished without v1; from
    one snapshot neither is, and the relay sends both afterwards, in order."""
    target = await topic_factory("late")
    env.store.topic = target  # where the relay sends them too
    slow = await env.pool.acquire()
    tx = slow.transaction()
    await tx.start()
    [slow_v1] = await env.store.append(slow, "slow", 0, [a_new_event()])
    fast = await env.append("fast", 0, 3)  # higher positions, committed first
    assert slow_v1.global_position < fast[0].global_position

    async def after_a_batch(p: RepublishProgress) -> None:
        if p.events == 1:
            await tx.commit()
            await env.pool.release(slow)
            await env.append("slow", 1, 1)

    result = await env.republish(target, batch_size=1, progress=after_a_batch)
    assert result.events == 3
    republished = await read_topic(env.bootstrap, target, expected=3)
    assert stream_versions(republished) == {"fast": [1, 2, 3]}
    await env.drain()  # the relay: its whole outbox, republished events again included
    records = await read_topic(env.bootstrap, target, expected=8)
    assert stream_versions(records) == {"fast": [1, 2, 3, 1, 2, 3], "slow": [1, 2]}


async def test_republish_refuses_while_the_relay_is_active(env: Env, topic_factory: Any
                                                           ) -> None:
    await env.append("stream-a", 0, 2)
    relay = env.relay()
    task = asyncio.create_task(relay.run())
    try:
        async with asyncio.timeout(20):
            while not relay.is_leader:
                await asyncio.sleep(0.02)
        target = await topic_factory("refused")
        with pytest.raises(RepublishRefused, match="the test relay is active"):
            await env.republish(target)
    finally:
        relay.stop()
        await task
    assert await read_topic(env.bootstrap, target, expected=0, timeout_s=1) == []


async def test_events_published_before_the_store_kept_their_data_are_refused(
    database_factory: Any, kafka_bootstrap: str, topic_factory: Any,
) -> None:
    """A database from before ``EVENT_STORE_V2``: two events published (their outbox rows
    gone), one still waiting. Only the waiting one's data is known."""
    dsn = await database_factory("republish_floor")
    conn = await asyncpg.connect(dsn)
    try:
        await conn.execute(EVENT_STORE_V1 + CONSUMER_V1)
        for version in (1, 2, 3):
            event = a_new_event()
            await conn.execute(
                "INSERT INTO events (event_id, stream_id, stream_version, event_type, "
                "schema_version, cooperative_id, occurred_at, business_date, payload) "
                "VALUES ($1, 'old', $2, 'ThingHappened', 1, 'c', $3, $4, '{\"n\": 1}')",
                event.event_id, version, event.occurred_at, event.business_date)
            if version == 3:
                await conn.execute("INSERT INTO outbox (event_id, topic, payload) "
                                   "VALUES ($1, 't', '{\"n\": 3}')", event.event_id)
        await conn.execute(EVENT_STORE_V2)
    finally:
        await conn.close()
    env = Env(dsn, None, "t", kafka_bootstrap)  # type: ignore[arg-type]
    target = await topic_factory("floor")
    with pytest.raises(RepublishRefused, match="republish from position 3"):
        await env.republish(target, from_position=2)
    result = await env.republish(target, from_position=3)
    [record] = await read_topic(env.bootstrap, target, expected=1)
    assert (result.events, record.value) == (1, b'{"n": 3}')
