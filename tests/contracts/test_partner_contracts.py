"""The partner contracts: one per consent category, minimised, described, pinned.

What partners receive is a promise to systems outside the platform: the committed
schemas (``shared/contracts/partner-schemas/``) are the truth and may change only
additively, like the internal ones; no contract carries a name, a NIK, an actor or an
internal id; the pseudonymous references cannot be joined across partners.
"""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from gotong_platform.contracts.partner_feed import (
    PARTNER_CONTRACTS,
    MembershipChangeV1,
    PseudonymKey,
    partner_schema,
    schema_url,
)
from gotong_platform.contracts.schemas import breaking_changes, current_partner_schemas
from partners.domain import Category

pytestmark = pytest.mark.unit

ROOT = Path(__file__).resolve().parents[2]
COMMITTED = ROOT / "shared" / "contracts" / "partner-schemas"
# Internal ids, personal data and who-did-it never reach a partner.
FORBIDDEN = re.compile(r"(^|_)(name|full_name|nik|nik_hash|birth|actor|user|by|note|reason"
                       r"|village|member_id|loan_id|sale_id|receipt_id|product_id"
                       r"|warehouse_id|account_id|payout_id)($|_)")


def properties(schema: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Every property of the schema and of its nested models, by dotted name."""
    found = {name: spec for name, spec in schema.get("properties", {}).items()}
    for model, spec in schema.get("$defs", {}).items():
        found |= {f"{model}.{name}": p for name, p in spec.get("properties", {}).items()}
    return found


def test_one_contract_per_consent_category() -> None:
    assert set(PARTNER_CONTRACTS) == {category.value for category in Category}


def test_committed_partner_schemas_are_the_current_export_and_unbroken() -> None:
    current = current_partner_schemas()
    committed = {p.stem: json.loads(p.read_text()) for p in COMMITTED.glob("*.json")}
    assert set(committed) == set(current), (
        "export: python -m gotong_platform.contracts.schemas shared/contracts/schemas "
        "shared/contracts/partner-schemas")
    for name, old in committed.items():
        assert breaking_changes(old, current[name]) == [], name
        assert old == current[name], name


@pytest.mark.parametrize("cls", PARTNER_CONTRACTS.values(), ids=lambda c: c.category)
def test_no_contract_carries_personal_data_actors_or_internal_ids(cls: Any) -> None:
    names = properties(cls.model_json_schema())
    leaking = sorted(n for n in names if FORBIDDEN.search(n.split(".")[-1]))
    assert leaking == []
    assert all("description" in spec for spec in names.values()), cls.schema_name()


@pytest.mark.parametrize("cls", PARTNER_CONTRACTS.values(), ids=lambda c: c.category)
def test_each_schema_has_its_resolvable_id_and_dialect(cls: Any) -> None:
    schema = partner_schema(cls, "https://partners.gotong.example/")
    assert schema["$id"] == (f"https://partners.gotong.example/schemas/partner/"
                             f"{cls.schema_name()}.json")
    assert schema["$id"] == schema_url("https://partners.gotong.example", cls)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["x-gotong-type"] == f"gotong.partner.{cls.category}.{cls.event_type}.v1"


def test_a_field_outside_the_contract_is_refused() -> None:
    fields = {"cooperative_id": "c", "business_date": date(2026, 1, 1), "change": "joined"}
    assert MembershipChangeV1(**fields).change == "joined"
    with pytest.raises(ValidationError):
        MembershipChangeV1(**fields, member_id="member-1")


KEY = PseudonymKey(b"k" * 32)
ids = st.text(alphabet=st.characters(blacklist_characters="\x1f", blacklist_categories=["Cs"]),
              min_size=1, max_size=60)


@given(partner=ids, other=ids, member=ids)
def test_two_partners_never_share_a_reference(partner: str, other: str, member: str) -> None:
    mine = KEY.ref(partner, "member", member)
    assert mine == KEY.ref(partner, "member", member)  # stable for one partner
    assert re.fullmatch(r"[0-9a-f]{32}", mine)
    if other != partner:
        assert KEY.ref(other, "member", member) != mine
    assert member not in mine or len(member) < 4


def test_the_reference_depends_on_the_secret_and_the_kind() -> None:
    assert KEY.ref("partner-1", "member", "member-1") != PseudonymKey(b"x" * 32).ref(
        "partner-1", "member", "member-1")
    assert KEY.ref("partner-1", "member", "x-1") != KEY.ref("partner-1", "loan", "x-1")
    with pytest.raises(ValueError, match="32 bytes"):
        PseudonymKey(b"short")
    assert repr(KEY) == "PseudonymKey(<secret>)"  # a logged key shows no secret
