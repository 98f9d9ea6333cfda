"""aiokafka with the settings Gotong needs, spelled out.

aiokafka's defaults are unsafe for us (acks=1, no idempotence, auto-commit,
``latest`` for new groups): every factory here sets each of them explicitly.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.errors import TopicAlreadyExistsError, for_code
from aiokafka.partitioner import murmur2

__all__ = [
    "FULL_REPLICATION",
    "KafkaAuth",
    "StreamPartitioner",
    "create_topics",
    "dead_letter_topic",
    "delete_topics",
    "make_consumer",
    "make_producer",
    "replication_from_env",
    "topic_durability",
]


@dataclass(frozen=True, slots=True)
class KafkaAuth:
    """How clients authenticate: plaintext locally, SCRAM over SASL in the cluster.

    Per-service users let the broker's ACLs decide which topics a service may
    write and read (see deploy/k8s).
    """

    security_protocol: str = "PLAINTEXT"
    sasl_mechanism: str | None = None
    username: str | None = None
    password: str | None = field(default=None, repr=False)

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> KafkaAuth:
        """The stack-wide credentials, ``GOTONG_KAFKA_SECURITY_PROTOCOL``,
        ``GOTONG_KAFKA_SASL_MECHANISM``, ``GOTONG_KAFKA_SASL_USERNAME`` and
        ``GOTONG_KAFKA_SASL_PASSWORD`` (what ``gotong-stack env`` prints: the local broker's
        internal user); plaintext when none is set.

        The fallback of a client built without ``auth`` (tests, tools) and of a service's
        settings that name no credentials of their own (``KafkaClientSettings``); a
        deployment gives each service its own (``GOTONG_<SERVICE>_KAFKA_SASL_*``).
        """
        env = os.environ if environ is None else environ
        return cls(security_protocol=env.get("GOTONG_KAFKA_SECURITY_PROTOCOL") or "PLAINTEXT",
                   sasl_mechanism=env.get("GOTONG_KAFKA_SASL_MECHANISM") or None,
                   username=env.get("GOTONG_KAFKA_SASL_USERNAME") or None,
                   password=env.get("GOTONG_KAFKA_SASL_PASSWORD") or None)

    def client_kwargs(self) -> dict[str, Any]:
        kwargs: dict[str, Any] = {"security_protocol": self.security_protocol}
        if self.sasl_mechanism:
            kwargs |= {"sasl_mechanism": self.sasl_mechanism,
                       "sasl_plain_username": self.username,
                       "sasl_plain_password": self.password}
        if self.security_protocol.endswith("SSL"):
            from aiokafka.helpers import create_ssl_context

            kwargs["ssl_context"] = create_ssl_context()
        return kwargs


def _given_or_env(auth: KafkaAuth | None) -> KafkaAuth:
    return auth if auth is not None else KafkaAuth.from_env()


class StreamPartitioner:
    """aiokafka's default key partitioning (Java-compatible murmur2), remembered per key.

    aiokafka hashes every key in pure Python (a tenth of the relay's CPU in the
    benchmark profile), yet a service publishes the same stream ids over and over.
    The mapping is the default one, so partitions do not move when this is
    switched on or off, and a stream's events keep one partition (its order).
    """

    def __init__(self, max_keys: int = 100_000) -> None:
        self._max_keys = max_keys
        self._cache: dict[tuple[bytes, int], int] = {}

    def __call__(self, key: bytes | None, all_partitions: list[int],
                 available: list[int]) -> int:
        if key is None:  # never the case for events (the key is the stream id)
            return all_partitions[0]
        n = len(all_partitions)
        found = self._cache.get((key, n))
        if found is None:
            if len(self._cache) >= self._max_keys:
                self._cache.clear()  # a cheap bound; refilled from the hot streams
            found = all_partitions[(murmur2(key) & 0x7FFFFFFF) % n]
            self._cache[(key, n)] = found
        return found


def dead_letter_topic(topic: str) -> str:
    return f"{topic}.dlt"


def make_producer(
    bootstrap: str, *, client_id: str, auth: KafkaAuth | None = None
) -> AIOKafkaProducer:
    """Idempotent, acks=all: the broker de-duplicates retries and keeps partition order."""
    return AIOKafkaProducer(
        **_given_or_env(auth).client_kwargs(),
        bootstrap_servers=bootstrap,
        client_id=client_id,
        acks="all",
        enable_idempotence=True,
        partitioner=StreamPartitioner(),
        linger_ms=2,  # small: freshness matters more than the last percent of throughput
        max_batch_size=256 * 1024,
        request_timeout_ms=30_000,
        retry_backoff_ms=200,
    )


def make_consumer(
    bootstrap: str, *, group_id: str | None, client_id: str, max_poll_records: int = 500,
    auth: KafkaAuth | None = None,
) -> AIOKafkaConsumer:
    """Manual offsets (the read model stores them), ``earliest`` for new groups."""
    return AIOKafkaConsumer(
        **_given_or_env(auth).client_kwargs(),
        bootstrap_servers=bootstrap,
        group_id=group_id,
        client_id=client_id,
        enable_auto_commit=False,
        auto_offset_reset="earliest",
        max_poll_records=max_poll_records,
        fetch_max_wait_ms=50,
        isolation_level="read_uncommitted",  # we do not use Kafka transactions
        # aiokafka waits 40 s for a broker that stopped answering; a consumer that notices
        # in 15 s starts its back-off and reconnection (``supervise``) that much sooner.
        request_timeout_ms=15_000,
    )


async def delete_topics(bootstrap: str, topics: Sequence[str], *,
                        auth: KafkaAuth | None = None) -> None:
    """Delete ``topics`` where they exist (tests and benchmarks clean up after themselves;
    domain-event topics are never deleted by the platform)."""
    if not topics:
        return
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap, client_id="gotong-admin",
                                **_given_or_env(auth).client_kwargs())
    await admin.start()
    try:
        existing = set(await admin.list_topics())
        doomed = [t for t in topics if t in existing]
        for start in range(0, len(doomed), 100):  # one request per hundred topics
            await admin.delete_topics(doomed[start:start + 100])
    finally:
        await admin.close()


# The domain topics' replication, as the cluster's (deploy/k8s/base/kafka/topics.yaml):
# three replicas, and an acks=all write acknowledged only once two of them have it, so
# losing one broker loses nothing acknowledged and stops no writer.
FULL_REPLICATION = 3


def topic_durability(replication: int) -> dict[str, str]:
    """The topic settings that make an acknowledged event survive a broker's loss:
    ``min.insync.replicas`` 2 of 3 (1 with fewer replicas, which could not take a write
    otherwise), and no unclean leader election (a replica that missed acknowledged
    events must never become leader: that would drop them silently)."""
    return {"min.insync.replicas": str(max(1, min(2, replication - 1))),
            "unclean.leader.election.enable": "false"}


def replication_from_env(environ: Mapping[str, str] | None = None) -> int | None:
    """``GOTONG_KAFKA_REPLICATION``, when set: the replication factor of the topics the
    platform creates (else it follows the cluster's size, ``create_topics``)."""
    raw = (os.environ if environ is None else environ).get("GOTONG_KAFKA_REPLICATION")
    if not raw:
        return None
    value = int(raw)
    if not 1 <= value <= 5:
        raise ValueError(f"GOTONG_KAFKA_REPLICATION={raw!r}: 1 to 5")
    return value


async def create_topics(
    bootstrap: str, topics: Iterable[str], *, partitions: int = 3,
    replication: int | None = None, auth: KafkaAuth | None = None,
    dead_letters: bool = True,
) -> None:
    """Create domain-event topics (and their dead-letter topics, unless ``dead_letters``
    is False: a partner's topic has no consumer of ours to dead-letter) if missing.

    Retention is forever (``retention.ms=-1``) and the topics are not compacted,
    so read models and partners can replay from offset 0.

    ``replication``, when not given: ``GOTONG_KAFKA_REPLICATION``, else three replicas on a
    cluster of three brokers or more and one per broker on a smaller one (the local stack's
    single broker: 1; `gotong-stack up --kafka-nodes 3`: 3), with ``topic_durability``'s
    settings. The size is the brokers alive when the topic is first created: set the
    variable where a topic must never be made with fewer replicas (creation then fails
    while brokers are missing). In the cluster, Strimzi creates the topics beforehand.
    """
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap, client_id="gotong-admin",
                                **_given_or_env(auth).client_kwargs())
    await admin.start()
    try:
        existing = set(await admin.list_topics())
        names = [name for topic in topics
                 for name in ((topic, dead_letter_topic(topic)) if dead_letters else (topic,))
                 if name not in existing]
        if not names:
            return
        if replication is None:
            replication = replication_from_env()
        if replication is None:
            brokers = len((await admin.describe_cluster())["brokers"])
            replication = max(1, min(FULL_REPLICATION, brokers))
        configs = {"retention.ms": "-1", "cleanup.policy": "delete",
                   **topic_durability(replication)}
        for name in names:
            response = await admin.create_topics([NewTopic(
                name=name, num_partitions=partitions, replication_factor=replication,
                topic_configs=configs)])
            # aiokafka reports a topic's error in the response, it does not raise it: a
            # replication factor the cluster cannot give must not pass unnoticed.
            for _, code, message in response.topic_errors:
                # Another process may create it between our list and create.
                if code and code != TopicAlreadyExistsError.errno:
                    raise for_code(code)(f"create topic {name}: {message}")
    finally:
        await admin.close()
