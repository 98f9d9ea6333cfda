"""Signed webhooks: a partner sets its endpoint; the dispatcher pushes its feed there.

``WebhookSubscriptions.set_endpoint`` runs in the HTTP edge's ``Runner`` transaction and
answers the endpoint's new secret (``whsec_`` and base64 of 24 random bytes, the form
Standard Webhooks uses) once. ``WebhookDispatch.run_once`` is one pass of the dispatcher
process (``python -m partners webhooks``): for each endpoint that is due, the pending
events in feed order, each sent only after the one before it was accepted; the first
failure schedules the next attempt (``partners.domain.webhook``) and stops that endpoint.
``WebhookSubscriptions.rotate_secret`` answers a new secret while the old one keeps
signing for ``ROTATION_OVERLAP``.
"""

from __future__ import annotations

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
    Catalogue,
    WebhookEndpoint,
    WebhookNotFound,
    after_failure,
    default_webhook_id,
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
    to the partner's topic with ``kafka`` (the same order, retries and log)."""

    store: WebhookStore
    sender: WebhookSender
    clock: Clock
    batch: int = 100
    kafka: WebhookSender | None = None

    async def run_once(self) -> int:
        """One pass over the due endpoints; how many events were accepted."""
        accepted = 0
        for endpoint in await self.store.due(self.clock.now()):
            accepted += await self._drain(endpoint)
        return accepted

    def _sender(self, endpoint: WebhookEndpoint) -> WebhookSender | None:
        return self.kafka if endpoint.protocol == "KAFKA" else self.sender

    async def _drain(self, endpoint: WebhookEndpoint) -> int:
        """Push what the endpoint's subscription selects among the pending events; the
        others are passed over (the position moves past them, nothing is sent)."""
        accepted = 0
        sender = self._sender(endpoint)
        if sender is None:  # a dispatcher without a producer leaves KAFKA to another
            return 0
        passed = recorded = endpoint.delivered_position
        pending = await self.store.pending(endpoint.partner_id, endpoint.delivered_position,
                                           self.batch)
        for event in pending:
            if endpoint.selector is not None and not selects(endpoint.selector, event.event):
                passed = event.position
                continue
            outcome = await sender.send(endpoint.url,
                                             endpoint.signing_secrets(self.clock.now()), event,
                                             endpoint.headers)
            now = self.clock.now()
            if not outcome.accepted:
                await self.store.failed(endpoint, event, outcome,
                                        after_failure(endpoint, now), now)
                return accepted
            await self.store.delivered(endpoint, event, outcome, now)
            passed = recorded = event.position
            accepted += 1
        if passed > recorded:
            # The batch ended with events the subscription does not select.
            await self.store.skipped(endpoint, passed, self.clock.now())
        return accepted
