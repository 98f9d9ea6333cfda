"""The event envelope and its CloudEvents 1.0 Kafka binding (binary content mode).

Every event carries the same metadata whatever service produced it: identity
(``event_id``, a UUIDv7), schema (``event_type`` + ``schema_version``), place
in its stream, tenant (``cooperative_id``), the three times of the handbook
(``occurred_at`` on the device, ``business_date`` in the cooperative's time
zone, ``recorded_at`` on the server), the flow (correlation, causation,
command, actor) and the W3C trace context.

On Kafka the metadata travels as ``ce_*`` headers and the value is the JSON
data alone (binary mode), so a partner can read the payload without knowing
our envelope. Extension attribute names follow the CloudEvents rule: lowercase
letters and digits, at most 20 characters.
"""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import Mapping, Sequence
from datetime import UTC, date, datetime
from typing import Any

import orjson

__all__ = [
    "CE_SPEC_VERSION",
    "Envelope",
    "EnvelopeDecodeError",
    "decode_data",
    "decode_kafka_headers",
    "encode_kafka_headers",
    "event_type_uri",
]

CE_SPEC_VERSION = "1.0"
CONTENT_TYPE = "application/json"


class EnvelopeDecodeError(ValueError):
    """A Kafka record lacks the headers of a Gotong CloudEvent (a poison message)."""


@dataclasses.dataclass(frozen=True, slots=True, kw_only=True)
class Envelope:
    """Metadata of one stored event. ``payload`` is the published JSON data."""

    event_id: uuid.UUID
    event_type: str
    schema_version: int
    source: str
    stream_id: str
    stream_version: int
    cooperative_id: str
    occurred_at: datetime
    business_date: date
    recorded_at: datetime
    global_position: int | None = None
    correlation_id: uuid.UUID | None = None
    causation_id: uuid.UUID | None = None
    command_id: str | None = None
    actor: str | None = None
    traceparent: str | None = None
    tracestate: str | None = None

    @property
    def ce_type(self) -> str:
        return event_type_uri(self.source, self.event_type, self.schema_version)


def event_type_uri(source: str, event_type: str, schema_version: int) -> str:
    """``gotong.members.MemberAdmitted.v1``: a new schema version is a new type name."""
    return f"gotong.{source}.{event_type}.v{schema_version}"


def _iso(ts: datetime) -> str:
    return ts.astimezone(UTC).isoformat().replace("+00:00", "Z")


def encode_kafka_headers(env: Envelope) -> list[tuple[str, bytes]]:
    """The CloudEvents binary-mode headers for ``env`` (plus W3C ``traceparent``)."""
    headers: list[tuple[str, str | None]] = [
        ("ce_specversion", CE_SPEC_VERSION),
        ("ce_id", str(env.event_id)),
        ("ce_source", f"/gotong/{env.source}"),
        ("ce_type", env.ce_type),
        ("ce_subject", env.stream_id),
        ("ce_time", _iso(env.occurred_at)),
        ("ce_dataschema", f"urn:gotong:schema:{env.source}.{env.event_type}.v{env.schema_version}"),
        ("content-type", CONTENT_TYPE),
        ("ce_cooperativeid", env.cooperative_id),
        ("ce_streamversion", str(env.stream_version)),
        ("ce_businessdate", env.business_date.isoformat()),
        ("ce_recordedat", _iso(env.recorded_at)),
        ("ce_globalposition", None if env.global_position is None else str(env.global_position)),
        ("ce_correlationid", None if env.correlation_id is None else str(env.correlation_id)),
        ("ce_causationid", None if env.causation_id is None else str(env.causation_id)),
        ("ce_commandid", env.command_id),
        ("ce_actorid", env.actor),
        # W3C trace context, read by OpenTelemetry propagators on the consumer side
        # (this is also the CloudEvents distributed-tracing extension's name).
        ("traceparent", env.traceparent),
        ("tracestate", env.tracestate),
    ]
    return [(k, v.encode()) for k, v in headers if v is not None]


def _parse_ts(raw: str) -> datetime:
    return datetime.fromisoformat(raw.replace("Z", "+00:00"))


def decode_kafka_headers(headers: Sequence[tuple[str, bytes]]) -> Envelope:
    """Rebuild the envelope from a record's headers; raises ``EnvelopeDecodeError``."""
    h: Mapping[str, str] = {k: v.decode("utf-8", "replace") for k, v in headers}
    try:
        if h["ce_specversion"] != CE_SPEC_VERSION:
            raise EnvelopeDecodeError(f"unsupported CloudEvents version {h['ce_specversion']}")
        _, source, event_type, version = h["ce_type"].split(".", 3)
        return Envelope(
            event_id=uuid.UUID(h["ce_id"]),
            event_type=event_type,
            schema_version=int(version.removeprefix("v")),
            source=source,
            stream_id=h["ce_subject"],
            stream_version=int(h["ce_streamversion"]),
            cooperative_id=h["ce_cooperativeid"],
            occurred_at=_parse_ts(h["ce_time"]),
            business_date=date.fromisoformat(h["ce_businessdate"]),
            recorded_at=_parse_ts(h["ce_recordedat"]),
            global_position=int(h["ce_globalposition"]) if "ce_globalposition" in h else None,
            correlation_id=uuid.UUID(h["ce_correlationid"]) if "ce_correlationid" in h else None,
            causation_id=uuid.UUID(h["ce_causationid"]) if "ce_causationid" in h else None,
            command_id=h.get("ce_commandid"),
            actor=h.get("ce_actorid"),
            traceparent=h.get("traceparent"),
            tracestate=h.get("tracestate"),
        )
    except EnvelopeDecodeError:
        raise
    except (KeyError, ValueError) as exc:
        raise EnvelopeDecodeError(f"not a Gotong CloudEvent: {exc!r}") from exc


def decode_data(value: bytes | None) -> dict[str, Any]:
    """The JSON data of a record; raises ``EnvelopeDecodeError`` when it is not an object."""
    try:
        data = orjson.loads(value or b"")
    except orjson.JSONDecodeError as exc:
        raise EnvelopeDecodeError(f"record value is not JSON: {exc}") from exc
    if not isinstance(data, dict):
        raise EnvelopeDecodeError("record value is not a JSON object")
    return data
