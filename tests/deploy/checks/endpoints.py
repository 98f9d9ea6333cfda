"""The process endpoint of a relay or consumer (``/metrics``, ``/health``, ``/ready`` of
``gotong_platform.telemetry.endpoint``), as its Deployment must expose it."""

from __future__ import annotations

from .docs import Doc, container_port, containers, ref, setting, setting_name
from .expected import METRICS_HOST


def process_endpoint_problems(deployment: Doc, docs: list[Doc], service: str, process: str,
                              port: int) -> list[str]:
    """The endpoint is bound to 0.0.0.0 on ``port`` (the settings
    ``<process>_metrics_host``/``_port``), a container port named 'metrics', scraped through
    prometheus.io/* annotations on that port, with its /health and /ready as the liveness and
    readiness probes."""
    problems = []
    (container,) = containers(deployment)
    host = setting(container, docs, setting_name(service, f"{process}_metrics_host"))
    if host != METRICS_HOST:
        problems.append(f"{ref(deployment)}: metrics bound to {host!r}, not {METRICS_HOST}")
    given = setting(container, docs, setting_name(service, f"{process}_metrics_port"))
    if given != str(port):
        problems.append(f"{ref(deployment)}: metrics port {given!r}, not {port}")
    if container_port(deployment, "metrics") != port:
        problems.append(f"{ref(deployment)}: no container port 'metrics' {port}")
    for probe, path in (("livenessProbe", "/health"), ("readinessProbe", "/ready")):
        get = container.get(probe, {}).get("httpGet", {})
        if (get.get("path"), get.get("port")) != (path, "metrics"):
            problems.append(f"{ref(deployment)}: no {probe} on {path} of port 'metrics'")
    annotations = deployment["spec"]["template"]["metadata"].get("annotations", {})
    wanted = {
        "prometheus.io/scrape": "true",
        "prometheus.io/port": str(port),
        "prometheus.io/path": "/metrics",
    }
    for key, value in wanted.items():
        if annotations.get(key) != value:
            problems.append(f"{ref(deployment)}: annotation {key} is not {value!r}")
    return problems
