"""The domain's public surface: stable error codes, and no I/O behind the imports."""

from __future__ import annotations

import ast
import re
import sys
from pathlib import Path

import pytest

import members.domain
from gotong_platform.domain import DomainError, InvalidInput, NotFound, RuleViolated
from members.domain import errors

pytestmark = pytest.mark.unit

DOMAIN_ERRORS = [
    cls
    for cls in vars(errors).values()
    if isinstance(cls, type) and issubclass(cls, DomainError) and cls.__module__ == errors.__name__
]
BASE_CODES = {cls.code for cls in (DomainError, InvalidInput, RuleViolated, NotFound)}


def test_every_error_has_its_own_kebab_case_code() -> None:
    codes = [cls.code for cls in DOMAIN_ERRORS]

    assert len(DOMAIN_ERRORS) > 20
    assert len(set(codes)) == len(codes)
    assert not set(codes) & BASE_CODES
    assert all(re.fullmatch(r"[a-z]+(-[a-z]+)+", code) for code in codes)


def test_every_error_is_part_of_the_public_surface() -> None:
    assert {cls.__name__ for cls in DOMAIN_ERRORS} <= set(members.domain.__all__)


def test_the_domain_imports_only_the_standard_library_and_the_platform_domain() -> None:
    allowed = set(sys.stdlib_module_names) | {"gotong_platform", "members"}
    folder = Path(members.domain.__file__).parent
    imported: set[str] = set()
    for module in folder.glob("*.py"):
        for node in ast.walk(ast.parse(module.read_text())):
            if isinstance(node, ast.Import):
                imported |= {alias.name for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                imported.add(node.module)

    assert {name.split(".")[0] for name in imported} <= allowed
    assert {name for name in imported if name.startswith("gotong_platform")} == {
        "gotong_platform.calendar",  # the business-date rule: pure, like the domain base
        "gotong_platform.checks",
        "gotong_platform.codec",
        "gotong_platform.domain",
    }
    assert {name for name in imported if name.startswith("members.")} <= {
        f"members.domain.{m.stem}" for m in folder.glob("*.py")
    } | {"members.domain"}
