"""A consumed record decodes to the ConsumedEvent the dataclass would build."""

from __future__ import annotations

import dataclasses
import uuid
from datetime import date

import pytest
from aiokafka import ConsumerRecord

from gotong_platform.consumer import ConsumedEvent
from gotong_platform.consumer.decoding import PoisonRecord, decode_record
from gotong_platform.envelope import Envelope, encode_kafka_headers
from gotong_testing import business_now

pytestmark = pytest.mark.unit


def _record(headers: list[tuple[str, bytes]], value: bytes) -> ConsumerRecord[bytes, bytes]:
    return ConsumerRecord(topic="t", partition=2, offset=17, timestamp=0, timestamp_type=0,
                          key=b"k", value=value, checksum=None, serialized_key_size=1,
                          serialized_value_size=len(value), headers=tuple(headers))


def test_a_record_decodes_to_the_dataclass() -> None:
    env = Envelope(event_id=uuid.uuid4(), event_type="X", schema_version=1, source="s",
                   stream_id="st", stream_version=1, cooperative_id="c",
                   occurred_at=business_now(), business_date=date(2026, 1, 1),
                   recorded_at=business_now())
    event = decode_record(_record(encode_kafka_headers(env), b'{"n": 1}'))
    expected = ConsumedEvent(envelope=env, data={"n": 1}, topic="t", partition=2, offset=17)
    assert event == expected
    assert repr(event) == repr(expected)
    with pytest.raises(dataclasses.FrozenInstanceError):
        event.offset = 3  # type: ignore[misc]


@pytest.mark.parametrize(("headers", "value"), [
    ([("ce_specversion", b"1.0")], b"{}"),
    (None, b"not json"),
    (None, b"[1]"),
])
def test_undecodable_records_are_poison(headers: list[tuple[str, bytes]] | None,
                                        value: bytes) -> None:
    env = Envelope(event_id=uuid.uuid4(), event_type="X", schema_version=1, source="s",
                   stream_id="st", stream_version=1, cooperative_id="c",
                   occurred_at=business_now(), business_date=date(2026, 1, 1),
                   recorded_at=business_now())
    with pytest.raises(PoisonRecord):
        decode_record(_record(encode_kafka_headers(env) if headers is None else headers, value))
