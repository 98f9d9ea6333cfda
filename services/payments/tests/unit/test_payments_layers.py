"""The layers of payments import one way: entrypoints -> application -> domain, and
adapters -> domain; only ``main.py`` (the composition root) wires adapters into the
use cases. Read from the source, so nothing is imported to check it.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import payments

pytestmark = pytest.mark.unit

PACKAGE = Path(payments.__file__).parent

# What each layer may not import (of payments' own packages).
FORBIDDEN = {
    "domain": {"payments.application", "payments.adapters", "payments.entrypoints",
               "payments.main"},
    "application": {"payments.adapters", "payments.entrypoints", "payments.main"},
    "adapters": {"payments.application", "payments.entrypoints", "payments.main"},
}


def imports_of(layer: str) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for module in sorted((PACKAGE / layer).glob("*.py")):
        names: set[str] = set()
        for node in ast.walk(ast.parse(module.read_text())):
            if isinstance(node, ast.Import):
                names |= {alias.name for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names.add(node.module)
        found[module.name] = names
    return found


@pytest.mark.parametrize("layer", sorted(FORBIDDEN))
def test_a_layer_imports_nothing_above_it(layer: str) -> None:
    broken = {
        module: sorted(name for name in names
                       if any(name == f or name.startswith(f + ".") for f in FORBIDDEN[layer]))
        for module, names in imports_of(layer).items()
    }
    assert {module: names for module, names in broken.items() if names} == {}


def test_the_use_cases_do_not_import_asyncpg() -> None:
    # The use cases reach storage through ports; asyncpg is the adapters' business.
    assert {module for module, names in imports_of("application").items()
            if "asyncpg" in names} == set()
