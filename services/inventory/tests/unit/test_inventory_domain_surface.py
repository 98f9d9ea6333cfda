"""The domain's public surface: stable error codes, and no I/O behind the imports."""

from __future__ import annotations

import ast
import re
import sys
from pathlib import Path

import pytest

import inventory.domain
from gotong_platform.domain import DomainError, InvalidInput, NotFound, RuleViolated
from inventory.domain import errors

pytestmark = pytest.mark.unit

DOMAIN_ERRORS = [
    cls
    for cls in vars(errors).values()
    if isinstance(cls, type) and issubclass(cls, DomainError) and cls.__module__ == errors.__name__
]
BASE_CODES = {cls.code for cls in (DomainError, InvalidInput, RuleViolated, NotFound)}
FOLDER = Path(inventory.domain.__file__).parent


def test_every_error_has_its_own_kebab_case_code() -> None:
    codes = [cls.code for cls in DOMAIN_ERRORS]

    assert len(DOMAIN_ERRORS) > 40
    assert len(set(codes)) == len(codes)
    assert not set(codes) & BASE_CODES
    assert all(re.fullmatch(r"[a-z]+(-[a-z]+)+", code) for code in codes)


def test_every_error_is_part_of_the_public_surface() -> None:
    assert {cls.__name__ for cls in DOMAIN_ERRORS} <= set(inventory.domain.__all__)
    assert set(errors.__all__) <= set(inventory.domain.__all__)


def test_every_public_name_exists() -> None:
    for name in inventory.domain.__all__:
        assert hasattr(inventory.domain, name), name


def test_the_domain_imports_only_the_standard_library_and_the_platform_domain() -> None:
    allowed = set(sys.stdlib_module_names) | {"gotong_platform", "inventory"}
    imported: set[str] = set()
    for module in FOLDER.glob("*.py"):
        for node in ast.walk(ast.parse(module.read_text())):
            if isinstance(node, ast.Import):
                imported |= {alias.name for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                imported.add(node.module)

    assert {name.split(".")[0] for name in imported} <= allowed
    assert {name for name in imported if name.startswith("gotong_platform")} <= {
        "gotong_platform.calendar",  # the business-date rule: pure, like the domain base
        "gotong_platform.checks",
        "gotong_platform.codec",
        "gotong_platform.domain",
        "gotong_platform.money",
    }
    assert {name for name in imported if name.startswith("inventory.")} <= {
        f"inventory.domain.{m.stem}" for m in FOLDER.glob("*.py")
    } | {"inventory.domain"}


def test_no_float_or_decimal_in_the_domain() -> None:
    for module in FOLDER.glob("*.py"):
        tree = ast.parse(module.read_text())
        names = {node.id for node in ast.walk(tree) if isinstance(node, ast.Name)}
        floats = [
            n for n in ast.walk(tree) if isinstance(n, ast.Constant) and isinstance(n.value, float)
        ]
        divisions = [
            n for n in ast.walk(tree) if isinstance(n, ast.BinOp) and isinstance(n.op, ast.Div)
        ]
        assert not {"float", "Decimal"} & names, module.name
        assert not floats, module.name
        assert not divisions, module.name
