"""The consumer's handler (``python -m inventory consumer``): members and payments events.

It runs in the consumer runner's transaction, with the consumed position and event id.
A members event updates the local copy of the members directory
(``apply_members_event``); the payments service's answer about a sale is decoded into
its contract and handed to its reaction (``application.reactions``) with the provenance
of a reaction: the flow (correlation, trace) of the event it answers, caused by it.
"""

from __future__ import annotations

from dataclasses import dataclass

from gotong_platform.consumer import ConsumedEvent, Handler
from gotong_platform.consumer.process import by_source
from gotong_platform.contracts import contract_for
from gotong_platform.contracts import payments as p
from gotong_platform.db import DbConnection
from gotong_platform.directory import apply_members_event
from gotong_platform.envelope import Envelope
from gotong_platform.provenance import CommandMeta, Provenance
from inventory.application.reactions import PaymentReactions

__all__ = ["REACTIONS_ACTOR", "ReactionsConsumer"]

REACTIONS_ACTOR = "inventory-reactions"


@dataclass(frozen=True)
class ReactionsConsumer:
    reactions: PaymentReactions

    def handler(self) -> Handler:
        """The consumer's handler: one route per producing service."""
        return by_source({"members": apply_members_event, "payments": self.on_payments_event})

    async def on_payments_event(self, conn: DbConnection, event: ConsumedEvent) -> None:
        env = event.envelope
        cls = contract_for(env.source, env.event_type, env.schema_version)
        if cls is None:
            return  # savings, loans, payouts: not inventory's business
        match cls.model_validate(event.data):
            case p.SalePaymentRecordedV1() as fact:
                await self.reactions.payment_recorded(conn, fact, env, _provenance(env))
            case p.SalePaymentRefusedV1() as fact:
                await self.reactions.payment_refused(conn, fact, env, _provenance(env))


def _provenance(env: Envelope) -> Provenance:
    """A reaction continues the flow of the event it answers (correlation, trace)."""
    meta = CommandMeta.current(
        actor=REACTIONS_ACTOR, command_id=str(env.event_id),
        correlation=str(env.correlation_id) if env.correlation_id else None)
    return Provenance(meta, causation_id=env.event_id)
