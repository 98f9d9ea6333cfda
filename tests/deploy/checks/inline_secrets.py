"""No secret value is written in the manifests."""

from __future__ import annotations

from .docs import Doc, containers, of_kind, ref
from .expected import SENSITIVE_NAME


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
