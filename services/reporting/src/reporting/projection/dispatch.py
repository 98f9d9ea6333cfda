"""The read model's one handler: every event, routed to its source's projection."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from gotong_platform.consumer import ConsumedEvent
from gotong_platform.contracts import EventContract
from gotong_platform.db import DbConnection
from gotong_platform.envelope import Envelope
from reporting.projection import inventory, members, payments
from reporting.projection.common import contract_of, record_clocks

__all__ = ["apply_event"]

Apply = Callable[[DbConnection, EventContract, Envelope], Awaitable[None]]
_BY_SOURCE: dict[str, Apply] = {
    "members": members.apply_contract,
    "inventory": inventory.apply_contract,
    "payments": payments.apply_contract,
}


async def apply_event(conn: DbConnection, event: ConsumedEvent) -> None:
    """Freshness clocks for every event; facts for the contracts this model reads."""
    await record_clocks(conn, event.envelope)
    contract = contract_of(event)
    apply = _BY_SOURCE.get(event.envelope.source)
    if contract is not None and apply is not None:
        await apply(conn, contract, event.envelope)
