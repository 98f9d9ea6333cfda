"""JSON Schemas for the custom resources the manifests use.

Strimzi's (Kafka, KafkaNodePool, KafkaTopic, KafkaUser: ``kafka.strimzi.io/v1``) and the
Prometheus Operator's (PodMonitor, PrometheusRule) come from their own CRDs, vendored verbatim
from Strimzi 1.2.0 and prometheus-operator v0.93.0 (``tests/deploy/crds/``, Apache-2.0, see
its README) and closed here (``closed_openapi``): the API server prunes an unknown field of a
custom resource without a word, so a misspelt or removed field (v1beta2's ``operation`` of an
ACL, ``spec.kafka.replicas``) must fail the test instead. A hand-written copy of schemas that
large would be guessed, not checked.

CloudNativePG and KEDA resources are checked against schemas written by hand here from each
project's CRD reference, covering the fields these manifests use, closed
(``additionalProperties: false``) wherever we set fields ourselves. Where a part is left open
it says so. Sources: CloudNativePG ``postgresql.cnpg.io/v1`` (Cluster, ScheduledBackup; 1.25+
for ``postgresql.synchronous.dataDurability``), KEDA ``keda.sh/v1alpha1`` (ScaledObject,
TriggerAuthentication, the ``kafka`` scaler).
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import yaml

Schema = dict[str, Any]

STRING: Schema = {"type": "string"}
BOOLEAN: Schema = {"type": "boolean"}
INTEGER: Schema = {"type": "integer"}
QUANTITY: Schema = {"type": ["string", "integer"]}
OPEN_OBJECT: Schema = {"type": "object"}
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


RESOURCES: Schema = closed(
    {
        "requests": {"type": "object", "additionalProperties": QUANTITY},
        "limits": {"type": "object", "additionalProperties": QUANTITY},
    }
)

# --- CloudNativePG (postgresql.cnpg.io/v1) -------------------------------------------------

CNPG_CLUSTER: Schema = resource(
    "postgresql.cnpg.io/v1",
    "Cluster",
    closed(
        {
            "instances": {"type": "integer", "minimum": 1},
            "imageName": STRING,
            "primaryUpdateStrategy": enum("unsupervised", "supervised"),
            "bootstrap": closed(
                {
                    "initdb": closed(
                        {"database": STRING, "owner": STRING}, required=("database", "owner")
                    )
                },
                required=("initdb",),
            ),
            "storage": closed({"size": STRING, "storageClass": STRING}, required=("size",)),
            "walStorage": closed({"size": STRING, "storageClass": STRING}, required=("size",)),
            "postgresql": closed(
                {
                    "synchronous": closed(
                        {
                            "method": enum("any", "first"),
                            "number": {"type": "integer", "minimum": 1},
                            "dataDurability": enum("required", "preferred"),
                        },
                        required=("method", "number"),
                    ),
                    # map[string]string in the CRD: an unquoted number or boolean is rejected.
                    "parameters": STRING_MAP,
                }
            ),
            "resources": RESOURCES,
            "affinity": closed({"enablePodAntiAffinity": BOOLEAN, "topologyKey": STRING}),
        },
        required=("instances", "bootstrap", "storage"),
    ),
)

SCHEDULED_BACKUP: Schema = resource(
    "postgresql.cnpg.io/v1",
    "ScheduledBackup",
    closed(
        {
            # Six fields, seconds first (robfig/cron with seconds).
            "schedule": {"type": "string", "pattern": r"^\S+( \S+){5}$"},
            "suspend": BOOLEAN,
            "immediate": BOOLEAN,
            "backupOwnerReference": enum("none", "self", "cluster"),
            "cluster": closed({"name": STRING}, required=("name",)),
            "method": enum("barmanObjectStore", "volumeSnapshot", "plugin"),
        },
        required=("schedule", "cluster"),
    ),
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

CRD_SCHEMAS: dict[tuple[str, str], Schema] = {
    ("kafka.strimzi.io/v1", "Kafka"): KAFKA,
    ("kafka.strimzi.io/v1", "KafkaNodePool"): KAFKA_NODE_POOL,
    ("kafka.strimzi.io/v1", "KafkaTopic"): KAFKA_TOPIC,
    ("kafka.strimzi.io/v1", "KafkaUser"): KAFKA_USER,
    ("postgresql.cnpg.io/v1", "Cluster"): CNPG_CLUSTER,
    ("postgresql.cnpg.io/v1", "ScheduledBackup"): SCHEDULED_BACKUP,
    ("keda.sh/v1alpha1", "ScaledObject"): SCALED_OBJECT,
    ("keda.sh/v1alpha1", "TriggerAuthentication"): TRIGGER_AUTHENTICATION,
    ("monitoring.coreos.com/v1", "PodMonitor"): POD_MONITOR,
    ("monitoring.coreos.com/v1", "PrometheusRule"): PROMETHEUS_RULE,
}
