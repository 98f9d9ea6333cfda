"""The consumer's handler (``python -m partners consumer``): the domain topics.

It runs in the consumer runner's transaction, with the consumed positions and event ids.
A members event updates the local copy of the members directory (the tenancy check of
the consent routes needs to know where each cooperative is); every event a partner
contract is made from goes to ``Delivery``, which appends it to the feeds of the partners
whose consents cover it. A record whose data does not fit its contract fails the batch;
the runner retries its records one per transaction, and the one that still fails ends,
after the runner's retries, in ``<topic>.dlt``: it is never delivered half-made.

The handler knows batches (``apply_batch``): the runner hands it a poll's batch of a
partition, and the delivery archives, reads the consents and appends the whole batch in a
few statements (one event at a time it was about ten round trips per event). It is also
a per-event ``Handler`` (``__call__``), for callers that apply events one by one.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from gotong_platform.consumer import ConsumedEvent
from gotong_platform.db import DbConnection
from gotong_platform.directory import apply_members_event
from partners.application.delivery import Delivery
from partners.domain import SourceEvent

__all__ = ["GATEWAY_CONSUMER", "GatewayConsumer", "source_event"]

GATEWAY_CONSUMER = "partners-gateway"


@dataclass(frozen=True)
class GatewayConsumer:
    delivery: Delivery

    def handler(self) -> GatewayConsumer:
        """The consumer's handler: the directory, then the partners' feeds (a
        ``BatchHandler`` and a ``Handler`` both)."""
        return self

    async def __call__(self, conn: DbConnection, event: ConsumedEvent) -> None:
        await self.apply_batch(conn, (event,))

    async def apply_batch(self, conn: DbConnection, events: Sequence[ConsumedEvent]) -> None:
        # The directory and the feeds are separate tables: the directory's events first,
        # in order, then the batch's deliveries, in order, is the same as interleaved.
        for event in events:
            if event.envelope.source == "members":
                await self.on_members_event(conn, event)
        await self.delivery.deliver(conn, [source_event(event) for event in events])

    async def on_members_event(self, conn: DbConnection, event: ConsumedEvent) -> None:
        await apply_members_event(conn, event)


def source_event(event: ConsumedEvent) -> SourceEvent:
    env = event.envelope
    return SourceEvent(event_id=env.event_id, source=env.source, event_type=env.event_type,
                       schema_version=env.schema_version, cooperative_id=env.cooperative_id,
                       business_date=env.business_date, occurred_at=env.occurred_at,
                       recorded_at=env.recorded_at, data=event.data)
