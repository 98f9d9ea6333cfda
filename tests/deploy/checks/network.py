"""Network policies: every Gotong pod isolated both ways, and admitted to Kafka only when it
is a Kafka client."""

from __future__ import annotations

from .docs import (
    Doc,
    container_port,
    name_of,
    of_kind,
    pod_labels,
    ref,
    selector_matches,
    service_and_process,
)
from .expected import (
    API_PORT,
    CONSUMERS,
    EGRESS_PROXY,
    EGRESS_PROXY_PROCESSES,
    INFRA_EGRESS,
    INGRESS_NAMESPACES,
    KAFKA_PROCESSES,
    METRICS_NAMESPACES,
    RELAY_METRICS_PORTS,
)
from .kafka import kafka_cluster


def peer_kind(peer: Doc, service: str, docs: list[Doc]) -> str | None:
    """What an egress peer is: kafka, own-db, or infra:<namespace>; None if anything else."""
    if "ipBlock" in peer:
        return None
    namespace = peer.get("namespaceSelector")
    pods = peer.get("podSelector")
    if namespace is None and pods is not None:
        labels = pods.get("matchLabels", {})
        kafka = name_of(kafka_cluster(docs))
        if labels.get("strimzi.io/cluster") == kafka and labels.get("strimzi.io/kind") == "Kafka":
            return "kafka"
        if labels == {"cnpg.io/cluster": f"gotong-{service}-db"}:
            return "own-db"
        return None
    names = (namespace or {}).get("matchLabels", {}).get("kubernetes.io/metadata.name")
    if names in INFRA_EGRESS and pods is not None:
        return f"infra:{names}"
    if names == EGRESS_PROXY[0] and pods is not None:
        return "egress-proxy"
    return None


def egress_problems(policy: Doc, service: str, process: str, docs: list[Doc]) -> list[str]:
    problems, kinds = [], set()
    for rule in policy["spec"].get("egress", []):
        peers, ports = rule.get("to", []), rule.get("ports", [])
        if not peers or not ports:
            problems.append(f"{ref(policy)}: egress rule open to any peer or port")
            continue
        for peer in peers:
            kind = peer_kind(peer, service, docs)
            if kind is None:
                problems.append(f"{ref(policy)}: egress to {peer} is not allowed")
                continue
            kinds.add(kind)
            if kind == "egress-proxy":
                if (service, process) not in EGRESS_PROXY_PROCESSES:
                    problems.append(f"{ref(policy)}: only {sorted(EGRESS_PROXY_PROCESSES)} may "
                                    "leave through the egress proxy")
                if any(port.get("port") != EGRESS_PROXY[1] for port in ports):
                    problems.append(f"{ref(policy)}: egress proxy beyond port {EGRESS_PROXY[1]}")
            if kind.startswith("infra:"):
                allowed = INFRA_EGRESS[kind.removeprefix("infra:")]
                if any(port.get("port") not in allowed for port in ports):
                    problems.append(f"{ref(policy)}: egress to {kind} beyond ports {allowed}")
    wanted = {"own-db"} | ({"kafka"} if process in KAFKA_PROCESSES else set())
    if "kafka" in kinds and process not in KAFKA_PROCESSES:
        problems.append(f"{ref(policy)}: a {process} reaches Kafka (only relays/consumers "
                        "should)")
    if not wanted <= kinds:
        problems.append(f"{ref(policy)}: egress lacks {sorted(wanted - kinds)}")
    return problems


def ingress_problems(policy: Doc, deployment: Doc) -> list[str]:
    """APIs: from the ingress and monitoring namespaces, on the API port. Consumers and
    relays: from monitoring, on the metrics port."""
    service, process = service_and_process(deployment)
    problems = []
    rules = policy["spec"].get("ingress", [])
    if process == "api":
        namespaces, port = INGRESS_NAMESPACES, API_PORT
    elif process == "consumer" and service in CONSUMERS:
        namespaces, port = METRICS_NAMESPACES, CONSUMERS[service].metrics_port
    elif process == "relay" and service in RELAY_METRICS_PORTS:
        namespaces, port = METRICS_NAMESPACES, RELAY_METRICS_PORTS[service]
    else:
        if rules:
            problems.append(f"{ref(policy)}: a {process} accepts no connections")
        return problems
    for rule in rules:
        peers, ports = rule.get("from", []), rule.get("ports", [])
        if not peers:
            problems.append(f"{ref(policy)}: ingress open to everyone")
        if not ports:
            problems.append(f"{ref(policy)}: ingress on every port")
        for peer in peers:
            names = peer.get("namespaceSelector", {}).get("matchLabels", {})
            if "ipBlock" in peer or names.get("kubernetes.io/metadata.name") not in namespaces:
                problems.append(f"{ref(policy)}: ingress from {peer}")
        for item in ports:
            if container_port(deployment, item.get("port", "")) != port:
                problems.append(f"{ref(policy)}: ingress on port {item.get('port')}, not {port}")
    if process != "api" and not any(
        peer.get("namespaceSelector", {}).get("matchLabels", {}).get(
            "kubernetes.io/metadata.name") in METRICS_NAMESPACES
        for rule in rules for peer in rule.get("from", [])
    ):
        # Isolated for ingress with no rule: Prometheus cannot scrape the metrics port.
        problems.append(f"{ref(policy)}: Prometheus may not reach the metrics port {port}")
    return problems


def kafka_client_selectors(docs: list[Doc]) -> list[Doc] | None:
    """The pod selectors Strimzi admits to the plain listener (None: it admits every pod)."""
    kafka = kafka_cluster(docs)
    (plain,) = [item for item in kafka["spec"]["kafka"]["listeners"] if item["name"] == "plain"]
    peers = plain.get("networkPolicyPeers")
    if not peers:
        return None
    return [p["podSelector"] for p in peers if "podSelector" in p and "namespaceSelector" not in p]


def network_problems(docs: list[Doc]) -> list[str]:
    """Every Gotong pod is isolated both ways: APIs are reached only from the ingress (and
    monitoring) namespace; consumers and relays only by Prometheus on their metrics port.
    Relays and consumers talk only to Kafka and their own PostgreSQL (plus DNS and the OTLP
    collector), and are labelled so that the brokers' policy lets them in."""
    problems = []
    policies = of_kind(docs, "NetworkPolicy")
    kafka_selectors = kafka_client_selectors(docs)
    for deployment in of_kind(docs, "Deployment"):
        service, process = service_and_process(deployment)
        labels = pod_labels(deployment)
        selecting = [p for p in policies if selector_matches(p["spec"]["podSelector"], labels)]
        if not selecting:
            problems.append(f"{ref(deployment)}: no NetworkPolicy selects its pods")
        for policy in selecting:
            if set(policy["spec"].get("policyTypes", [])) != {"Ingress", "Egress"}:
                problems.append(f"{ref(policy)}: does not isolate both directions")
            problems += ingress_problems(policy, deployment)
            problems += egress_problems(policy, service, process, docs)
        if kafka_selectors is not None:
            admitted = any(selector_matches(s, labels) for s in kafka_selectors)
            if process not in KAFKA_PROCESSES and admitted:
                problems.append(f"{ref(deployment)}: the brokers' policy admits a {process}")
            if process in KAFKA_PROCESSES and not admitted:
                problems.append(f"{ref(deployment)}: the brokers' policy keeps it out of Kafka")
    return problems
