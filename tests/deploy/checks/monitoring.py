"""What an operator sees: every process that serves /metrics is scraped (a PodMonitor on the
port it serves them on), and every alert reads metrics that exist, says how bad it is and
links the section of docs/operations.md that says what to do."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

from .docs import Doc, container_port, name_of, of_kind, pod_labels, ref, selector_matches
from .expected import SERVICES, WITHOUT_RELAY
from .promql import PROMETHEUS_SERIES, exported_names, metric_names

OPERATIONS_DOC = Path(__file__).resolve().parents[3] / "docs" / "operations.md"
RUNBOOK_BASE = "https://github.com/gotong/gotong/blob/main/docs/operations.md#"
SEVERITIES = frozenset({"warning", "critical"})
# The labels every PodMonitor gives its targets (the alerts and the dashboard group by them).
TARGET_LABELS = {"service": "app.kubernetes.io/name", "component": "app.kubernetes.io/component"}


def scraped(deployment: Doc) -> bool:
    annotations = deployment["spec"]["template"]["metadata"].get("annotations", {})
    return bool(annotations.get("prometheus.io/scrape") == "true")


def monitoring_problems(docs: list[Doc]) -> list[str]:
    return [*pod_monitor_problems(docs), *alert_problems(docs)]


def pod_monitor_problems(docs: list[Doc]) -> list[str]:
    """Each Deployment that serves metrics is selected by exactly one PodMonitor, whose
    endpoint is a port the pod has, on the path it serves them on, labelled with its service
    and component; a PodMonitor that selects nothing is a mistake too."""
    problems = []
    monitors = of_kind(docs, "PodMonitor")
    deployments = of_kind(docs, "Deployment")
    for deployment in deployments:
        selecting = [m for m in monitors
                     if selector_matches(m["spec"]["selector"], pod_labels(deployment))]
        if not scraped(deployment):
            if selecting:
                problems.append(f"{ref(deployment)}: serves no metrics, yet selected by "
                                f"{[name_of(m) for m in selecting]}")
            continue
        if len(selecting) != 1:
            problems.append(f"{ref(deployment)}: selected by {len(selecting)} PodMonitors")
            continue
        annotations = deployment["spec"]["template"]["metadata"]["annotations"]
        for endpoint in selecting[0]["spec"]["podMetricsEndpoints"]:
            port = container_port(deployment, endpoint.get("port", ""))
            if port is None or str(port) != annotations.get("prometheus.io/port"):
                problems.append(f"{ref(deployment)}: {ref(selecting[0])} scrapes port "
                                f"{endpoint.get('port')!r}, not its metrics port")
            if endpoint.get("path", "/metrics") != annotations.get("prometheus.io/path"):
                problems.append(f"{ref(deployment)}: {ref(selecting[0])} scrapes another path")
    for monitor in monitors:
        if not any(selector_matches(monitor["spec"]["selector"], pod_labels(d))
                   for d in deployments):
            problems.append(f"{ref(monitor)}: selects no Deployment's pods")
        for endpoint in monitor["spec"]["podMetricsEndpoints"]:
            given = {r.get("targetLabel"): r.get("sourceLabels")
                     for r in endpoint.get("relabelings", [])}
            for label, pod_label in TARGET_LABELS.items():
                source = "__meta_kubernetes_pod_label_" + re.sub(r"[^\w]", "_", pod_label)
                if given.get(label) != [source]:
                    problems.append(f"{ref(monitor)}: target label {label!r} is not {pod_label}")
    return problems


def alerts(docs: list[Doc]) -> Iterator[tuple[Doc, Doc]]:
    for rule_doc in of_kind(docs, "PrometheusRule"):
        for group in rule_doc["spec"]["groups"]:
            for rule in group["rules"]:
                yield rule_doc, rule


def operations_anchors() -> set[str]:
    """The anchors of docs/operations.md's headings, as GitHub makes them."""
    anchors = set()
    for line in OPERATIONS_DOC.read_text().splitlines():
        if line.startswith("#"):
            title = line.lstrip("#").strip().lower()
            anchors.add(re.sub(r"\s", "-", re.sub(r"[^\w\s-]", "", title)))
    return anchors


def alert_problems(docs: list[Doc]) -> list[str]:
    """Every alert has a severity, a summary, a description and a runbook that exists; reads
    only metrics the platform exports; the relay alert names every service with a relay."""
    problems = []
    anchors = operations_anchors()
    known = exported_names() | PROMETHEUS_SERIES
    names: list[str] = []
    for rule_doc, rule in alerts(docs):
        name = rule.get("alert") or rule.get("record", "?")
        where = f"{ref(rule_doc)}: {name}"
        names.append(name)
        if "alert" not in rule:
            continue
        if rule.get("labels", {}).get("severity") not in SEVERITIES:
            problems.append(f"{where}: severity not one of {sorted(SEVERITIES)}")
        annotations = rule.get("annotations", {})
        for key in ("summary", "description", "runbook_url"):
            if not annotations.get(key):
                problems.append(f"{where}: no {key}")
        runbook = annotations.get("runbook_url", "")
        if not runbook.startswith(RUNBOOK_BASE) or runbook[len(RUNBOOK_BASE):] not in anchors:
            problems.append(f"{where}: runbook {runbook!r} is no heading of docs/operations.md")
        unknown = metric_names(str(rule["expr"])) - known
        if unknown:
            problems.append(f"{where}: reads {sorted(unknown)}, which nothing exports")
        if name == "GotongRelayWithoutLeader":
            absent = set(re.findall(r'absent\(gotong_relay_leader\{service="(\w+)"\}\)',
                                    str(rule["expr"])))
            if absent != set(SERVICES) - WITHOUT_RELAY:
                problems.append(f"{where}: a missing relay noticed only for {sorted(absent)}")
    if len(names) != len(set(names)):
        problems.append(f"alert names repeat: {sorted(names)}")
    if not names:
        problems.append("no PrometheusRule with alerts")
    return problems
