"""Every service keeps the one shape of docs/architecture.md, read from its source.

``make lint`` holds the layers' arrows with import-linter (pyproject's
``[tool.importlinter]``): no layer imports one above it, the domain no I/O library, no
service another. This module checks what those contracts do not say: the domain imports
only the standard library, the platform's pure modules and itself; only adapters import
the database driver or the Kafka client; routes read through ``adapters/queries.py``;
error codes are stable and public; money is never a float. Imports are read with ``ast``
at any depth, so a lazy import inside a function counts too, and nothing is imported to
check it but the packages themselves.
"""

from __future__ import annotations

import ast
import importlib
import re
import sys
import tomllib
from pathlib import Path
from types import ModuleType

import pytest

from gotong_platform.domain import DomainError

pytestmark = pytest.mark.unit

SERVICES = ("members", "inventory", "payments", "reporting", "partners")
# The services whose domain has one ``errors`` module, and how many rules each names at least.
ERROR_COUNTS = {"members": 20, "inventory": 40, "payments": 25, "partners": 8}
# The money domains. Reporting's report figures format ratios with Decimal, so it is not one.
MONEY_DOMAINS = ("members", "inventory", "payments")
# Reporting's routes also serve the dashboard's files and the SHU queries of their own
# adapters' subpackage; the three others read through their one adapters/queries.py.
ONE_QUERIES_MODULE = ("members", "inventory", "payments", "partners")

DRIVERS = ("asyncpg", "aiokafka")
IO_LIBRARIES = (*DRIVERS, "fastapi", "starlette", "httpx", "uvicorn")
WEB = ("fastapi", "starlette")
# Standard-library modules a pure domain never needs: I/O, the clock, chance, Decimal.
IMPURE_STDLIB = ("asyncio", "socket", "os", "random", "time")
ROOT = Path(__file__).resolve().parents[2]


def pure_platform_modules() -> set[str]:
    """The platform modules a domain may import: import-linter's "pure modules" contract."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    contracts = config["tool"]["importlinter"]["contracts"]
    (pure,) = [c for c in contracts if c["name"] == "The platform's pure modules do no I/O"]
    return set(pure["source_modules"])


def package_of(service: str) -> Path:
    return Path(importlib.import_module(service).__file__ or "").parent


def imported_by(path: Path) -> set[str]:
    """What one module imports: each module named, and ``module.name`` for a from-import."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
            names |= {f"{node.module}.{alias.name}" for alias in node.names}
    return names


def imports_of(service: str, folder: str) -> dict[str, set[str]]:
    """Each module of the service's ``folder`` (or a top-level ``*.py``) -> what it imports."""
    package = package_of(service)
    paths = [package / folder] if folder.endswith(".py") else sorted(
        (package / folder).rglob("*.py"))
    return {str(path.relative_to(package)): imported_by(path) for path in paths}


def under(name: str, *packages: str) -> bool:
    return any(name == p or name.startswith(p + ".") for p in packages)


def offending(service: str, folder: str, *forbidden: str) -> dict[str, list[str]]:
    """Per module of ``folder``, what it imports from the ``forbidden`` packages."""
    found = {module: sorted(n for n in names if under(n, *forbidden))
             for module, names in imports_of(service, folder).items()}
    return {module: names for module, names in found.items() if names}


def domain_errors(service: str) -> list[type[DomainError]]:
    """The refusals a service's domain names: its own and the platform's it re-exports."""
    errors = importlib.import_module(f"{service}.domain.errors")
    found = [cls for cls in vars(errors).values()
             if isinstance(cls, type) and issubclass(cls, DomainError)
             and cls.__module__ != "gotong_platform.domain"]  # not the HTTP kinds
    return list(dict.fromkeys(found))


def domain_package(service: str) -> ModuleType:
    return importlib.import_module(f"{service}.domain")


# --- the folders -------------------------------------------------------------------------


@pytest.mark.parametrize("service", SERVICES)
def test_every_module_lives_in_one_of_the_four_folders(service: str) -> None:
    package = package_of(service)
    top = {p.name for p in package.iterdir()
           if p.suffix == ".py" or (p.is_dir() and p.name != "__pycache__")}
    assert top == {"__init__.py", "__main__.py", "main.py", "settings.py", "domain",
                   "application", "adapters", "entrypoints"}


# --- the domain: pure ----------------------------------------------------------------------


@pytest.mark.parametrize("service", SERVICES)
def test_the_domain_imports_only_the_standard_library_the_pure_platform_and_itself(
    service: str,
) -> None:
    pure = pure_platform_modules()
    for module, names in imports_of(service, "domain").items():
        outside = {n for n in names if n.split(".")[0] not in sys.stdlib_module_names}
        assert {n for n in outside if not under(n, f"{service}.domain", *pure)} == set(), module
        assert not {n.split(".")[0] for n in names} & set(IMPURE_STDLIB), module


@pytest.mark.parametrize("service", MONEY_DOMAINS)
def test_no_float_decimal_or_division_in_a_money_domain(service: str) -> None:
    for path in sorted((package_of(service) / "domain").rglob("*.py")):
        tree = ast.parse(path.read_text())
        names = {node.id for node in ast.walk(tree) if isinstance(node, ast.Name)}
        floats = [n for n in ast.walk(tree)
                  if isinstance(n, ast.Constant) and isinstance(n.value, float)]
        divisions = [n for n in ast.walk(tree)
                     if isinstance(n, ast.BinOp) and isinstance(n.op, ast.Div)]
        assert not {"float", "Decimal"} & names, path.name
        assert not floats, path.name
        assert not divisions, path.name


# --- the domain: a stable public surface ----------------------------------------------------


@pytest.mark.parametrize(("service", "at_least"), sorted(ERROR_COUNTS.items()))
def test_every_error_has_its_own_kebab_case_code(service: str, at_least: int) -> None:
    errors = domain_errors(service)
    codes = [cls.code for cls in errors]
    base_codes = {cls.code for cls in vars(importlib.import_module("gotong_platform.domain"))
                  .values() if isinstance(cls, type) and issubclass(cls, DomainError)}

    assert len(errors) > at_least
    assert len(set(codes)) == len(codes)
    assert not set(codes) & base_codes
    assert all(re.fullmatch(r"[a-z]+(-[a-z]+)+", code) for code in codes)


@pytest.mark.parametrize("service", sorted(ERROR_COUNTS))
def test_every_error_is_part_of_the_public_surface(service: str) -> None:
    public = set(domain_package(service).__all__)
    errors = importlib.import_module(f"{service}.domain.errors")

    assert {cls.__name__ for cls in domain_errors(service)
            if cls.__module__ == errors.__name__} <= public
    assert set(errors.__all__) <= public


@pytest.mark.parametrize("service", sorted(ERROR_COUNTS))
def test_every_public_name_exists(service: str) -> None:
    domain = domain_package(service)
    for name in domain.__all__:
        assert hasattr(domain, name), name


# --- the other layers ----------------------------------------------------------------------


@pytest.mark.parametrize("service", SERVICES)
def test_only_adapters_import_the_database_driver_and_the_kafka_client(service: str) -> None:
    for folder in ("domain", "application", "entrypoints", "main.py", "__main__.py",
                   "settings.py"):
        assert offending(service, folder, *DRIVERS) == {}, folder


@pytest.mark.parametrize("service", SERVICES)
def test_the_use_cases_import_no_io_library(service: str) -> None:
    # import-linter holds the driver and the web framework; this adds Kafka and the HTTP
    # client and server: the use cases reach all of them through ports.
    assert offending(service, "application", *IO_LIBRARIES) == {}


@pytest.mark.parametrize("service", SERVICES)
def test_adapters_never_import_the_web_framework(service: str) -> None:
    assert offending(service, "adapters", *WEB) == {}


@pytest.mark.parametrize("service", SERVICES)
def test_the_edge_is_not_imported_by_what_it_serves(service: str) -> None:
    assert offending(service, "entrypoints", f"{service}.main") == {}


@pytest.mark.parametrize("service", ONE_QUERIES_MODULE)
def test_routes_read_through_the_queries_and_nothing_else_of_the_adapters(service: str) -> None:
    adapters = f"{service}.adapters"
    reached = {name for names in imports_of(service, "entrypoints").values() for name in names
               if under(name, adapters)}

    assert {name for name in reached
            if name != adapters and not under(name, f"{adapters}.queries")} == set()
