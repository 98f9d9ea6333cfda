"""The Kubernetes manifests (deploy/k8s) render and hold the platform's rules.

Each overlay is rendered with the real kustomize (``kubectl kustomize``) and every document
is validated: core kinds against the Kubernetes OpenAPI schemas (kubernetes-validate, strict),
the Strimzi, CloudNativePG and KEDA resources against the structural schemas in
crd_schemas.py, and all of them against the checks in checks.py. The self-tests at the end
break a rendered manifest on purpose and show that the check in question catches it.
Offline: no cluster, no network.
"""

from __future__ import annotations

import copy
from collections.abc import Callable

import pytest

from . import checks
from .kustomize import K8S_DIR, OVERLAYS, render

pytestmark = pytest.mark.unit

Doc = checks.Doc
# The oldest Kubernetes the manifests must work on, and the newest schema bundled.
KUBERNETES_VERSIONS = ("1.31", "1.37")


@pytest.fixture(params=OVERLAYS)
def overlay(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def docs(overlay: str) -> list[Doc]:
    return render(K8S_DIR / "overlays" / overlay)


def find(docs: list[Doc], kind: str, name: str) -> Doc:
    return checks.by_name(docs, kind)[name]


def test_the_base_renders_on_its_own() -> None:
    kinds = {doc["kind"] for doc in render(K8S_DIR / "base")}
    assert {"Deployment", "Kafka", "Cluster", "ScaledObject", "NetworkPolicy"} <= kinds


@pytest.mark.parametrize("kubernetes_version", KUBERNETES_VERSIONS)
def test_every_document_matches_its_schema(docs: list[Doc], kubernetes_version: str) -> None:
    assert checks.schema_problems(docs, kubernetes_version) == []


@pytest.mark.parametrize("check", sorted(checks.ALL_CHECKS))
def test_manifests_hold_the_rules(docs: list[Doc], check: str) -> None:
    assert checks.ALL_CHECKS[check](docs) == []


def test_strimzi_resources_use_the_v1_api(docs: list[Doc]) -> None:
    strimzi = [doc for doc in docs if doc["apiVersion"].startswith("kafka.strimzi.io/")]
    assert {doc["apiVersion"] for doc in strimzi} == {"kafka.strimzi.io/v1"}
    assert {doc["kind"] for doc in strimzi} == {"Kafka", "KafkaNodePool", "KafkaTopic", "KafkaUser"}


def test_kafka_runs_kraft_nodes_with_both_roles(docs: list[Doc]) -> None:
    (pool,) = checks.of_kind(docs, "KafkaNodePool")
    assert sorted(pool["spec"]["roles"]) == ["broker", "controller"]
    assert "zookeeper" not in checks.kafka_cluster(docs)["spec"]


def test_clients_use_the_strimzi_bootstrap_service(docs: list[Doc]) -> None:
    assert checks.bootstrap_address(docs) == "gotong-kafka-kafka-bootstrap.gotong.svc:9092"


def test_production_is_replicated() -> None:
    docs = render(K8S_DIR / "overlays" / "prod")
    assert checks.broker_count(docs) == 3
    for topic in checks.of_kind(docs, "KafkaTopic"):
        assert topic["spec"]["replicas"] == 3, checks.ref(topic)
        assert topic["spec"]["config"]["min.insync.replicas"] == 2, checks.ref(topic)
    for cluster in checks.of_kind(docs, "Cluster"):
        assert cluster["spec"]["instances"] == 3, checks.ref(cluster)
        assert cluster["spec"]["postgresql"]["synchronous"]["dataDurability"] == "required"
    for deployment in checks.of_kind(docs, "Deployment"):
        if checks.service_and_process(deployment)[1] == "api":
            assert deployment["spec"]["replicas"] >= 2, checks.ref(deployment)


def test_dev_is_small() -> None:
    docs = render(K8S_DIR / "overlays" / "dev")
    assert checks.broker_count(docs) == 1
    assert {c["spec"]["instances"] for c in checks.of_kind(docs, "Cluster")} == {1}
    assert {t["spec"]["replicas"] for t in checks.of_kind(docs, "KafkaTopic")} == {1}


def test_reporting_consumer_scales_by_lag_up_to_the_partition_count(docs: list[Doc]) -> None:
    scaled = find(docs, "ScaledObject", "reporting-consumer")["spec"]
    assert scaled["maxReplicaCount"] == checks.PARTITIONS
    groups = {trigger["metadata"]["consumerGroup"] for trigger in scaled["triggers"]}
    assert groups == {"gotong.reporting.readmodel"}


def test_only_members_processes_hold_the_nik_key(docs: list[Doc]) -> None:
    holders = {
        checks.name_of(deployment)
        for deployment in checks.of_kind(docs, "Deployment")
        for container in checks.containers(deployment)
        for entry in container.get("env", [])
        if "NIK" in entry["name"]
    }
    assert "members-api" in holders
    assert holders <= {"members-api", "members-relay"}


# --- the checks can fail -------------------------------------------------------------------

Breakage = Callable[[list[Doc]], None]


def relay_scaled_to_two(docs: list[Doc]) -> None:
    find(docs, "Deployment", "members-relay")["spec"]["replicas"] = 2


def relay_rolling(docs: list[Doc]) -> None:
    find(docs, "Deployment", "payments-relay")["spec"]["strategy"] = {"type": "RollingUpdate"}


def writable_root(docs: list[Doc]) -> None:
    container = find(docs, "Deployment", "inventory-api")["spec"]["template"]["spec"]["containers"][
        0
    ]
    container["securityContext"]["readOnlyRootFilesystem"] = False


def memory_unbounded(docs: list[Doc]) -> None:
    container = find(docs, "Deployment", "reporting-consumer")["spec"]["template"]["spec"][
        "containers"
    ][0]
    container["resources"]["limits"]["memory"] = "1Gi"


def misspelt_field(docs: list[Doc]) -> None:
    find(docs, "Deployment", "members-api")["spec"]["replica"] = 1


def topic_with_seven_days(docs: list[Doc]) -> None:
    find(docs, "KafkaTopic", "gotong-members-events")["spec"]["config"]["retention.ms"] = (
        "604800000"
    )


def inline_secret(docs: list[Doc]) -> None:
    docs.append(
        {
            "apiVersion": "v1",
            "kind": "Secret",
            "metadata": {"name": "leak", "namespace": "gotong"},
            "stringData": {"password": "hunter2"},
        }
    )


def inline_database_url(docs: list[Doc]) -> None:
    container = find(docs, "Deployment", "payments-api")["spec"]["template"]["spec"]["containers"][
        0
    ]
    for entry in container["env"]:
        if entry["name"] == "GOTONG_PAYMENTS_DATABASE_URL":
            entry.pop("valueFrom")
            entry["value"] = "postgresql://payments:secret@db/payments"


def singular_acl_operation(docs: list[Doc]) -> None:
    acl = find(docs, "KafkaUser", "gotong-members")["spec"]["authorization"]["acls"][0]
    acl["operation"] = acl.pop("operations")[0]


def numeric_postgres_parameter(docs: list[Doc]) -> None:
    find(docs, "Cluster", "gotong-members-db")["spec"]["postgresql"]["parameters"][
        "max_connections"
    ] = 200


def partner_writes(docs: list[Doc]) -> None:
    find(docs, "KafkaUser", "partner-example")["spec"]["authorization"]["acls"][0][
        "operations"
    ].append("Write")


def service_writes_foreign_topic(docs: list[Doc]) -> None:
    find(docs, "KafkaUser", "gotong-inventory")["spec"]["authorization"]["acls"].append(
        {
            "resource": {
                "type": "topic",
                "name": "gotong.payments.events",
                "patternType": "literal",
            },
            "operations": ["Write"],
        }
    )


def relay_egress_anywhere(docs: list[Doc]) -> None:
    find(docs, "NetworkPolicy", "members-relay")["spec"]["egress"].append({})


def api_open_ingress(docs: list[Doc]) -> None:
    find(docs, "NetworkPolicy", "reporting-api")["spec"]["ingress"].append({})


def more_consumers_than_partitions(docs: list[Doc]) -> None:
    find(docs, "ScaledObject", "reporting-consumer")["spec"]["maxReplicaCount"] = 24


def wrong_bootstrap(docs: list[Doc]) -> None:
    for config_map in checks.of_kind(docs, "ConfigMap"):
        if "GOTONG_MEMBERS_KAFKA_BOOTSTRAP" in config_map.get("data", {}):
            config_map["data"]["GOTONG_MEMBERS_KAFKA_BOOTSTRAP"] = "kafka:9092"


def foreign_database(docs: list[Doc]) -> None:
    container = find(docs, "Deployment", "reporting-consumer")["spec"]["template"]["spec"][
        "containers"
    ][0]
    for entry in container["env"]:
        if entry["name"] == "GOTONG_REPORTING_DATABASE_URL":
            entry["valueFrom"]["secretKeyRef"]["name"] = "gotong-members-db-app"


def no_dead_letter_topic(docs: list[Doc]) -> None:
    docs.remove(find(docs, "KafkaTopic", "gotong-payments-events-dlt"))


def api_without_budget(docs: list[Doc]) -> None:
    docs.remove(find(docs, "PodDisruptionBudget", "inventory-api"))


def api_on_loopback(docs: list[Doc]) -> None:
    container = find(docs, "Deployment", "members-api")["spec"]["template"]["spec"]["containers"][0]
    container["command"] = ["python", "-m", "members", "api"]


def jwt_key_inline(docs: list[Doc]) -> None:
    container = find(docs, "Deployment", "payments-api")["spec"]["template"]["spec"]["containers"][
        0
    ]
    container["env"].append({"name": "GOTONG_PAYMENTS_JWT_KEY", "value": "not-so-secret"})


def consumers_exhaust_connections(docs: list[Doc]) -> None:
    find(docs, "Cluster", "gotong-reporting-db")["spec"]["postgresql"]["parameters"][
        "max_connections"
    ] = "100"


def schema(docs: list[Doc]) -> list[str]:
    return checks.schema_problems(docs, KUBERNETES_VERSIONS[0])


BREAKAGES: list[tuple[Breakage, Callable[[list[Doc]], list[str]]]] = [
    (relay_scaled_to_two, checks.relay_problems),
    (relay_rolling, checks.relay_problems),
    (writable_root, checks.workload_problems),
    (memory_unbounded, checks.workload_problems),
    (misspelt_field, schema),
    (topic_with_seven_days, checks.kafka_problems),
    (inline_secret, checks.secret_problems),
    (inline_database_url, checks.secret_problems),
    (singular_acl_operation, schema),
    (numeric_postgres_parameter, schema),
    (partner_writes, checks.acl_problems),
    (service_writes_foreign_topic, checks.acl_problems),
    (relay_egress_anywhere, checks.network_problems),
    (api_open_ingress, checks.network_problems),
    (more_consumers_than_partitions, checks.keda_problems),
    (wrong_bootstrap, checks.kafka_problems),
    (foreign_database, checks.database_problems),
    (no_dead_letter_topic, checks.kafka_problems),
    (api_without_budget, checks.api_problems),
    (api_on_loopback, checks.api_problems),
    (jwt_key_inline, checks.secret_problems),
    (consumers_exhaust_connections, checks.database_problems),
]


@pytest.mark.parametrize(
    ("breakage", "check"), BREAKAGES, ids=[breakage.__name__ for breakage, _ in BREAKAGES]
)
def test_each_check_catches_its_breakage(
    breakage: Breakage, check: Callable[[list[Doc]], list[str]]
) -> None:
    docs = render(K8S_DIR / "overlays" / "prod")
    assert check(docs) == []
    broken = copy.deepcopy(docs)
    breakage(broken)
    assert check(broken) != []
