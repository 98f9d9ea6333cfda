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
from collections.abc import Callable, Iterable
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
    # Python 3.11 reads a trailing "Z" itself (the same timezone.utc as "+00:00").
    return datetime.fromisoformat(raw)


def _trusted_constructor() -> Callable[..., Envelope]:
    """``Envelope(...)`` without the frozen dataclass's ``__init__``: the fields (in
    declaration order, all given) set through their slots' descriptors. Only for
    values already checked by the caller; ~1 µs instead of ~2.6 µs."""
    names = [field.name for field in dataclasses.fields(Envelope)]
    setters = {f"_set_{name}": getattr(Envelope, name).__set__ for name in names}
    body = "".join(f"    _set_{name}(self, {name})\n" for name in names)
    source = (f"def _make({', '.join(names)}):\n    self = _new(_Envelope)\n{body}"
              "    return self\n")
    namespace: dict[str, Any] = {"_new": object.__new__, "_Envelope": Envelope, **setters}
    exec(source, namespace)  # noqa: S102 - fixed source built from the field names
    make: Callable[..., Envelope] = namespace["_make"]
    return make


_make_envelope = _trusted_constructor()
_new_uuid = uuid.UUID.__new__
# The slots' own descriptors: cheaper than UUID's refusing __setattr__ via object's.
_set_uuid_int = vars(uuid.UUID)["int"].__set__
_set_uuid_safety = vars(uuid.UUID)["is_safe"].__set__
_UNKNOWN_SAFETY = uuid.SafeUUID.unknown


def _uuid(raw: bytes) -> uuid.UUID:
    """``uuid.UUID(raw.decode())`` for the canonical form, without its generic parsing."""
    digits = raw.replace(b"-", b"")
    if len(digits) != 32:  # braces, a urn: prefix...: the generic parser
        return uuid.UUID(raw.decode("utf-8", "replace"))
    value = _new_uuid(uuid.UUID)
    _set_uuid_int(value, int(digits, 16))
    _set_uuid_safety(value, _UNKNOWN_SAFETY)
    return value


def _text(raw: bytes | None) -> str | None:
    return None if raw is None else raw.decode("utf-8", "replace")


def decode_kafka_headers(headers: Iterable[tuple[str, bytes]]) -> Envelope:
    """Rebuild the envelope from a record's headers; raises ``EnvelopeDecodeError``.

    Every consumed record passes here, so it decodes only the headers it reads,
    parses the UUIDs from bytes and builds the (checked) envelope without the
    dataclass's ``__init__``: the result equals ``Envelope(...)`` field by field.
    """
    h: dict[str, bytes] = dict(headers)
    get = h.get
    try:
        spec = h["ce_specversion"].decode("utf-8", "replace")
        if spec != CE_SPEC_VERSION:
            raise EnvelopeDecodeError(f"unsupported CloudEvents version {spec}")
        _, source, event_type, version = h["ce_type"].decode("utf-8", "replace").split(".", 3)
        position = get("ce_globalposition")
        correlation = get("ce_correlationid")
        causation = get("ce_causationid")
        return _make_envelope(
            _uuid(h["ce_id"]),
            event_type,
            int(version.removeprefix("v")),
            source,
            h["ce_subject"].decode("utf-8", "replace"),
            int(h["ce_streamversion"]),
            h["ce_cooperativeid"].decode("utf-8", "replace"),
            _parse_ts(h["ce_time"].decode("utf-8", "replace")),
            date.fromisoformat(h["ce_businessdate"].decode("utf-8", "replace")),
            _parse_ts(h["ce_recordedat"].decode("utf-8", "replace")),
            None if position is None else int(position),
            None if correlation is None else _uuid(correlation),
            None if causation is None else _uuid(causation),
            _text(get("ce_commandid")),
            _text(get("ce_actorid")),
            _text(get("traceparent")),
            _text(get("tracestate")),
        )
    except EnvelopeDecodeError:
        raise
    except (KeyError, ValueError, TypeError, AttributeError) as exc:
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
