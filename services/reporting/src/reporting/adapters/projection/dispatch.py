"""The read model's one handler: every event, routed to its source's projection."""

from __future__ import annotations

from collections.abc import Sequence

from gotong_platform.consumer import ConsumedEvent
from gotong_platform.db import DbConnection
from reporting.adapters.projection import inventory, members, payments
from reporting.adapters.projection.common import Apply, apply_events, claim_and_apply

__all__ = ["ReadModelHandler", "apply_event", "facts_only_handler", "read_model_handler"]

_BY_SOURCE: dict[str, Apply] = {
    "members": members.apply_contract,
    "inventory": inventory.apply_contract,
    "payments": payments.apply_contract,
}


class ReadModelHandler:
    """The consumer's batch handler: freshness clocks for every event, facts for the
    contracts this model reads, a batch written set-wise (see ``common``).

    It claims event ids itself (``SelfClaimingHandler``): every event is logged in
    ``fact_events`` under its id, so that row is the claim and the runner writes no
    ``processed_events`` row per event (only for a dead-lettered one).

    ``maintain=False``: the facts and freshness clocks only, for a rebuild that derives
    the maintained tables at its end (``reporting.adapters.read_model.bulk``).
    """

    __slots__ = ("_maintain",)

    def __init__(self, *, maintain: bool = True) -> None:
        self._maintain = maintain

    async def apply_batch(self, conn: DbConnection, events: Sequence[ConsumedEvent]) -> None:
        await apply_events(conn, events, _BY_SOURCE, maintain=self._maintain)

    async def apply_unclaimed(self, conn: DbConnection, consumer: str,
                              events: Sequence[ConsumedEvent]) -> int:
        return await claim_and_apply(conn, consumer, events, _BY_SOURCE,
                                     maintain=self._maintain)


read_model_handler = ReadModelHandler()
facts_only_handler = ReadModelHandler(maintain=False)


async def apply_event(conn: DbConnection, event: ConsumedEvent) -> None:
    """One event, exactly as the consumer applies a batch of one."""
    await apply_events(conn, [event], _BY_SOURCE)
