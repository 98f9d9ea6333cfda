"""What the gateway delivers: an internal event it consumed, and the partner event it
becomes in one partner's feed. Plain records, built by the adapters."""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

__all__ = ["FeedItem", "SourceEvent"]


@dataclasses.dataclass(frozen=True, slots=True, kw_only=True)
class SourceEvent:
    """An internal event the gateway consumed: its envelope's facts and its contract's data."""

    event_id: uuid.UUID
    source: str
    event_type: str
    schema_version: int
    cooperative_id: str
    business_date: date
    occurred_at: datetime
    recorded_at: datetime
    data: Mapping[str, Any]


@dataclasses.dataclass(frozen=True, slots=True, kw_only=True)
class FeedItem:
    """One partner event, ready for a partner's feed: a CloudEvent's attributes and data."""

    partner_id: str
    source_event_id: uuid.UUID
    event_id: uuid.UUID
    type: str
    dataschema: str
    cooperative_id: str
    business_date: date
    time: datetime
    data: dict[str, Any]
    consent_ids: tuple[str, ...]
