"""Kafka users: who may write and read which topic, in which consumer group, with which
credentials."""

from __future__ import annotations

from .docs import (
    Doc,
    by_name,
    containers,
    env_value,
    name_of,
    of_kind,
    ref,
    service_and_process,
    setting,
)
from .expected import (
    CLIENT_OPERATIONS,
    CONSUMERS,
    DEAD_LETTER_SUFFIX,
    KAFKA_PROCESSES,
    SERVICES,
)
from .kafka import topics_by_name

PARTNER_TOPIC_PREFIX = "gotong.partner."


def acl_grants(user: Doc, resource_type: str, name: str, operation: str) -> bool:
    """Whether a KafkaUser's allow-ACLs grant ``operation`` on the named resource."""
    implied = {"Describe": {"Read", "Write", "Delete", "Alter"}}
    for acl in user["spec"].get("authorization", {}).get("acls", []):
        if acl.get("type", "allow") != "allow":
            continue
        resource = acl["resource"]
        if resource["type"] != resource_type:
            continue
        pattern = resource.get("name", "")
        if resource.get("patternType", "literal") == "prefix":
            matches = name.startswith(pattern)
        else:
            matches = pattern in (name, "*")
        granted = set(acl["operations"])
        if matches and (operation in granted or granted & implied.get(operation, set())):
            return True
    return False


def acl_problems(docs: list[Doc]) -> list[str]:
    """Each service writes only its own topic and the dead-letter topics of what it consumes,
    reads only what it consumes, in its own consumer groups; the partner user can only read,
    in its own groups."""
    problems = []
    users = by_name(docs, "KafkaUser")
    topics = topics_by_name(docs)
    for user in users.values():
        for acl in user["spec"]["authorization"]["acls"]:
            extra = set(acl["operations"]) - CLIENT_OPERATIONS
            if extra:
                problems.append(f"{ref(user)}: operations {sorted(extra)} are not for clients")
            resource = acl["resource"]
            literal = resource.get("patternType", "literal") == "literal"
            if resource["type"] == "topic" and literal and resource.get("name") not in topics:
                problems.append(f"{ref(user)}: ACL on unknown topic {resource.get('name')}")
            if resource.get("name") == "*":
                problems.append(f"{ref(user)}: wildcard ACL")
    for service in SERVICES:
        service_user = users.get(f"gotong-{service}")
        if service_user is None:
            problems.append(f"KafkaUser/gotong-{service}: missing")
            continue
        problems += service_acl_problems(service_user, service, topics)
    problems += partner_problems(users.get("partner-example"))
    problems += credential_problems(docs, users)
    return problems


def service_acl_problems(user: Doc, service: str, topics: dict[str, Doc]) -> list[str]:
    problems = []
    own = f"gotong.{service}.events"
    spec = CONSUMERS.get(service)
    reads = set(spec.topics) if spec else set()
    may_write = {own} | {topic + DEAD_LETTER_SUFFIX for topic in reads}
    if service == "partners":  # the partners' own topics, its KAFKA subscriptions
        may_write |= {topic for topic in topics if topic.startswith(PARTNER_TOPIC_PREFIX)}
    if not acl_grants(user, "topic", own, "Write"):
        problems.append(f"{ref(user)}: cannot write its own topic {own}")
    # The relay's create_topics lists its topic and .dlt: an invisible .dlt fails the relay.
    if not acl_grants(user, "topic", own + DEAD_LETTER_SUFFIX, "Describe"):
        problems.append(f"{ref(user)}: cannot see {own}{DEAD_LETTER_SUFFIX}")
    for topic in topics:
        if topic not in may_write and acl_grants(user, "topic", topic, "Write"):
            problems.append(f"{ref(user)}: may write {topic}")
        if topic not in reads and acl_grants(user, "topic", topic, "Read"):
            problems.append(f"{ref(user)}: may read {topic}, which it does not consume")
    for topic in sorted(reads):
        if not acl_grants(user, "topic", topic, "Read"):
            problems.append(f"{ref(user)}: cannot read {topic}")
        if not acl_grants(user, "topic", topic + DEAD_LETTER_SUFFIX, "Write"):
            problems.append(f"{ref(user)}: cannot write {topic}{DEAD_LETTER_SUFFIX}")
    if spec is not None and not acl_grants(user, "group", spec.group, "Read"):
        problems.append(f"{ref(user)}: cannot read in its consumer group {spec.group}")
    for acl in user["spec"]["authorization"]["acls"]:
        resource = acl["resource"]
        if resource["type"] == "group" and not resource.get("name", "").startswith(
            f"gotong.{service}."
        ):
            problems.append(f"{ref(user)}: group ACL {resource.get('name')!r} is not its own")
    return problems


def partner_problems(partner: Doc | None) -> list[str]:
    if partner is None:
        return ["KafkaUser/partner-example: missing"]
    problems = []
    acls = partner["spec"]["authorization"]["acls"]
    for acl in acls:
        resource = acl["resource"]
        if set(acl["operations"]) - {"Read", "Describe"}:
            problems.append(f"{ref(partner)}: may do more than read: {acl['operations']}")
        if resource["type"] == "group" and not (
            resource.get("patternType") == "prefix"
            and resource.get("name", "").startswith(f"{name_of(partner)}.")
        ):
            problems.append(f"{ref(partner)}: group ACL is not its own prefixed group")
        own_topic = f"{PARTNER_TOPIC_PREFIX}{name_of(partner)}.events"
        if resource["type"] == "topic" and (resource.get("name"), resource.get(
                "patternType", "literal")) != (own_topic, "literal"):
            problems.append(f"{ref(partner)}: topic ACL beyond its own topic {own_topic}")
    if not any(acl["resource"]["type"] == "group" for acl in acls):
        problems.append(f"{ref(partner)}: no consumer group to read with")
    return problems


def credential_problems(docs: list[Doc], users: dict[str, Doc]) -> list[str]:
    """Every Kafka client logs in as a KafkaUser, with the password Secret of that user."""
    problems = []
    for deployment in of_kind(docs, "Deployment"):
        service, process = service_and_process(deployment)
        if process not in KAFKA_PROCESSES:
            continue
        prefix = f"GOTONG_{service.upper()}_KAFKA_SASL"
        for container in containers(deployment):
            username = setting(container, docs, f"{prefix}_USERNAME")
            password = (env_value(container, f"{prefix}_PASSWORD") or {}).get("valueFrom", {})
            if username not in users:
                problems.append(f"{ref(deployment)}: Kafka user {username!r} does not exist")
            if password.get("secretKeyRef", {}).get("name") != username:
                problems.append(f"{ref(deployment)}: password is not the Secret of {username}")
    return problems
