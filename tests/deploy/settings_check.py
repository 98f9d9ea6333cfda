"""The manifests' settings against the services' own settings classes.

pydantic-settings ignores a variable that names no field (``extra="ignore"``), so a misspelt
or renamed setting in a ConfigMap or a Deployment would silently fall back to the code's
default (for a consumer: other topics, a loopback-only metrics server). This builds, for each
container, the environment it gets (its ConfigMaps and its literal ``env``; Secret references
become placeholders), checks every ``GOTONG_<SVC>_*`` name against the fields of
``<svc>.settings.<Svc>Settings``, and constructs the settings from that environment, so that
a value the process would refuse at start (a tuple that is not JSON) fails here too.

Unlike the checks package this imports the services' code (installed in the workspace's
virtual environment); it reads no file and opens no connection.
"""

from __future__ import annotations

import importlib
import os
from typing import Any
from unittest import mock

from pydantic import ValidationError
from pydantic_settings import BaseSettings
from pydantic_settings.exceptions import SettingsError

from . import checks

Doc = checks.Doc

# Set in the manifests but read by no settings class today. Each one is a known gap, listed
# so that the test fails both when a new unread name appears and when one of these is fixed
# (then drop it here).
KNOWN_UNREAD: frozenset[str] = frozenset()
PLACEHOLDER = "placeholder-from-a-secret"


def settings_class(service: str) -> type[BaseSettings]:
    module = importlib.import_module(f"{service}.settings")
    cls: type[BaseSettings] = getattr(module, f"{service.capitalize()}Settings")
    return cls


def field_names(service: str) -> set[str]:
    return {checks.setting_name(service, field) for field in settings_class(service).model_fields}


def container_environment(container: Doc, docs: list[Doc]) -> dict[str, str]:
    """The variables the container starts with (later sources win, as in Kubernetes)."""
    environment: dict[str, str] = {}
    for config_map in checks.config_maps_of(container, docs):
        environment.update({k: str(v) for k, v in config_map.get("data", {}).items()})
    for entry in container.get("env", []):
        if "value" in entry:
            environment[entry["name"]] = str(entry["value"])
        elif "valueFrom" in entry:
            environment[entry["name"]] = PLACEHOLDER
    return environment


def load_settings(service: str, environment: dict[str, str]) -> Any:
    """The service's settings as the process would build them from ``environment`` alone."""
    with mock.patch.dict(os.environ, environment, clear=True):
        return settings_class(service)()


def settings_problems(docs: list[Doc]) -> list[str]:
    """Every GOTONG_<SVC>_* variable a container gets is a field of its service's settings
    (or a known gap), the settings load from it, and each consumer's loaded settings are the
    ones checks.CONSUMERS expects (topics, group, metrics host and port), each relay's its
    metrics host and checks.RELAY_METRICS_PORTS."""
    problems = []
    unread: set[str] = set()
    for deployment in checks.of_kind(docs, "Deployment"):
        service, process = checks.service_and_process(deployment)
        fields = field_names(service)
        for container in checks.containers(deployment):
            environment = container_environment(container, docs)
            for name in sorted(environment):
                if not name.startswith("GOTONG_"):
                    continue
                owner = next(
                    (s for s in checks.SERVICES if name.startswith(f"GOTONG_{s.upper()}_")), None
                )
                if owner is None:
                    continue
                if owner != service:
                    problems.append(f"{checks.ref(deployment)}: {name} belongs to {owner}")
                elif name not in fields:
                    unread.add(name)
            try:
                loaded = load_settings(service, environment)
            except (ValidationError, SettingsError) as error:
                problems.append(f"{checks.ref(deployment)}: settings do not load: {error}")
                continue
            if process == "consumer" and service in checks.CONSUMERS:
                problems += consumer_settings_problems(deployment, service, loaded)
            if process == "relay" and service in checks.RELAY_METRICS_PORTS:
                problems += relay_settings_problems(deployment, service, loaded)
    for name in sorted(unread - KNOWN_UNREAD):
        problems.append(f"{name}: no settings field reads it (misspelt or renamed?)")
    return problems


def consumer_settings_problems(deployment: Doc, service: str, loaded: Any) -> list[str]:
    spec = checks.CONSUMERS[service]
    where = checks.ref(deployment)
    problems = []
    topics = tuple(getattr(loaded, spec.topics_field))
    if sorted(topics) != sorted(spec.topics):
        problems.append(f"{where}: the process would consume {list(topics)}")
    if loaded.consumer_group != spec.group:
        problems.append(f"{where}: the process would join {loaded.consumer_group!r}")
    if loaded.consumer_metrics_host != checks.METRICS_HOST:
        problems.append(f"{where}: metrics would bind to {loaded.consumer_metrics_host!r}")
    if loaded.consumer_metrics_port != spec.metrics_port:
        problems.append(f"{where}: metrics would listen on {loaded.consumer_metrics_port}")
    return problems


def relay_settings_problems(deployment: Doc, service: str, loaded: Any) -> list[str]:
    where = checks.ref(deployment)
    problems = []
    if loaded.relay_metrics_host != checks.METRICS_HOST:
        problems.append(f"{where}: relay metrics would bind to {loaded.relay_metrics_host!r}")
    if loaded.relay_metrics_port != checks.RELAY_METRICS_PORTS[service]:
        problems.append(f"{where}: relay metrics would listen on {loaded.relay_metrics_port}")
    return problems


def unread_names(docs: list[Doc]) -> set[str]:
    """The GOTONG_<SVC>_* names set for a service's containers that its settings never read."""
    names = set()
    for deployment in checks.of_kind(docs, "Deployment"):
        service, _ = checks.service_and_process(deployment)
        fields = field_names(service)
        prefix = f"GOTONG_{service.upper()}_"
        for container in checks.containers(deployment):
            for name in container_environment(container, docs):
                if name.startswith(prefix) and name not in fields:
                    names.add(name)
    return names
