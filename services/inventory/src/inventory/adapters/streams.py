"""What every inventory repository does with the events it writes.

Each event goes to the event store with its published contract (the outbox row, see
``publishing``), its cooperative and its business date, stamped on the store's clock.
Stream ids: the aggregate's id (``warehouse-<uuid>``, ``product-<uuid>``,
``sale-<uuid>``); the ledger of a product in a warehouse is
``stock-<warehouse_id>--<product_id>`` (``projections.stock_stream_id``).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from datetime import date
from typing import Any

import orjson

from gotong_platform.domain import DomainEvent
from gotong_platform.eventstore import NewEvent, PostgresEventStore
from gotong_platform.provenance import Provenance, new_event
from inventory.adapters.publishing import business_date_of
from inventory.domain import event_to_payload

__all__ = ["Outgoing", "jsonb", "new_events", "outgoing"]


@dataclasses.dataclass(frozen=True, slots=True)
class Outgoing:
    """An event about to be written: its contract (None: not published) and its date."""

    event: DomainEvent
    public: dict[str, Any] | None
    business_date: date


def outgoing(event: DomainEvent, public: dict[str, Any] | None, day: date) -> Outgoing:
    """``day``: the business date of an event that carries none (a catalogue fact)."""
    return Outgoing(event=event, public=public, business_date=business_date_of(event, day))


def new_events(store: PostgresEventStore, events: Sequence[Outgoing], cooperative_id: str,
               provenance: Provenance) -> list[NewEvent]:
    now = store.clock.now()
    return [new_event(o.event, event_to_payload(o.event), o.public,
                      cooperative_id=cooperative_id, business_date=o.business_date,
                      provenance=provenance, now=now)
            for o in events]


def jsonb(value: Any) -> Any:
    """A jsonb value whatever codec the connection has (decoded, or JSON text)."""
    return orjson.loads(value) if isinstance(value, str) else value
