"""The Deployments: one per service process, hardened (security context), bounded
(resources), running its own image; relays single and never side by side."""

from __future__ import annotations

import re
from typing import Any

from .docs import Doc, by_name, containers, of_kind, quantity_bytes, ref, service_and_process
from .endpoints import process_endpoint_problems
from .expected import (
    EXTRA_PROCESSES,
    IMAGE_REPOSITORY,
    MEMORY_LIMIT_MAX,
    RELAY_METRICS_PORTS,
    SERVICES,
    WITHOUT_RELAY,
)


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
    never runs the old and the new relay side by side. Each serves its process endpoint
    (published, send errors, backlog, readiness) to Prometheus and the kubelet, as the
    consumers do: bound to 0.0.0.0 on its port, scraped, probed on /health and /ready."""
    problems = []
    for deployment in of_kind(docs, "Deployment"):
        service, process = service_and_process(deployment)
        if process != "relay":
            continue
        if deployment["spec"].get("replicas") != 1:
            problems.append(f"{ref(deployment)}: replicas {deployment['spec'].get('replicas')}")
        if deployment["spec"].get("strategy", {}).get("type") != "Recreate":
            problems.append(f"{ref(deployment)}: strategy is not Recreate")
        port = RELAY_METRICS_PORTS.get(service)
        if port is None:
            problems.append(f"{ref(deployment)}: {service} has no relay metrics port")
            continue
        problems += process_endpoint_problems(deployment, docs, service, "relay", port)
    return problems
