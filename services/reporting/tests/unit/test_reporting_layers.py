"""The reporting service's four folders keep their dependency rule (issue 10).

entrypoints -> application -> domain; adapters -> domain; ``main.py`` wires adapters
into the use cases. Read from the source (every ``import`` a module makes, at any
depth), so a lazy import inside a function counts too.
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

import reporting

pytestmark = pytest.mark.unit

PACKAGE = Path(reporting.__file__).parent
IO_LIBRARIES = {"asyncpg", "aiokafka", "fastapi", "starlette", "httpx", "uvicorn"}
# What the domain may use of the platform: the pure parts.
PURE_PLATFORM = {"gotong_platform.calendar", "gotong_platform.codec", "gotong_platform.domain",
                 "gotong_platform.money"}


def imports_of(folder: str) -> dict[str, set[str]]:
    """Each module of ``folder`` (relative to the package) -> the modules it imports."""
    found: dict[str, set[str]] = {}
    for path in sorted((PACKAGE / folder).rglob("*.py")):
        names: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                names |= {alias.name for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names.add(node.module)
        found[str(path.relative_to(PACKAGE))] = names
    return found


def offending(folder: str, forbidden: tuple[str, ...]) -> dict[str, set[str]]:
    return {module: bad for module, names in imports_of(folder).items()
            if (bad := {n for n in names
                        if any(n == f or n.startswith(f + ".") for f in forbidden)})}


def test_every_module_lives_in_one_of_the_four_folders() -> None:
    top = {p.name for p in PACKAGE.iterdir() if p.suffix == ".py" or (
        p.is_dir() and p.name != "__pycache__")}
    assert top == {"__init__.py", "__main__.py", "main.py", "settings.py", "domain",
                   "application", "adapters", "entrypoints"}


def test_the_domain_imports_only_the_standard_library_the_pure_platform_and_itself() -> None:
    for module, names in imports_of("domain").items():
        outside = {n for n in names if n.split(".")[0] not in sys.stdlib_module_names}
        assert {n for n in outside if not n.startswith("reporting.domain")} <= PURE_PLATFORM, (
            module)


def test_the_use_cases_know_neither_adapters_nor_http_nor_a_driver() -> None:
    assert offending("application", ("reporting.adapters", "reporting.entrypoints",
                                     "reporting.main", *IO_LIBRARIES)) == {}


def test_adapters_never_import_the_use_cases_or_the_edge() -> None:
    assert offending("adapters", ("reporting.application", "reporting.entrypoints",
                                  "reporting.main", "fastapi", "starlette")) == {}


def test_only_adapters_talk_to_postgresql_and_kafka() -> None:
    for folder in ("domain", "application", "entrypoints"):
        assert offending(folder, ("asyncpg", "aiokafka")) == {}, folder


def test_the_edge_is_not_imported_by_what_it_serves() -> None:
    assert offending("entrypoints", ("reporting.main",)) == {}
