"""The consumers: the topics and group their service's code consumes, and their metrics."""

from __future__ import annotations

from .docs import (
    Doc,
    consumed_topics,
    containers,
    of_kind,
    ref,
    service_and_process,
    setting,
    setting_name,
)
from .endpoints import process_endpoint_problems
from .expected import CONSUMERS


def consumers_of(docs: list[Doc]) -> list[Doc]:
    return [d for d in of_kind(docs, "Deployment") if service_and_process(d)[1] == "consumer"]


def consumer_problems(docs: list[Doc]) -> list[str]:
    """Each consumer reads the topics, in the group, that its service's code consumes (the
    settings names and their JSON form included), and serves its metrics to Prometheus: bound
    to 0.0.0.0, a named container port, and prometheus.io/* annotations on that port, with
    its /health and /ready as the liveness and readiness probes."""
    problems = []
    for deployment in consumers_of(docs):
        service, _ = service_and_process(deployment)
        spec = CONSUMERS.get(service)
        if spec is None:
            problems.append(f"{ref(deployment)}: {service} has no consumer process")
            continue
        (container,) = containers(deployment)
        group = setting(container, docs, setting_name(service, "consumer_group"))
        if group != spec.group:
            problems.append(f"{ref(deployment)}: consumer group {group!r}, not {spec.group!r}")
        topics = consumed_topics(container, docs, service)
        topics_name = setting_name(service, spec.topics_field)
        if topics is None:
            problems.append(f"{ref(deployment)}: {topics_name} is unset or not a JSON list")
        elif sorted(topics) != sorted(spec.topics):
            problems.append(f"{ref(deployment)}: consumes {list(topics)}, not {list(spec.topics)}")
        problems += process_endpoint_problems(deployment, docs, service, "consumer",
                                              spec.metrics_port)
    return problems
