"""The fast header decode equals the envelope it was encoded from, and refuses what
the generic decode refused."""

from __future__ import annotations

import dataclasses
import uuid
from datetime import UTC, date, datetime

import pytest

from gotong_platform.envelope import (
    Envelope,
    EnvelopeDecodeError,
    decode_kafka_headers,
    encode_kafka_headers,
)

pytestmark = pytest.mark.unit


def _envelope(**changes: object) -> Envelope:
    env = Envelope(
        event_id=uuid.uuid4(), event_type="SavingsDeposited", schema_version=2,
        source="payments", stream_id="savings-1", stream_version=7, cooperative_id="c-1",
        occurred_at=datetime(2026, 3, 1, 8, 30, 1, 123456, tzinfo=UTC),
        business_date=date(2026, 3, 1),
        recorded_at=datetime(2026, 3, 1, 2, tzinfo=UTC),
        global_position=42, correlation_id=uuid.uuid4(), causation_id=uuid.uuid4(),
        command_id="cmd-1", actor="user:1",
        traceparent="00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
        tracestate="k=v")
    return dataclasses.replace(env, **changes)  # type: ignore[arg-type]


@pytest.mark.parametrize("changes", [
    {},
    {"global_position": None, "correlation_id": None, "causation_id": None,
     "command_id": None, "actor": None, "traceparent": None, "tracestate": None},
])
def test_round_trip_equals_the_dataclass(changes: dict[str, object]) -> None:
    env = _envelope(**changes)
    decoded = decode_kafka_headers(encode_kafka_headers(env))
    assert decoded == env
    assert hash(decoded) == hash(env)
    assert repr(decoded) == repr(env)
    assert decoded.recorded_at.tzinfo is UTC
    assert decoded.occurred_at.tzinfo is UTC
    assert type(decoded.event_id) is uuid.UUID
    assert str(decoded.event_id) == str(env.event_id)
    assert decoded.event_id.is_safe == uuid.UUID(str(env.event_id)).is_safe
    assert decoded.ce_type == env.ce_type
    with pytest.raises(dataclasses.FrozenInstanceError):
        decoded.stream_id = "x"  # type: ignore[misc]


def test_uuid_in_other_spellings_still_parses() -> None:
    env = _envelope()
    headers = [(k, v) if k != "ce_id" else (k, f"{{{str(env.event_id).upper()}}}".encode())
               for k, v in encode_kafka_headers(env)]
    assert decode_kafka_headers(headers).event_id == env.event_id


@pytest.mark.parametrize(("key", "value"), [
    ("ce_id", b"not-a-uuid"),
    ("ce_id", b"0af7651916cd43dd8448eb211c80319c0"),
    ("ce_correlationid", b"zzzzzzzz-zzzz-zzzz-zzzz-zzzzzzzzzzzz"),
    ("ce_streamversion", b"seven"),
    ("ce_time", b"yesterday"),
    ("ce_businessdate", b"2026-13-01"),
    ("ce_type", b"gotong.payments"),
    ("ce_specversion", b"0.3"),
    ("ce_subject", None),
])
def test_bad_headers_are_poison(key: str, value: bytes | None) -> None:
    headers = [(k, v) if k != key else (k, value) for k, v in encode_kafka_headers(_envelope())]
    with pytest.raises(EnvelopeDecodeError):
        decode_kafka_headers(headers)  # type: ignore[arg-type]


@pytest.mark.parametrize("missing", ["ce_id", "ce_type", "ce_subject", "ce_streamversion",
                                     "ce_cooperativeid", "ce_time", "ce_businessdate",
                                     "ce_recordedat", "ce_specversion"])
def test_missing_required_header_is_poison(missing: str) -> None:
    headers = [(k, v) for k, v in encode_kafka_headers(_envelope()) if k != missing]
    with pytest.raises(EnvelopeDecodeError):
        decode_kafka_headers(headers)
