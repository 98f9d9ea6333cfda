"""The service's layers depend one way: entrypoints -> application -> domain, adapters ->
domain, and ``main.py`` wires adapters into the application (docs/architecture.md).

Read from the source's imports, so a new module cannot quietly break the rule.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import inventory

pytestmark = pytest.mark.unit

PACKAGE = Path(inventory.__file__).parent


def imports_of(layer: str) -> dict[str, set[str]]:
    """Per module of the layer (``adapters/till.py``), the modules it imports."""
    found: dict[str, set[str]] = {}
    for path in sorted((PACKAGE / layer).glob("*.py")):
        names: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                names |= {alias.name for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names.add(node.module)
                names |= {f"{node.module}.{alias.name}" for alias in node.names}
        found[f"{layer}/{path.name}"] = names
    return found


def under(name: str, *packages: str) -> bool:
    return any(name == p or name.startswith(p + ".") for p in packages)


def offending(layer: str, *forbidden: str) -> dict[str, list[str]]:
    """Per module of the layer, what it imports from the ``forbidden`` packages."""
    found = {module: sorted(n for n in names if under(n, *forbidden))
             for module, names in imports_of(layer).items()}
    return {module: names for module, names in found.items() if names}


def test_adapters_never_import_the_application_or_the_entrypoints() -> None:
    assert offending("adapters", "inventory.application", "inventory.entrypoints",
                     "inventory.main") == {}


def test_the_application_knows_its_ports_not_the_adapters() -> None:
    assert offending("application", "inventory.adapters", "inventory.entrypoints",
                     "inventory.main", "asyncpg", "aiokafka", "fastapi", "starlette") == {}


def test_only_adapters_import_the_database_driver() -> None:
    for layer in ("domain", "application", "entrypoints"):
        assert offending(layer, "asyncpg") == {}, layer
    for module in ("main.py", "__main__.py", "settings.py"):
        tree = ast.parse((PACKAGE / module).read_text())
        imported = {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import)
                    for alias in node.names}
        assert "asyncpg" not in imported, module


def test_routes_read_through_the_queries_and_nothing_else_of_the_adapters() -> None:
    reached = {name for names in imports_of("entrypoints").values() for name in names
               if under(name, "inventory.adapters")}

    assert {name for name in reached if name != "inventory.adapters"
            and not under(name, "inventory.adapters.queries")} == set()
