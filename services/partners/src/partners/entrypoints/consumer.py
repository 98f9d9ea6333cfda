"""The consumer's handler (``python -m partners consumer``): the domain topics.

It runs in the consumer runner's transaction, with the consumed position and event id.
A members event updates the local copy of the members directory (the tenancy check of
the consent routes needs to know where each cooperative is); every event a partner
contract is made from goes to ``Delivery``, which appends it to the feeds of the partners
whose consents cover it. A record whose data does not fit its contract fails the batch
and ends, after the runner's retries, in ``<topic>.dlt``: it is never delivered half-made.
"""

from __future__ import annotations

from dataclasses import dataclass

from gotong_platform.consumer import ConsumedEvent, Handler
from gotong_platform.db import DbConnection
from gotong_platform.directory import apply_members_event
from partners.application.delivery import Delivery
from partners.domain import SourceEvent

__all__ = ["GATEWAY_CONSUMER", "GatewayConsumer", "source_event"]

GATEWAY_CONSUMER = "partners-gateway"


@dataclass(frozen=True)
class GatewayConsumer:
    delivery: Delivery

    def handler(self) -> Handler:
        """The consumer's handler: the directory, then the partners' feeds."""
        return self.on_event

    async def on_event(self, conn: DbConnection, event: ConsumedEvent) -> None:
        if event.envelope.source == "members":
            await self.on_members_event(conn, event)
        await self.delivery.deliver(conn, source_event(event))

    async def on_members_event(self, conn: DbConnection, event: ConsumedEvent) -> None:
        await apply_members_event(conn, event)


def source_event(event: ConsumedEvent) -> SourceEvent:
    env = event.envelope
    return SourceEvent(event_id=env.event_id, source=env.source, event_type=env.event_type,
                       schema_version=env.schema_version, cooperative_id=env.cooperative_id,
                       business_date=env.business_date, occurred_at=env.occurred_at,
                       recorded_at=env.recorded_at, data=event.data)
