"""What the gateway's use cases need from storage and from the contracts' mapping.

Small Protocols: the composition root (``partners.main``) plugs in the PostgreSQL
adapters of ``partners.adapters``; a unit test plugs in in-memory fakes. ``version`` is
always the number of events in the stream: the expected version of the next append.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from datetime import datetime
from typing import Protocol

from gotong_platform.db import DbConnection
from gotong_platform.provenance import Provenance
from partners.domain import (
    Attempt,
    Category,
    Consent,
    ConsentEvent,
    Fact,
    Failure,
    FeedItem,
    ParsedPublicKey,
    Partner,
    PartnerEvent,
    PartnerKafkaAccess,
    PendingEvent,
    SendOutcome,
    SigningKey,
    SourceEvent,
    Subscription,
    SubscriptionEvent,
    WebhookEndpoint,
)

__all__ = ["ConsentRepository", "Feeds", "KeyReader", "PartnerKafka", "PartnerMapping",
           "PartnerRepository",
           "SignatureVerifier", "SignedRequestStore", "SubscriptionRepository",
           "WebhookSender", "WebhookStore"]


class PartnerRepository(Protocol):
    """The partners' streams and their query rows."""

    async def load(self, conn: DbConnection, partner_id: str) -> tuple[Partner | None, int]:
        """The partner and its version; ``(None, 0)`` when there is none."""
        ...

    async def save(self, conn: DbConnection, before: Partner | None, version: int,
                   events: Sequence[PartnerEvent], provenance: Provenance,
                   ) -> tuple[Partner, int]:
        """Append ``events`` after ``version``: the state after them, and the new version."""
        ...


class ConsentRepository(Protocol):
    """The consents' streams and their query rows (which the delivery reads)."""

    async def load(self, conn: DbConnection, consent_id: str) -> tuple[Consent | None, int]:
        """The consent and its version; ``(None, 0)`` when there is none."""
        ...

    async def save(self, conn: DbConnection, before: Consent | None, version: int,
                   events: Sequence[ConsentEvent], provenance: Provenance,
                   ) -> tuple[Consent, int]:
        """Append ``events`` after ``version``: the state after them, and the new version."""
        ...


class SubscriptionRepository(Protocol):
    """The subscriptions' streams and their query rows."""

    async def load(self, conn: DbConnection, subscription_id: str
                   ) -> tuple[Subscription | None, int]:
        """The subscription and its version; ``(None, 0)`` when there is none."""
        ...

    async def active_count(self, conn: DbConnection, partner_id: str) -> int:
        """How many subscriptions the partner has, not deleted."""
        ...

    async def save(self, conn: DbConnection, before: Subscription | None, version: int,
                   events: Sequence[SubscriptionEvent], provenance: Provenance,
                   ) -> tuple[Subscription, int]:
        """Append ``events`` after ``version``: the state after them, and the new version."""
        ...


class PartnerMapping(Protocol):
    """From internal events to partner contracts (``partners.adapters.mapping``)."""

    def fact_of(self, event: SourceEvent) -> Fact | None:
        """What a consent is checked against; None for an event no contract is made from."""
        ...

    def partner_event(self, partner_id: str, event: SourceEvent,
                      consent_ids: tuple[str, ...]) -> FeedItem:
        """``event`` as ``partner_id`` receives it: its category's contract, with that
        partner's pseudonymous references."""
        ...

    def partner_events(self, event: SourceEvent,
                       recipients: Mapping[str, tuple[str, ...]]) -> list[FeedItem]:
        """``event`` as each partner of ``recipients`` (partner id: the consents that let
        it) receives it, the internal contract decoded once."""
        ...


class Feeds(Protocol):
    """The archive of mappable events and the partners' feeds (``partners.adapters.feed``)."""

    async def lock_cooperatives(self, conn: DbConnection,
                                cooperative_ids: Collection[str]) -> None:
        """Serialise, until the transaction ends, everything that delivers these
        cooperatives' data: the consumer's deliveries and a consent's grant or revocation.
        Taken in id order, so two batches never wait on each other in a cycle."""
        ...

    async def keep(self, conn: DbConnection,
                   events: Sequence[tuple[SourceEvent, Fact]]) -> None:
        """Archive the events, in order (a consent granted later with history may cover
        them); an event archived before is left as it is."""
        ...

    async def history(self, conn: DbConnection, cooperative_id: str,
                      categories: Sequence[Category]) -> list[tuple[SourceEvent, Fact]]:
        """The archived events of the cooperative in these categories, in arrival order."""
        ...

    async def in_force(self, conn: DbConnection,
                       cooperative_ids: Collection[str]) -> list[Consent]:
        """The cooperatives' consents not revoked."""
        ...

    async def append(self, conn: DbConnection, items: Sequence[FeedItem]) -> int:
        """Append the items to their partners' feeds, each partner's in the given order (an
        event already in a partner's feed, or earlier in ``items``, is skipped); how many
        were appended."""
        ...


class WebhookStore(Protocol):
    """The partners' webhook endpoints, their pending events and the delivery log
    (``partners.adapters.webhooks``)."""

    async def set_endpoint(self, conn: DbConnection, subscription_id: str, partner_id: str,
                           url: str, secret: str, from_position: int | None, now: datetime,
                           protocol: str = "HTTP") -> WebhookEndpoint:
        """Set (or replace) the HTTP subscription's endpoint, enabled, with a new secret;
        delivery resumes after ``from_position`` (None: where it stood, 0 for a new one).
        A KAFKA subscription's endpoint is its partner's topic, with no secret."""
        ...

    async def kafka_user_exists(self, conn: DbConnection, partner_id: str) -> bool:
        """Whether the gateway has created the partner's Kafka user."""
        ...

    async def kafka_password_set(self, conn: DbConnection, partner_id: str, username: str,
                                 now: datetime) -> None:
        """Record that the partner's Kafka user was given a password (not the password)."""
        ...

    async def endpoint_disabled(self, conn: DbConnection, subscription_id: str
                                ) -> bool | None:
        """Whether the subscription's endpoint is disabled (locked until the transaction
        ends); None when it has none."""
        ...

    async def enable_endpoint(self, conn: DbConnection, subscription_id: str,
                              now: datetime) -> None:
        """Re-enable the endpoint where it stands (its sink, secret and position stay),
        its failures forgotten, due at once."""
        ...

    async def move_endpoint(self, conn: DbConnection, subscription_id: str, url: str,
                            now: datetime) -> None:
        """Point the endpoint at ``url`` and re-enable it (its secret and position stay)."""
        ...

    async def remove_endpoint(self, conn: DbConnection, subscription_id: str) -> None:
        """Forget the endpoint (its subscription was deleted)."""
        ...

    async def rotate_secret(self, conn: DbConnection, subscription_id: str, partner_id: str,
                            secret: str, previous_until: datetime, now: datetime
                            ) -> WebhookEndpoint | None:
        """Make ``secret`` the endpoint's, keeping the one it replaces for signing until
        ``previous_until``; None when the partner has no such endpoint."""
        ...

    async def due(self, now: datetime) -> list[WebhookEndpoint]:
        """The enabled endpoints whose next attempt is due."""
        ...

    async def pending(self, partner_id: str, after: int, limit: int) -> list[PendingEvent]:
        """The partner's feed after ``after`` (consents in force only), oldest first."""
        ...

    async def settle(self, endpoint: WebhookEndpoint, attempts: Sequence[Attempt],
                     position: int, failure: Failure | None, now: datetime) -> None:
        """Record one batch in one transaction: its ``attempts`` logged in the order they
        were made, the delivery moved to ``position`` (never back), and either the
        failures reset or, with ``failure``, the last attempt's error and when to try
        again (or that the endpoint is off)."""
        ...


class WebhookSender(Protocol):
    """Pushes signed events to an endpoint (``partners.adapters.webhook_sender``, and
    ``partners.adapters.kafka_sender`` for a partner's topic)."""

    async def send(self, url: str, secrets: Sequence[str], event: PendingEvent,
                   headers: Mapping[str, str] | None = None) -> SendOutcome:
        """Sign with each of ``secrets`` (one signature each) and push, with the
        subscription's own ``headers`` besides the signed ones."""
        ...

    async def send_many(self, url: str, secrets: Sequence[str],
                        events: Sequence[PendingEvent],
                        headers: Mapping[str, str] | None = None) -> list[SendOutcome]:
        """Push ``events`` in their order; the outcomes of the leading ones, in order:
        every one accepted, or those accepted and then the first refused (the events
        after it count as not sent, even if some of them reached the endpoint)."""
        ...


class PartnerKafka(Protocol):
    """The partners' topics, Kafka users and ACLs (``partners.adapters.kafka_access``)."""

    @property
    def issues_credentials(self) -> bool:
        """Whether the gateway creates the partners' Kafka users (else they are declared by
        the federation office, and the partner gets its password from there)."""
        ...

    async def open(self, access: PartnerKafkaAccess) -> None:
        """The partner's topic exists, and its user may read it (and its groups); idempotent."""
        ...

    async def set_password(self, access: PartnerKafkaAccess, password: str) -> None:
        """Create the partner's Kafka user with ``password``, or replace its password."""
        ...


class KeyReader(Protocol):
    """Reads a partner's public key from PEM (``partners.adapters.signing_keys``)."""

    def parse(self, pem: str) -> ParsedPublicKey:
        """What the key is; ``InvalidPublicKey`` or ``PrivateKeySent`` when it is no public
        key."""
        ...


class SignatureVerifier(Protocol):
    """Checks a SNAP signature (``partners.adapters.signing_keys``)."""

    def verify(self, key: SigningKey, message: bytes, signature: str) -> bool:
        """Whether ``signature`` (base64) was made over ``message`` by ``key``'s private
        key."""
        ...


class SignedRequestStore(Protocol):
    """The partners' keys and used X-EXTERNAL-IDs (``partners.adapters.signed_requests``)."""

    async def keys_valid_at(self, partner_id: str, now: datetime) -> list[SigningKey]:
        """The partner's keys that verify a signature made at ``now``, newest first (none
        for an unknown partner)."""
        ...

    async def claim(self, partner_id: str, key: str, request_hash: str) -> bool:
        """Record that the partner used ``key``; False when it had been used already."""
        ...
