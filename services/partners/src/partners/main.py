"""Composition root of the partner gateway: ``create_app(settings)`` and the consumer's
handler (``build_consumer``).

The lifespan owns every resource (migrations, pool, telemetry) and releases it on
shutdown. Nothing is built at import.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta

import httpx
from fastapi import FastAPI
from starlette.middleware.cors import CORSMiddleware

from gotong_platform.auth import TokenVerifier
from gotong_platform.calendar import Clock, SystemClock
from gotong_platform.contracts.partner_feed import (
    PARTNER_CONTRACTS,
    PARTNER_EVENT_SOURCE,
    PseudonymKey,
)
from gotong_platform.db import create_pool
from gotong_platform.eventstore import PostgresEventStore
from gotong_platform.http.service import from_environment, install_platform
from gotong_platform.migrations import upgrade
from gotong_platform.telemetry import PlatformMetrics, configure_logging, configure_tracing
from partners.adapters.consent_repository import PostgresConsentRepository
from partners.adapters.feed import PostgresFeeds
from partners.adapters.kafka_access import AdminApiPartnerKafka, DeclaredPartnerKafka
from partners.adapters.kafka_sender import KafkaTopicSender, Producer
from partners.adapters.mapping import ContractMapping
from partners.adapters.partner_repository import PostgresPartnerRepository
from partners.adapters.profile import PostgresProfileReads
from partners.adapters.queries import PartnersQueries
from partners.adapters.signed_requests import PostgresSignedRequestStore
from partners.adapters.signing_keys import CryptographyKeys
from partners.adapters.subscription_repository import PostgresSubscriptionRepository
from partners.adapters.webhook_sender import HttpWebhookSender
from partners.adapters.webhooks import PostgresWebhookStore
from partners.application.delivery import Delivery
from partners.application.ports import PartnerKafka
from partners.application.profiles import LenderProfiles
from partners.application.service import PartnersService
from partners.application.signed_requests import SignedRequests
from partners.application.subscriptions import Subscriptions
from partners.application.webhooks import WebhookDispatch, WebhookSubscriptions
from partners.domain import Catalogue
from partners.entrypoints.api import routers
from partners.entrypoints.consumer import GatewayConsumer
from partners.entrypoints.deps import AppContext
from partners.settings import PartnersSettings

__all__ = ["allow_dashboard", "build_consumer", "build_dispatch", "create_app",
           "partner_kafka", "token_verifier"]


def token_verifier(settings: PartnersSettings) -> TokenVerifier:
    """The issuer\'s JWKS and/or the HS256 key (``ServiceSettings.token_verifier``)."""
    return settings.token_verifier()


def pseudonym_key(settings: PartnersSettings) -> PseudonymKey:
    """The platform secret of the partners' pseudonymous references; refused when missing."""
    if settings.pseudonym_key is None:
        raise ValueError("set GOTONG_PARTNERS_PSEUDONYM_KEY (base64 of 32 random bytes)")
    try:
        return PseudonymKey(base64.b64decode(settings.pseudonym_key.get_secret_value(),
                                             validate=True))
    except (binascii.Error, ValueError):
        raise ValueError("GOTONG_PARTNERS_PSEUDONYM_KEY must be base64 of at least 32 "
                         "bytes") from None


def catalogue(settings: PartnersSettings) -> Catalogue:
    """What a subscription may name: the partner contracts' CloudEvents types."""
    return Catalogue(types=frozenset(cls.ce_type() for cls in PARTNER_CONTRACTS.values()),
                     source=PARTNER_EVENT_SOURCE, allow_http=settings.webhook_allow_http)


def _delivery(settings: PartnersSettings) -> Delivery:
    return Delivery(mapping=ContractMapping(pseudonym_key(settings), settings.public_base_url),
                    feeds=PostgresFeeds())


def _partners_service(store: PostgresEventStore, clock: Clock, delivery: Delivery
                      ) -> PartnersService:
    """The registry's use cases wired to the store's repositories and the delivery."""
    return PartnersService(partners=PostgresPartnerRepository(store),
                           consents=PostgresConsentRepository(store), clock=clock,
                           delivery=delivery, keys=CryptographyKeys())


def build_consumer(settings: PartnersSettings, clock: Clock | None = None) -> GatewayConsumer:
    """The consumer's handler, wired to its adapters."""
    return GatewayConsumer(_delivery(settings))


def build_dispatch(settings: PartnersSettings, store: PostgresWebhookStore,
                   client: httpx.AsyncClient, clock: Clock | None = None,
                   wire_clock: Clock | None = None,
                   producer: Producer | None = None) -> WebhookDispatch:
    """One pass of the dispatcher, wired: ``clock`` schedules the retries; ``wire_clock``
    stamps each request and is the real time unless a test says otherwise (a receiver
    compares it with its own clock); ``producer`` (started by the caller) writes the KAFKA
    subscriptions to the partners' topics."""
    return WebhookDispatch(
        store=store,
        sender=HttpWebhookSender(client, wire_clock or SystemClock()),
        clock=clock or SystemClock(), batch=settings.webhook_batch,
        concurrency=settings.webhook_concurrency,
        kafka=None if producer is None else KafkaTopicSender(producer))


def partner_kafka(settings: PartnersSettings) -> PartnerKafka:
    """Who opens the partners' topics and users (``kafka_partner_access``)."""
    if settings.kafka_partner_access == "declared":
        return DeclaredPartnerKafka()
    return AdminApiPartnerKafka(settings.kafka_bootstrap, settings.kafka_auth(),
                                partitions=settings.kafka_partner_partitions,
                                replication=settings.kafka_partner_replication)


def create_app(settings: PartnersSettings, *, clock: Clock | None = None) -> FastAPI:
    delivery = _delivery(settings)
    clock = clock or SystemClock()
    configure_logging(settings.log_level)
    configure_tracing("partners", otlp_endpoint=settings.otlp_endpoint)
    metrics = PlatformMetrics()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        await upgrade(settings.database_url, settings.migrations_dir)
        pool = await create_pool(settings.database_url, max_size=settings.pool_max_size)
        try:
            store = PostgresEventStore(source="partners", topic=settings.topic, clock=clock)
            queries = PartnersQueries(pool)
            app.state.partners_pool = pool
            partner_streams = PostgresPartnerRepository(store)
            subscription_streams = PostgresSubscriptionRepository(store)
            endpoints = PostgresWebhookStore(pool)
            webhooks = WebhookSubscriptions(
                partners=partner_streams, subscriptions=subscription_streams,
                store=endpoints, clock=clock, catalogue=catalogue(settings))
            subscriptions = Subscriptions(
                partners=partner_streams, subscriptions=subscription_streams,
                store=endpoints, clock=clock, catalogue=catalogue(settings),
                kafka=partner_kafka(settings))
            signed = SignedRequests(store=PostgresSignedRequestStore(pool),
                                    verifier=CryptographyKeys(), clock=clock,
                                    window=timedelta(seconds=settings.snap_timestamp_window_s))
            app.state.partners = AppContext(partners=_partners_service(store, clock, delivery),
                                            queries=queries, webhooks=webhooks,
                                            subscriptions=subscriptions, signed=signed,
                                            public_base_url=settings.public_base_url,
                                            profiles=LenderProfiles(
                                                PostgresProfileReads(pool), delivery.mapping),
                                            clock=clock,
                                            kafka_partner_bootstrap=(
                                                settings.kafka_partner_bootstrap
                                                or settings.kafka_bootstrap),
                                            kafka_partner_security_protocol=(
                                                settings.kafka_partner_security_protocol
                                                or settings.kafka_security_protocol))
            app.state.cooperative_directory = queries  # where each cooperative is
            yield
        finally:
            await pool.close()

    app = FastAPI(
        title="Gotong partner gateway",
        version="0.1.0",
        description="Partners, the cooperatives' consents, and the partners' event feeds.",
        lifespan=lifespan,
    )
    install_platform(
        app, source="partners", verifier=token_verifier(settings), metrics=metrics,
        limits=settings.edge_limits(),
        pool=lambda: app.state.partners_pool,
        routers=routers)
    allow_dashboard(app, settings.cors_origins)
    return app


def allow_dashboard(app: FastAPI, origins: tuple[str, ...]) -> None:
    """Let the pages of ``origins`` (the regional dashboard, served by reporting on an
    origin of its own) call the API with the signed-in user's bearer token: reads, and the
    cooperative admin's revocation (a POST with an Idempotency-Key). Added last, so it is
    the outermost of the app's middleware: a preflight is answered before the edge's
    guard, and every answer, a problem too, carries the headers the browser needs to read
    it. No cookie is ever involved (no credentials mode)."""
    if origins:
        app.add_middleware(CORSMiddleware, allow_origins=list(origins),
                           allow_methods=["GET", "POST"],
                           allow_headers=["Authorization", "Content-Type", "Idempotency-Key"],
                           max_age=600)


# What each uvicorn worker builds (``python -m partners api``).
app_from_environment = from_environment(create_app, PartnersSettings)
