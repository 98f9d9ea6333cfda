"""aiokafka 0.14.0 against the broker pinned in gotong_devstack.KAFKA_VERSION.

This is the check that chose the pin: it exercises exactly the client features the platform
relies on (admin topic creation with configs, the idempotent producer with acks=all, record
headers and keys, consumer groups with manual commits). When bumping KAFKA_VERSION or
aiokafka, run it first: `pytest -m integration tools/devstack/tests`.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from typing import Any

import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.admin.config_resource import ConfigResource, ConfigResourceType

from gotong_devstack import StackInfo, ensure_stack

pytestmark = pytest.mark.integration

PARTITIONS = 3
MESSAGES = 30


@pytest.fixture(scope="module")
def stack() -> StackInfo:
    # Brings the stack up when needed; a missing prerequisite fails the test, never skips it.
    return ensure_stack()


def auth(stack: StackInfo) -> dict[str, Any]:
    """aiokafka's arguments for the stack's user (the broker takes SASL/SCRAM only)."""
    a = stack.kafka_auth
    if a.sasl_mechanism is None:
        return {"security_protocol": a.security_protocol}
    return {"security_protocol": a.security_protocol, "sasl_mechanism": a.sasl_mechanism,
            "sasl_plain_username": a.username, "sasl_plain_password": a.password}


@pytest.fixture
async def topic(stack: StackInfo) -> AsyncIterator[str]:
    # Unique per run: the broker keeps data between runs (retention.ms=-1).
    name = f"devstack-compat-{uuid.uuid4().hex[:12]}"
    admin = AIOKafkaAdminClient(bootstrap_servers=stack.kafka_bootstrap, **auth(stack))
    await admin.start()
    try:
        response = await admin.create_topics(
            [NewTopic(name, PARTITIONS, 1, topic_configs={"retention.ms": "-1"})]
        )
        # create_topics reports per-topic errors in the response instead of raising.
        errors = [(t, code, msg) for t, code, msg in response.topic_errors if code != 0]
        assert not errors, errors
        yield name
        await admin.delete_topics([name])
    finally:
        await admin.close()


async def test_topic_has_requested_partitions_and_config(stack: StackInfo, topic: str) -> None:
    admin = AIOKafkaAdminClient(bootstrap_servers=stack.kafka_bootstrap, **auth(stack))
    await admin.start()
    try:
        (described,) = await admin.describe_topics([topic])
        assert described["error_code"] == 0
        assert len(described["partitions"]) == PARTITIONS
        responses = await admin.describe_configs([ConfigResource(ConfigResourceType.TOPIC, topic)])
    finally:
        await admin.close()
    configs = {
        entry[0]: entry[1]
        for response in responses
        for resource in response.resources
        for entry in resource[4]
    }
    assert configs["retention.ms"] == "-1"


async def test_idempotent_produce_then_group_consume_with_manual_commit(
    stack: StackInfo, topic: str
) -> None:
    sent = {
        f"member-{i % 7}-{i}".encode(): (
            f"payload-{i}".encode(),
            [("event-type", b"MemberRegistered"), ("event-id", uuid.uuid4().bytes)],
        )
        for i in range(MESSAGES)
    }
    producer = AIOKafkaProducer(
        bootstrap_servers=stack.kafka_bootstrap, acks="all", enable_idempotence=True,
        **auth(stack),
    )
    await producer.start()
    try:
        results = await asyncio.gather(
            *(
                producer.send_and_wait(topic, value, key=key, headers=headers)
                for key, (value, headers) in sent.items()
            )
        )
    finally:
        await producer.stop()
    assert {r.partition for r in results} == set(range(PARTITIONS))

    group = f"{topic}-group"
    received = await _consume(stack, topic, group, MESSAGES)
    assert len(received) == MESSAGES
    for message in received:
        value, headers = sent[message.key]
        assert message.value == value
        assert list(message.headers) == headers

    # The commits were kept: the same group resumes after the last committed offset.
    assert await _consume(stack, topic, group, 0) == []


async def _consume(stack: StackInfo, topic: str, group: str, expected: int) -> list[Any]:
    consumer = AIOKafkaConsumer(
        topic,
        bootstrap_servers=stack.kafka_bootstrap,
        **auth(stack),
        group_id=group,
        enable_auto_commit=False,
        auto_offset_reset="earliest",
    )
    await consumer.start()
    received: list[Any] = []
    try:
        async with asyncio.timeout(60):
            # Wait for the group to assign partitions so that an empty result means "nothing
            # after the committed offsets", not "not joined yet".
            while not consumer.assignment():
                await consumer.getmany(timeout_ms=200)
            while True:
                batch = await consumer.getmany(timeout_ms=1000)
                for messages in batch.values():
                    received.extend(messages)
                if batch:
                    await consumer.commit()
                if len(received) >= expected and not batch:
                    break
        committed = {tp: await consumer.committed(tp) for tp in consumer.assignment()}
        ends = await consumer.end_offsets(list(consumer.assignment()))
    finally:
        await consumer.stop()
    assert committed == {tp: ends[tp] for tp in ends}, (committed, ends)
    assert all(isinstance(tp, TopicPartition) for tp in committed)
    return received
