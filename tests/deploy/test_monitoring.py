"""The alerts and the dashboard (deploy/k8s/base/monitoring) with Prometheus' own tool.

``promtool`` (Debian's ``prometheus`` package; ``make promtool`` installs it) checks the
rules of the rendered PrometheusRule and runs their unit tests (alerts/gotong-alerts.test.yaml:
each alert firing and staying quiet), and parses every expression of the Grafana dashboard.
A machine without promtool fails these tests: they are never skipped.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from . import checks
from .checks.promql import PROMETHEUS_SERIES, exported_names, metric_names
from .kustomize import K8S_DIR, REPO_ROOT, render

pytestmark = pytest.mark.unit

ALERT_TESTS = Path(__file__).parent / "alerts" / "gotong-alerts.test.yaml"
# The file name the unit tests load their rules from (rule_files).
RULES_FILE = "gotong-alerts.rules.yaml"
DASHBOARD = K8S_DIR / "base" / "monitoring" / "dashboards" / "gotong-overview.json"
# What the dashboard must show (the list), by the series it reads.
DASHBOARD_MUST_READ = frozenset({
    "gotong_http_requests_total", "gotong_http_request_duration_seconds_bucket",
    "gotong_outbox_backlog_events", "gotong_outbox_oldest_age_seconds",
    "gotong_consumer_lag_events", "gotong_consumer_lag_seconds",
    "gotong_consumer_dead_lettered_events_total", "gotong_process_ready",
})
# Grafana's variables, replaced by what they stand for so that promtool can parse.
GRAFANA_VARIABLES = {"$__rate_interval": "5m", "$service": ".*"}


@pytest.fixture(scope="module")
def promtool() -> str:
    found = shutil.which("promtool")
    if found is None:
        pytest.fail("promtool is missing: run 'make promtool' (apt-get install prometheus)")
    return found


def run(*argv: str, cwd: Path) -> str:
    result = subprocess.run(argv, cwd=cwd, capture_output=True, text=True, check=False,  # noqa: S603 - fixed argv
                            timeout=120)
    assert result.returncode == 0, f"{' '.join(argv)}:\n{result.stdout}\n{result.stderr}"
    return result.stdout


def rule_groups() -> list[dict[str, Any]]:
    docs = render(K8S_DIR / "overlays" / "prod")
    (rule,) = checks.of_kind(docs, "PrometheusRule")
    return list(rule["spec"]["groups"])


def test_the_alert_rules_pass_promtool_and_their_unit_tests(promtool: str,
                                                            tmp_path: Path) -> None:
    groups = rule_groups()
    (tmp_path / "all.rules.yaml").write_text(yaml.safe_dump({"groups": groups}))
    # Every annotation's template is checked here, the descriptions and links too.
    run(promtool, "check", "rules", "all.rules.yaml", cwd=tmp_path)
    # The unit tests compare the summary (labels and values in words); the rest is prose.
    for group in groups:
        for rule in group["rules"]:
            rule["annotations"] = {"summary": rule["annotations"]["summary"]}
    (tmp_path / RULES_FILE).write_text(yaml.safe_dump({"groups": groups}))
    shutil.copy(ALERT_TESTS, tmp_path / ALERT_TESTS.name)
    output = run(promtool, "test", "rules", ALERT_TESTS.name, cwd=tmp_path)
    assert "SUCCESS" in output


def test_every_alert_is_tested_firing_and_quiet() -> None:
    alerts = {rule["alert"] for group in rule_groups() for rule in group["rules"]
              if "alert" in rule}
    tests = yaml.safe_load(ALERT_TESTS.read_text())
    assert tests["rule_files"] == [RULES_FILE]
    cases = [case for test in tests["tests"] for case in test["alert_rule_test"]]
    firing = {case["alertname"] for case in cases if case["exp_alerts"]}
    quiet = {case["alertname"] for case in cases if not case["exp_alerts"]}
    assert firing == alerts
    assert quiet == alerts


def dashboard() -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(DASHBOARD.read_text())
    return loaded


def panels(board: dict[str, Any]) -> list[dict[str, Any]]:
    found = []
    for panel in board["panels"]:
        found.append(panel)
        found.extend(panel.get("panels", []))  # a collapsed row holds its panels
    return found


def expressions(board: dict[str, Any]) -> list[tuple[str, str]]:
    """(panel and refId, expression) of every query of the dashboard."""
    return [(f"{panel['title']}/{target['refId']}", target["expr"])
            for panel in panels(board) if panel["type"] != "row"
            for target in panel["targets"]]


def test_the_dashboard_ships_as_a_configmap_grafana_loads() -> None:
    for overlay in ("dev", "prod"):
        docs = render(K8S_DIR / "overlays" / overlay)
        (config_map,) = [c for c in checks.of_kind(docs, "ConfigMap")
                         if checks.name_of(c) == "gotong-dashboards"]
        assert config_map["metadata"]["labels"]["grafana_dashboard"] == "1"
        assert json.loads(config_map["data"][DASHBOARD.name]) == dashboard()


def test_every_panel_queries_prometheus_for_metrics_gotong_exports() -> None:
    board = dashboard()
    assert board["uid"] == "gotong-overview"
    ids = [panel["id"] for panel in panels(board)]
    assert len(ids) == len(set(ids))
    datasource = {"type": "prometheus", "uid": "${datasource}"}
    known = exported_names() | PROMETHEUS_SERIES
    read: set[str] = set()
    for panel in panels(board):
        if panel["type"] == "row":
            continue
        assert panel["datasource"] == datasource, panel["title"]
        assert panel["targets"], panel["title"]
        assert {"h", "w", "x", "y"} <= set(panel["gridPos"]), panel["title"]
        for target in panel["targets"]:
            assert target["datasource"] == datasource, panel["title"]
            names = metric_names(target["expr"])
            assert names, (panel["title"], target["expr"])
            assert names <= known, (panel["title"], sorted(names - known))
            read |= names
    assert read >= DASHBOARD_MUST_READ
    (variable,) = [v for v in board["templating"]["list"] if v["name"] == "service"]
    assert metric_names(variable["definition"].removeprefix("label_values(")
                        .rsplit(",", 1)[0]) <= known


def test_promtool_parses_every_dashboard_expression(promtool: str, tmp_path: Path) -> None:
    rules = []
    for index, (where, expr) in enumerate(expressions(dashboard())):
        for variable, value in GRAFANA_VARIABLES.items():
            expr = expr.replace(variable, value)
        assert "$" not in expr, f"{where}: a Grafana variable promtool cannot read: {expr}"
        rules.append({"record": f"gotong_dashboard:query_{index}", "expr": expr})
    (tmp_path / "dashboard.rules.yaml").write_text(
        yaml.safe_dump({"groups": [{"name": "dashboard", "rules": rules}]}))
    run(promtool, "check", "rules", "dashboard.rules.yaml", cwd=tmp_path)


def test_the_docs_name_every_alert() -> None:
    text = (REPO_ROOT / "docs" / "operations.md").read_text()
    for group in rule_groups():
        for rule in group["rules"]:
            assert f"### {rule['alert']}\n" in text
