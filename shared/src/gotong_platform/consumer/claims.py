"""Claiming event ids: what makes a redelivered event change nothing.

Every event a consumer applies has its id claimed in ``processed_events`` (per consumer
name) in the transaction of its effect; a redelivery (the same offset after a crash, or
the relay re-sending the event at another offset) finds its id claimed and is skipped.
A batch's ids are claimed with one ``INSERT ... SELECT unnest(...) RETURNING``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from gotong_platform.consumer.events import ConsumedEvent
from gotong_platform.consumer.handlers import BatchHandler
from gotong_platform.db import DbConnection

__all__ = ["apply_new", "first_deliveries", "mark_processed"]

_SEEN = """
INSERT INTO processed_events (consumer, event_id) VALUES ($1, $2)
ON CONFLICT DO NOTHING RETURNING 1
"""
# Claims a batch's event ids at once; returns those not applied before.
_CLAIM = """
INSERT INTO processed_events (consumer, event_id) SELECT $1, unnest($2::uuid[])
ON CONFLICT DO NOTHING RETURNING event_id
"""


async def mark_processed(conn: DbConnection, consumer: str, event_id: Any) -> None:
    """Claim ``event_id`` without applying it (a dead-lettered event): a later delivery
    of it is skipped, not applied."""
    await conn.execute(_SEEN, consumer, event_id)


async def apply_new(conn: DbConnection, consumer: str, handler: BatchHandler,
                    events: Sequence[ConsumedEvent]) -> int:
    """Claim the events' ids for ``consumer``; hand the ones never applied to ``handler``.

    An id repeated inside ``events`` is a duplicate too: only its first delivery
    counts. Returns how many events were new.
    """
    first = first_deliveries(events)
    claimed = {row[0] for row in await conn.fetch(
        _CLAIM, consumer, [event.envelope.event_id for event in first])}
    new = [event for event in first if event.envelope.event_id in claimed]
    if new:  # the others are duplicates: their effect is already in place
        await handler.apply_batch(conn, new)
    return len(new)


def first_deliveries(events: Sequence[ConsumedEvent]) -> list[ConsumedEvent]:
    """``events`` without the later deliveries of an event id, in delivery order."""
    first: dict[Any, ConsumedEvent] = {}
    for event in events:
        first.setdefault(event.envelope.event_id, event)
    return list(first.values())
