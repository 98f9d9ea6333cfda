"""Checks over a rendered set of manifests.

Each check takes the rendered documents and returns a list of problems (empty when all is
well), so that a test can show every problem at once and the self-tests can show that each
check does fail on a broken manifest.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

import jsonschema
import kubernetes_validate

from .crd_schemas import CRD_SCHEMAS

Doc = dict[str, Any]
Check = Callable[[list[Doc]], list[str]]

NAMESPACE = "gotong"
SERVICES = ("members", "inventory", "payments", "reporting")
IMAGE_REPOSITORY = "ghcr.io/gotong"
API_PORT = 8000
MEMORY_LIMIT_MAX = 256 * 2**20
PARTITIONS = 12
MEMBERS_EVENTS = "gotong.members.events"
INVENTORY_EVENTS = "gotong.inventory.events"
PAYMENTS_EVENTS = "gotong.payments.events"


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
}
# Service -> processes beyond the API and the outbox relay that every service has.
EXTRA_PROCESSES = {service: ("consumer",) for service in CONSUMERS}
# Every service publishes through its outbox (reporting: SHU calculations).
WITHOUT_RELAY: frozenset[str] = frozenset()
# Every domain topic some consumer reads (each needs its dead-letter topic).
CONSUMED_TOPICS = tuple(sorted({t for spec in CONSUMERS.values() for t in spec.topics}))
DEAD_LETTER_SUFFIX = ".dlt"
INGRESS_NAMESPACES = frozenset({"ingress-nginx", "monitoring"})
# Who may reach a consumer: Prometheus, for the metrics port only.
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


# --- small helpers -------------------------------------------------------------------------


def name_of(doc: Doc) -> str:
    return str(doc.get("metadata", {}).get("name", "?"))


def ref(doc: Doc) -> str:
    return f"{doc.get('kind')}/{name_of(doc)}"


def of_kind(docs: Iterable[Doc], kind: str) -> list[Doc]:
    return [doc for doc in docs if doc.get("kind") == kind]


def by_name(docs: Iterable[Doc], kind: str) -> dict[str, Doc]:
    return {name_of(doc): doc for doc in of_kind(docs, kind)}


def quantity_bytes(value: str | int) -> int:
    """A Kubernetes memory quantity ("256Mi", "2Gi", "512M", "1048576") in bytes."""
    text = str(value)
    units = {
        "Ki": 2**10,
        "Mi": 2**20,
        "Gi": 2**30,
        "Ti": 2**40,
        "k": 10**3,
        "M": 10**6,
        "G": 10**9,
        "T": 10**12,
    }
    for suffix, factor in units.items():
        if text.endswith(suffix):
            return int(float(text[: -len(suffix)]) * factor)
    return int(text)


def postgres_size_bytes(value: str) -> int:
    """A PostgreSQL size setting ("4GB", "512MB") in bytes."""
    match = re.fullmatch(r"(\d+)\s*(kB|MB|GB|TB)", value)
    if match is None:
        raise ValueError(f"not a PostgreSQL size: {value!r}")
    factor = {"kB": 2**10, "MB": 2**20, "GB": 2**30, "TB": 2**40}[match.group(2)]
    return int(match.group(1)) * factor


def selector_matches(selector: Doc | None, labels: dict[str, str]) -> bool:
    """Kubernetes LabelSelector semantics (an empty selector matches everything)."""
    selector = selector or {}
    for key, value in selector.get("matchLabels", {}).items():
        if labels.get(key) != value:
            return False
    for expression in selector.get("matchExpressions", []):
        key, operator = expression["key"], expression["operator"]
        values = expression.get("values", [])
        if operator == "In" and labels.get(key) not in values:
            return False
        if operator == "NotIn" and labels.get(key) in values:
            return False
        if operator == "Exists" and key not in labels:
            return False
        if operator == "DoesNotExist" and key in labels:
            return False
    return True


def pod_labels(deployment: Doc) -> dict[str, str]:
    return dict(deployment["spec"]["template"]["metadata"].get("labels", {}))


def containers(deployment: Doc) -> list[Doc]:
    return list(deployment["spec"]["template"]["spec"].get("containers", []))


def service_and_process(deployment: Doc) -> tuple[str, str]:
    service, _, process = name_of(deployment).partition("-")
    return service, process


def env_value(container: Doc, name: str) -> Doc | None:
    for entry in container.get("env", []):
        if entry.get("name") == name:
            return dict(entry)
    return None


def config_maps_of(container: Doc, docs: list[Doc]) -> Iterator[Doc]:
    maps = by_name(docs, "ConfigMap")
    for source in container.get("envFrom", []):
        name = source.get("configMapRef", {}).get("name")
        if name in maps:
            yield maps[name]


def setting(container: Doc, docs: list[Doc], name: str) -> str | None:
    """The value a container sees for ``name`` from a literal env entry or its ConfigMaps."""
    entry = env_value(container, name)
    if entry is not None and "value" in entry:
        return str(entry["value"])
    for config_map in config_maps_of(container, docs):
        if name in config_map.get("data", {}):
            return str(config_map["data"][name])
    return None


def setting_name(service: str, field: str) -> str:
    """The environment variable pydantic-settings reads ``field`` of ``service`` from."""
    return f"GOTONG_{service.upper()}_{field.upper()}"


def consumed_topics(container: Doc, docs: list[Doc], service: str) -> tuple[str, ...] | None:
    """The topics a consumer container is configured to read (None: unset or not JSON)."""
    spec = CONSUMERS.get(service)
    if spec is None:
        return None
    raw = setting(container, docs, setting_name(service, spec.topics_field))
    if raw is None:
        return None
    try:
        value = json.loads(raw)
    except ValueError:
        return None
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        return None
    return tuple(value)


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


# --- schema validation ---------------------------------------------------------------------


def schema_problems(docs: list[Doc], kubernetes_version: str) -> list[str]:
    """Every document is valid: core kinds against the Kubernetes OpenAPI schemas bundled in
    kubernetes-validate (strict: unknown fields fail), custom resources against CRD_SCHEMAS."""
    problems = []
    for doc in docs:
        key = (doc.get("apiVersion", ""), doc.get("kind", ""))
        if key[0] in CORE_GROUPS:
            try:
                kubernetes_validate.validate(doc, kubernetes_version, strict=True)
            except kubernetes_validate.ValidationError as error:
                path = ".".join(str(part) for part in error.path)
                problems.append(f"{ref(doc)}: {path}: {error.message}")
            except kubernetes_validate.SchemaNotFoundError:
                problems.append(f"{ref(doc)}: no Kubernetes {kubernetes_version} schema")
        elif key in CRD_SCHEMAS:
            validator = jsonschema.Draft202012Validator(CRD_SCHEMAS[key])
            for error in validator.iter_errors(doc):
                path = ".".join(str(part) for part in error.absolute_path)
                problems.append(f"{ref(doc)}: {path}: {error.message}")
        else:
            problems.append(f"{ref(doc)}: {key[0]} has no schema to validate against")
    return problems


def identity_problems(docs: list[Doc]) -> list[str]:
    """Names are unique per kind and everything lives in the gotong namespace."""
    problems, seen = [], set()
    for doc in docs:
        key = (doc.get("kind"), name_of(doc))
        if key in seen:
            problems.append(f"{ref(doc)}: defined twice")
        seen.add(key)
        namespace = doc.get("metadata", {}).get("namespace")
        if doc.get("kind") not in CLUSTER_SCOPED and namespace != NAMESPACE:
            problems.append(f"{ref(doc)}: namespace {namespace!r}, expected {NAMESPACE!r}")
    return problems


# --- secrets -------------------------------------------------------------------------------


def secret_problems(docs: list[Doc]) -> list[str]:
    """No secret value is written in the manifests: Secrets come from the operators or the
    cluster's secret management, and workloads only reference them."""
    problems = []
    for doc in of_kind(docs, "Secret"):
        if doc.get("data") or doc.get("stringData"):
            problems.append(f"{ref(doc)}: inline secret data")
    for config_map in of_kind(docs, "ConfigMap"):
        for key in config_map.get("data", {}):
            if SENSITIVE_NAME.search(key):
                problems.append(f"{ref(config_map)}: {key} belongs in a Secret")
    for deployment in of_kind(docs, "Deployment"):
        for container in containers(deployment):
            for entry in container.get("env", []):
                if not SENSITIVE_NAME.search(entry["name"]):
                    continue
                if "secretKeyRef" not in entry.get("valueFrom", {}):
                    problems.append(
                        f"{ref(deployment)}/{container['name']}: {entry['name']} "
                        "is not taken from a Secret"
                    )
    return problems


# --- workloads -----------------------------------------------------------------------------


def expected_deployments() -> set[str]:
    names = set()
    for service in SERVICES:
        relay = () if service in WITHOUT_RELAY else ("relay",)
        for process in ("api", *relay, *EXTRA_PROCESSES.get(service, ())):
            names.add(f"{service}-{process}")
    return names


def hardening_problems(deployment: Doc, container: Doc) -> list[str]:
    where = f"{ref(deployment)}/{container['name']}"
    pod = deployment["spec"]["template"]["spec"].get("securityContext", {})
    own = container.get("securityContext", {})

    def effective(field: str) -> Any:
        return own.get(field, pod.get(field))

    problems = []
    if effective("runAsNonRoot") is not True:
        problems.append(f"{where}: runAsNonRoot is not true")
    if own.get("readOnlyRootFilesystem") is not True:
        problems.append(f"{where}: readOnlyRootFilesystem is not true")
    if own.get("allowPrivilegeEscalation") is not False:
        problems.append(f"{where}: allowPrivilegeEscalation is not false")
    if "ALL" not in own.get("capabilities", {}).get("drop", []):
        problems.append(f"{where}: capabilities do not drop ALL")
    if own.get("capabilities", {}).get("add"):
        problems.append(f"{where}: adds capabilities")
    if (effective("seccompProfile") or {}).get("type") != "RuntimeDefault":
        problems.append(f"{where}: seccompProfile is not RuntimeDefault")
    if effective("runAsUser") == 0:
        problems.append(f"{where}: runs as uid 0")
    return problems


def resource_problems(deployment: Doc, container: Doc) -> list[str]:
    where = f"{ref(deployment)}/{container['name']}"
    resources = container.get("resources", {})
    problems = [
        f"{where}: no {kind}.{resource}"
        for kind in ("requests", "limits")
        for resource in ("cpu", "memory")
        if resource not in resources.get(kind, {})
    ]
    limit = resources.get("limits", {}).get("memory")
    if limit is not None and quantity_bytes(limit) > MEMORY_LIMIT_MAX:
        problems.append(f"{where}: memory limit {limit} above 256Mi (target <= 200 MB RSS)")
    request = resources.get("requests", {}).get("memory")
    if (
        limit is not None
        and request is not None
        and (quantity_bytes(request) > quantity_bytes(limit))
    ):
        problems.append(f"{where}: memory request above the limit")
    return problems


def workload_problems(docs: list[Doc]) -> list[str]:
    """One Deployment per service process, each hardened, bounded and running its image."""
    problems = []
    deployments = by_name(docs, "Deployment")
    missing = expected_deployments() - deployments.keys()
    unexpected = deployments.keys() - expected_deployments()
    problems += [f"Deployment/{name}: missing" for name in sorted(missing)]
    problems += [f"Deployment/{name}: not a known service process" for name in sorted(unexpected)]
    for deployment in deployments.values():
        service, process = service_and_process(deployment)
        template = deployment["spec"]["template"]["spec"]
        if template.get("automountServiceAccountToken") is not False:
            problems.append(f"{ref(deployment)}: mounts a service account token")
        if len(containers(deployment)) != 1:
            problems.append(f"{ref(deployment)}: expected exactly one container")
        for container in containers(deployment) + list(template.get("initContainers", [])):
            problems += hardening_problems(deployment, container)
            problems += resource_problems(deployment, container)
            image = container.get("image", "")
            if not re.fullmatch(
                rf"{IMAGE_REPOSITORY}/{service}:[\w.-]+(@sha256:[0-9a-f]{{64}})?", image
            ):
                problems.append(f"{ref(deployment)}: image {image!r} is not a tagged {service}")
            command = container.get("command") or []
            if command[:4] != ["python", "-m", service, process]:
                problems.append(f"{ref(deployment)}: command {command!r}")
    return problems


def relay_problems(docs: list[Doc]) -> list[str]:
    """One active relay per service: exactly one replica, and Recreate so that a rollout
    never runs the old and the new relay side by side."""
    problems = []
    for deployment in of_kind(docs, "Deployment"):
        if service_and_process(deployment)[1] != "relay":
            continue
        if deployment["spec"].get("replicas") != 1:
            problems.append(f"{ref(deployment)}: replicas {deployment['spec'].get('replicas')}")
        if deployment["spec"].get("strategy", {}).get("type") != "Recreate":
            problems.append(f"{ref(deployment)}: strategy is not Recreate")
    return problems


def container_port(deployment: Doc, port: int | str) -> int | None:
    for container in containers(deployment):
        for item in container.get("ports", []):
            if port in (item.get("name"), item.get("containerPort")):
                return int(item["containerPort"])
    return None


def probe_problems(deployment: Doc, container: Doc) -> list[str]:
    problems = []
    for probe, path in (("readinessProbe", "/ready"), ("livenessProbe", "/health")):
        http = container.get(probe, {}).get("httpGet", {})
        if http.get("path") != path or container_port(deployment, http.get("port")) != API_PORT:
            problems.append(f"{ref(deployment)}: {probe} is not GET {path} on {API_PORT}")
    return problems


def bind_problems(deployment: Doc, container: Doc) -> list[str]:
    """uvicorn listens on 127.0.0.1:8001 unless told: the command must say 0.0.0.0:8000."""
    command = container.get("command") or []
    options = dict(zip(command[4::2], command[5::2], strict=False))
    if options.get("--host") != "0.0.0.0" or options.get("--port") != str(API_PORT):  # noqa: S104
        return [f"{ref(deployment)}: API does not listen on 0.0.0.0:{API_PORT}: {command}"]
    return []


def jwt_key_problems(deployment: Doc, container: Doc) -> list[str]:
    """The JWT verification key file lies in a mounted Secret volume."""
    service, _ = service_and_process(deployment)
    entry = env_value(container, f"GOTONG_{service.upper()}_JWT_KEY_FILE") or {}
    path = str(entry.get("value", ""))
    volumes = {v["name"]: v for v in deployment["spec"]["template"]["spec"].get("volumes", [])}
    for mount in container.get("volumeMounts", []):
        volume = volumes.get(mount["name"], {})
        if path.startswith(mount["mountPath"].rstrip("/") + "/") and "secret" in volume:
            return []
    return [f"{ref(deployment)}: JWT key file {path!r} is not in a mounted Secret"]


def api_problems(docs: list[Doc]) -> list[str]:
    """Each API: port 8000, /ready and /health probes, Prometheus scraping of /metrics, a
    Service in front and a PodDisruptionBudget."""
    problems = []
    services, budgets = of_kind(docs, "Service"), of_kind(docs, "PodDisruptionBudget")
    for deployment in of_kind(docs, "Deployment"):
        if service_and_process(deployment)[1] != "api":
            continue
        labels = pod_labels(deployment)
        (container,) = containers(deployment)
        problems += probe_problems(deployment, container)
        problems += bind_problems(deployment, container)
        problems += jwt_key_problems(deployment, container)
        annotations = deployment["spec"]["template"]["metadata"].get("annotations", {})
        wanted = {
            "prometheus.io/scrape": "true",
            "prometheus.io/port": str(API_PORT),
            "prometheus.io/path": "/metrics",
        }
        for key, value in wanted.items():
            if annotations.get(key) != value:
                problems.append(f"{ref(deployment)}: annotation {key} is not {value!r}")
        fronting = [
            s
            for s in services
            if selector_matches({"matchLabels": s["spec"].get("selector", {})}, labels)
        ]
        if len(fronting) != 1:
            problems.append(f"{ref(deployment)}: {len(fronting)} Services select its pods")
        for service in fronting:
            for port in service["spec"]["ports"]:
                if container_port(deployment, port.get("targetPort", port["port"])) != API_PORT:
                    problems.append(f"{ref(service)}: port {port['port']} misses the API port")
        if not any(selector_matches(b["spec"]["selector"], labels) for b in budgets):
            problems.append(f"{ref(deployment)}: no PodDisruptionBudget")
    for budget in budgets:
        selected = [
            d
            for d in of_kind(docs, "Deployment")
            if selector_matches(budget["spec"]["selector"], pod_labels(d))
        ]
        if [service_and_process(d)[1] for d in selected] != ["api"]:
            problems.append(f"{ref(budget)}: must select exactly one API Deployment")
    return problems


def consumers_of(docs: list[Doc]) -> list[Doc]:
    return [d for d in of_kind(docs, "Deployment") if service_and_process(d)[1] == "consumer"]


def consumer_problems(docs: list[Doc]) -> list[str]:
    """Each consumer reads the topics, in the group, that its service's code consumes (the
    settings names and their JSON form included), and serves its metrics to Prometheus: bound
    to 0.0.0.0, a named container port, and prometheus.io/* annotations on that port."""
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
        host = setting(container, docs, setting_name(service, "consumer_metrics_host"))
        if host != METRICS_HOST:
            problems.append(f"{ref(deployment)}: metrics bound to {host!r}, not {METRICS_HOST}")
        port = setting(container, docs, setting_name(service, "consumer_metrics_port"))
        if port != str(spec.metrics_port):
            problems.append(f"{ref(deployment)}: metrics port {port!r}, not {spec.metrics_port}")
        if container_port(deployment, "metrics") != spec.metrics_port:
            problems.append(f"{ref(deployment)}: no container port 'metrics' {spec.metrics_port}")
        annotations = deployment["spec"]["template"]["metadata"].get("annotations", {})
        wanted = {
            "prometheus.io/scrape": "true",
            "prometheus.io/port": str(spec.metrics_port),
            "prometheus.io/path": "/metrics",
        }
        for key, value in wanted.items():
            if annotations.get(key) != value:
                problems.append(f"{ref(deployment)}: annotation {key} is not {value!r}")
    return problems


# --- PostgreSQL (CloudNativePG) ------------------------------------------------------------


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


# --- Kafka (Strimzi) -----------------------------------------------------------------------


def kafka_problems(docs: list[Doc]) -> list[str]:
    """A KRaft cluster with persistent storage, durable topics that keep events forever, and
    clients that point at its bootstrap service."""
    problems = []
    kafkas = of_kind(docs, "Kafka")
    if len(kafkas) != 1:
        return [f"expected one Kafka, found {len(kafkas)}"]
    kafka = kafkas[0]
    cluster = name_of(kafka)
    annotations = kafka["metadata"].get("annotations", {})
    for key in ("strimzi.io/kraft", "strimzi.io/node-pools"):
        if annotations.get(key) != "enabled":
            problems.append(f"{ref(kafka)}: annotation {key} is not enabled")
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
    if not any(acl["resource"]["type"] == "group" for acl in acls):
        problems.append(f"{ref(partner)}: no consumer group to read with")
    return problems


def credential_problems(docs: list[Doc], users: dict[str, Doc]) -> list[str]:
    """Every Kafka client logs in as a KafkaUser, with the password Secret of that user."""
    problems = []
    for deployment in of_kind(docs, "Deployment"):
        service, process = service_and_process(deployment)
        if process == "api":
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


# --- scaling (KEDA) ------------------------------------------------------------------------


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


# --- network policies ----------------------------------------------------------------------


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
            if kind.startswith("infra:"):
                allowed = INFRA_EGRESS[kind.removeprefix("infra:")]
                if any(port.get("port") not in allowed for port in ports):
                    problems.append(f"{ref(policy)}: egress to {kind} beyond ports {allowed}")
    wanted = {"own-db"} | ({"kafka"} if process != "api" else set())
    if "kafka" in kinds and process == "api":
        problems.append(f"{ref(policy)}: the API reaches Kafka (only relays/consumers should)")
    if not wanted <= kinds:
        problems.append(f"{ref(policy)}: egress lacks {sorted(wanted - kinds)}")
    return problems


def ingress_problems(policy: Doc, deployment: Doc) -> list[str]:
    """APIs: from the ingress and monitoring namespaces, on the API port. Consumers: from
    monitoring, on the metrics port. Relays: nothing."""
    service, process = service_and_process(deployment)
    problems = []
    rules = policy["spec"].get("ingress", [])
    if process == "api":
        namespaces, port = INGRESS_NAMESPACES, API_PORT
    elif process == "consumer" and service in CONSUMERS:
        namespaces, port = METRICS_NAMESPACES, CONSUMERS[service].metrics_port
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
    monitoring) namespace; consumers only by Prometheus on their metrics port; relays accept
    nothing. Relays and consumers talk only to Kafka and their own PostgreSQL (plus DNS and
    the OTLP collector), and are labelled so that the brokers' policy lets them in."""
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
            if process == "api" and admitted:
                problems.append(f"{ref(deployment)}: the brokers' policy admits an API")
            if process != "api" and not admitted:
                problems.append(f"{ref(deployment)}: the brokers' policy keeps it out of Kafka")
    return problems


ALL_CHECKS: dict[str, Check] = {
    "identity": identity_problems,
    "secrets": secret_problems,
    "workloads": workload_problems,
    "relays": relay_problems,
    "apis": api_problems,
    "consumers": consumer_problems,
    "databases": database_problems,
    "kafka": kafka_problems,
    "acls": acl_problems,
    "keda": keda_problems,
    "network": network_problems,
}
