"""A partner's subscriptions (CloudEvents Subscriptions API): create, update, delete.

Each use case loads, decides (``partners.domain.subscription``) and saves in the HTTP
edge's transaction; an HTTP subscription's endpoint (its sink, secret and delivery
position, ``WebhookStore``) is written in the same transaction, so a refused request
leaves neither. A new HTTP subscription answers its ``whsec_`` secret once and starts at
the beginning of the partner's feed, as a new webhook does.

A KAFKA subscription is delivered the same way, to the partner's own topic: creating one
opens the topic and its ACLs (``PartnerKafka``, idempotent) and, the first time, creates
the partner's Kafka user with a new password, answered once (a later KAFKA subscription
answers none: the partner reads with the same user). Those calls to the broker are not
in the transaction; a request that fails after them leaves a topic, ACLs or a password
nobody was told, which its retry replaces.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from gotong_platform.calendar import Clock
from gotong_platform.db import DbConnection
from gotong_platform.ids import new_id
from gotong_platform.provenance import Provenance
from partners.application.ports import (
    PartnerKafka,
    PartnerRepository,
    SubscriptionRepository,
    WebhookStore,
)
from partners.application.webhooks import new_secret
from partners.domain import (
    Catalogue,
    DeliveryProtocol,
    PartnerKafkaAccess,
    Subscription,
    SubscriptionRequest,
    create_subscription,
    delete_subscription,
    partner_kafka_access,
    reenable_subscription,
    rotate_kafka_password,
    update_subscription,
)

__all__ = ["Created", "KafkaCredentials", "Subscriptions", "new_kafka_password"]

KAFKA_PASSWORD_BYTES = 24


def new_kafka_password() -> str:
    # URL-safe base64: no character a JAAS line or a properties file would need escaped.
    return secrets.token_urlsafe(KAFKA_PASSWORD_BYTES)


@dataclass(frozen=True, slots=True)
class KafkaCredentials:
    access: PartnerKafkaAccess
    password: str | None  # set only when the gateway has just created the user


@dataclass(frozen=True, slots=True)
class Created:
    subscription: Subscription
    version: int
    secret: str | None  # an HTTP subscription's signing secret, shown this once
    kafka: KafkaCredentials | None = None  # a KAFKA subscription's topic and user


@dataclass(frozen=True)
class Subscriptions:
    partners: PartnerRepository
    subscriptions: SubscriptionRepository
    store: WebhookStore
    clock: Clock
    catalogue: Catalogue
    kafka: PartnerKafka | None = None  # None: KAFKA subscriptions are refused

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
        kafka = None
        if saved.protocol is DeliveryProtocol.HTTP and saved.sink is not None:
            secret = new_secret()
            await self.store.set_endpoint(conn, saved.subscription_id, partner_id, saved.sink,
                                          secret, None, now)
        elif saved.protocol is DeliveryProtocol.KAFKA and saved.sink is not None:
            kafka = await self._open_kafka(conn, partner_id)
            await self.store.set_endpoint(conn, saved.subscription_id, partner_id, saved.sink,
                                          "", None, now, protocol=DeliveryProtocol.KAFKA.value)
        return Created(saved, version, secret, kafka)

    async def _open_kafka(self, conn: DbConnection, partner_id: str) -> KafkaCredentials:
        if self.kafka is None:
            raise RuntimeError("KAFKA subscriptions need the gateway's PartnerKafka")
        access = partner_kafka_access(partner_id)
        await self.kafka.open(access)
        if not self.kafka.issues_credentials or await self.store.kafka_user_exists(
                conn, partner_id):
            return KafkaCredentials(access, None)
        password = new_kafka_password()
        await self.kafka.set_password(access, password)
        await self.store.kafka_password_set(conn, partner_id, access.username,
                                            self.clock.now())
        return KafkaCredentials(access, password)

    async def rotate_kafka_password(self, conn: DbConnection, partner_id: str,
                                    provenance: Provenance) -> KafkaCredentials:
        """A new password for the partner's Kafka user, answered once; the broker refuses
        the old one from then on. The rotation (who, when; never the password) is an
        event of the partner's stream, written first: a broker that refuses the new
        password rolls it back. A transaction that fails after the broker accepted it
        leaves a password nobody was told, which the retry replaces."""
        partner, version = await self.partners.load(conn, partner_id)
        access = partner_kafka_access(partner_id)
        issues = self.kafka is not None and self.kafka.issues_credentials
        events = rotate_kafka_password(
            partner, username=access.username, issues_credentials=issues,
            user_exists=issues and await self.store.kafka_user_exists(conn, partner_id),
            now=self.clock.now(), actor=provenance.meta.actor)
        await self.partners.save(conn, partner, version, events, provenance)
        if self.kafka is None:  # the decider refused it already (issues_credentials)
            raise RuntimeError("no PartnerKafka to set the password with")
        password = new_kafka_password()
        await self.kafka.set_password(access, password)
        await self.store.kafka_password_set(conn, partner_id, access.username,
                                            self.clock.now())
        return KafkaCredentials(access, password)

    async def reenable(self, conn: DbConnection, subscription_id: str,
                       provenance: Provenance) -> Subscription:
        """The federation office re-enables a disabled pushed subscription: its delivery
        resumes where it stood (same sink, secret and position), at once."""
        state, version = await self.subscriptions.load(conn, subscription_id)
        now = self.clock.now()
        events = reenable_subscription(
            state, disabled=await self.store.endpoint_disabled(conn, subscription_id),
            now=now, actor=provenance.meta.actor)
        saved, _ = await self.subscriptions.save(conn, state, version, events, provenance)
        await self.store.enable_endpoint(conn, subscription_id, now)
        return saved

    async def update(self, conn: DbConnection, partner_id: str, subscription_id: str,
                     request: SubscriptionRequest, provenance: Provenance
                     ) -> tuple[Subscription, int]:
        """Replace the subscription (same protocol); a pushed one (HTTP, KAFKA) is
        re-enabled at its (new) sink, keeping its secret and its delivery position: the
        way back after persistent failures disabled it."""
        state, version = await self.subscriptions.load(conn, subscription_id)
        now = self.clock.now()
        events = update_subscription(state, request, self.catalogue, partner_id=partner_id,
                                     now=now, actor=provenance.meta.actor)
        saved, version = await self.subscriptions.save(conn, state, version, events,
                                                       provenance)
        if saved.protocol in (DeliveryProtocol.HTTP, DeliveryProtocol.KAFKA) and (
                saved.sink is not None):
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
