"""Kafka (Strimzi): a KRaft cluster of a Kafka version the vendored Strimzi release runs, with
persistent storage, durable topics, and clients that point at its bootstrap service."""

from __future__ import annotations

import functools

import yaml

from .crd_schemas import STRIMZI_CRDS, STRIMZI_RELEASE
from .docs import Doc, containers, name_of, of_kind, ref, service_and_process, setting
from .expected import CONSUMED_TOPICS, DEAD_LETTER_SUFFIX, NAMESPACE, PARTITIONS


@functools.cache
def strimzi_kafka_versions() -> dict[str, str]:
    """The Kafka versions the vendored Strimzi release runs, each with its KRaft metadata
    version, from that release's own kafka-versions.yaml."""
    entries = yaml.safe_load((STRIMZI_CRDS / "kafka-versions.yaml").read_text())
    return {
        str(entry["version"]): str(entry["metadata"]) for entry in entries if entry["supported"]
    }


def kafka_cluster(docs: list[Doc]) -> Doc:
    (kafka,) = of_kind(docs, "Kafka")
    return kafka


def bootstrap_address(docs: list[Doc]) -> str:
    """The plain listener's bootstrap service as a client in the namespace must name it."""
    kafka = kafka_cluster(docs)
    (plain,) = [item for item in kafka["spec"]["kafka"]["listeners"] if item["name"] == "plain"]
    namespace = kafka["metadata"].get("namespace", NAMESPACE)
    return f"{name_of(kafka)}-kafka-bootstrap.{namespace}.svc:{plain['port']}"


def broker_count(docs: list[Doc]) -> int:
    return sum(
        pool["spec"]["replicas"]
        for pool in of_kind(docs, "KafkaNodePool")
        if "broker" in pool["spec"]["roles"]
    )


def topics_by_name(docs: list[Doc]) -> dict[str, Doc]:
    return {
        topic["spec"].get("topicName", name_of(topic)): topic
        for topic in of_kind(docs, "KafkaTopic")
    }


def kafka_problems(docs: list[Doc]) -> list[str]:
    """A KRaft cluster of a Kafka version Strimzi runs (with that version's metadata version),
    persistent storage, durable topics that keep events forever, and clients that point at
    its bootstrap service."""
    problems = []
    kafkas = of_kind(docs, "Kafka")
    if len(kafkas) != 1:
        return [f"expected one Kafka, found {len(kafkas)}"]
    kafka = kafkas[0]
    cluster = name_of(kafka)
    # A version the operator does not run is only refused at reconcile time, in the status.
    version = kafka["spec"]["kafka"].get("version")
    supported = strimzi_kafka_versions()
    if version not in supported:
        problems.append(
            f"{ref(kafka)}: Kafka {version} is not one Strimzi {STRIMZI_RELEASE} runs "
            f"({', '.join(supported)})"
        )
    elif kafka["spec"]["kafka"].get("metadataVersion") != supported[version]:
        problems.append(f"{ref(kafka)}: metadataVersion of Kafka {version} is {supported[version]}")
    pools = of_kind(docs, "KafkaNodePool")
    controllers = sum(p["spec"]["replicas"] for p in pools if "controller" in p["spec"]["roles"])
    brokers = broker_count(docs)
    if controllers % 2 != 1:
        problems.append(f"{ref(kafka)}: {controllers} KRaft controllers (needs an odd number)")
    if brokers < 1:
        problems.append(f"{ref(kafka)}: no brokers")
    for pool in pools:
        storage = pool["spec"]["storage"]
        volumes = storage.get("volumes", [storage])
        if storage["type"] not in ("jbod", "persistent-claim") or any(
            volume["type"] != "persistent-claim" for volume in volumes
        ):
            problems.append(f"{ref(pool)}: storage is not persistent-claim")
        if any(volume.get("deleteClaim") for volume in volumes):
            problems.append(f"{ref(pool)}: deleteClaim would drop the event log with the pool")
    config = kafka["spec"]["kafka"].get("config", {})
    if config.get("auto.create.topics.enable") is not False:
        problems.append(f"{ref(kafka)}: auto.create.topics.enable is not false")
    replication = int(config.get("default.replication.factor", 1))
    if not int(config.get("min.insync.replicas", 1)) <= replication <= brokers:
        problems.append(f"{ref(kafka)}: min.insync.replicas <= replication <= brokers broken")
    for item in of_kind(docs, "KafkaNodePool") + of_kind(docs, "KafkaTopic"):
        if item["metadata"]["labels"].get("strimzi.io/cluster") != cluster:
            problems.append(f"{ref(item)}: not attached to {cluster}")
    problems += topic_problems(docs, brokers)
    problems += bootstrap_problems(docs)
    return problems


def topic_problems(docs: list[Doc], brokers: int) -> list[str]:
    problems = []
    topics = topics_by_name(docs)
    for name in CONSUMED_TOPICS:
        for wanted in (name, name + DEAD_LETTER_SUFFIX):
            if wanted not in topics:
                problems.append(f"KafkaTopic {wanted}: missing")
    for name, topic in topics.items():
        spec, config = topic["spec"], topic["spec"].get("config", {})
        if config.get("retention.ms") != "-1":
            problems.append(f"{name}: retention.ms is {config.get('retention.ms')!r}, not '-1'")
        if config.get("cleanup.policy") != "delete":
            problems.append(f"{name}: cleanup.policy is not delete (never compact events)")
        if spec.get("partitions") != PARTITIONS:
            problems.append(f"{name}: {spec.get('partitions')} partitions, not {PARTITIONS}")
        replicas = spec.get("replicas", 0)
        if not 1 <= int(config.get("min.insync.replicas", 1)) <= replicas <= brokers:
            problems.append(f"{name}: min.insync.replicas <= replicas <= brokers broken")
        if replicas > 1 and int(config.get("min.insync.replicas", 1)) < 2:
            problems.append(f"{name}: replicated but an acks=all write may rest on one copy")
    return problems


def bootstrap_problems(docs: list[Doc]) -> list[str]:
    problems = []
    address = bootstrap_address(docs)
    for deployment in of_kind(docs, "Deployment"):
        service, _ = service_and_process(deployment)
        for container in containers(deployment):
            value = setting(container, docs, f"GOTONG_{service.upper()}_KAFKA_BOOTSTRAP")
            if value != address:
                problems.append(f"{ref(deployment)}: Kafka bootstrap {value!r}, not {address}")
    return problems
