"""Structural JSON Schemas for the custom resources the manifests use.

The operators' CRDs are not vendored here. These schemas are written by hand from the CRD
reference of each project and cover the fields these manifests use, closed
(``additionalProperties: false``) wherever we set fields ourselves, so that a misspelt or
removed field fails the test instead of being silently dropped by the API server (unknown
fields of a CR are pruned). Where a part is left open it says so.

The Prometheus Operator's resources (PodMonitor, PrometheusRule) are the exception: their
CRDs are vendored verbatim from its v0.93.0 release (``tests/deploy/crds/``, Apache-2.0) and
closed here the same way (``closed_openapi``), since a hand-written copy of a schema that
large would be guessed, not checked.

Sources: Strimzi ``kafka.strimzi.io/v1`` (KafkaUser and KafkaTopic CRD schemas, the v1
KafkaNodePool/Kafka examples; Strimzi 0.49+), CloudNativePG ``postgresql.cnpg.io/v1``
(Cluster, ScheduledBackup; 1.25+ for ``postgresql.synchronous.dataDurability``), KEDA
``keda.sh/v1alpha1`` (ScaledObject, TriggerAuthentication, the ``kafka`` scaler).
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

# --- Strimzi (kafka.strimzi.io/v1) -------------------------------------------------------

# Every Strimzi operand but the Kafka itself names its cluster in this label.
STRIMZI_CLUSTER_LABEL: Schema = {
    "type": "object",
    "properties": {"strimzi.io/cluster": STRING},
    "required": ["strimzi.io/cluster"],
    "additionalProperties": STRING,
}

LISTENER: Schema = closed(
    {
        "name": {"type": "string", "pattern": "^[a-z0-9]{1,11}$"},
        # 9404 and 9999 are taken by Prometheus and JMX.
        "port": {"type": "integer", "minimum": 9092, "not": {"enum": [9404, 9999]}},
        "type": enum("internal", "route", "loadbalancer", "nodeport", "ingress", "cluster-ip"),
        "tls": BOOLEAN,
        "authentication": closed(
            {"type": enum("tls", "scram-sha-512", "oauth", "custom")}, required=("type",)
        ),
        # NetworkPolicyPeer objects: checked by the network-policy checks, left open here.
        "networkPolicyPeers": {"type": "array", "items": OPEN_OBJECT},
        "configuration": OPEN_OBJECT,
    },
    required=("name", "port", "type", "tls"),
)

ENTITY_OPERATOR_PART: Schema = closed({"resources": RESOURCES})

KAFKA: Schema = resource(
    "kafka.strimzi.io/v1",
    "Kafka",
    # v1 has no spec.zookeeper, and replicas/storage/resources live in the node pools.
    closed(
        {
            "kafka": closed(
                {
                    "version": {"type": "string", "pattern": r"^\d+\.\d+\.\d+$"},
                    "metadataVersion": {"type": "string", "pattern": r"^\d+\.\d+-IV\d+$"},
                    "listeners": {"type": "array", "minItems": 1, "items": LISTENER},
                    "authorization": closed(
                        {"type": enum("simple", "custom"), "superUsers": {"type": "array"}},
                        required=("type",),
                    ),
                    # Broker configuration: Kafka's own keys, checked by the Kafka checks.
                    "config": OPEN_OBJECT,
                },
                required=("listeners",),
            ),
            "entityOperator": closed(
                {"topicOperator": ENTITY_OPERATOR_PART, "userOperator": ENTITY_OPERATOR_PART}
            ),
        },
        required=("kafka",),
    ),
)

VOLUME: Schema = closed(
    {
        "id": {"type": "integer", "minimum": 0},
        "type": enum("ephemeral", "persistent-claim"),
        "size": STRING,
        "class": STRING,
        "deleteClaim": BOOLEAN,
        "kraftMetadata": enum("shared"),
    },
    required=("type",),
)

KAFKA_NODE_POOL: Schema = resource(
    "kafka.strimzi.io/v1",
    "KafkaNodePool",
    closed(
        {
            "replicas": {"type": "integer", "minimum": 0},
            "roles": {
                "type": "array",
                "minItems": 1,
                "uniqueItems": True,
                "items": enum("controller", "broker"),
            },
            "storage": closed(
                {
                    "type": enum("ephemeral", "persistent-claim", "jbod"),
                    "size": STRING,
                    "class": STRING,
                    "deleteClaim": BOOLEAN,
                    "kraftMetadata": enum("shared"),
                    "volumes": {"type": "array", "items": VOLUME},
                },
                required=("type",),
            ),
            "resources": RESOURCES,
            "jvmOptions": closed(
                {
                    "-Xms": {"type": "string", "pattern": "^[0-9]+[mMgG]?$"},
                    "-Xmx": {"type": "string", "pattern": "^[0-9]+[mMgG]?$"},
                }
            ),
        },
        required=("replicas", "roles", "storage"),
    ),
    labels=STRIMZI_CLUSTER_LABEL,
)

KAFKA_TOPIC: Schema = resource(
    "kafka.strimzi.io/v1",
    "KafkaTopic",
    closed(
        {
            "topicName": STRING,
            "partitions": {"type": "integer", "minimum": 1},
            "replicas": {"type": "integer", "minimum": 1, "maximum": 32767},
            # Topic configuration: Kafka's own keys, checked by the Kafka checks.
            "config": OPEN_OBJECT,
        }
    ),
    labels=STRIMZI_CLUSTER_LABEL,
)

ACL_RULE: Schema = closed(
    {
        "type": enum("allow", "deny"),
        "resource": closed(
            {
                "type": enum("topic", "group", "cluster", "transactionalId"),
                "name": STRING,
                "patternType": enum("literal", "prefix"),
            },
            required=("type",),
        ),
        "host": STRING,
        # v1 has only the list form; the singular `operation` of v1beta2 is gone.
        "operations": {
            "type": "array",
            "minItems": 1,
            "items": enum(
                "Read",
                "Write",
                "Create",
                "Delete",
                "Alter",
                "Describe",
                "ClusterAction",
                "AlterConfigs",
                "DescribeConfigs",
                "IdempotentWrite",
                "All",
            ),
        },
    },
    required=("resource", "operations"),
)

KAFKA_USER: Schema = resource(
    "kafka.strimzi.io/v1",
    "KafkaUser",
    closed(
        {
            "authentication": closed(
                {"type": enum("tls", "tls-external", "scram-sha-512")}, required=("type",)
            ),
            "authorization": closed(
                {"type": enum("simple"), "acls": {"type": "array", "items": ACL_RULE}},
                required=("type", "acls"),
            ),
        }
    ),
    labels=STRIMZI_CLUSTER_LABEL,
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

# --- Prometheus Operator (monitoring.coreos.com/v1), from its own CRDs -----------------------

PROMETHEUS_OPERATOR_CRDS = Path(__file__).resolve().parents[1] / "crds" / (
    "prometheus-operator-v0.93.0")


def closed_openapi(schema: Any) -> Any:
    """A CRD's OpenAPI schema with every object that lists its properties closed: the API
    server prunes an unknown field of a custom resource without a word, so a misspelt one
    (``honorLabel``, ``keepFiringFor``) must fail here instead. Objects that keep unknown
    fields on purpose, or say what their other properties hold, stay as they are."""
    if isinstance(schema, list):
        return [closed_openapi(item) for item in schema]
    if not isinstance(schema, dict):
        return schema
    result = {key: closed_openapi(value) for key, value in schema.items()}
    if ("properties" in result and "additionalProperties" not in result
            and not result.get("x-kubernetes-preserve-unknown-fields")):
        result["additionalProperties"] = False
    return result


def vendored_crd(file: str, api_version: str, kind: str) -> Schema:
    crd = yaml.safe_load((PROMETHEUS_OPERATOR_CRDS / file).read_text())
    assert crd["spec"]["names"]["kind"] == kind
    group, version = api_version.split("/")
    assert crd["spec"]["group"] == group
    (served,) = [v for v in crd["spec"]["versions"] if v["name"] == version]
    schema: Schema = closed_openapi(copy.deepcopy(served["schema"]["openAPIV3Schema"]))
    properties = schema["properties"]
    properties["apiVersion"] = {"const": api_version}
    properties["kind"] = {"const": kind}
    properties["metadata"] = {
        "type": "object",
        "properties": {"name": STRING, "namespace": STRING, "labels": STRING_MAP,
                       "annotations": STRING_MAP},
        "required": ["name"],
        "additionalProperties": False,
    }
    schema["required"] = sorted({*schema.get("required", ()), "apiVersion", "kind", "metadata",
                                 "spec"})
    return schema


POD_MONITOR: Schema = vendored_crd("monitoring.coreos.com_podmonitors.yaml",
                                   "monitoring.coreos.com/v1", "PodMonitor")
PROMETHEUS_RULE: Schema = vendored_crd("monitoring.coreos.com_prometheusrules.yaml",
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
