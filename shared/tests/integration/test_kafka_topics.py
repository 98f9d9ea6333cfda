"""Topics on the real broker: created with their dead-letter topic, deleted on request."""

from __future__ import annotations

import asyncio
import uuid

import pytest
from aiokafka.admin import AIOKafkaAdminClient

from gotong_platform.kafka import KafkaAuth, create_topics, dead_letter_topic, delete_topics

pytestmark = pytest.mark.integration


async def topics(bootstrap: str) -> set[str]:
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap,
                                **KafkaAuth.from_env().client_kwargs())
    await admin.start()
    try:
        return set(await admin.list_topics())
    finally:
        await admin.close()


async def settled(bootstrap: str, present: set[str], absent: set[str]) -> bool:
    """Whether the broker's metadata shows ``present`` and not ``absent`` within a few
    seconds (creation and deletion finish asynchronously on the controller)."""
    for _ in range(50):
        names = await topics(bootstrap)
        if present <= names and not absent & names:
            return True
        await asyncio.sleep(0.1)
    return False


async def test_a_topic_and_its_dead_letter_topic_are_created_and_deleted(
    kafka_bootstrap: str,
) -> None:
    name = f"test.cleanup.{uuid.uuid4().hex[:12]}"
    await create_topics(kafka_bootstrap, [name], partitions=1)
    pair = {name, dead_letter_topic(name)}
    assert await settled(kafka_bootstrap, present=pair, absent=set())
    # Deleting names that do not exist (any more) is not an error.
    await delete_topics(kafka_bootstrap, [name, dead_letter_topic(name), name + ".never"])
    assert await settled(kafka_bootstrap, present=set(), absent=pair)
    await delete_topics(kafka_bootstrap, [])
