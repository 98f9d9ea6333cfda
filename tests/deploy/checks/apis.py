"""The APIs: probes, the address uvicorn binds, the JWT key file, scraping, the Service in
front and the PodDisruptionBudget."""

from __future__ import annotations

from .docs import (
    Doc,
    container_port,
    containers,
    env_value,
    of_kind,
    pod_labels,
    ref,
    selector_matches,
    service_and_process,
)
from .expected import API_PORT


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
