"""The domain's public surface: stable error codes, money in integers, no I/O behind the imports."""

from __future__ import annotations

import ast
import dataclasses
import re
import sys
import typing
from pathlib import Path

import pytest

import payments.domain
from gotong_platform.domain import DomainError, DomainEvent, InvalidInput, NotFound, RuleViolated
from payments.domain import errors
from payments.domain.codec import LOAN_EVENTS, SALE_EVENTS, SAVINGS_EVENTS

pytestmark = pytest.mark.unit

DOMAIN_ERRORS = [
    cls
    for cls in vars(errors).values()
    if isinstance(cls, type) and issubclass(cls, DomainError) and cls.__module__ == errors.__name__
]
BASE_CODES = {cls.code for cls in (DomainError, InvalidInput, RuleViolated, NotFound)}
EVENTS: list[type[DomainEvent]] = [
    *SAVINGS_EVENTS.values(),
    *LOAN_EVENTS.values(),
    *SALE_EVENTS.values(),
]
FOLDER = Path(payments.domain.__file__).parent


def test_every_error_has_its_own_kebab_case_code() -> None:
    codes = [cls.code for cls in DOMAIN_ERRORS]

    assert len(DOMAIN_ERRORS) > 25
    assert len(set(codes)) == len(codes)
    assert not set(codes) & BASE_CODES
    assert all(re.fullmatch(r"[a-z]+(-[a-z]+)+", code) for code in codes)


def test_every_error_is_part_of_the_public_surface() -> None:
    assert {cls.__name__ for cls in DOMAIN_ERRORS} <= set(payments.domain.__all__)


def test_every_public_name_exists() -> None:
    for name in payments.domain.__all__:
        assert hasattr(payments.domain, name), name


def test_the_domain_imports_only_the_standard_library_and_the_platform_domain_and_money() -> None:
    imported: set[str] = set()
    for module in FOLDER.glob("*.py"):
        for node in ast.walk(ast.parse(module.read_text())):
            if isinstance(node, ast.Import):
                imported |= {alias.name for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                imported.add(node.module)

    platform = {name for name in imported if name.startswith("gotong_platform")}
    assert platform <= {"gotong_platform.checks", "gotong_platform.codec", "gotong_platform.domain",
                        "gotong_platform.money"}
    others = {name.split(".")[0] for name in imported - platform}
    assert others <= set(sys.stdlib_module_names) | {"payments"}
    assert not others & {"decimal", "asyncio", "socket", "os", "random", "time"}


def test_no_float_anywhere_in_the_domain() -> None:
    for module in FOLDER.glob("*.py"):
        tree = ast.parse(module.read_text())
        floats = [
            n for n in ast.walk(tree) if isinstance(n, ast.Constant) and type(n.value) is float
        ]
        names = [n for n in ast.walk(tree) if isinstance(n, ast.Name) and n.id == "float"]
        assert not floats, module.name
        assert not names, module.name


def test_every_money_field_is_an_integer_of_rupiah_and_every_rate_basis_points() -> None:
    for cls in EVENTS:
        hints = typing.get_type_hints(cls)
        for field in dataclasses.fields(cls):
            if field.name.endswith(("_idr", "_bp", "_bp_per_month")):
                assert hints[field.name] in (int, int | None), (cls.__name__, field.name)


@pytest.mark.parametrize("cls", [c for c in EVENTS if not c.__name__.startswith("Sale")])
def test_every_account_and_loan_event_names_its_cooperative_stream_and_member(
    cls: type[DomainEvent],
) -> None:
    fields = {f.name for f in dataclasses.fields(cls)}
    stream = "account_id" if cls in SAVINGS_EVENTS.values() else "loan_id"
    assert {"cooperative_id", stream, "member_id"} <= fields
