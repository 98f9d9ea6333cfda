"""The Kubernetes manifests (deploy/k8s) render and hold the platform's rules.

Each overlay is rendered with the real kustomize (``kubectl kustomize``) and every document
is validated: core kinds against the Kubernetes OpenAPI schemas (kubernetes-validate, strict),
the Strimzi and Prometheus Operator resources against those projects' own CRDs (vendored in
crds/, closed), the CloudNativePG and KEDA resources against the structural schemas in
checks/crd_schemas.py, all of them against the checks of the checks package, and the settings
the containers get against the services' settings classes (settings_check.py). The self-tests
at the end break a rendered manifest on purpose and show that the check in question catches
it. Offline: no cluster, no network.
"""

from __future__ import annotations

import copy
from collections.abc import Callable

import pytest

from gotong_devstack import KAFKA_VERSION
from gotong_devstack.run import SERVICES

from . import checks, settings_check
from .kustomize import EXAMPLES, K8S_DIR, OVERLAYS, render

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


def test_every_service_database_archives_its_wal_and_is_backed_up_daily(
    docs: list[Doc],
) -> None:
    stores = checks.by_name(docs, "ObjectStore")
    for service in checks.SERVICES:
        cluster = find(docs, "Cluster", f"gotong-{service}-db")
        (archiver,) = cluster["spec"]["plugins"]
        assert archiver["name"] == "barman-cloud.cloudnative-pg.io"
        assert archiver["isWALArchiver"] is True
        store = stores[archiver["parameters"]["barmanObjectName"]]
        assert store["spec"]["retentionPolicy"] == "30d"
        assert store["spec"]["configuration"]["destinationPath"] == (
            f"s3://gotong-db-backups/{service}")
        assert store["spec"]["configuration"]["s3Credentials"]["secretAccessKey"] == {
            "name": "gotong-db-backups", "key": "ACCESS_SECRET_KEY"}
        backup = find(docs, "ScheduledBackup", f"gotong-{service}-db-daily")["spec"]
        assert backup["cluster"] == {"name": f"gotong-{service}-db"}
        assert (backup["suspend"], backup["immediate"], backup["schedule"]) == (
            False, True, "0 0 2 * * *")
        assert "backup" not in cluster["spec"]  # the deprecated in-tree barmanObjectStore


@pytest.mark.parametrize("example", EXAMPLES)
@pytest.mark.parametrize("kubernetes_version", KUBERNETES_VERSIONS)
def test_each_example_is_valid_and_holds_the_rules(example: str, kubernetes_version: str) -> None:
    docs = render(K8S_DIR / "examples" / example)
    assert checks.schema_problems(docs, kubernetes_version) == []
    assert {name: check(docs) for name, check in checks.ALL_CHECKS.items()} == {
        name: [] for name in checks.ALL_CHECKS}


def test_the_restore_example_changes_only_how_the_payments_database_begins() -> None:
    """The documented point-in-time restore: the production overlay, except that the
    payments Cluster is recovered from its own archive up to a target time and archives
    anew under another name. Every other document is exactly production's."""
    restored = render(K8S_DIR / "examples" / "restore-payments")
    prod = render(K8S_DIR / "overlays" / "prod")
    cluster = find(restored, "Cluster", "gotong-payments-db")
    recovery = cluster["spec"]["bootstrap"]["recovery"]
    assert set(cluster["spec"]["bootstrap"]) == {"recovery"}
    assert recovery["recoveryTarget"]["targetTime"] == "2026-08-20T09:30:00+08:00"
    (source,) = cluster["spec"]["externalClusters"]
    assert source["name"] == recovery["source"]
    assert source["plugin"]["parameters"] == {"barmanObjectName": "gotong-payments-backups",
                                              "serverName": "gotong-payments-db"}
    assert cluster["spec"]["plugins"][0]["parameters"] == {
        "barmanObjectName": "gotong-payments-backups", "serverName": "gotong-payments-db-r1"}
    original = find(prod, "Cluster", "gotong-payments-db")
    for spec in (cluster["spec"], original["spec"]):
        for key in ("bootstrap", "externalClusters", "plugins"):
            spec.pop(key, None)
    assert cluster == original
    assert [d for d in restored if d["kind"] != "Cluster" or checks.name_of(d) !=
            "gotong-payments-db"] == [d for d in prod if d["kind"] != "Cluster" or
                                      checks.name_of(d) != "gotong-payments-db"]


def test_strimzi_resources_use_the_v1_api(docs: list[Doc]) -> None:
    strimzi = [doc for doc in docs if doc["apiVersion"].startswith("kafka.strimzi.io/")]
    assert {doc["apiVersion"] for doc in strimzi} == {"kafka.strimzi.io/v1"}
    assert {doc["kind"] for doc in strimzi} == {"Kafka", "KafkaNodePool", "KafkaTopic", "KafkaUser"}


def test_kafka_is_the_release_the_devstack_runs(docs: list[Doc]) -> None:
    """Tests run against the local broker; production must run the same release."""
    kafka = checks.kafka_cluster(docs)["spec"]["kafka"]
    assert kafka["version"] == KAFKA_VERSION
    assert kafka["metadataVersion"] == checks.strimzi_kafka_versions()[KAFKA_VERSION]


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
    # The dev patches select by label, so every consumer gets the small requests.
    for deployment in checks.consumers_of(docs):
        (container,) = checks.containers(deployment)
        assert container["resources"]["requests"] == {"cpu": "50m", "memory": "128Mi"}, checks.ref(
            deployment
        )


def test_every_service_but_members_runs_a_consumer(docs: list[Doc]) -> None:
    consumers = {checks.name_of(d) for d in checks.consumers_of(docs)}
    assert consumers == {"inventory-consumer", "payments-consumer", "reporting-consumer",
                         "partners-consumer"}


def test_make_run_starts_the_processes_production_runs(docs: list[Doc]) -> None:
    """Every Deployment's process, and nothing else, is one `make run` starts locally (the
    reporting relay was missing there once: the SHU events never left its outbox)."""
    deployed = {}
    for deployment in checks.of_kind(docs, "Deployment"):
        (container,) = checks.containers(deployment)
        python, flag, service, process = container["command"][:4]
        assert (python, flag) == ("python", "-m"), checks.ref(deployment)
        deployed[checks.name_of(deployment)] = (service, process)
    local = {s.name: tuple(s.args[1:3]) for s in SERVICES}
    assert all(s.args[0] == "-m" for s in SERVICES)
    assert local == deployed


@pytest.mark.parametrize("service", sorted(checks.CONSUMERS))
def test_each_consumer_scales_by_lag_up_to_the_partition_count(
    docs: list[Doc], service: str
) -> None:
    spec = checks.CONSUMERS[service]
    scaled = find(docs, "ScaledObject", f"{service}-consumer")["spec"]
    assert scaled["scaleTargetRef"]["name"] == f"{service}-consumer"
    assert (scaled["minReplicaCount"], scaled["maxReplicaCount"]) == (1, checks.PARTITIONS)
    assert {t["metadata"]["consumerGroup"] for t in scaled["triggers"]} == {spec.group}
    assert sorted(t["metadata"]["topic"] for t in scaled["triggers"]) == sorted(spec.topics)


@pytest.mark.parametrize("service", sorted(checks.CONSUMERS))
def test_each_consumer_is_scraped_on_its_metrics_port(docs: list[Doc], service: str) -> None:
    deployment = find(docs, "Deployment", f"{service}-consumer")
    annotations = deployment["spec"]["template"]["metadata"]["annotations"]
    port = checks.CONSUMERS[service].metrics_port
    assert annotations["prometheus.io/port"] == str(port)
    assert checks.container_port(deployment, "metrics") == port
    (policy,) = [
        p
        for p in checks.of_kind(docs, "NetworkPolicy")
        if checks.selector_matches(p["spec"]["podSelector"], checks.pod_labels(deployment))
    ]
    assert [
        peer["namespaceSelector"]["matchLabels"]
        for r in policy["spec"]["ingress"]
        for peer in r["from"]
    ] == [{"kubernetes.io/metadata.name": "monitoring"}]


def test_only_members_api_holds_the_nik_key(docs: list[Doc]) -> None:
    holders = {
        checks.name_of(deployment)
        for deployment in checks.of_kind(docs, "Deployment")
        for container in checks.containers(deployment)
        for entry in container.get("env", [])
        if "NIK" in entry["name"]
    }
    assert holders == {"members-api"}


def test_the_settings_the_containers_get_are_the_ones_the_code_reads(docs: list[Doc]) -> None:
    assert settings_check.settings_problems(docs) == []


def test_the_known_unread_settings_are_still_unread(docs: list[Doc]) -> None:
    # When a settings class gains one of these fields, drop it from KNOWN_UNREAD.
    assert settings_check.unread_names(docs) == settings_check.KNOWN_UNREAD


@pytest.mark.parametrize("service", sorted(checks.CONSUMERS))
def test_the_manifests_consume_at_least_what_the_code_consumes_by_default(service: str) -> None:
    # The manifests pin each consumer's topics and group; a topic the code starts to consume
    # by default must reach the ConfigMap, the ScaledObject and the KafkaUser as well.
    spec = checks.CONSUMERS[service]
    defaults = settings_check.load_settings(service, {})
    assert set(getattr(defaults, spec.topics_field)) <= set(spec.topics)
    assert defaults.consumer_group == spec.group
    assert defaults.consumer_metrics_port == spec.metrics_port


@pytest.mark.parametrize("service", sorted(checks.RELAY_METRICS_PORTS))
def test_each_relay_is_scraped_and_probed_on_its_own_port(docs: list[Doc], service: str) -> None:
    """The relay's settings default (what `make run` uses) is the port the manifests expose,
    and no two processes of `make run` (APIs, consumers, relays) share a port."""
    port = checks.RELAY_METRICS_PORTS[service]
    assert settings_check.load_settings(service, {}).relay_metrics_port == port
    deployment = find(docs, "Deployment", f"{service}-relay")
    assert deployment["spec"]["template"]["metadata"]["annotations"]["prometheus.io/port"] == (
        str(port))
    (container,) = checks.containers(deployment)
    assert container["readinessProbe"]["httpGet"] == {"path": "/ready", "port": "metrics"}
    local_ports = [s.port for s in SERVICES if s.port is not None]
    local_ports += [s.metrics_port for s in SERVICES if s.metrics_port is not None]
    local_ports += list(checks.RELAY_METRICS_PORTS.values())
    assert len(local_ports) == len(set(local_ports))


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


def kafka_field_misspelt(docs: list[Doc]) -> None:
    listener = find(docs, "Kafka", "gotong-kafka")["spec"]["kafka"]["listeners"][0]
    listener["networkPolicyPeers"][0]["podSelectors"] = listener["networkPolicyPeers"][0].pop(
        "podSelector"
    )


def node_pool_in_v1beta2_shape(docs: list[Doc]) -> None:
    # v1beta2 kept replicas and storage in the Kafka; v1 has them in the node pools only.
    find(docs, "Kafka", "gotong-kafka")["spec"]["kafka"]["replicas"] = 3


def topic_field_misspelt(docs: list[Doc]) -> None:
    find(docs, "KafkaTopic", "gotong-members-events")["spec"]["replica"] = 3


def kafka_version_strimzi_dropped(docs: list[Doc]) -> None:
    kafka = find(docs, "Kafka", "gotong-kafka")["spec"]["kafka"]
    kafka["version"], kafka["metadataVersion"] = "4.1.1", "4.1-IV1"


def kafka_metadata_version_of_another_release(docs: list[Doc]) -> None:
    find(docs, "Kafka", "gotong-kafka")["spec"]["kafka"]["metadataVersion"] = "4.2-IV1"


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


def container_of(docs: list[Doc], deployment: str) -> Doc:
    (container,) = find(docs, "Deployment", deployment)["spec"]["template"]["spec"]["containers"]
    return container  # type: ignore[no-any-return]


def config_map_with(docs: list[Doc], key: str) -> Doc:
    (config_map,) = [c for c in checks.of_kind(docs, "ConfigMap") if key in c.get("data", {})]
    return config_map


def consumer_without_limits(docs: list[Doc]) -> None:
    del container_of(docs, "inventory-consumer")["resources"]["limits"]


def consumer_missing(docs: list[Doc]) -> None:
    docs.remove(find(docs, "Deployment", "payments-consumer"))


def consumer_writable_root(docs: list[Doc]) -> None:
    container_of(docs, "payments-consumer")["securityContext"]["readOnlyRootFilesystem"] = False


def consumer_metrics_on_loopback(docs: list[Doc]) -> None:
    container = container_of(docs, "payments-consumer")
    container["env"] = [
        e for e in container["env"] if e["name"] != "GOTONG_PAYMENTS_CONSUMER_METRICS_HOST"
    ]


def consumer_not_scraped(docs: list[Doc]) -> None:
    del find(docs, "Deployment", "inventory-consumer")["spec"]["template"]["metadata"][
        "annotations"
    ]


def consumer_topics_comma_separated(docs: list[Doc]) -> None:
    data = config_map_with(docs, "GOTONG_INVENTORY_CONSUMED_TOPICS")["data"]
    data["GOTONG_INVENTORY_CONSUMED_TOPICS"] = "gotong.members.events,gotong.payments.events"


def consumer_group_misspelt(docs: list[Doc]) -> None:
    data = config_map_with(docs, "GOTONG_PAYMENTS_CONSUMER_GROUP")["data"]
    data["GOTONG_PAYMENTS_CONSUMERGROUP"] = data.pop("GOTONG_PAYMENTS_CONSUMER_GROUP")


def reporting_topics_under_an_unread_name(docs: list[Doc]) -> None:
    # The name these manifests used before: ReportingSettings never read it.
    data = config_map_with(docs, "GOTONG_REPORTING_TOPICS")["data"]
    data["GOTONG_REPORTING_CONSUMER_TOPICS"] = data.pop("GOTONG_REPORTING_TOPICS")


def consumer_unscaled(docs: list[Doc]) -> None:
    docs.remove(find(docs, "ScaledObject", "inventory-consumer"))


def consumer_with_replicas(docs: list[Doc]) -> None:
    find(docs, "Deployment", "payments-consumer")["spec"]["replicas"] = 2


def trigger_missing_a_topic(docs: list[Doc]) -> None:
    find(docs, "ScaledObject", "payments-consumer")["spec"]["triggers"].pop()


def more_inventory_consumers_than_partitions(docs: list[Doc]) -> None:
    find(docs, "ScaledObject", "inventory-consumer")["spec"]["maxReplicaCount"] = 13


def consumer_without_group_acl(docs: list[Doc]) -> None:
    acls = find(docs, "KafkaUser", "gotong-payments")["spec"]["authorization"]["acls"]
    acls[:] = [acl for acl in acls if acl["resource"]["type"] != "group"]


def consumer_in_a_foreign_group(docs: list[Doc]) -> None:
    find(docs, "KafkaUser", "gotong-inventory")["spec"]["authorization"]["acls"].append(
        {
            "resource": {"type": "group", "name": "gotong.reporting.readmodel"},
            "operations": ["Read"],
        }
    )


def consumer_reads_an_unconsumed_topic(docs: list[Doc]) -> None:
    find(docs, "KafkaUser", "gotong-payments")["spec"]["authorization"]["acls"].append(
        {
            "resource": {"type": "topic", "name": "gotong.reporting.events"},
            "operations": ["Read"],
        }
    )


def consumer_cannot_dead_letter(docs: list[Doc]) -> None:
    acls = find(docs, "KafkaUser", "gotong-inventory")["spec"]["authorization"]["acls"]
    acls[:] = [acl for acl in acls if acl["resource"]["name"] != "gotong.members.events.dlt"]


def consumer_open_ingress(docs: list[Doc]) -> None:
    find(docs, "NetworkPolicy", "inventory-consumer")["spec"]["ingress"].append({})


def consumer_ingress_on_another_port(docs: list[Doc]) -> None:
    (rule,) = find(docs, "NetworkPolicy", "reporting-consumer")["spec"]["ingress"]
    rule["ports"] = [{"port": 8000, "protocol": "TCP"}]


def consumer_no_kafka_client(docs: list[Doc]) -> None:
    del find(docs, "Deployment", "payments-consumer")["spec"]["template"]["metadata"]["labels"][
        "gotong.io/kafka-client"
    ]


def inventory_consumers_exhaust_connections(docs: list[Doc]) -> None:
    find(docs, "Cluster", "gotong-inventory-db")["spec"]["postgresql"]["parameters"][
        "max_connections"
    ] = "150"


def relay_without_endpoint(docs: list[Doc]) -> None:
    # A relay Deployment as it was before relays served an endpoint.
    deployment = find(docs, "Deployment", "members-relay")
    del deployment["spec"]["template"]["metadata"]["annotations"]
    container = container_of(docs, "members-relay")
    for key in ("ports", "livenessProbe", "readinessProbe"):
        del container[key]
    container["env"] = [e for e in container["env"] if "RELAY_METRICS" not in e["name"]]


def relay_not_ready_probed(docs: list[Doc]) -> None:
    del container_of(docs, "inventory-relay")["readinessProbe"]


def relay_scraped_on_another_port(docs: list[Doc]) -> None:
    annotations = find(docs, "Deployment", "payments-relay")["spec"]["template"]["metadata"][
        "annotations"]
    annotations["prometheus.io/port"] = "9103"


def relay_metrics_on_loopback(docs: list[Doc]) -> None:
    container = container_of(docs, "reporting-relay")
    container["env"] = [
        e for e in container["env"] if e["name"] != "GOTONG_REPORTING_RELAY_METRICS_HOST"
    ]


def relay_metrics_port_misspelt(docs: list[Doc]) -> None:
    for entry in container_of(docs, "inventory-relay")["env"]:
        if entry["name"] == "GOTONG_INVENTORY_RELAY_METRICS_PORT":
            entry["name"] = "GOTONG_INVENTORY_RELAY_METRIC_PORT"


def relay_open_ingress(docs: list[Doc]) -> None:
    find(docs, "NetworkPolicy", "members-relay")["spec"]["ingress"].append({})


def relay_isolated_from_prometheus(docs: list[Doc]) -> None:
    # The relays' policies as they were before relays served an endpoint.
    del find(docs, "NetworkPolicy", "inventory-relay")["spec"]["ingress"]


def relay_unreachable_by_prometheus(docs: list[Doc]) -> None:
    (rule,) = find(docs, "NetworkPolicy", "payments-relay")["spec"]["ingress"]
    rule["ports"] = [{"port": 8000, "protocol": "TCP"}]


def egress_proxy_rule(docs: list[Doc]) -> Doc:
    (rule,) = [r for r in find(docs, "NetworkPolicy", "partners-webhooks")["spec"]["egress"]
               if r["to"][0].get("namespaceSelector", {}).get("matchLabels", {}).get(
                   "kubernetes.io/metadata.name") == "egress"]
    return rule


def relay_leaves_through_the_egress_proxy(docs: list[Doc]) -> None:
    rule = copy.deepcopy(egress_proxy_rule(docs))
    find(docs, "NetworkPolicy", "members-relay")["spec"]["egress"].append(rule)


def webhooks_reach_the_proxy_on_any_port(docs: list[Doc]) -> None:
    egress_proxy_rule(docs)["ports"].append({"port": 443, "protocol": "TCP"})


def webhooks_kept_out_of_kafka(docs: list[Doc]) -> None:
    """The webhooks process writes the partners' KAFKA subscriptions: the brokers' policy
    must admit it."""
    del find(docs, "Deployment", "partners-webhooks")["spec"]["template"]["metadata"][
        "labels"]["gotong.io/kafka-client"]


def partner_reads_the_payments_topic(docs: list[Doc]) -> None:
    find(docs, "KafkaUser", "partner-example")["spec"]["authorization"]["acls"].append(
        {"resource": {"type": "topic", "name": "gotong.payments.events",
                      "patternType": "literal"}, "operations": ["Read"]})


def alert(docs: list[Doc], name: str) -> Doc:
    (rule,) = [r for group in find(docs, "PrometheusRule", "gotong-alerts")["spec"]["groups"]
               for r in group["rules"] if r.get("alert") == name]
    return rule  # type: ignore[no-any-return]


def relays_scraped_on_the_api_port(docs: list[Doc]) -> None:
    find(docs, "PodMonitor", "gotong-relay")["spec"]["podMetricsEndpoints"][0]["port"] = "http"


def apis_unscraped(docs: list[Doc]) -> None:
    docs.remove(find(docs, "PodMonitor", "gotong-api"))


def consumers_without_service_label(docs: list[Doc]) -> None:
    find(docs, "PodMonitor", "gotong-consumer")["spec"]["podMetricsEndpoints"][0][
        "relabelings"].pop(0)


def pod_monitor_field_misspelt(docs: list[Doc]) -> None:
    endpoint = find(docs, "PodMonitor", "gotong-api")["spec"]["podMetricsEndpoints"][0]
    endpoint["honorLabel"] = endpoint.pop("honorLabels")


def alert_field_misspelt(docs: list[Doc]) -> None:
    rule = alert(docs, "GotongOutboxStale")
    rule["for_"] = rule.pop("for")


def alert_without_runbook(docs: list[Doc]) -> None:
    del alert(docs, "GotongApiSlow")["annotations"]["runbook_url"]


def alert_on_a_metric_nobody_exports(docs: list[Doc]) -> None:
    rule = alert(docs, "GotongConsumerLagSeconds")
    rule["expr"] = rule["expr"].replace("gotong_consumer_lag_seconds", "gotong_consumer_lag_s")


def relay_alert_forgets_a_service(docs: list[Doc]) -> None:
    rule = alert(docs, "GotongRelayWithoutLeader")
    rule["expr"] = rule["expr"].replace('or absent(gotong_relay_leader{service="partners"})', "")


def alert_without_severity(docs: list[Doc]) -> None:
    alert(docs, "GotongDeadLetters")["labels"]["severity"] = "page"


def backups_suspended(docs: list[Doc]) -> None:
    find(docs, "ScheduledBackup", "gotong-payments-db-daily")["spec"]["suspend"] = True


def backups_weekly(docs: list[Doc]) -> None:
    find(docs, "ScheduledBackup", "gotong-members-db-daily")["spec"]["schedule"] = "0 0 2 * * 0"


def first_backup_waits_for_the_schedule(docs: list[Doc]) -> None:
    del find(docs, "ScheduledBackup", "gotong-reporting-db-daily")["spec"]["immediate"]


def scheduled_backup_missing(docs: list[Doc]) -> None:
    docs.remove(find(docs, "ScheduledBackup", "gotong-partners-db-daily"))


def wal_not_archived(docs: list[Doc]) -> None:
    del find(docs, "Cluster", "gotong-inventory-db")["spec"]["plugins"]


def archiver_of_an_unknown_store(docs: list[Doc]) -> None:
    find(docs, "Cluster", "gotong-members-db")["spec"]["plugins"][0]["parameters"][
        "barmanObjectName"] = "gotong-member-backups"


def in_tree_barman_object_store(docs: list[Doc]) -> None:
    # Valid for CloudNativePG 1.30, deprecated since 1.26, gone in 1.31.
    find(docs, "Cluster", "gotong-payments-db")["spec"]["backup"] = {
        "barmanObjectStore": {"destinationPath": "s3://gotong-db-backups/payments"}}


def two_clusters_one_archive(docs: list[Doc]) -> None:
    find(docs, "Cluster", "gotong-partners-db")["spec"]["plugins"][0]["parameters"] = {
        "barmanObjectName": "gotong-partners-backups", "serverName": "gotong-members-db"}
    find(docs, "ObjectStore", "gotong-partners-backups")["spec"]["configuration"][
        "destinationPath"] = "s3://gotong-db-backups/members"


def store_without_retention(docs: list[Doc]) -> None:
    del find(docs, "ObjectStore", "gotong-payments-backups")["spec"]["retentionPolicy"]


def store_keeping_a_week(docs: list[Doc]) -> None:
    find(docs, "ObjectStore", "gotong-members-backups")["spec"]["retentionPolicy"] = "7d"


def retention_in_words(docs: list[Doc]) -> None:
    find(docs, "ObjectStore", "gotong-members-backups")["spec"]["retentionPolicy"] = "30 days"


def store_names_the_server(docs: list[Doc]) -> None:
    find(docs, "ObjectStore", "gotong-reporting-backups")["spec"]["configuration"][
        "serverName"] = "gotong-reporting-db"


def inline_backup_credentials(docs: list[Doc]) -> None:
    find(docs, "ObjectStore", "gotong-inventory-backups")["spec"]["configuration"][
        "s3Credentials"]["accessKeyId"] = {"value": "AKIAIOSFODNN7EXAMPLE"}


def archiver_field_misspelt(docs: list[Doc]) -> None:
    plugin = find(docs, "Cluster", "gotong-payments-db")["spec"]["plugins"][0]
    plugin["isWalArchiver"] = plugin.pop("isWALArchiver")


def scheduled_backup_field_misspelt(docs: list[Doc]) -> None:
    spec = find(docs, "ScheduledBackup", "gotong-members-db-daily")["spec"]
    spec["pluginConfig"] = spec.pop("pluginConfiguration")


def schema(docs: list[Doc]) -> list[str]:
    return checks.schema_problems(docs, KUBERNETES_VERSIONS[0])


BREAKAGES: list[tuple[Breakage, Callable[[list[Doc]], list[str]]]] = [
    (relay_scaled_to_two, checks.relay_problems),
    (relay_rolling, checks.relay_problems),
    (writable_root, checks.workload_problems),
    (memory_unbounded, checks.workload_problems),
    (misspelt_field, schema),
    (kafka_field_misspelt, schema),
    (node_pool_in_v1beta2_shape, schema),
    (topic_field_misspelt, schema),
    (kafka_version_strimzi_dropped, checks.kafka_problems),
    (kafka_metadata_version_of_another_release, checks.kafka_problems),
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
    (consumer_without_limits, checks.workload_problems),
    (consumer_missing, checks.workload_problems),
    (consumer_writable_root, checks.workload_problems),
    (consumer_metrics_on_loopback, checks.consumer_problems),
    (consumer_metrics_on_loopback, settings_check.settings_problems),
    (consumer_not_scraped, checks.consumer_problems),
    (consumer_topics_comma_separated, checks.consumer_problems),
    (consumer_topics_comma_separated, settings_check.settings_problems),
    (consumer_group_misspelt, settings_check.settings_problems),
    (reporting_topics_under_an_unread_name, settings_check.settings_problems),
    (consumer_unscaled, checks.keda_problems),
    (consumer_with_replicas, checks.keda_problems),
    (trigger_missing_a_topic, checks.keda_problems),
    (more_inventory_consumers_than_partitions, checks.keda_problems),
    (consumer_without_group_acl, checks.acl_problems),
    (consumer_without_group_acl, checks.keda_problems),
    (consumer_in_a_foreign_group, checks.acl_problems),
    (consumer_reads_an_unconsumed_topic, checks.acl_problems),
    (consumer_cannot_dead_letter, checks.acl_problems),
    (consumer_open_ingress, checks.network_problems),
    (consumer_ingress_on_another_port, checks.network_problems),
    (consumer_no_kafka_client, checks.network_problems),
    (inventory_consumers_exhaust_connections, checks.database_problems),
    (relay_without_endpoint, checks.relay_problems),
    (relay_without_endpoint, settings_check.settings_problems),
    (relay_not_ready_probed, checks.relay_problems),
    (relay_scraped_on_another_port, checks.relay_problems),
    (relay_metrics_on_loopback, checks.relay_problems),
    (relay_metrics_on_loopback, settings_check.settings_problems),
    (relay_metrics_port_misspelt, checks.relay_problems),
    (relay_metrics_port_misspelt, settings_check.settings_problems),
    (relay_open_ingress, checks.network_problems),
    (relay_unreachable_by_prometheus, checks.network_problems),
    (relay_isolated_from_prometheus, checks.network_problems),
    (relay_leaves_through_the_egress_proxy, checks.network_problems),
    (webhooks_reach_the_proxy_on_any_port, checks.network_problems),
    (webhooks_kept_out_of_kafka, checks.network_problems),
    (partner_reads_the_payments_topic, checks.acl_problems),
    (relays_scraped_on_the_api_port, checks.monitoring_problems),
    (apis_unscraped, checks.monitoring_problems),
    (consumers_without_service_label, checks.monitoring_problems),
    (pod_monitor_field_misspelt, schema),
    (alert_field_misspelt, schema),
    (alert_without_runbook, checks.monitoring_problems),
    (alert_on_a_metric_nobody_exports, checks.monitoring_problems),
    (relay_alert_forgets_a_service, checks.monitoring_problems),
    (alert_without_severity, checks.monitoring_problems),
    (backups_suspended, checks.backup_problems),
    (backups_weekly, checks.backup_problems),
    (first_backup_waits_for_the_schedule, checks.backup_problems),
    (scheduled_backup_missing, checks.backup_problems),
    (wal_not_archived, checks.backup_problems),
    (archiver_of_an_unknown_store, checks.backup_problems),
    (in_tree_barman_object_store, checks.backup_problems),
    (two_clusters_one_archive, checks.backup_problems),
    (store_without_retention, checks.backup_problems),
    (store_keeping_a_week, checks.backup_problems),
    (retention_in_words, schema),
    (store_names_the_server, checks.backup_problems),
    (inline_backup_credentials, schema),
    (archiver_field_misspelt, schema),
    (scheduled_backup_field_misspelt, schema),
]


@pytest.mark.parametrize(
    ("breakage", "check"),
    BREAKAGES,
    ids=[f"{breakage.__name__}-{check.__name__}" for breakage, check in BREAKAGES],
)
def test_each_check_catches_its_breakage(
    breakage: Breakage, check: Callable[[list[Doc]], list[str]]
) -> None:
    docs = render(K8S_DIR / "overlays" / "prod")
    assert check(docs) == []
    broken = copy.deepcopy(docs)
    breakage(broken)
    assert check(broken) != []


# --- the restore example's checks can fail ---------------------------------------------------


def restored_cluster(docs: list[Doc]) -> Doc:
    return find(docs, "Cluster", "gotong-payments-db")["spec"]  # type: ignore[no-any-return]


def restore_archives_into_its_origin(docs: list[Doc]) -> None:
    del restored_cluster(docs)["plugins"][0]["parameters"]["serverName"]


def restore_from_an_unnamed_source(docs: list[Doc]) -> None:
    restored_cluster(docs)["bootstrap"]["recovery"]["source"] = "origin"


def restore_from_an_unknown_store(docs: list[Doc]) -> None:
    restored_cluster(docs)["externalClusters"][0]["plugin"]["parameters"][
        "barmanObjectName"] = "payments-backups"


def restore_target_without_offset(docs: list[Doc]) -> None:
    restored_cluster(docs)["bootstrap"]["recovery"]["recoveryTarget"]["targetTime"] = (
        "2026-08-20 09:30:00")


def restore_into_the_default_database(docs: list[Doc]) -> None:
    recovery = restored_cluster(docs)["bootstrap"]["recovery"]
    del recovery["database"], recovery["owner"]


def restore_and_initdb(docs: list[Doc]) -> None:
    restored_cluster(docs)["bootstrap"]["initdb"] = {"database": "payments", "owner": "payments"}


def restore_target_misspelt(docs: list[Doc]) -> None:
    recovery = restored_cluster(docs)["bootstrap"]["recovery"]
    recovery["recoveryTarget"] = {"targetTimestamp": recovery["recoveryTarget"]["targetTime"]}


RESTORE_BREAKAGES: list[tuple[Breakage, Callable[[list[Doc]], list[str]]]] = [
    (restore_archives_into_its_origin, checks.backup_problems),
    (restore_from_an_unnamed_source, checks.backup_problems),
    (restore_from_an_unknown_store, checks.backup_problems),
    (restore_target_without_offset, checks.backup_problems),
    (restore_into_the_default_database, checks.backup_problems),
    (restore_and_initdb, checks.backup_problems),
    (restore_target_misspelt, schema),
]


@pytest.mark.parametrize(
    ("breakage", "check"),
    RESTORE_BREAKAGES,
    ids=[f"{breakage.__name__}-{check.__name__}" for breakage, check in RESTORE_BREAKAGES],
)
def test_each_restore_check_catches_its_breakage(
    breakage: Breakage, check: Callable[[list[Doc]], list[str]]
) -> None:
    docs = render(K8S_DIR / "examples" / "restore-payments")
    assert check(docs) == []
    broken = copy.deepcopy(docs)
    breakage(broken)
    assert check(broken) != []
