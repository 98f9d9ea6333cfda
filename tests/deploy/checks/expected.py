"""What the manifests must agree with: the namespace, the services and their processes, the
topics, and the limits the checks hold them to."""

from __future__ import annotations

import re
from dataclasses import dataclass

NAMESPACE = "gotong"
SERVICES = ("members", "inventory", "payments", "reporting", "partners")
IMAGE_REPOSITORY = "ghcr.io/gotong"
API_PORT = 8000
MEMORY_LIMIT_MAX = 256 * 2**20
PARTITIONS = 12
# Backups of the databases (checks/backups.py): the Barman Cloud Plugin of CloudNativePG, and
# the shortest recovery window an ObjectStore may keep (docs/operations.md: 30 days).
BACKUP_PLUGIN = "barman-cloud.cloudnative-pg.io"
BACKUP_RETENTION_MIN_DAYS = 30
MEMBERS_EVENTS = "gotong.members.events"
INVENTORY_EVENTS = "gotong.inventory.events"
PAYMENTS_EVENTS = "gotong.payments.events"
REPORTING_EVENTS = "gotong.reporting.events"


@dataclass(frozen=True)
class ConsumerSpec:
    """What a service's ``python -m <svc> consumer`` reads, as its settings name it."""

    group: str
    topics: tuple[str, ...]
    # The settings field that holds the topics (env GOTONG_<SVC>_<FIELD>, parsed as JSON).
    topics_field: str
    # The settings' default consumer_metrics_port.
    metrics_port: int


# The consumer processes (services/<svc>/src/<svc>/settings.py and __main__.py). Each one's
# Deployment, ConfigMap, ScaledObject, KafkaUser ACLs and NetworkPolicy must agree with this.
CONSUMERS = {
    "inventory": ConsumerSpec(
        group="gotong.inventory.reactions",
        topics=(MEMBERS_EVENTS, PAYMENTS_EVENTS),
        topics_field="consumed_topics",
        metrics_port=9102,
    ),
    "payments": ConsumerSpec(
        group="gotong.payments.reactions",
        topics=(MEMBERS_EVENTS, INVENTORY_EVENTS),
        topics_field="consumed_topics",
        metrics_port=9103,
    ),
    "reporting": ConsumerSpec(
        group="gotong.reporting.readmodel",
        topics=(MEMBERS_EVENTS, INVENTORY_EVENTS, PAYMENTS_EVENTS),
        topics_field="topics",
        metrics_port=9104,
    ),
    "partners": ConsumerSpec(
        group="gotong.partners.gateway",
        # reporting's: the published months' key figures (the monthly_kpis category)
        topics=(MEMBERS_EVENTS, INVENTORY_EVENTS, PAYMENTS_EVENTS, REPORTING_EVENTS),
        topics_field="consumed_topics",
        metrics_port=9105,
    ),
}
# Service -> processes beyond the API and the outbox relay that every service has.
EXTRA_PROCESSES = {service: ("consumer",) for service in CONSUMERS}
EXTRA_PROCESSES["partners"] = ("consumer", "webhooks")
# The processes that talk to Kafka (and so log in as the service's KafkaUser).
# The partners' webhooks process writes the KAFKA subscriptions to the partners' topics.
KAFKA_PROCESSES = frozenset({"relay", "consumer", "webhooks"})
# Who may leave the namespace, through the cluster's egress proxy: the partners' webhooks.
EGRESS_PROXY = ("egress", 3128)
EGRESS_PROXY_PROCESSES = frozenset({("partners", "webhooks")})
# Every service publishes through its outbox (reporting: SHU calculations).
WITHOUT_RELAY: frozenset[str] = frozenset()
# The settings' default relay_metrics_port of each service's relay process endpoint.
RELAY_METRICS_PORTS = {"members": 9111, "inventory": 9112, "payments": 9113, "reporting": 9114,
                       "partners": 9115}
# Every domain topic some consumer reads (each needs its dead-letter topic).
CONSUMED_TOPICS = tuple(sorted({t for spec in CONSUMERS.values() for t in spec.topics}))
DEAD_LETTER_SUFFIX = ".dlt"
INGRESS_NAMESPACES = frozenset({"ingress-nginx", "monitoring"})
# Who may reach a consumer or a relay: Prometheus, for the metrics port only.
METRICS_NAMESPACES = frozenset({"monitoring"})
# The metrics server binds to 127.0.0.1 unless told: in a pod it must listen on the pod IP.
METRICS_HOST = "0.0.0.0"  # noqa: S104
# KEDA's kafka scaler name for each SASL mechanism the clients may use.
KEDA_SASL = {"SCRAM-SHA-512": "scram_sha512", "SCRAM-SHA-256": "scram_sha256", "PLAIN": "plaintext"}
# Egress that carries no business data: name resolution and telemetry.
INFRA_EGRESS = {"kube-system": (53,), "observability": (4318,)}
# Operations a workload's KafkaUser may hold: topics and ACLs are the operators' business.
CLIENT_OPERATIONS = frozenset({"Read", "Write", "Describe", "DescribeConfigs"})
# Settings that hold a secret value (a *_FILE setting holds a path to one: that is fine).
SENSITIVE_NAME = re.compile(
    r"(PASSWORD|SECRET|TOKEN|_KEY|DATABASE_URL|_URI|_DSN)(?!.*_FILE$)", re.IGNORECASE
)
# asyncpg pool size when GOTONG_<SVC>_POOL_MAX_SIZE is not set (the settings' default).
DEFAULT_POOL_MAX_SIZE = 20
# Connections kept free for superusers, replication and the operator.
RESERVED_CONNECTIONS = 10
# Kinds whose schema ships with kubernetes-validate (the rest must be in CRD_SCHEMAS).
CORE_GROUPS = frozenset({"v1", "apps/v1", "policy/v1", "networking.k8s.io/v1"})
CLUSTER_SCOPED = frozenset({"Namespace"})
