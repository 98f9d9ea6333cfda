"""Checks over a rendered set of manifests, one module per concern.

Each check takes the rendered documents and returns a list of problems (empty when all is
well), so that a test can show every problem at once and the self-tests can show that each
check does fail on a broken manifest. `expected` holds what the manifests must agree with,
`docs` how to read them; the checks are `schema`, `inline_secrets`, `workloads` (security
context, resources, relays and their endpoint), `apis` (probes), `consumers`, `databases`,
`backups` (WAL archiving, daily backups, retention, restores), `kafka`, `acls`, `keda`,
`network` and `monitoring` (scrape targets, alerts); `endpoints` is the process endpoint both
relays and consumers serve, `promql` the metric names an expression reads.
"""

from __future__ import annotations

from .acls import acl_problems
from .apis import api_problems
from .backups import backup_problems
from .consumers import consumer_problems, consumers_of
from .databases import database_problems
from .docs import (
    Check,
    Doc,
    by_name,
    config_maps_of,
    container_port,
    containers,
    name_of,
    of_kind,
    pod_labels,
    ref,
    selector_matches,
    service_and_process,
    setting_name,
)
from .expected import CONSUMERS, METRICS_HOST, PARTITIONS, RELAY_METRICS_PORTS, SERVICES
from .inline_secrets import secret_problems
from .kafka import (
    bootstrap_address,
    broker_count,
    kafka_cluster,
    kafka_problems,
    strimzi_kafka_versions,
)
from .keda import keda_problems
from .monitoring import monitoring_problems
from .network import network_problems
from .schema import identity_problems, schema_problems
from .workloads import relay_problems, workload_problems

__all__ = [
    "ALL_CHECKS",
    "CONSUMERS",
    "METRICS_HOST",
    "PARTITIONS",
    "RELAY_METRICS_PORTS",
    "SERVICES",
    "Check",
    "Doc",
    "acl_problems",
    "api_problems",
    "backup_problems",
    "bootstrap_address",
    "broker_count",
    "by_name",
    "config_maps_of",
    "consumer_problems",
    "consumers_of",
    "container_port",
    "containers",
    "database_problems",
    "identity_problems",
    "kafka_cluster",
    "kafka_problems",
    "keda_problems",
    "monitoring_problems",
    "name_of",
    "network_problems",
    "of_kind",
    "pod_labels",
    "ref",
    "relay_problems",
    "schema_problems",
    "secret_problems",
    "selector_matches",
    "service_and_process",
    "setting_name",
    "strimzi_kafka_versions",
    "workload_problems",
]

ALL_CHECKS: dict[str, Check] = {
    "identity": identity_problems,
    "secrets": secret_problems,
    "workloads": workload_problems,
    "relays": relay_problems,
    "apis": api_problems,
    "consumers": consumer_problems,
    "databases": database_problems,
    "backups": backup_problems,
    "kafka": kafka_problems,
    "acls": acl_problems,
    "keda": keda_problems,
    "network": network_problems,
    "monitoring": monitoring_problems,
}
