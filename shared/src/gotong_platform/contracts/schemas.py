"""JSON Schema export of the contracts and the compatibility rule CI enforces.

``python -m gotong_platform.contracts.schemas DIR [PARTNER_DIR]`` writes one file per
contract (and per partner contract, without its deployment's ``$id``, into
``PARTNER_DIR``). The committed files are the published truth: a later model of the
same ``schema_name`` may add optional fields, nothing else, with one exception:
a money field may gain the platform's money limit (``gotong_platform.money``).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from gotong_platform.contracts import REGISTRY
from gotong_platform.contracts.partner_feed import PARTNER_CONTRACTS, partner_schema
from gotong_platform.money import MAX_AMOUNT_IDR, MAX_TOTAL_IDR

__all__ = ["breaking_changes", "current_partner_schemas", "current_schemas", "main"]


def current_schemas() -> dict[str, dict[str, Any]]:
    return {cls.schema_name(): cls.model_json_schema() for cls in REGISTRY.values()}


def current_partner_schemas() -> dict[str, dict[str, Any]]:
    """The partner contracts' schemas, without the ``$id`` a deployment gives them."""
    return {cls.schema_name(): partner_schema(cls) for cls in PARTNER_CONTRACTS.values()}


def breaking_changes(old: dict[str, Any], new: dict[str, Any]) -> list[str]:
    """Why ``new`` cannot replace ``old`` under the same name (empty when it can).

    The nested models (``$defs``: a sale's lines, a loan's instalments) are held to
    the same rule as the event's own fields.
    """
    problems = _object_changes("", old, new)
    new_defs: dict[str, Any] = new.get("$defs", {})
    for name, spec in old.get("$defs", {}).items():
        if name not in new_defs:
            problems.append(f"nested model '{name}' was removed")
        else:
            problems += _object_changes(f"{name}.", spec, new_defs[name])
    return problems


def _object_changes(prefix: str, old: dict[str, Any], new: dict[str, Any]) -> list[str]:
    problems: list[str] = []
    old_props: dict[str, Any] = old.get("properties", {})
    new_props: dict[str, Any] = new.get("properties", {})
    for name, spec in old_props.items():
        if name not in new_props:
            problems.append(f"field '{prefix}{name}' was removed")
        elif _shape(spec) != _shape(new_props[name]):
            problems.append(f"field '{prefix}{name}' changed type")
        else:
            problems += _bound_changes(f"{prefix}{name}", spec, new_props[name])
    for name in set(new.get("required", [])) - set(old.get("required", [])):
        problems.append(f"field '{prefix}{name}' became required")
    return problems


def _shape(spec: dict[str, Any]) -> Any:
    keys = ("type", "format", "enum", "const", "anyOf", "pattern", "$ref", "items")
    return {k: spec[k] for k in keys if k in spec}


# A bound that a new schema adds or narrows refuses values the old one allowed, and
# events beyond it may already be on Kafka (topics keep everything): a tightening is
# breaking, except one to the platform's documented money limits. An event beyond
# those was never a valid fact of a cooperative (no transaction is Rp 10^12 or more);
# consumers dead-letter it as poison (docs/money.md). A bound that is widened or
# dropped is always breaking: consumers that validate against the published schema
# would refuse the new events.
_MONEY_BOUNDS = frozenset({MAX_AMOUNT_IDR, -MAX_AMOUNT_IDR, MAX_TOTAL_IDR})
_UPPER = {"maximum": True, "exclusiveMaximum": True, "minimum": False, "exclusiveMinimum": False}


def _bound_changes(name: str, old: dict[str, Any], new: dict[str, Any]) -> list[str]:
    problems: list[str] = []
    for key, upper in _UPPER.items():
        was, now = old.get(key), new.get(key)
        if was == now:
            continue
        if now is None or (was is not None and (now > was if upper else now < was)):
            problems.append(f"field '{name}' {key} was widened or dropped ({was} -> {now})")
        elif now not in _MONEY_BOUNDS:
            problems.append(f"field '{name}' {key} was tightened ({was} -> {now})")
    return problems


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    out = Path(args[0] if args else "docs/contracts")
    out.mkdir(parents=True, exist_ok=True)
    for name, schema in sorted(current_schemas().items()):
        (out / f"{name}.json").write_text(json.dumps(schema, indent=2, sort_keys=True) + "\n")
    print(f"wrote {len(REGISTRY)} schemas to {out}")
    if len(args) > 1:
        partner_out = Path(args[1])
        partner_out.mkdir(parents=True, exist_ok=True)
        for name, schema in sorted(current_partner_schemas().items()):
            (partner_out / f"{name}.json").write_text(
                json.dumps(schema, indent=2, sort_keys=True) + "\n")
        print(f"wrote {len(PARTNER_CONTRACTS)} partner schemas to {partner_out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
