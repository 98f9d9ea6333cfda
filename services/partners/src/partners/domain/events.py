"""Domain events of the partner gateway: facts, named in the past tense.

Three streams: ``partner-<uuid>`` (a partner the federation registered, and the public
keys its signed requests are verified with), ``consent-<uuid>`` (one cooperative's
consent to one partner) and ``subscription-<uuid>`` (what a partner subscribed to, and
how it receives it). Every event names who did it (``registered_by``, ``granted_by``,
``revoked_by``, ``created_by``, ...: the caller's token subject),
besides the actor the event store records for every command.
"""

from __future__ import annotations

import dataclasses
from datetime import date, datetime
from typing import Any

from gotong_platform.domain import DomainEvent
from partners.domain.values import Category, PartnerKind

__all__ = [
    "ConsentEvent",
    "ConsentGranted",
    "ConsentRevoked",
    "Contact",
    "KafkaPasswordRotated",
    "PartnerEvent",
    "PartnerRegistered",
    "SigningKeyRegistered",
    "SubscriptionCreated",
    "SubscriptionDeleted",
    "SubscriptionEvent",
    "SubscriptionReEnabled",
    "SubscriptionUpdated",
]


@dataclasses.dataclass(frozen=True, kw_only=True)
class Contact:
    """A person at the partner the federation office can reach."""

    name: str
    email: str | None = None
    phone: str | None = None
    role: str | None = None


@dataclasses.dataclass(frozen=True, kw_only=True)
class PartnerRegistered(DomainEvent):
    """The federation admin registered a partner that may receive consented data."""

    event_type = "PartnerRegistered"
    schema_version = 1

    partner_id: str
    name: str
    kind: PartnerKind
    contacts: tuple[Contact, ...]
    registered_at: datetime
    registered_by: str


@dataclasses.dataclass(frozen=True, kw_only=True)
class ConsentGranted(DomainEvent):
    """A cooperative's admin let a partner receive some categories of its data.

    The partner receives facts of those categories whose business date lies from
    ``from_date`` to ``until_date`` (inclusive; open-ended when None), recorded from
    ``granted_at`` on, or also before it when ``include_history``.
    """

    event_type = "ConsentGranted"
    schema_version = 1

    consent_id: str
    partner_id: str
    cooperative_id: str
    categories: tuple[Category, ...]
    from_date: date
    include_history: bool
    until_date: date | None
    granted_at: datetime
    granted_by: str


@dataclasses.dataclass(frozen=True, kw_only=True)
class ConsentRevoked(DomainEvent):
    """The cooperative's admin withdrew the consent: nothing more is delivered under it."""

    event_type = "ConsentRevoked"
    schema_version = 1

    consent_id: str
    partner_id: str
    cooperative_id: str
    revoked_at: datetime
    revoked_by: str
    reason: str | None = None


@dataclasses.dataclass(frozen=True, kw_only=True)
class SigningKeyRegistered(DomainEvent):
    """The federation admin registered a public key the partner's signed (SNAP) requests
    are verified with, from ``registered_at`` on.

    The key it replaces (``replaced_key_id``) keeps verifying until
    ``replaced_valid_until``, so the partner's gateways can switch to the new private key
    one by one; a key older than that one stops at ``registered_at``. A public key is no
    secret, so the event store may keep it forever.
    """

    event_type = "SigningKeyRegistered"
    schema_version = 1

    partner_id: str
    key_id: str
    algorithm: str  # a ``KeyAlgorithm`` value: SHA256withRSA or SHA256withECDSA
    bits: int
    public_key_pem: str
    fingerprint: str  # lowercase hex SHA-256 of the DER SubjectPublicKeyInfo
    registered_at: datetime
    registered_by: str
    replaced_key_id: str | None = None
    replaced_valid_until: datetime | None = None


@dataclasses.dataclass(frozen=True, kw_only=True)
class SubscriptionCreated(DomainEvent):
    """A partner subscribed (CloudEvents Subscriptions API): of what its consents let it
    receive, the events of ``types`` (all when empty) passing every one of ``filters``
    (their JSON, as the API writes them), delivered by ``protocol`` (``HTTP``: pushed to
    ``sink``, signed; ``GOTONG-PULL``: read from the pull feed, no sink).

    ``default_webhook`` marks the subscription ``POST /partner/webhook`` manages.
    """

    event_type = "SubscriptionCreated"
    schema_version = 1

    subscription_id: str
    partner_id: str
    protocol: str
    sink: str | None
    source: str | None
    types: tuple[str, ...]
    filters: tuple[dict[str, Any], ...]
    http_headers: dict[str, str]
    created_at: datetime
    created_by: str
    default_webhook: bool = False


@dataclasses.dataclass(frozen=True, kw_only=True)
class SubscriptionUpdated(DomainEvent):
    """The partner replaced its subscription's selection or sink (same protocol)."""

    event_type = "SubscriptionUpdated"
    schema_version = 1

    subscription_id: str
    partner_id: str
    sink: str | None
    source: str | None
    types: tuple[str, ...]
    filters: tuple[dict[str, Any], ...]
    http_headers: dict[str, str]
    updated_at: datetime
    updated_by: str


@dataclasses.dataclass(frozen=True, kw_only=True)
class SubscriptionDeleted(DomainEvent):
    """The partner ended its subscription: nothing more is delivered by it."""

    event_type = "SubscriptionDeleted"
    schema_version = 1

    subscription_id: str
    partner_id: str
    deleted_at: datetime
    deleted_by: str


@dataclasses.dataclass(frozen=True, kw_only=True)
class KafkaPasswordRotated(DomainEvent):
    """The partner (or the federation admin) replaced the password of the partner's Kafka
    user: the old one no longer logs in. The password itself is never recorded."""

    event_type = "KafkaPasswordRotated"
    schema_version = 1

    partner_id: str
    username: str
    rotated_at: datetime
    rotated_by: str


@dataclasses.dataclass(frozen=True, kw_only=True)
class SubscriptionReEnabled(DomainEvent):
    """The federation admin re-enabled a pushed subscription the dispatcher had disabled
    after persistent failures: delivery resumes where it stood, same sink and secret."""

    event_type = "SubscriptionReEnabled"
    schema_version = 1

    subscription_id: str
    partner_id: str
    reenabled_at: datetime
    reenabled_by: str


PartnerEvent = PartnerRegistered | SigningKeyRegistered | KafkaPasswordRotated
SubscriptionEvent = (SubscriptionCreated | SubscriptionUpdated | SubscriptionDeleted
                     | SubscriptionReEnabled)
ConsentEvent = ConsentGranted | ConsentRevoked
