"""What a consumer runs: a per-event ``Handler``, a ``BatchHandler`` that writes a batch
set-wise, or a ``SelfClaimingHandler`` that claims the event ids in its own tables."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol, runtime_checkable

from gotong_platform.consumer.events import ConsumedEvent
from gotong_platform.consumer.tracing import event_trace
from gotong_platform.db import DbConnection

__all__ = ["BatchHandler", "Handler", "PerEvent", "SelfClaimingHandler", "as_batch_handler"]


class Handler(Protocol):
    """Applies one event inside the runner's transaction. Raise to refuse it."""

    async def __call__(self, conn: DbConnection, event: ConsumedEvent) -> None: ...


@runtime_checkable
class BatchHandler(Protocol):
    """Applies new events (in delivery order, no event id twice) inside the runner's
    transaction. Raise to refuse the batch: the runner retries its events one by one.

    The effect of a batch must equal the effect of its events applied one by one in
    order (a rebuild and the live consumer cut the same partitions into other batches).
    """

    async def apply_batch(self, conn: DbConnection, events: Sequence[ConsumedEvent]) -> None: ...


@runtime_checkable
class SelfClaimingHandler(Protocol):
    """A batch handler that claims the event ids itself, in its own tables.

    The runner hands it every decoded event of a batch (an id repeated inside the
    batch already dropped, in delivery order); it must, inside the runner's
    transaction, claim each id once and forever (a write that conflicts on an id
    claimed before), skip the ids in ``processed_events`` for this consumer (the
    runner records a dead-lettered event's id there, so its later duplicates are not
    applied), apply exactly the events it claimed, and return how many those were.
    It saves the separate ``processed_events`` insert per event: the read model logs
    every event in ``fact_events`` anyway. Effects, claims and the position still
    commit together; a refused batch is retried one event per transaction as usual.
    """

    async def apply_unclaimed(self, conn: DbConnection, consumer: str,
                              events: Sequence[ConsumedEvent]) -> int: ...


class PerEvent:
    """A per-event ``Handler`` as a ``BatchHandler``: called once per event, in order,
    with the event's trace as the current context (its span when the trace is sampled).
    """

    __slots__ = ("consumer", "handler")

    def __init__(self, handler: Handler, consumer: str) -> None:
        self.handler = handler
        self.consumer = consumer

    async def apply_batch(self, conn: DbConnection, events: Sequence[ConsumedEvent]) -> None:
        for event in events:
            with event_trace(event, self.consumer):
                await self.handler(conn, event)


def as_batch_handler(handler: Handler | BatchHandler, consumer: str) -> BatchHandler:
    """``handler`` itself when it knows batches, else wrapped in ``PerEvent``."""
    if isinstance(handler, BatchHandler):
        return handler
    return PerEvent(handler, consumer)
