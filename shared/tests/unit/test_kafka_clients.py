"""The platform's Kafka clients are built with safe settings, not aiokafka's defaults."""

from __future__ import annotations

import pytest

from gotong_platform.kafka import make_consumer, make_producer

pytestmark = pytest.mark.unit


async def test_the_consumer_stores_its_own_offsets_and_gives_up_on_a_silent_broker_soon(
) -> None:
    consumer = make_consumer("127.0.0.1:1", group_id="g", client_id="c")
    try:
        # Offsets are stored with the effects, never auto-committed; a new group reads
        # from the beginning; a broker silent for 15 s (not aiokafka's 40) is an outage.
        assert consumer._enable_auto_commit is False
        assert consumer._auto_offset_reset == "earliest"
        assert consumer._request_timeout_ms == 15_000
    finally:
        await consumer.stop()


async def test_the_producer_is_idempotent_and_waits_for_every_replica() -> None:
    producer = make_producer("127.0.0.1:1", client_id="p")
    try:
        assert producer._txn_manager is not None  # idempotence: no duplicate on a retry
        assert producer._sender._acks == -1  # acks=all
    finally:
        await producer.stop()
