"""A partner's subscriptions (CloudEvents Subscriptions API): create, update, delete.

Each use case loads, decides (``partners.domain.subscription``) and saves in the HTTP
edge's transaction; an HTTP subscription's endpoint (its sink, secret and delivery
position, ``WebhookStore``) is written in the same transaction, so a refused request
leaves neither. A new HTTP subscription answers its ``whsec_`` secret once and starts at
the beginning of the partner's feed, as a new webhook does.
"""

from __future__ import annotations

from dataclasses import dataclass

from gotong_platform.calendar import Clock
from gotong_platform.db import DbConnection
from gotong_platform.ids import new_id
from gotong_platform.provenance import Provenance
from partners.application.ports import PartnerRepository, SubscriptionRepository, WebhookStore
from partners.application.webhooks import new_secret
from partners.domain import (
    Catalogue,
    DeliveryProtocol,
    Subscription,
    SubscriptionRequest,
    create_subscription,
    delete_subscription,
    update_subscription,
)

__all__ = ["Created", "Subscriptions"]


@dataclass(frozen=True, slots=True)
class Created:
    subscription: Subscription
    version: int
    secret: str | None  # an HTTP subscription's signing secret, shown this once


@dataclass(frozen=True)
class Subscriptions:
    partners: PartnerRepository
    subscriptions: SubscriptionRepository
    store: WebhookStore
    clock: Clock
    catalogue: Catalogue

    async def create(self, conn: DbConnection, partner_id: str, request: SubscriptionRequest,
                     provenance: Provenance) -> Created:
        partner, _ = await self.partners.load(conn, partner_id)
        active = await self.subscriptions.active_count(conn, partner_id)
        now = self.clock.now()
        events = create_subscription(partner, active, request, self.catalogue,
                                     subscription_id=new_id("subscription"), now=now,
                                     actor=provenance.meta.actor)
        saved, version = await self.subscriptions.save(conn, None, 0, events, provenance)
        secret = None
        if saved.protocol is DeliveryProtocol.HTTP and saved.sink is not None:
            secret = new_secret()
            await self.store.set_endpoint(conn, saved.subscription_id, partner_id, saved.sink,
                                          secret, None, now)
        return Created(saved, version, secret)

    async def update(self, conn: DbConnection, partner_id: str, subscription_id: str,
                     request: SubscriptionRequest, provenance: Provenance
                     ) -> tuple[Subscription, int]:
        """Replace the subscription (same protocol); an HTTP one is re-enabled at its
        (new) sink, keeping its secret and its delivery position."""
        state, version = await self.subscriptions.load(conn, subscription_id)
        now = self.clock.now()
        events = update_subscription(state, request, self.catalogue, partner_id=partner_id,
                                     now=now, actor=provenance.meta.actor)
        saved, version = await self.subscriptions.save(conn, state, version, events,
                                                       provenance)
        if saved.protocol is DeliveryProtocol.HTTP and saved.sink is not None:
            await self.store.move_endpoint(conn, subscription_id, saved.sink, now)
        return saved, version

    async def delete(self, conn: DbConnection, partner_id: str, subscription_id: str,
                     provenance: Provenance) -> tuple[Subscription, int]:
        state, version = await self.subscriptions.load(conn, subscription_id)
        events = delete_subscription(state, partner_id=partner_id, now=self.clock.now(),
                                     actor=provenance.meta.actor)
        saved = await self.subscriptions.save(conn, state, version, events, provenance)
        await self.store.remove_endpoint(conn, subscription_id)
        return saved
