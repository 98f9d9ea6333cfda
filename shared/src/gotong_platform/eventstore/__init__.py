"""Event store on PostgreSQL (events + outbox in one transaction)."""

from gotong_platform.eventstore.schema import CONSUMER_V1, EVENT_STORE_V1, EVENT_STORE_V2
from gotong_platform.eventstore.store import (
    AlsoWrite,
    EventDecoder,
    NewEvent,
    PostgresEventStore,
    RecordedEvent,
    StreamAppend,
    row_to_envelope,
)

__all__ = [
    "CONSUMER_V1",
    "EVENT_STORE_V1",
    "EVENT_STORE_V2",
    "AlsoWrite",
    "EventDecoder",
    "NewEvent",
    "PostgresEventStore",
    "RecordedEvent",
    "StreamAppend",
    "row_to_envelope",
]
