"""JSON Schema export of the contracts and the compatibility rule CI enforces.

``python -m gotong_platform.contracts.schemas DIR`` writes one file per
contract. The committed files are the published truth: a later model of the
same ``schema_name`` may add optional fields, nothing else.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from gotong_platform.contracts import REGISTRY

__all__ = ["breaking_changes", "current_schemas", "main"]


def current_schemas() -> dict[str, dict[str, Any]]:
    return {cls.schema_name(): cls.model_json_schema() for cls in REGISTRY.values()}


def breaking_changes(old: dict[str, Any], new: dict[str, Any]) -> list[str]:
    """Why ``new`` cannot replace ``old`` under the same name (empty when it can)."""
    problems: list[str] = []
    old_props: dict[str, Any] = old.get("properties", {})
    new_props: dict[str, Any] = new.get("properties", {})
    for name, spec in old_props.items():
        if name not in new_props:
            problems.append(f"field '{name}' was removed")
        elif _shape(spec) != _shape(new_props[name]):
            problems.append(f"field '{name}' changed type")
    for name in set(new.get("required", [])) - set(old.get("required", [])):
        problems.append(f"field '{name}' became required")
    return problems


def _shape(spec: dict[str, Any]) -> Any:
    keys = ("type", "format", "enum", "const", "anyOf", "pattern", "$ref", "items")
    return {k: spec[k] for k in keys if k in spec}


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    out = Path(args[0] if args else "docs/contracts")
    out.mkdir(parents=True, exist_ok=True)
    for name, schema in sorted(current_schemas().items()):
        (out / f"{name}.json").write_text(json.dumps(schema, indent=2, sort_keys=True) + "\n")
    print(f"wrote {len(REGISTRY)} schemas to {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
