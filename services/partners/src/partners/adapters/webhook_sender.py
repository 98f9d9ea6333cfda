"""Pushing one partner event to its endpoint, signed as Standard Webhooks 1.0 says.

Headers: ``webhook-id`` (the partner event's id: the same on every retry, so the
receiver can drop a duplicate), ``webhook-timestamp`` (Unix seconds of the attempt) and
``webhook-signature`` (``v1,`` and base64 of HMAC-SHA256, keyed with the base64-decoded
part of the ``whsec_`` secret, over ``<id>.<timestamp>.<body>``; during a rotation one
such signature per secret, space-separated). The body is the
CloudEvent in structured JSON mode (``application/cloudevents+json``).

The timestamp is the real time of the attempt: a receiver refuses one more than five
minutes away from its own clock (replay protection), so the composition root gives this
adapter the system clock even when the service's business clock is another.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Mapping, Sequence

import httpx

from gotong_platform.calendar import Clock
from partners.domain import PendingEvent, SendOutcome

__all__ = ["HttpWebhookSender", "signature"]

CONTENT_TYPE = "application/cloudevents+json"


def signature(secret: str, webhook_id: str, timestamp: int, body: bytes) -> str:
    """The ``webhook-signature`` value for one attempt."""
    key = base64.b64decode(secret.removeprefix("whsec_"))
    signed = f"{webhook_id}.{timestamp}.".encode() + body
    return "v1," + base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()


class HttpWebhookSender:
    """The ``WebhookSender`` port over HTTP (``client`` owns timeouts and proxies)."""

    def __init__(self, client: httpx.AsyncClient, wire_clock: Clock) -> None:
        self._client = client
        self._clock = wire_clock

    async def send(self, url: str, secrets: Sequence[str], event: PendingEvent,
                   headers: Mapping[str, str] | None = None) -> SendOutcome:
        webhook_id = str(event.webhook_id)
        timestamp = int(self._clock.now().timestamp())
        signed = " ".join(signature(s, webhook_id, timestamp, event.body) for s in secrets)
        # The subscription's headers first: the domain refuses any that would replace these.
        sent = {**(headers or {}), "content-type": CONTENT_TYPE, "webhook-id": webhook_id,
                "webhook-timestamp": str(timestamp), "webhook-signature": signed}
        try:
            answer = await self._client.post(url, content=event.body, headers=sent)
        except httpx.HTTPError as exc:
            return SendOutcome(status=None, error=f"{type(exc).__name__}: {exc}"[:500])
        return SendOutcome(status=answer.status_code)

    async def send_many(self, url: str, secrets: Sequence[str],
                        events: Sequence[PendingEvent],
                        headers: Mapping[str, str] | None = None) -> list[SendOutcome]:
        """One request per event (Standard Webhooks signs one message), each sent after the
        one before was accepted, over the client's kept-alive connection; stops at the
        first refusal."""
        outcomes: list[SendOutcome] = []
        for event in events:
            outcome = await self.send(url, secrets, event, headers)
            outcomes.append(outcome)
            if not outcome.accepted:
                break
        return outcomes
