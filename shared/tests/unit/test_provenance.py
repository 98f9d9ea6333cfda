"""Provenance: what every stored event copies from the command, reaction or offline fact."""

from __future__ import annotations

import dataclasses
import uuid
from datetime import UTC, date, datetime

import pytest

from gotong_platform.domain import DomainEvent
from gotong_platform.provenance import CommandMeta, Provenance, new_event

pytestmark = pytest.mark.unit

NOW = datetime(2026, 11, 18, 2, 0, tzinfo=UTC)
META = CommandMeta(actor="kasir-1", command_id="key-1", correlation_id=uuid.uuid4(),
                   traceparent="00-" + "a" * 32 + "-" + "b" * 16 + "-01", tracestate=None)


@dataclasses.dataclass(frozen=True, kw_only=True)
class ThingHappened(DomainEvent):
    event_type = "ThingHappened"
    schema_version = 2


def test_an_online_command_happens_at_the_stores_now_and_carries_its_meta() -> None:
    made = new_event(ThingHappened(), {"n": 1}, {"n": 1}, cooperative_id="kop-1",
                     business_date=date(2026, 11, 18), provenance=Provenance(META), now=NOW)
    assert (made.event_type, made.schema_version, made.occurred_at) == ("ThingHappened", 2, NOW)
    assert (made.actor, made.command_id, made.correlation_id, made.traceparent) == (
        "kasir-1", "key-1", META.correlation_id, META.traceparent)
    assert made.causation_id is None


def test_an_offline_fact_keeps_the_devices_time_and_a_reaction_its_cause() -> None:
    device = datetime(2026, 11, 17, 23, 5, tzinfo=UTC)
    cause = uuid.uuid4()
    made = new_event(ThingHappened(), {}, None, cooperative_id="kop-1",
                     business_date=date(2026, 11, 18),
                     provenance=Provenance(META, causation_id=cause, occurred_at=device),
                     now=NOW, event_type="ThingPublished")
    assert (made.occurred_at, made.causation_id, made.event_type) == (
        device, cause, "ThingPublished")
    assert made.public_payload is None
    assert new_event(ThingHappened(), {}, None, cooperative_id="k", business_date=NOW.date(),
                     provenance=Provenance(META), now=NOW).event_id != made.event_id
