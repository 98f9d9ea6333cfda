"""A principal only exists in the shape its role requires."""

from __future__ import annotations

from typing import Any

import pytest

from gotong_platform.auth import InvalidPrincipal, Principal, Role, normalise_subject

pytestmark = pytest.mark.unit

VALID: dict[str, dict[str, Any]] = {
    "federation admin": {"role": Role.FEDERATION_ADMIN},
    "province officer": {"role": Role.REGIONAL_OFFICER, "region": "32"},
    "regency officer": {"role": Role.REGIONAL_OFFICER, "region": "3201"},
    "coop admin": {"role": Role.COOP_ADMIN, "cooperative_id": "kop-a"},
    "coop clerk": {"role": Role.COOP_CLERK, "cooperative_id": "kop-a"},
    "partner": {"role": Role.PARTNER, "cooperatives": frozenset({"kop-a"})},
    "partner without subscriptions": {"role": Role.PARTNER},
    "member": {"role": Role.MEMBER, "cooperative_id": "kop-a"},
}

INVALID: dict[str, dict[str, Any]] = {
    "empty subject": {"role": Role.FEDERATION_ADMIN, "subject": ""},
    "clerk without cooperative": {"role": Role.COOP_CLERK},
    "member without cooperative": {"role": Role.MEMBER},
    "member with subscriptions": {"role": Role.MEMBER, "cooperative_id": "kop-a",
                                  "cooperatives": frozenset({"kop-a"})},
    "admin with empty cooperative": {"role": Role.COOP_ADMIN, "cooperative_id": ""},
    "officer without region": {"role": Role.REGIONAL_OFFICER},
    "officer with 1 digit": {"role": Role.REGIONAL_OFFICER, "region": "3"},
    "officer with 3 digits": {"role": Role.REGIONAL_OFFICER, "region": "320"},
    "officer with 6 digits": {"role": Role.REGIONAL_OFFICER, "region": "320101"},
    "officer with dotted code": {"role": Role.REGIONAL_OFFICER, "region": "32.01"},
    "officer with non-ASCII digits": {"role": Role.REGIONAL_OFFICER, "region": "\u0663\u0662"},
    "officer with a cooperative": {
        "role": Role.REGIONAL_OFFICER,
        "region": "32",
        "cooperative_id": "kop-a",
    },
    "admin with a region": {"role": Role.FEDERATION_ADMIN, "region": "32"},
    "clerk with subscriptions": {
        "role": Role.COOP_CLERK,
        "cooperative_id": "kop-a",
        "cooperatives": frozenset({"kop-b"}),
    },
    "partner with a cooperative": {"role": Role.PARTNER, "cooperative_id": "kop-a"},
    "partner with an empty id": {"role": Role.PARTNER, "cooperatives": frozenset({""})},
}


@pytest.mark.parametrize("case", VALID)
def test_consistent_principals_are_built(case: str) -> None:
    fields: dict[str, Any] = {"subject": "u-1"} | VALID[case]
    assert Principal(**fields).role is fields["role"]


@pytest.mark.parametrize("case", INVALID)
def test_inconsistent_principals_are_refused(case: str) -> None:
    fields: dict[str, Any] = {"subject": "u-1"} | INVALID[case]
    with pytest.raises(InvalidPrincipal):
        Principal(**fields)


def test_principal_is_immutable() -> None:
    principal = Principal(subject="u-1", role=Role.COOP_CLERK, cooperative_id="kop-a")
    with pytest.raises(AttributeError):
        principal.cooperative_id = "kop-b"  # type: ignore[misc]


@pytest.mark.parametrize(("given", "normal"), [
    ("PROBE-B-A-CLERK", "probe-b-a-clerk"),
    ("probe-b-A-clerk", "probe-b-a-clerk"),
    ("  kasir-1\t", "kasir-1"),
    ("\uff2b\uff41\uff53\uff49\uff52", "kasir"),  # full-width letters (NFKC)
    ("Stra\u00dfe", "strasse"),  # casefold, not lower
    ("Sri Wahyuni", "sri wahyuni"),
], ids=["upper", "mixed", "blanks", "full-width", "sharp s", "inner space"])
def test_a_subject_is_held_in_one_normal_form(given: str, normal: str) -> None:
    principal = Principal(subject=given, role=Role.COOP_CLERK, cooperative_id="kop-a")
    assert principal.subject == normal
    assert principal == Principal(subject=normal.upper(), role=Role.COOP_CLERK,
                                  cooperative_id="kop-a")


@pytest.mark.parametrize("subject", [
    "   ", "kasir\x00", "kasir\u200b", "kasir\u202e1", "\ud800", "a" * 256,
], ids=["blank", "nul", "zero-width space", "bidi override", "lone surrogate", "too long"])
def test_a_subject_that_cannot_be_one_name_is_refused(subject: str) -> None:
    with pytest.raises(InvalidPrincipal):
        Principal(subject=subject, role=Role.FEDERATION_ADMIN)


def test_normalising_twice_changes_nothing() -> None:
    once = normalise_subject("\uff30ROBE-b")
    assert normalise_subject(once) == once == "probe-b"
