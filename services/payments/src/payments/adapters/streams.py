"""Appending that tolerates a second delivery: create a stream only if it is new."""

from __future__ import annotations

from collections.abc import Sequence

from gotong_platform.db import DbConnection
from gotong_platform.domain import ConcurrencyConflict
from gotong_platform.eventstore import NewEvent, PostgresEventStore

__all__ = ["create_stream"]


async def create_stream(
    store: PostgresEventStore, conn: DbConnection, stream_id: str, events: Sequence[NewEvent]
) -> bool:
    """Append ``events`` as the start of ``stream_id``; False when the stream already exists.

    Streams created by reactions have ids derived from their cause, so "already
    exists" means "already done". The savepoint keeps the caller's transaction
    usable after the unique-index violation.
    """
    try:
        async with conn.transaction():
            await store.write(conn, stream_id, 0, events)
    except ConcurrencyConflict:
        return False
    return True
