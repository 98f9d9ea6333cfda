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
from partners.application.ports import PartnerRepository, WebhookSender, WebhookStore
from partners.domain import (
    ROTATION_OVERLAP,
    PartnerNotFound,
    WebhookEndpoint,
    WebhookNotFound,
    after_failure,
    sink_url,
)

__all__ = ["WebhookDispatch", "WebhookSubscriptions", "new_secret"]

SECRET_BYTES = 24


def new_secret() -> str:
    """A Standard Webhooks secret: ``whsec_`` and base64 of random bytes."""
    return "whsec_" + base64.b64encode(secrets.token_bytes(SECRET_BYTES)).decode()


@dataclass(frozen=True)
class WebhookSubscriptions:
    partners: PartnerRepository
    store: WebhookStore
    clock: Clock
    allow_http: bool = False  # development only: plain http sinks

    async def set_endpoint(self, conn: DbConnection, partner_id: str, url: str,
                           from_position: int | None) -> WebhookEndpoint:
        """Set the partner's endpoint (re-enabling it, with a new secret)."""
        partner, _ = await self.partners.load(conn, partner_id)
        if partner is None:
            raise PartnerNotFound("No partner is registered under your token's subject.")
        sink = sink_url(url, allow_http=self.allow_http)
        return await self.store.set_endpoint(conn, partner_id, sink, new_secret(),
                                             from_position, self.clock.now())

    async def rotate_secret(self, conn: DbConnection, partner_id: str) -> WebhookEndpoint:
        """A new secret for the partner's endpoint; the one it replaces keeps signing
        every request, beside it, for ``ROTATION_OVERLAP``."""
        now = self.clock.now()
        endpoint = await self.store.rotate_secret(conn, partner_id, new_secret(),
                                                  now + ROTATION_OVERLAP, now)
        if endpoint is None:
            raise WebhookNotFound("No webhook is set; set one first (POST /partner/webhook).")
        return endpoint


@dataclass(frozen=True)
class WebhookDispatch:
    store: WebhookStore
    sender: WebhookSender
    clock: Clock
    batch: int = 100

    async def run_once(self) -> int:
        """One pass over the due endpoints; how many events were accepted."""
        accepted = 0
        for endpoint in await self.store.due(self.clock.now()):
            accepted += await self._drain(endpoint)
        return accepted

    async def _drain(self, endpoint: WebhookEndpoint) -> int:
        accepted = 0
        pending = await self.store.pending(endpoint.partner_id, endpoint.delivered_position,
                                           self.batch)
        for event in pending:
            outcome = await self.sender.send(endpoint.url,
                                             endpoint.signing_secrets(self.clock.now()), event)
            now = self.clock.now()
            if not outcome.accepted:
                await self.store.failed(endpoint.partner_id, event, outcome,
                                        after_failure(endpoint, now), now)
                break
            await self.store.delivered(endpoint.partner_id, event, outcome, now)
            accepted += 1
        return accepted
