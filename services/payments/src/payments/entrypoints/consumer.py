"""The consumer's handler (``python -m payments consumer``): members and inventory
events, decoded into their contracts and handed to the reactions.

It runs in the consumer runner's transaction. A members event first updates the local
copy of the members directory (``apply_members_event``); then each fact payments
reacts to goes to its use case (``application.reactions``) with the provenance of a
reaction: the same correlation as its cause, caused by the consumed event.
"""

from __future__ import annotations

import dataclasses

from gotong_platform.consumer import ConsumedEvent, Handler
from gotong_platform.consumer.process import by_source
from gotong_platform.contracts import EventContract, contract_for
from gotong_platform.contracts import inventory as inv
from gotong_platform.contracts import members as mem
from gotong_platform.db import DbConnection
from gotong_platform.directory import apply_members_event
from gotong_platform.provenance import CommandMeta, Provenance
from payments.application.exit_refunds import UNKNOWN_EXIT_RECORDER
from payments.application.reactions import Reactions

__all__ = ["REACTIONS_ACTOR", "ReactionsConsumer"]

REACTIONS_ACTOR = "system:payments-reactions"


@dataclasses.dataclass(frozen=True)
class ReactionsConsumer:
    reactions: Reactions

    def handler(self) -> Handler:
        """The consumer's handler: one route per producing service."""
        return by_source({"members": self.on_members_event,
                          "inventory": self.on_inventory_event})

    async def on_members_event(self, conn: DbConnection, event: ConsumedEvent) -> None:
        await apply_members_event(conn, event)
        origin = _origin(event)
        match _contract(event):
            case mem.MemberAdmittedV1() as e:
                await self.reactions.member_admitted(conn, e, origin)
            case mem.MemberExitedV1() as e:
                # The maker is whoever recorded the exit in the members service.
                await self.reactions.member_exited(
                    conn, e, event.envelope.actor or UNKNOWN_EXIT_RECORDER, origin)

    async def on_inventory_event(self, conn: DbConnection, event: ConsumedEvent) -> None:
        origin = _origin(event)
        match _contract(event):
            case inv.SaleRecordedV1() as e:
                await self.reactions.sale_recorded(conn, e, origin)
            case inv.ProduceReceivedFromMemberV1() as e:
                await self.reactions.produce_received(conn, e, origin)


def _contract(event: ConsumedEvent) -> EventContract | None:
    env = event.envelope
    cls = contract_for(env.source, env.event_type, env.schema_version)
    return None if cls is None else cls.model_validate(event.data)


def _origin(event: ConsumedEvent) -> Provenance:
    """The reaction continues the cause's flow: same correlation, caused by its event."""
    env = event.envelope
    meta = CommandMeta.current(
        actor=REACTIONS_ACTOR, command_id=f"{env.source}:{env.event_id}",
        correlation=str(env.correlation_id) if env.correlation_id else None)
    return Provenance(meta=meta, causation_id=env.event_id)
