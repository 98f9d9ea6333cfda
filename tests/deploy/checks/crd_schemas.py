"""JSON Schemas for the custom resources the manifests use.

Strimzi's (Kafka, KafkaNodePool, KafkaTopic, KafkaUser: ``kafka.strimzi.io/v1``), the
Prometheus Operator's (PodMonitor, PrometheusRule), CloudNativePG's (Cluster, ScheduledBackup:
``postgresql.cnpg.io/v1``) and the Barman Cloud Plugin's (ObjectStore:
``barmancloud.cnpg.io/v1``) come from their own CRDs, vendored verbatim from Strimzi 1.2.0,
prometheus-operator v0.93.0, CloudNativePG 1.30.0 and plugin-barman-cloud 0.14.0
(``tests/deploy/crds/``, Apache-2.0, see its README) and closed here (``closed_openapi``):
the API server prunes an unknown field of a custom resource without a word, so a misspelt or
removed field (v1beta2's ``operation`` of an ACL, ``spec.kafka.replicas``, a backup section
in the shape of another release) must fail the test instead. A hand-written copy of schemas
that large would be guessed, not checked. The CRDs' CEL rules are not evaluated; the ones
that matter for these manifests are checks of their own (``checks/backups.py``).

KEDA resources are checked against schemas written by hand here from its CRD reference,
covering the fields these manifests use, closed (``additionalProperties: false``) wherever
we set fields ourselves. Where a part is left open it says so. Source: KEDA
``keda.sh/v1alpha1`` (ScaledObject, TriggerAuthentication, the ``kafka`` scaler).
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import yaml

Schema = dict[str, Any]

STRING: Schema = {"type": "string"}
STRING_MAP: Schema = {"type": "object", "additionalProperties": STRING}


def closed(properties: dict[str, Schema], required: tuple[str, ...] = ()) -> Schema:
    """An object with exactly these (optional unless required) properties."""
    return {
        "type": "object",
        "properties": properties,
        "required": list(required),
        "additionalProperties": False,
    }


def enum(*values: str) -> Schema:
    return {"type": "string", "enum": list(values)}


def resource(api_version: str, kind: str, spec: Schema, labels: Schema | None = None) -> Schema:
    metadata = {
        "type": "object",
        "properties": {"name": STRING, "namespace": STRING, "annotations": STRING_MAP},
        "required": ["name"],
    }
    if labels is not None:
        metadata["properties"]["labels"] = labels
        metadata["required"].append("labels")
    return closed(
        {
            "apiVersion": {"const": api_version},
            "kind": {"const": kind},
            "metadata": metadata,
            "spec": spec,
        },
        required=("apiVersion", "kind", "metadata", "spec"),
    )


# --- KEDA (keda.sh/v1alpha1) ---------------------------------------------------------------

KAFKA_TRIGGER: Schema = closed(
    {
        "type": {"const": "kafka"},
        "name": STRING,
        # map[string]string: every value, numbers and booleans included, must be a string.
        "metadata": {
            "type": "object",
            "properties": {
                "bootstrapServers": STRING,
                "consumerGroup": STRING,
                "topic": STRING,
                "lagThreshold": {"type": "string", "pattern": "^[0-9]+$"},
                "activationLagThreshold": {"type": "string", "pattern": "^[0-9]+$"},
                "offsetResetPolicy": enum("earliest", "latest"),
                "allowIdleConsumers": enum("true", "false"),
                "sasl": enum(
                    "plaintext", "scram_sha256", "scram_sha512", "gssapi", "oauthbearer", "none"
                ),
                "tls": enum("enable", "disable"),
            },
            "required": ["bootstrapServers", "consumerGroup"],
            "additionalProperties": False,
        },
        "authenticationRef": closed(
            {"name": STRING, "kind": enum("TriggerAuthentication", "ClusterTriggerAuthentication")},
            required=("name",),
        ),
    },
    required=("type", "metadata"),
)

SCALED_OBJECT: Schema = resource(
    "keda.sh/v1alpha1",
    "ScaledObject",
    closed(
        {
            "scaleTargetRef": closed(
                {"name": STRING, "kind": STRING, "apiVersion": STRING}, required=("name",)
            ),
            "pollingInterval": {"type": "integer", "minimum": 1},
            "cooldownPeriod": {"type": "integer", "minimum": 0},
            "minReplicaCount": {"type": "integer", "minimum": 0},
            "maxReplicaCount": {"type": "integer", "minimum": 1},
            "triggers": {"type": "array", "minItems": 1, "items": KAFKA_TRIGGER},
        },
        required=("scaleTargetRef", "triggers"),
    ),
)

TRIGGER_AUTHENTICATION: Schema = resource(
    "keda.sh/v1alpha1",
    "TriggerAuthentication",
    closed(
        {
            "secretTargetRef": {
                "type": "array",
                "items": closed(
                    {"parameter": STRING, "name": STRING, "key": STRING},
                    required=("parameter", "name", "key"),
                ),
            },
            "env": {
                "type": "array",
                "items": closed(
                    {"parameter": STRING, "name": STRING, "containerName": STRING},
                    required=("parameter", "name"),
                ),
            },
        }
    ),
)

# --- Vendored CRDs: Strimzi and the Prometheus Operator, from their own releases ----------

CRDS = Path(__file__).resolve().parents[1] / "crds"
PROMETHEUS_OPERATOR_CRDS = CRDS / "prometheus-operator-v0.93.0"
# The newest Strimzi release (not a release candidate) when the manifests were last aligned;
# its kafka-versions.yaml says which Kafka versions it runs (checks/kafka.py).
STRIMZI_RELEASE = "1.2.0"
STRIMZI_CRDS = CRDS / f"strimzi-{STRIMZI_RELEASE}"
# CloudNativePG 1.30.0 (the newest release when backups were configured) and the Barman Cloud
# Plugin 0.14.0: the plugin is how CloudNativePG backs up to an object store since 1.26;
# the in-tree spec.backup.barmanObjectStore is deprecated and goes in 1.31.
CNPG_RELEASE = "1.30.0"
CNPG_CRDS = CRDS / f"cloudnative-pg-{CNPG_RELEASE}"
BARMAN_CLOUD_RELEASE = "0.14.0"
BARMAN_CLOUD_CRDS = CRDS / f"plugin-barman-cloud-{BARMAN_CLOUD_RELEASE}"

# Schema keywords whose branches constrain an object instead of describing it: Strimzi's
# CRDs use ``oneOf: [{properties: {value: {}}, required: [value]}, ...]`` to say "exactly one
# of these", and closing such a branch would reject the object's other fields.
COMBINATORS = frozenset({"oneOf", "anyOf", "allOf", "not"})


def closed_openapi(schema: Any, *, constraint: bool = False) -> Any:
    """A CRD's OpenAPI schema with every object that lists its properties closed: the API
    server prunes an unknown field of a custom resource without a word, so a misspelt one
    (``honorLabel``, ``keepFiringFor``, v1beta2's ``operation``) must fail here instead.
    Objects that keep unknown fields on purpose (``config``), or say what their other
    properties hold, stay as they are, and so do the branches of oneOf/anyOf/allOf/not."""
    if isinstance(schema, list):
        return [closed_openapi(item, constraint=constraint) for item in schema]
    if not isinstance(schema, dict):
        return schema
    result = {
        key: closed_openapi(value, constraint=key in COMBINATORS) for key, value in schema.items()
    }
    if ("properties" in result and "additionalProperties" not in result and not constraint
            and not result.get("x-kubernetes-preserve-unknown-fields")):
        result["additionalProperties"] = False
    return result


def vendored_crd(path: Path, api_version: str, kind: str, labels: Schema = STRING_MAP) -> Schema:
    """The served version's schema of a vendored CRD, closed, with the metadata we write
    (``labels`` says which labels the operator needs, e.g. Strimzi's cluster label)."""
    crd = yaml.safe_load(path.read_text())
    assert crd["spec"]["names"]["kind"] == kind
    group, version = api_version.split("/")
    assert crd["spec"]["group"] == group
    (served,) = [v for v in crd["spec"]["versions"] if v["name"] == version and v["served"]]
    schema: Schema = closed_openapi(copy.deepcopy(served["schema"]["openAPIV3Schema"]))
    properties = schema["properties"]
    properties["apiVersion"] = {"const": api_version}
    properties["kind"] = {"const": kind}
    properties["metadata"] = {
        "type": "object",
        "properties": {"name": STRING, "namespace": STRING, "labels": labels,
                       "annotations": STRING_MAP},
        "required": ["name"] if labels is STRING_MAP else ["name", "labels"],
        "additionalProperties": False,
    }
    schema["required"] = sorted({*schema.get("required", ()), "apiVersion", "kind", "metadata",
                                 "spec"})
    return schema


# Strimzi 1.x serves kafka.strimzi.io/v1 only (v1beta2, v1beta1 and v1alpha1 are gone).
# Every Strimzi operand but the Kafka itself names its cluster in this label.
STRIMZI_CLUSTER_LABEL: Schema = {
    "type": "object",
    "properties": {"strimzi.io/cluster": STRING},
    "required": ["strimzi.io/cluster"],
    "additionalProperties": STRING,
}

KAFKA: Schema = vendored_crd(STRIMZI_CRDS / "040-Crd-kafka.yaml", "kafka.strimzi.io/v1",
                             "Kafka")
KAFKA_NODE_POOL: Schema = vendored_crd(STRIMZI_CRDS / "045-Crd-kafkanodepool.yaml",
                                       "kafka.strimzi.io/v1", "KafkaNodePool",
                                       STRIMZI_CLUSTER_LABEL)
KAFKA_TOPIC: Schema = vendored_crd(STRIMZI_CRDS / "043-Crd-kafkatopic.yaml",
                                   "kafka.strimzi.io/v1", "KafkaTopic", STRIMZI_CLUSTER_LABEL)
KAFKA_USER: Schema = vendored_crd(STRIMZI_CRDS / "044-Crd-kafkauser.yaml",
                                  "kafka.strimzi.io/v1", "KafkaUser", STRIMZI_CLUSTER_LABEL)
POD_MONITOR: Schema = vendored_crd(
    PROMETHEUS_OPERATOR_CRDS / "monitoring.coreos.com_podmonitors.yaml",
    "monitoring.coreos.com/v1", "PodMonitor")
PROMETHEUS_RULE: Schema = vendored_crd(
    PROMETHEUS_OPERATOR_CRDS / "monitoring.coreos.com_prometheusrules.yaml",
    "monitoring.coreos.com/v1", "PrometheusRule")
CNPG_CLUSTER: Schema = vendored_crd(CNPG_CRDS / "postgresql.cnpg.io_clusters.yaml",
                                    "postgresql.cnpg.io/v1", "Cluster")
SCHEDULED_BACKUP: Schema = vendored_crd(CNPG_CRDS / "postgresql.cnpg.io_scheduledbackups.yaml",
                                        "postgresql.cnpg.io/v1", "ScheduledBackup")
OBJECT_STORE: Schema = vendored_crd(BARMAN_CLOUD_CRDS / "barmancloud.cnpg.io_objectstores.yaml",
                                    "barmancloud.cnpg.io/v1", "ObjectStore")

CRD_SCHEMAS: dict[tuple[str, str], Schema] = {
    ("kafka.strimzi.io/v1", "Kafka"): KAFKA,
    ("kafka.strimzi.io/v1", "KafkaNodePool"): KAFKA_NODE_POOL,
    ("kafka.strimzi.io/v1", "KafkaTopic"): KAFKA_TOPIC,
    ("kafka.strimzi.io/v1", "KafkaUser"): KAFKA_USER,
    ("postgresql.cnpg.io/v1", "Cluster"): CNPG_CLUSTER,
    ("postgresql.cnpg.io/v1", "ScheduledBackup"): SCHEDULED_BACKUP,
    ("barmancloud.cnpg.io/v1", "ObjectStore"): OBJECT_STORE,
    ("keda.sh/v1alpha1", "ScaledObject"): SCALED_OBJECT,
    ("keda.sh/v1alpha1", "TriggerAuthentication"): TRIGGER_AUTHENTICATION,
    ("monitoring.coreos.com/v1", "PodMonitor"): POD_MONITOR,
    ("monitoring.coreos.com/v1", "PrometheusRule"): PROMETHEUS_RULE,
}
