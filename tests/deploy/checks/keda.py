"""Scaling (KEDA): one ScaledObject per consumer, on its group's lag, at most one consumer
per partition."""

from __future__ import annotations

from .acls import acl_grants
from .consumers import consumers_of
from .docs import (
    Doc,
    by_name,
    consumed_topics,
    containers,
    env_value,
    name_of,
    ref,
    service_and_process,
    setting,
    setting_name,
)
from .expected import KEDA_SASL
from .kafka import bootstrap_address, topics_by_name


def keda_problems(docs: list[Doc]) -> list[str]:
    """Every consumer is scaled by exactly one ScaledObject, on its group's lag on each topic
    it consumes, from one to at most one consumer per partition; KEDA logs in as the
    service's KafkaUser, which may read that group."""
    problems = []
    deployments = by_name(docs, "Deployment")
    scaled = by_name(docs, "ScaledObject")
    targets: dict[str, list[str]] = {}
    for name, scaled_object in scaled.items():
        targets.setdefault(scaled_object["spec"]["scaleTargetRef"]["name"], []).append(name)
    for deployment in consumers_of(docs):
        owners = targets.get(name_of(deployment), [])
        if len(owners) != 1:
            problems.append(f"{ref(deployment)}: scaled by {len(owners)} ScaledObjects, not 1")
    for scaled_object in scaled.values():
        target = deployments.get(scaled_object["spec"]["scaleTargetRef"]["name"])
        if target is None:
            problems.append(f"{ref(scaled_object)}: target Deployment missing")
        elif service_and_process(target)[1] != "consumer":
            problems.append(f"{ref(scaled_object)}: scales {ref(target)}, not a consumer")
        else:
            problems += scaled_object_problems(scaled_object, target, docs)
    return problems


def scaled_object_problems(scaled_object: Doc, target: Doc, docs: list[Doc]) -> list[str]:
    problems = []
    where = ref(scaled_object)
    spec = scaled_object["spec"]
    service, _ = service_and_process(target)
    topics = topics_by_name(docs)
    if "replicas" in target["spec"]:
        problems.append(f"{ref(target)}: sets replicas, which fights the KEDA HPA")
    (container,) = containers(target)
    group = setting(container, docs, setting_name(service, "consumer_group"))
    consumed = consumed_topics(container, docs, service) or ()
    if spec.get("minReplicaCount", 0) < 1:
        problems.append(f"{where}: may scale to zero")
    triggers = spec["triggers"]
    trigger_topics = [trigger["metadata"].get("topic") for trigger in triggers]
    if sorted(map(str, trigger_topics)) != sorted(consumed):
        problems.append(f"{where}: triggers on {trigger_topics}, consumes {list(consumed)}")
    partitions = [topics[t]["spec"]["partitions"] for t in trigger_topics if t in topics]
    if not partitions or spec.get("maxReplicaCount") != min(partitions):
        problems.append(
            f"{where}: maxReplicaCount {spec.get('maxReplicaCount')} "
            f"is not the partition count {min(partitions, default=None)}"
        )
    username = setting(container, docs, setting_name(service, "kafka_sasl_username"))
    user = by_name(docs, "KafkaUser").get(str(username))
    mechanism = setting(container, docs, setting_name(service, "kafka_sasl_mechanism"))
    auths = by_name(docs, "TriggerAuthentication")
    for trigger in triggers:
        metadata = trigger["metadata"]
        topic = metadata.get("topic")
        if metadata["consumerGroup"] != group:
            problems.append(f"{where}: group {metadata['consumerGroup']} != {group}")
        if metadata["bootstrapServers"] != bootstrap_address(docs):
            problems.append(f"{where}: bootstrap {metadata['bootstrapServers']}")
        if metadata.get("sasl") != KEDA_SASL.get(str(mechanism)):
            problems.append(f"{where}: sasl {metadata.get('sasl')!r}, the consumer's {mechanism}")
        if user is None:
            problems.append(f"{where}: Kafka user {username!r} does not exist")
        elif not (
            acl_grants(user, "group", str(group), "Read")
            and acl_grants(user, "topic", str(topic), "Describe")
        ):
            problems.append(f"{where}: {username} cannot read the lag of {group} on {topic}")
        auth = auths.get(trigger.get("authenticationRef", {}).get("name", ""))
        if auth is None:
            problems.append(f"{where}: TriggerAuthentication missing")
            continue
        for entry in auth["spec"].get("env", []):
            if (
                entry.get("containerName") != container["name"]
                or env_value(container, entry["name"]) is None
            ):
                problems.append(f"{ref(auth)}: {entry['name']} is not in the consumer's env")
        for entry in auth["spec"].get("secretTargetRef", []):
            if entry["parameter"] == "password" and entry["name"] != username:
                problems.append(f"{ref(auth)}: password is not the Secret of {username}")
    return problems
