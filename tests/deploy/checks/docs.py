"""Reading rendered documents: names, kinds, quantities, label selectors, a container's
settings as its ConfigMaps and env give them."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from .expected import CONSUMERS

Doc = dict[str, Any]
# A check takes the rendered documents and returns its problems (empty: all is well).
Check = Callable[[list[Doc]], list[str]]


def name_of(doc: Doc) -> str:
    return str(doc.get("metadata", {}).get("name", "?"))


def ref(doc: Doc) -> str:
    return f"{doc.get('kind')}/{name_of(doc)}"


def of_kind(docs: Iterable[Doc], kind: str) -> list[Doc]:
    return [doc for doc in docs if doc.get("kind") == kind]


def by_name(docs: Iterable[Doc], kind: str) -> dict[str, Doc]:
    return {name_of(doc): doc for doc in of_kind(docs, kind)}


def quantity_bytes(value: str | int) -> int:
    """A Kubernetes memory quantity ("256Mi", "2Gi", "512M", "1048576") in bytes."""
    text = str(value)
    units = {
        "Ki": 2**10,
        "Mi": 2**20,
        "Gi": 2**30,
        "Ti": 2**40,
        "k": 10**3,
        "M": 10**6,
        "G": 10**9,
        "T": 10**12,
    }
    for suffix, factor in units.items():
        if text.endswith(suffix):
            return int(float(text[: -len(suffix)]) * factor)
    return int(text)


def postgres_size_bytes(value: str) -> int:
    """A PostgreSQL size setting ("4GB", "512MB") in bytes."""
    match = re.fullmatch(r"(\d+)\s*(kB|MB|GB|TB)", value)
    if match is None:
        raise ValueError(f"not a PostgreSQL size: {value!r}")
    factor = {"kB": 2**10, "MB": 2**20, "GB": 2**30, "TB": 2**40}[match.group(2)]
    return int(match.group(1)) * factor


def selector_matches(selector: Doc | None, labels: dict[str, str]) -> bool:
    """Kubernetes LabelSelector semantics (an empty selector matches everything)."""
    selector = selector or {}
    for key, value in selector.get("matchLabels", {}).items():
        if labels.get(key) != value:
            return False
    for expression in selector.get("matchExpressions", []):
        key, operator = expression["key"], expression["operator"]
        values = expression.get("values", [])
        if operator == "In" and labels.get(key) not in values:
            return False
        if operator == "NotIn" and labels.get(key) in values:
            return False
        if operator == "Exists" and key not in labels:
            return False
        if operator == "DoesNotExist" and key in labels:
            return False
    return True


def pod_labels(deployment: Doc) -> dict[str, str]:
    return dict(deployment["spec"]["template"]["metadata"].get("labels", {}))


def containers(deployment: Doc) -> list[Doc]:
    return list(deployment["spec"]["template"]["spec"].get("containers", []))


def service_and_process(deployment: Doc) -> tuple[str, str]:
    service, _, process = name_of(deployment).partition("-")
    return service, process


def env_value(container: Doc, name: str) -> Doc | None:
    for entry in container.get("env", []):
        if entry.get("name") == name:
            return dict(entry)
    return None


def config_maps_of(container: Doc, docs: list[Doc]) -> Iterator[Doc]:
    maps = by_name(docs, "ConfigMap")
    for source in container.get("envFrom", []):
        name = source.get("configMapRef", {}).get("name")
        if name in maps:
            yield maps[name]


def setting(container: Doc, docs: list[Doc], name: str) -> str | None:
    """The value a container sees for ``name`` from a literal env entry or its ConfigMaps."""
    entry = env_value(container, name)
    if entry is not None and "value" in entry:
        return str(entry["value"])
    for config_map in config_maps_of(container, docs):
        if name in config_map.get("data", {}):
            return str(config_map["data"][name])
    return None


def setting_name(service: str, field: str) -> str:
    """The environment variable pydantic-settings reads ``field`` of ``service`` from."""
    return f"GOTONG_{service.upper()}_{field.upper()}"


def consumed_topics(container: Doc, docs: list[Doc], service: str) -> tuple[str, ...] | None:
    """The topics a consumer container is configured to read (None: unset or not JSON)."""
    spec = CONSUMERS.get(service)
    if spec is None:
        return None
    raw = setting(container, docs, setting_name(service, spec.topics_field))
    if raw is None:
        return None
    try:
        value = json.loads(raw)
    except ValueError:
        return None
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        return None
    return tuple(value)


def container_port(deployment: Doc, port: int | str) -> int | None:
    for container in containers(deployment):
        for item in container.get("ports", []):
            if port in (item.get("name"), item.get("containerPort")):
                return int(item["containerPort"])
    return None
