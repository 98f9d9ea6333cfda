"""What every event does to the read model, whatever its source.

Each event moves its cooperative's data-freshness clocks and is logged with both
of its clocks (``fact_events``), so freshness can be asked "as known at" any
moment. Its payload is then read through its published contract.
"""

from __future__ import annotations

from pydantic import ValidationError

from gotong_platform.consumer import ConsumedEvent
from gotong_platform.contracts import EventContract, contract_for
from gotong_platform.db import DbConnection
from gotong_platform.envelope import Envelope

__all__ = ["contract_of", "record_clocks"]

_FRESHNESS = """
INSERT INTO freshness (cooperative_id, last_recorded_at, last_business_date, events)
VALUES ($1, $2, $3, 1)
ON CONFLICT (cooperative_id) DO UPDATE SET
    last_recorded_at = greatest(freshness.last_recorded_at, EXCLUDED.last_recorded_at),
    last_business_date = greatest(freshness.last_business_date, EXCLUDED.last_business_date),
    events = freshness.events + 1
"""
_EVENT_LOG = """
INSERT INTO fact_events (event_id, cooperative_id, source, event_type, business_date,
                         recorded_at)
VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (event_id) DO NOTHING
"""


async def record_clocks(conn: DbConnection, env: Envelope) -> None:
    await conn.execute(_FRESHNESS, env.cooperative_id, env.recorded_at, env.business_date)
    await conn.execute(_EVENT_LOG, env.event_id, env.cooperative_id, env.source,
                       env.event_type, env.business_date, env.recorded_at)


def contract_of(event: ConsumedEvent) -> EventContract | None:
    """The event's payload as its contract; None for a type this consumer does not know.

    A payload that breaks its own contract is a poison event: the ValueError sends it
    to the dead-letter topic after the runner's retries.
    """
    env = event.envelope
    cls = contract_for(env.source, env.event_type, env.schema_version)
    if cls is None:
        return None
    try:
        return cls.model_validate(event.data)
    except ValidationError as exc:
        raise ValueError(f"{env.event_type} does not match its contract: {exc}") from exc
