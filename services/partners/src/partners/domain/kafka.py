"""A partner's Kafka topic: what the gateway names for it, and who may read it.

Each partner reads its own topic, ``gotong.partner.<partner id>.events``, as its own
SCRAM user (named as the partner id), in consumer groups whose names start with
``<partner id>.``; its ACLs allow Read and Describe on exactly that topic and that group
prefix, nothing else (the broker refuses everything without an ACL). The topic carries
what the partner's feed carries: the partner contracts its consents allow, in
CloudEvents' Kafka binary mode (``partners.adapters.kafka_sender``).
"""

from __future__ import annotations

import dataclasses

__all__ = ["PARTNER_TOPIC_PREFIX", "PartnerKafkaAccess", "partner_kafka_access"]

PARTNER_TOPIC_PREFIX = "gotong.partner."


@dataclasses.dataclass(frozen=True, slots=True)
class PartnerKafkaAccess:
    topic: str
    username: str
    group_prefix: str


def partner_kafka_access(partner_id: str) -> PartnerKafkaAccess:
    """The partner's topic, Kafka user and consumer-group prefix. The prefix ends with a
    dot, so that one partner's id being the start of another's grants nothing."""
    return PartnerKafkaAccess(topic=f"{PARTNER_TOPIC_PREFIX}{partner_id}.events",
                              username=partner_id, group_prefix=f"{partner_id}.")
