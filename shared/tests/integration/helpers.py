"""Small helpers for the platform's integration tests."""

from __future__ import annotations

import asyncio
import time
import uuid
from datetime import date
from typing import Any

from aiokafka import AIOKafkaConsumer, ConsumerRecord, TopicPartition

from gotong_platform.consumer.dead_letters import DEAD_LETTERS_V1
from gotong_platform.envelope import decode_kafka_headers
from gotong_platform.eventstore import CONSUMER_V1, EVENT_STORE_V1, EVENT_STORE_V2, NewEvent
from gotong_platform.ids import uuid7
from gotong_platform.kafka import KafkaAuth
from gotong_testing import business_now


async def install_schema(conn: Any) -> None:
    await conn.execute(EVENT_STORE_V1)
    await conn.execute(EVENT_STORE_V2)
    await conn.execute(CONSUMER_V1)
    await conn.execute(DEAD_LETTERS_V1)


def a_new_event(**overrides: Any) -> NewEvent:
    fields: dict[str, Any] = {
        "event_id": uuid7(),
        "event_type": "ThingHappened",
        "schema_version": 1,
        "payload": {"n": 1, "secret": "internal only"},
        "public_payload": {"n": 1},
        "cooperative_id": "cooperative-test",
        "occurred_at": business_now(),
        "business_date": date(2026, 11, 28),
        "command_id": str(uuid.uuid4()),
        "actor": "user-test",
    }
    fields.update(overrides)
    return NewEvent(**fields)


async def read_topic(
    bootstrap: str, topic: str, expected: int, timeout_s: float = 30.0
) -> list[ConsumerRecord[bytes, bytes]]:
    """Every record of ``topic`` from the beginning, waiting for ``expected`` of them."""
    consumer = AIOKafkaConsumer(
        bootstrap_servers=bootstrap, group_id=None, enable_auto_commit=False,
        **KafkaAuth.from_env().client_kwargs(),
        auto_offset_reset="earliest",
    )
    await consumer.start()
    try:
        partitions = consumer.partitions_for_topic(topic) or set()
        if not partitions:
            await consumer._client.force_metadata_update()
            partitions = consumer.partitions_for_topic(topic) or set()
        tps = [TopicPartition(topic, p) for p in partitions]
        consumer.assign(tps)
        await consumer.seek_to_beginning(*tps)
        records: list[ConsumerRecord[bytes, bytes]] = []
        deadline = time.monotonic() + timeout_s
        while len(records) < expected and time.monotonic() < deadline:
            batch = await consumer.getmany(timeout_ms=200)
            for recs in batch.values():
                records.extend(recs)
        # Linger briefly so unexpected extra records (duplicates) are seen too.
        await asyncio.sleep(0.3)
        for recs in (await consumer.getmany(timeout_ms=300)).values():
            records.extend(recs)
        return records
    finally:
        await consumer.stop()


def stream_versions(records: list[ConsumerRecord[bytes, bytes]]) -> dict[str, list[int]]:
    """Stream id -> versions in the order the records sit in their partition."""
    by_stream: dict[str, list[int]] = {}
    for r in sorted(records, key=lambda r: (r.partition, r.offset)):
        env = decode_kafka_headers(list(r.headers))
        by_stream.setdefault(env.stream_id, []).append(env.stream_version)
    return by_stream


def event_ids(records: list[ConsumerRecord[bytes, bytes]]) -> list[uuid.UUID]:
    return [decode_kafka_headers(list(r.headers)).event_id for r in records]
