"""Signed webhooks: a partner sets its endpoint; the dispatcher pushes its feed there.

``WebhookSubscriptions.set_endpoint`` runs in the HTTP edge's ``Runner`` transaction and
answers the endpoint's new secret (``whsec_`` and base64 of 24 random bytes, the form
Standard Webhooks uses) once. ``WebhookDispatch.run_once`` is one pass of the dispatcher
process (``python -m partners webhooks``): the endpoints that are due, served
concurrently (each by one task), each a batch of its pending events in feed order: a
webhook's one request per event, each sent after the one before was accepted; a topic's
records handed to the producer together and their acknowledgements awaited together. The
batch is recorded in one transaction (its attempts, the position past the last event
accepted); the first failure schedules the next attempt (``partners.domain.webhook``)
and stops that endpoint there.
``WebhookSubscriptions.rotate_secret`` answers a new secret while the old one keeps
signing for ``ROTATION_OVERLAP``.
"""

from __future__ import annotations

import asyncio
import base64
import secrets
from dataclasses import dataclass

from gotong_platform.calendar import Clock
from gotong_platform.db import DbConnection
from gotong_platform.provenance import Provenance
from partners.application.ports import (
    PartnerRepository,
    SubscriptionRepository,
    WebhookSender,
    WebhookStore,
)
from partners.domain import (
    ROTATION_OVERLAP,
    Attempt,
    Catalogue,
    WebhookEndpoint,
    WebhookNotFound,
    after_failure,
    default_webhook_id,
    passed_to,
    selects,
    set_default_webhook,
)

__all__ = ["WebhookDispatch", "WebhookSubscriptions", "new_secret"]

SECRET_BYTES = 24


def new_secret() -> str:
    """A Standard Webhooks secret: ``whsec_`` and base64 of random bytes."""
    return "whsec_" + base64.b64encode(secrets.token_bytes(SECRET_BYTES)).decode()


@dataclass(frozen=True)
class WebhookSubscriptions:
    """``POST /partner/webhook``: the partner's default HTTP subscription
    (``default_webhook_id``), which the other webhook routes read and rotate."""

    partners: PartnerRepository
    subscriptions: SubscriptionRepository
    store: WebhookStore
    clock: Clock
    catalogue: Catalogue

    async def set_endpoint(self, conn: DbConnection, partner_id: str, url: str,
                           from_position: int | None, provenance: Provenance
                           ) -> WebhookEndpoint:
        """Set the partner's default webhook subscription's sink (created when it has
        none; its types and filters kept), re-enabling it, with a new secret."""
        partner, _ = await self.partners.load(conn, partner_id)
        subscription_id = default_webhook_id(partner_id)
        state, version = await self.subscriptions.load(conn, subscription_id)
        now = self.clock.now()
        events = set_default_webhook(partner, state, url, self.catalogue, now=now,
                                     actor=provenance.meta.actor)
        saved, _ = await self.subscriptions.save(conn, state, version, events, provenance)
        if saved.sink is None:  # an HTTP subscription always has one
            raise RuntimeError("the default webhook has no sink")
        return await self.store.set_endpoint(conn, subscription_id, partner_id, saved.sink,
                                             new_secret(), from_position, now)

    async def rotate_secret(self, conn: DbConnection, partner_id: str,
                            subscription_id: str | None = None) -> WebhookEndpoint:
        """A new secret for the partner's endpoint (its default webhook, or the HTTP
        subscription named); the one it replaces keeps signing every request, beside it,
        for ``ROTATION_OVERLAP``."""
        now = self.clock.now()
        endpoint = await self.store.rotate_secret(
            conn, subscription_id or default_webhook_id(partner_id), partner_id,
            new_secret(), now + ROTATION_OVERLAP, now)
        if endpoint is None:
            raise WebhookNotFound("No webhook is set; set one first (POST /partner/webhook "
                                  "or an HTTP subscription).")
        return endpoint


@dataclass(frozen=True)
class WebhookDispatch:
    """Delivers every subscription that pushes: HTTP to its webhook with ``sender``, KAFKA
    to the partner's topic with ``kafka`` (the same order, retries and log). Up to
    ``concurrency`` subscriptions are served at once, each by one task per pass."""

    store: WebhookStore
    sender: WebhookSender
    clock: Clock
    batch: int = 100
    kafka: WebhookSender | None = None
    concurrency: int = 8

    async def run_once(self) -> int:
        """One pass over the due endpoints, at most one batch each; how many events were
        accepted. The endpoints are served concurrently (a slow or failing one holds only
        its own subscription back), each endpoint by one task: its order stays."""
        endpoints = await self.store.due(self.clock.now())
        if len(endpoints) <= 1:
            return sum([await self._drain(e) for e in endpoints])
        gate = asyncio.Semaphore(self.concurrency)

        async def drain(endpoint: WebhookEndpoint) -> int:
            async with gate:
                return await self._drain(endpoint)

        return sum(await asyncio.gather(*(drain(e) for e in endpoints)))

    def _sender(self, endpoint: WebhookEndpoint) -> WebhookSender | None:
        return self.kafka if endpoint.protocol == "KAFKA" else self.sender

    async def _drain(self, endpoint: WebhookEndpoint) -> int:
        """Push what the endpoint's subscription selects among a batch of its pending
        events, in feed order, then record the batch once: its attempts, the position
        past the last event accepted (and the unselected ones around it), and on a
        refusal when to try again. The refused event is where the next pass starts."""
        sender = self._sender(endpoint)
        if sender is None:  # a dispatcher without a producer leaves KAFKA to another
            return 0
        pending = await self.store.pending(endpoint.partner_id, endpoint.delivered_position,
                                           self.batch)
        if not pending:
            return 0
        wanted = [e for e in pending
                  if endpoint.selector is None or selects(endpoint.selector, e.event)]
        outcomes = await sender.send_many(endpoint.url,
                                          endpoint.signing_secrets(self.clock.now()), wanted,
                                          endpoint.headers) if wanted else []
        attempts = [Attempt(event=e, outcome=o) for e, o in zip(wanted, outcomes, strict=False)]
        accepted = sum(1 for a in attempts if a.outcome.accepted)
        position = passed_to(pending, wanted, attempts, endpoint.delivered_position)
        now = self.clock.now()
        refused = bool(attempts) and not attempts[-1].outcome.accepted
        if position == endpoint.delivered_position and not attempts:
            return 0  # nothing sent, nothing passed
        await self.store.settle(endpoint, attempts, position,
                                after_failure(endpoint, now) if refused else None, now)
        return accepted
