"""The consumer's handler (``python -m partners consumer``): the domain topics.

It runs in the consumer runner's transaction, with the consumed position and event id.
A members event updates the local copy of the members directory (the tenancy check of
the consent routes needs to know where each cooperative is).
"""

from __future__ import annotations

from dataclasses import dataclass

from gotong_platform.consumer import ConsumedEvent, Handler
from gotong_platform.consumer.process import by_source
from gotong_platform.db import DbConnection
from gotong_platform.directory import apply_members_event

__all__ = ["GATEWAY_CONSUMER", "GatewayConsumer"]

GATEWAY_CONSUMER = "partners-gateway"


@dataclass(frozen=True)
class GatewayConsumer:
    def handler(self) -> Handler:
        """The consumer's handler: one route per producing service."""
        return by_source({"members": self.on_members_event})

    async def on_members_event(self, conn: DbConnection, event: ConsumedEvent) -> None:
        await apply_members_event(conn, event)
