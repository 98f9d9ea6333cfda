"""Topics on the real broker: created with their dead-letter topic, deleted on request."""

from __future__ import annotations

import asyncio
import uuid

import pytest
from aiokafka.admin import AIOKafkaAdminClient
from aiokafka.errors import InvalidReplicationFactorError

from gotong_platform.kafka import KafkaAuth, create_topics, dead_letter_topic, delete_topics
from gotong_testing.kafka_cluster import topic_layout

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


async def test_topics_are_replicated_as_the_cluster_allows_and_never_elect_unclean_leaders(
    kafka_bootstrap: str, monkeypatch: pytest.MonkeyPatch,
) -> None:
    """On the suite's single broker: 1 replica, min.insync.replicas 1 (on three brokers the
    three-broker test sees 3 and 2); unclean leader election off either way."""
    monkeypatch.delenv("GOTONG_KAFKA_REPLICATION", raising=False)
    name = f"test.replicas.{uuid.uuid4().hex[:12]}"
    await create_topics(kafka_bootstrap, [name], partitions=1)
    try:
        auth = KafkaAuth.from_env()
        admin = AIOKafkaAdminClient(bootstrap_servers=kafka_bootstrap, **auth.client_kwargs())
        await admin.start()
        try:
            brokers = len((await admin.describe_cluster())["brokers"])
        finally:
            await admin.close()
        for topic in (name, dead_letter_topic(name)):
            layout = await topic_layout(kafka_bootstrap, topic, auth)
            assert [len(r) for r in layout.replicas.values()] == [min(3, brokers)]
            assert layout.configs["min.insync.replicas"] == ("2" if brokers >= 3 else "1")
            assert layout.configs["unclean.leader.election.enable"] == "false"
        # More replicas than brokers: refused, loudly (aiokafka only reports it).
        with pytest.raises(InvalidReplicationFactorError):
            await create_topics(kafka_bootstrap, [name + ".wide"], partitions=1,
                                replication=brokers + 1)
    finally:
        await delete_topics(kafka_bootstrap, [name, dead_letter_topic(name)])
