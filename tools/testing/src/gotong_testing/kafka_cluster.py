"""A three-node KRaft cluster of a test's own, and what a test asks a cluster about.

The cluster is the local stack's (``gotong-stack up --kafka-nodes 3``: the same
``LocalKafka``), started in a directory of the test's on ports of its own, so that the
suite's single broker (``make test``'s) is never touched. Every node is broker and
controller; topics are replicated three times with ``min.insync.replicas`` 2. A test
kills, stops and starts nodes through ``ThreeBrokers``.
"""

from __future__ import annotations

import asyncio
import dataclasses
import os
import socket
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from aiokafka.admin import AIOKafkaAdminClient
from aiokafka.admin.config_resource import ConfigResource, ConfigResourceType

from gotong_devstack import kafka_libs
from gotong_devstack.errors import StackError
from gotong_devstack.java import find_java
from gotong_devstack.kafka import LocalKafka
from gotong_devstack.settings import (
    KAFKA_NODE_PORT_STEP,
    KAFKA_SASL_MECHANISM,
    KAFKA_SECURITY_PROTOCOL,
    LOOPBACK,
    Settings,
    load_settings,
)
from gotong_platform.kafka import KafkaAuth

__all__ = ["ThreeBrokers", "TopicLayout", "start_three_brokers", "topic_layout"]

# Clear of the stack's own ports (59092-59093, and a cluster's 59102-59113) by default;
# GOTONG_KAFKA_CLUSTER_TEST_PORT moves it (its controller ports are the next ones up).
DEFAULT_OFFSET = 200


@dataclass
class ThreeBrokers:
    """A running three-node cluster; its nodes are numbered 1 to 3."""

    settings: Settings
    kafka: LocalKafka
    java: str
    libs: Path
    log: list[str]

    @property
    def bootstrap(self) -> str:
        return self.settings.kafka_bootstrap

    @property
    def auth(self) -> KafkaAuth:
        """The cluster's internal (super) user; SASL/SCRAM, whatever the suite's broker
        takes."""
        return KafkaAuth(KAFKA_SECURITY_PROTOCOL, KAFKA_SASL_MECHANISM,
                         self.settings.kafka_username, self.settings.kafka_password)

    async def kill(self, *node_ids: int) -> None:
        """SIGKILL: no controlled shutdown, nothing flushed (a crashed machine)."""
        for node_id in node_ids:
            await asyncio.to_thread(self.kafka.kill_node, node_id, self.log.append)

    async def start(self, *node_ids: int) -> float:
        """Start the nodes again, together; the seconds until every one serves clients."""
        started = time.monotonic()
        await asyncio.to_thread(self.kafka.start, self.java, self.libs, self.log.append,
                                list(node_ids))
        return time.monotonic() - started

    def stop(self) -> None:
        for node_id in self.kafka.running_pids():
            self.kafka.kill_node(node_id, self.log.append)


def _bindable(port: int) -> bool:
    """Whether a server could listen on ``port`` now: nothing listens there, and no
    connection uses it as its local port (59xxx is inside Linux's ephemeral range, so a
    client's connection can hold one of ours for a while)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        try:
            probe.bind((LOOPBACK, port))
        except OSError:
            return False
    return True


def _free_bases(settings: Settings) -> Iterator[int]:
    given = os.environ.get("GOTONG_KAFKA_CLUSTER_TEST_PORT")
    first = int(given) if given else settings.kafka_port + DEFAULT_OFFSET
    for base in range(first, first + 30 * 20, 30):
        ports = [base + KAFKA_NODE_PORT_STEP * n + k for n in range(3) for k in (0, 1)]
        if all(_bindable(p) for p in ports):
            yield base


def start_three_brokers(root: Path, attempts: int = 3) -> ThreeBrokers:
    """Format and start a three-node cluster in ``root`` (blocking: run it in a thread).

    A port taken between the check and the broker's bind (by a client's connection: see
    ``_bindable``) fails the start; the cluster is then started afresh on other ports,
    up to ``attempts`` times."""
    settings = dataclasses.replace(load_settings(), kafka_nodes=3, kafka_bootstrap_given=None)
    java = find_java()
    kafka_libs.require_maven_or_warm(settings.cache_dir, settings.kafka_version)
    log: list[str] = []
    libs = kafka_libs.ensure_libs(settings.cache_dir, settings.kafka_version, log.append)
    failure: StackError | None = None
    for attempt, port in zip(range(attempts), _free_bases(settings), strict=False):
        settings = dataclasses.replace(settings, stack_root=root / f"try-{attempt}",
                                       kafka_port=port, kafka_controller_port=port + 1)
        kafka = LocalKafka(settings)
        cluster = ThreeBrokers(settings, kafka, java, libs, log)
        try:
            kafka.start(java, libs, log.append)
            return cluster
        except StackError as exc:
            cluster.stop()
            if "Address already in use" not in str(exc):
                raise
            failure = exc
    raise failure or StackError("no free ports for a three-node Kafka "
                                "(GOTONG_KAFKA_CLUSTER_TEST_PORT moves them)")


@dataclass(frozen=True)
class TopicLayout:
    """Where a topic's partitions live and what it is set to."""

    leaders: dict[int, int]  # partition -> leader node id (-1: none)
    replicas: dict[int, list[int]]
    in_sync: dict[int, list[int]]
    configs: dict[str, str]


async def topic_layout(bootstrap: str, topic: str, auth: KafkaAuth) -> TopicLayout:
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap, client_id="test-layout",
                                **auth.client_kwargs())
    await admin.start()
    try:
        [described] = await admin.describe_topics([topic])
        partitions: list[dict[str, Any]] = described["partitions"]
        [response] = await admin.describe_configs(
            [ConfigResource(ConfigResourceType.TOPIC, topic)])
        configs = {entry[0]: entry[1] for resource in response.resources
                   for entry in resource[4]}
    finally:
        await admin.close()
    return TopicLayout(
        leaders={p["partition"]: p["leader"] for p in partitions},
        replicas={p["partition"]: list(p["replicas"]) for p in partitions},
        in_sync={p["partition"]: list(p["isr"]) for p in partitions},
        configs=configs)
