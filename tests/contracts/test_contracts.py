"""Published contracts: the committed JSON Schemas are the truth; changes must be additive.

Golden events (fixtures written as a producer once published them) must still
parse, and the Kafka headers must be valid CloudEvents for an independent SDK.
"""

from __future__ import annotations

import json
import uuid
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from cloudevents.core.bindings.kafka import KafkaMessage, from_binary_event

from gotong_platform.contracts import REGISTRY, parse
from gotong_platform.contracts.schemas import breaking_changes, current_schemas
from gotong_platform.envelope import Envelope, decode_kafka_headers, encode_kafka_headers
from gotong_platform.money import MAX_AMOUNT_IDR, MAX_TOTAL_IDR

pytestmark = pytest.mark.unit

ROOT = Path(__file__).resolve().parents[2]
COMMITTED = ROOT / "shared" / "contracts" / "schemas"
GOLDEN = Path(__file__).parent / "golden"


def test_every_contract_has_a_committed_schema_and_no_breaking_change() -> None:
    current = current_schemas()
    committed = {p.stem: json.loads(p.read_text()) for p in COMMITTED.glob("*.json")}
    missing = sorted(set(current) - set(committed))
    assert missing == [], f"export new schemas: python -m gotong_platform.contracts.schemas " \
                          f"shared/contracts/schemas ({missing})"
    for name, old in committed.items():
        assert name in current, f"{name} was published and must not disappear"
        assert breaking_changes(old, current[name]) == [], name


def test_compatibility_check_rejects_removed_retyped_and_newly_required_fields() -> None:
    old = {"properties": {"a": {"type": "string"}, "b": {"type": "integer"}}, "required": ["a"]}
    assert breaking_changes(old, {"properties": {"a": {"type": "string"}}, "required": ["a"]}) \
        == ["field 'b' was removed"]
    retyped = {"properties": {"a": {"type": "integer"}, "b": {"type": "integer"}},
               "required": ["a"]}
    assert breaking_changes(old, retyped) == ["field 'a' changed type"]
    assert breaking_changes(old, {"properties": {**old["properties"], "c": {"type": "string"}},
                                  "required": ["a", "c"]}) == ["field 'c' became required"]
    additive = {"properties": {**old["properties"], "c": {"type": "string"}}, "required": ["a"]}
    assert breaking_changes(old, additive) == []


def test_committed_schemas_are_the_current_export() -> None:
    """The published truth is what the models enforce (e.g. the money limit), not an
    older export that a compatible change left behind."""
    current = current_schemas()
    stale = sorted(p.stem for p in COMMITTED.glob("*.json")
                   if json.loads(p.read_text()) != current.get(p.stem))
    assert stale == [], f"export the schemas again: python -m gotong_platform.contracts." \
                        f"schemas shared/contracts/schemas ({stale})"


def _bounded(old: dict[str, object], new: dict[str, object]) -> tuple[dict[str, object], ...]:
    return ({"properties": {"a": old}}, {"properties": {"a": new}})


def test_compatibility_check_knows_bounds() -> None:
    money = {"type": "integer", "minimum": 0}
    # the platform's money limit may be added to a field that had none
    assert breaking_changes(*_bounded(money, money | {"maximum": MAX_AMOUNT_IDR})) == []
    assert breaking_changes(*_bounded({"type": "integer"},
                                      {"type": "integer", "minimum": -MAX_AMOUNT_IDR,
                                       "maximum": MAX_AMOUNT_IDR})) == []
    assert breaking_changes(*_bounded(money, money | {"maximum": MAX_TOTAL_IDR})) == []
    # any other tightening refuses events that may already be on Kafka
    assert breaking_changes(*_bounded(money, money | {"maximum": 10})) == [
        "field 'a' maximum was tightened (None -> 10)"]
    assert breaking_changes(*_bounded(money, {"type": "integer", "minimum": 1})) == [
        "field 'a' minimum was tightened (0 -> 1)"]
    # widening or dropping a bound breaks consumers that validate the published schema
    capped = money | {"maximum": MAX_AMOUNT_IDR}
    assert breaking_changes(*_bounded(capped, money)) == [
        f"field 'a' maximum was widened or dropped ({MAX_AMOUNT_IDR} -> None)"]
    assert breaking_changes(*_bounded(capped, money | {"maximum": MAX_TOTAL_IDR})) == [
        f"field 'a' maximum was widened or dropped ({MAX_AMOUNT_IDR} -> {MAX_TOTAL_IDR})"]


def test_compatibility_check_covers_nested_models() -> None:
    line = {"properties": {"qty": {"type": "integer"}}, "required": ["qty"]}
    old = {"properties": {}, "$defs": {"Line": line}}
    assert breaking_changes(old, {"properties": {}}) == ["nested model 'Line' was removed"]
    assert breaking_changes(old, {"properties": {}, "$defs": {"Line": {"properties": {
        "qty": {"type": "string"}}, "required": ["qty"]}}}) == ["field 'Line.qty' changed type"]


def _money_fields(schema: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    """Every ``*_idr`` field, nested models and maps of amounts included."""
    objects = [("", schema)] + [(f"{name}.", spec)
                                for name, spec in schema.get("$defs", {}).items()]
    found = []
    for prefix, obj in objects:
        for name, spec in obj.get("properties", {}).items():
            if name.endswith("_idr"):
                found.append((prefix + name, spec.get("additionalProperties", spec)))
    return found


def test_every_published_amount_declares_the_platform_money_limit() -> None:
    """No fact of a cooperative is Rp 10^12 or more; totals an event reports stay below
    Rp 10^15. A consumer (or a partner) can rely on it from the published schema."""
    unbounded = []
    for name, schema in sorted(current_schemas().items()):
        for field, spec in _money_fields(schema):
            if spec.get("type") != "integer" or spec.get("maximum") not in (
                    MAX_AMOUNT_IDR, MAX_TOTAL_IDR):
                unbounded.append(f"{name}: {field}")
    assert unbounded == []


def test_an_event_beyond_the_money_limit_breaks_its_contract() -> None:
    """What a consumer does with such an event (published before the limit): the
    contract refuses it, so the runner dead-letters it instead of projecting it."""
    deposit = {"cooperative_id": "cooperative-1", "account_id": "account-1",
               "member_id": "member-1", "savings_type": "sukarela", "channel": "cash",
               "business_date": "2026-12-07", "amount_idr": MAX_AMOUNT_IDR}
    assert parse("payments", "SavingsDeposited", 1, deposit).schema_name()
    with pytest.raises(ValueError, match="less than or equal to 999999999999"):
        parse("payments", "SavingsDeposited", 1, deposit | {"amount_idr": 2**63 - 1})


@pytest.mark.parametrize("path", sorted(GOLDEN.glob("*.json")), ids=lambda p: p.stem)
def test_golden_events_still_parse(path: Path) -> None:
    source, event_type, version = path.stem.split(".")
    contract = parse(source, event_type, int(version.removeprefix("v")),
                     json.loads(path.read_text()))
    assert contract.schema_name() == path.stem


def test_no_published_contract_carries_personal_identifiers() -> None:
    forbidden = {"nik", "nik_hash", "nik_cipher", "full_name", "birth_date", "phone"}
    for cls in REGISTRY.values():
        assert forbidden.isdisjoint(cls.model_fields), cls.schema_name()


def test_kafka_headers_are_cloudevents_binary_mode_for_an_independent_sdk() -> None:
    envelope = Envelope(
        event_id=uuid.uuid4(), event_type="MemberAdmitted", schema_version=1, source="members",
        stream_id="member-1", stream_version=2, cooperative_id="cooperative-1",
        occurred_at=datetime(2026, 1, 12, 1, 2, 3, tzinfo=UTC), business_date=date(2026, 1, 12),
        recorded_at=datetime(2026, 1, 12, 1, 2, 4, tzinfo=UTC), actor="pengurus",
        traceparent="00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
    )
    headers = encode_kafka_headers(envelope)
    event = from_binary_event(KafkaMessage(headers=dict(headers), key=b"member-1",
                                     value=b'{"member_id": "member-1"}'))
    attributes = event.get_attributes()
    assert event.get_specversion() == "1.0"
    assert event.get_type() == "gotong.members.MemberAdmitted.v1"
    assert event.get_source() == "/gotong/members"
    assert event.get_id() == str(envelope.event_id)
    assert event.get_subject() == "member-1"
    assert event.get_time() == envelope.occurred_at
    assert attributes["cooperativeid"] == "cooperative-1"
    assert attributes["actorid"] == "pengurus"
    assert all(len(k) <= 20 and k.isalnum() and k.islower() for k in attributes)
    assert decode_kafka_headers(headers) == envelope
