"""PostgreSQL (CloudNativePG): one cluster per service, replication, WAL, and a connection
budget that holds at full scale."""

from __future__ import annotations

from .docs import (
    Doc,
    by_name,
    containers,
    env_value,
    name_of,
    of_kind,
    postgres_size_bytes,
    quantity_bytes,
    ref,
    service_and_process,
    setting,
)
from .expected import DEFAULT_POOL_MAX_SIZE, RESERVED_CONNECTIONS, SERVICES


def database_problems(docs: list[Doc]) -> list[str]:
    """One CloudNativePG cluster per service, used only by that service through the Secret the
    operator generates, synchronous when it has standbys, and WAL that fits its volume."""
    problems = []
    clusters = by_name(docs, "Cluster")
    for service in SERVICES:
        if f"gotong-{service}-db" not in clusters:
            problems.append(f"Cluster/gotong-{service}-db: missing")
    for deployment in of_kind(docs, "Deployment"):
        service, _ = service_and_process(deployment)
        for container in containers(deployment):
            entry = env_value(container, f"GOTONG_{service.upper()}_DATABASE_URL") or {}
            secret = entry.get("valueFrom", {}).get("secretKeyRef", {})
            wanted = {"name": f"gotong-{service}-db-app", "key": "uri"}
            if {key: secret.get(key) for key in wanted} != wanted:
                problems.append(f"{ref(deployment)}: database URL is not {wanted}")
    for cluster in clusters.values():
        spec = cluster["spec"]
        synchronous = spec.get("postgresql", {}).get("synchronous")
        standbys = spec["instances"] - 1
        if standbys >= 1 and synchronous is None:
            problems.append(f"{ref(cluster)}: standbys without synchronous replication")
        if synchronous is not None and synchronous["number"] > standbys:
            problems.append(
                f"{ref(cluster)}: {synchronous['number']} synchronous standbys "
                f"wanted, {standbys} exist"
            )
        parameters = spec.get("postgresql", {}).get("parameters", {})
        wal_volume = spec.get("walStorage", spec["storage"])["size"]
        if "max_wal_size" in parameters and (
            postgres_size_bytes(parameters["max_wal_size"]) >= quantity_bytes(wal_volume)
        ):
            problems.append(f"{ref(cluster)}: max_wal_size does not fit the WAL volume")
    problems += connection_budget_problems(docs)
    for backup in of_kind(docs, "ScheduledBackup"):
        if backup["spec"]["cluster"]["name"] not in clusters:
            problems.append(f"{ref(backup)}: unknown cluster")
    return problems


def most_pods(deployment: Doc, docs: list[Doc]) -> int:
    """The most pods a Deployment can run at once: its replicas (or its KEDA maximum), plus
    the surge pod of a rolling update."""
    spec = deployment["spec"]
    replicas = int(spec.get("replicas", 1))
    for scaled in of_kind(docs, "ScaledObject"):
        if scaled["spec"]["scaleTargetRef"]["name"] == name_of(deployment):
            replicas = int(scaled["spec"].get("maxReplicaCount", 100))
    strategy = spec.get("strategy", {})
    surge = 0 if strategy.get("type") == "Recreate" else 1
    return replicas + surge


def connection_budget_problems(docs: list[Doc]) -> list[str]:
    """At full scale, a service's pools fit in its PostgreSQL's max_connections: every
    Deployment of the service counts (API, relay and, for inventory, payments and reporting,
    the KEDA-scaled consumer at its maximum), each pod with the pool size its settings give,
    plus one surge pod per rolling Deployment."""
    problems = []
    clusters = by_name(docs, "Cluster")
    for service in SERVICES:
        cluster = clusters.get(f"gotong-{service}-db")
        if cluster is None:
            continue
        parameters = cluster["spec"].get("postgresql", {}).get("parameters", {})
        available = int(parameters.get("max_connections", "100")) - RESERVED_CONNECTIONS
        wanted = 0
        for deployment in of_kind(docs, "Deployment"):
            if service_and_process(deployment)[0] != service:
                continue
            (container,) = containers(deployment)
            pool = setting(container, docs, f"GOTONG_{service.upper()}_POOL_MAX_SIZE")
            wanted += most_pods(deployment, docs) * int(pool or DEFAULT_POOL_MAX_SIZE)
        if wanted > available:
            problems.append(
                f"{ref(cluster)}: pools may open {wanted} connections, {available} available"
            )
    return problems
