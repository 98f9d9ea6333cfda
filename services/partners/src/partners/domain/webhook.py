"""Signed webhooks: where a partner wants its events pushed, and how failures are retried.

Delivery is at least once, in feed order: the next event is sent only after the one
before it was accepted. A failed send is retried with exponential backoff (1 s doubling
up to an hour); an endpoint that has failed for ``RETRY_FOR`` (three days) is disabled
until the partner sets it again.

A partner replaces its secret without losing a delivery by rotating it: for
``ROTATION_OVERLAP`` (a day) every request carries two signatures, one with the new
secret and one with the old (Standard Webhooks puts them space-separated in
``webhook-signature``; a receiver accepts a request any one of them verifies), so the
partner can switch its receiver to the new secret at any moment of that day.
"""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from partners.domain.errors import InvalidWebhookUrl
from partners.domain.filters import Selector

__all__ = [
    "FIRST_RETRY",
    "LONGEST_RETRY",
    "RETRY_FOR",
    "ROTATION_OVERLAP",
    "Attempt",
    "Failure",
    "PendingEvent",
    "SendOutcome",
    "WebhookEndpoint",
    "after_failure",
    "passed_to",
    "retry_delay",
    "sink_url",
]

FIRST_RETRY = timedelta(seconds=1)
LONGEST_RETRY = timedelta(hours=1)
RETRY_FOR = timedelta(days=3)
URL_MAX = 2000
ROTATION_OVERLAP = timedelta(days=1)


@dataclasses.dataclass(frozen=True, slots=True, kw_only=True)
class WebhookEndpoint:
    """A partner's endpoint (one HTTP subscription's sink) and where its delivery stands."""

    subscription_id: str
    partner_id: str
    url: str
    secret: str = dataclasses.field(repr=False)  # whsec_...: never logged
    delivered_position: int
    failures: int  # consecutive failed attempts at the next event
    failing_since: datetime | None
    # the secret a rotation replaced, and until when requests are signed with it too
    previous_secret: str | None = dataclasses.field(default=None, repr=False)
    previous_until: datetime | None = None
    # what the subscription selects (None: the whole feed) and its protocolsettings' headers
    selector: Selector | None = None
    headers: Mapping[str, str] = dataclasses.field(default_factory=dict)
    # HTTP: ``url`` is the webhook; KAFKA: ``url`` is the partner's topic (no secret)
    protocol: str = "HTTP"

    def signing_secrets(self, now: datetime) -> tuple[str, ...]:
        """The secrets a request at ``now`` is signed with: the secret, and the one it
        replaced while the rotation's overlap lasts."""
        if self.previous_secret and self.previous_until is not None and now < self.previous_until:
            return (self.secret, self.previous_secret)
        return (self.secret,)


@dataclasses.dataclass(frozen=True, slots=True, kw_only=True)
class PendingEvent:
    """The next partner event to push: its feed position, its id, its JSON body, and the
    CloudEvent that body encodes (what a subscription's filters read)."""

    position: int
    webhook_id: uuid.UUID
    body: bytes
    event: Mapping[str, Any] = dataclasses.field(default_factory=dict)


@dataclasses.dataclass(frozen=True, slots=True, kw_only=True)
class SendOutcome:
    """What the partner's endpoint answered: a 2xx status is accepted."""

    status: int | None  # None: no answer (connection refused, timeout)
    error: str | None = None

    @property
    def accepted(self) -> bool:
        return self.status is not None and 200 <= self.status < 300


@dataclasses.dataclass(frozen=True, slots=True, kw_only=True)
class Attempt:
    """One event pushed and what the endpoint answered (a line of the delivery log)."""

    event: PendingEvent
    outcome: SendOutcome


def passed_to(pending: Sequence[PendingEvent], sent: Sequence[PendingEvent],
              attempts: Sequence[Attempt], start: int) -> int:
    """Where a batch leaves the delivery. ``pending``: the batch's events in feed order;
    ``sent``: those the subscription selects, which were to be pushed in that order;
    ``attempts``: the leading ones' outcomes. The delivery moves past every event before
    the first of ``sent`` that was refused or not attempted (that one is sent again next
    time, and nothing after it overtakes it); past them all when every one was accepted.
    The events not selected are passed with those around them. ``start``: where the
    delivery stood."""
    stop: int | None = None
    for index, event in enumerate(sent):
        if index >= len(attempts) or not attempts[index].outcome.accepted:
            stop = event.position
            break
    position = start
    for event in pending:
        if stop is not None and event.position >= stop:
            break
        position = event.position
    return position


@dataclasses.dataclass(frozen=True, slots=True, kw_only=True)
class Failure:
    """Where an endpoint stands after a failed attempt."""

    failures: int
    failing_since: datetime
    next_attempt_at: datetime
    disabled: bool


def retry_delay(failures: int) -> timedelta:
    """The wait after the ``failures``-th consecutive failure (1 s, 2 s, 4 s, ... 1 h)."""
    if failures < 1:
        raise ValueError("a retry follows at least one failure")
    if failures > 32:  # 2**31 s is far beyond the cap already
        return LONGEST_RETRY
    delay: timedelta = FIRST_RETRY * (1 << (failures - 1))
    return min(delay, LONGEST_RETRY)


def after_failure(endpoint: WebhookEndpoint, now: datetime) -> Failure:
    """The endpoint's state after one more failed attempt at ``now``."""
    failures = endpoint.failures + 1
    since = endpoint.failing_since or now
    return Failure(failures=failures, failing_since=since,
                   next_attempt_at=now + retry_delay(failures),
                   disabled=now - since >= RETRY_FOR)


def sink_url(url: str, *, allow_http: bool) -> str:
    """``url`` when events may be pushed to it: absolute, https (http only in development),
    a host, no credentials in it."""
    cleaned = url.strip()
    parts = urlsplit(cleaned)
    if len(cleaned) > URL_MAX:
        raise InvalidWebhookUrl(f"The webhook URL may have at most {URL_MAX} characters.")
    allowed = ("https", "http") if allow_http else ("https",)
    if parts.scheme not in allowed:
        raise InvalidWebhookUrl(
            "The webhook URL must start with https://"
            + ("" if allow_http else " (plain http is accepted in development only)") + ".")
    if not parts.hostname:
        raise InvalidWebhookUrl("The webhook URL must name a host.")
    if parts.username is not None or parts.password is not None:
        raise InvalidWebhookUrl("The webhook URL must not hold credentials; the requests are "
                                "signed instead.")
    return cleaned
