"""The subscriptions' streams on PostgreSQL, with their query table ``subscriptions``
(which the API lists, the pull feed and the webhook dispatcher read)."""

from __future__ import annotations

from collections.abc import Sequence

from gotong_platform.calendar import today_in
from gotong_platform.db import DbConnection
from gotong_platform.eventstore import PostgresEventStore
from gotong_platform.provenance import Provenance
from partners.adapters.publishing import FEDERATION_TENANT, stored_event
from partners.domain import (
    Subscription,
    SubscriptionEvent,
    evolve_subscription,
    filter_json,
    replay_subscription,
    subscription_event_from_payload,
)

__all__ = ["PostgresSubscriptionRepository"]


class PostgresSubscriptionRepository:
    """``SubscriptionRepository`` on the gateway's event store."""

    def __init__(self, store: PostgresEventStore) -> None:
        self._store = store

    async def load(self, conn: DbConnection, subscription_id: str
                   ) -> tuple[Subscription | None, int]:
        if not subscription_id.startswith("subscription-"):
            return None, 0  # another kind of stream: "not found", not a decoding error
        return await self._store.replay(conn, subscription_id,
                                        subscription_event_from_payload, replay_subscription)

    async def active_count(self, conn: DbConnection, partner_id: str) -> int:
        count: int = await conn.fetchval(
            "SELECT count(*) FROM subscriptions WHERE partner_id = $1 AND deleted_at IS NULL",
            partner_id)
        return count

    async def save(self, conn: DbConnection, before: Subscription | None, version: int,
                   events: Sequence[SubscriptionEvent], provenance: Provenance,
                   ) -> tuple[Subscription, int]:
        state = before
        for e in events:
            state = evolve_subscription(state, e)
        if state is None:
            raise ValueError("saving a new subscription needs at least one event")
        if not events:
            return state, version
        now = self._store.clock.now()
        day = today_in(self._store.clock, None)
        # A partner's subscriptions belong to the federation's side, as the partner does.
        await self._store.write(conn, state.subscription_id, version, [
            stored_event(e, tenant=FEDERATION_TENANT, day=day, provenance=provenance, now=now)
            for e in events])
        version += len(events)
        await conn.execute(
            """INSERT INTO subscriptions (subscription_id, partner_id, protocol, sink, source,
                   types, filters, http_headers, default_webhook, created_at, created_by,
                   updated_at, deleted_at, version)
               VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)
               ON CONFLICT (subscription_id) DO UPDATE SET sink = EXCLUDED.sink,
                   source = EXCLUDED.source, types = EXCLUDED.types,
                   filters = EXCLUDED.filters, http_headers = EXCLUDED.http_headers,
                   created_at = EXCLUDED.created_at, created_by = EXCLUDED.created_by,
                   updated_at = EXCLUDED.updated_at, deleted_at = EXCLUDED.deleted_at,
                   version = EXCLUDED.version""",
            state.subscription_id, state.partner_id, state.protocol.value, state.sink,
            state.selector.source, list(state.selector.types),
            [filter_json(f) for f in state.selector.filters], dict(state.http_headers),
            state.default_webhook, state.created_at, state.created_by, state.updated_at,
            state.deleted_at, version)
        return state, version
