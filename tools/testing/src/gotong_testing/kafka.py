"""Putting events on real Kafka as a service's relay would: for consumer tests."""

from __future__ import annotations

from collections.abc import Iterable

import orjson

from gotong_platform.consumer import ConsumedEvent
from gotong_platform.envelope import encode_kafka_headers
from gotong_platform.kafka import make_producer

__all__ = ["publish"]


async def publish(bootstrap: str, records: Iterable[tuple[str, ConsumedEvent]], *,
                  client_id: str = "test-upstream") -> None:
    """Send each ``(topic, event)`` in order, as the relay does: the JSON of its data,
    keyed by its stream, its envelope in CloudEvents headers."""
    producer = make_producer(bootstrap, client_id=client_id)
    await producer.start()
    try:
        for topic, event in records:
            await producer.send_and_wait(topic, value=orjson.dumps(event.data),
                                         key=event.envelope.stream_id.encode(),
                                         headers=encode_kafka_headers(event.envelope))
    finally:
        await producer.stop()
