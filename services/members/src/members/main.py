"""Composition root of the members service: ``create_app(settings)``.

The lifespan owns every resource (migrations, pool, Kafka topic, telemetry)
and releases it on shutdown. Nothing is built at import.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta

from fastapi import FastAPI
from starlette.middleware.cors import CORSMiddleware

from gotong_platform.auth import TokenIssuer, TokenVerifier, read_key_file
from gotong_platform.calendar import Clock, SystemClock
from gotong_platform.db import create_pool
from gotong_platform.eventstore import PostgresEventStore
from gotong_platform.http.service import from_environment, install_platform
from gotong_platform.migrations import upgrade
from gotong_platform.telemetry import PlatformMetrics, configure_logging, configure_tracing
from members.adapters.cooperative_repository import PostgresCooperativeRepository
from members.adapters.member_repository import PostgresMemberRepository
from members.adapters.pii import NikProtector, PhoneProtector, SignInCodeDigester
from members.adapters.queries import MembersQueries
from members.adapters.sender import LogCodeSender
from members.adapters.sign_in_store import PostgresSignInStore
from members.application.service import MembersService
from members.application.sign_in import CodeSender, SignInService
from members.entrypoints.api import routers, sign_in_router
from members.entrypoints.deps import AppContext, SignInEdge
from members.settings import MembersSettings

__all__ = ["create_app", "token_verifier"]


def _members_service(store: PostgresEventStore, nik: NikProtector, clock: Clock,
                    settings: MembersSettings) -> MembersService:
    """The use cases wired to their adapters: the store's repositories and ``nik``."""
    return MembersService(
        cooperatives=PostgresCooperativeRepository(store),
        members=PostgresMemberRepository(store),
        nik=nik, clock=clock, min_age_years=settings.min_age_years)


def _sign_in(settings: MembersSettings, clock: Clock) -> SignInEdge:
    """The sign-in's use cases and edge. Member tokens are signed with the platform's
    HS256 key, which every service verifies (an identity provider's key pair, with this
    service as an issuer the others trust, is the production follow-up)."""
    master = settings.nik_key.get_secret_value() if settings.nik_key else ""
    service = SignInService(store=PostgresSignInStore(), phones=PhoneProtector(master),
                            codes=SignInCodeDigester(master), clock=clock)
    return SignInEdge(service=service, sender=_sender(settings),
                      issuer=TokenIssuer(_signing_key(settings)),
                      token_ttl=timedelta(seconds=settings.member_token_ttl_s),
                      client_header=settings.sign_in_client_header)


def _sender(settings: MembersSettings) -> CodeSender | None:
    """The code's sender; None when the sign-in is off (its routes are not served)."""
    return LogCodeSender() if settings.sign_in_sender == "log" else None


def _signing_key(settings: MembersSettings) -> bytes:
    if settings.jwt_key is not None:
        return settings.jwt_key.get_secret_value().encode()
    if settings.jwt_key_file is not None:
        return read_key_file(settings.jwt_key_file)
    raise ValueError("set GOTONG_MEMBERS_JWT_KEY_FILE or GOTONG_MEMBERS_JWT_KEY")


def token_verifier(settings: MembersSettings) -> TokenVerifier:
    """The issuer\'s JWKS and/or the HS256 key (``ServiceSettings.token_verifier``)."""
    return settings.token_verifier()


def create_app(settings: MembersSettings, *, clock: Clock | None = None) -> FastAPI:
    if settings.nik_key is None:
        raise ValueError("set GOTONG_MEMBERS_NIK_KEY (base64 of 32 random bytes)")
    nik = NikProtector(settings.nik_key.get_secret_value())
    clock = clock or SystemClock()
    configure_logging(settings.log_level)
    configure_tracing("members", otlp_endpoint=settings.otlp_endpoint)
    metrics = PlatformMetrics()
    sign_in = _sign_in(settings, clock)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        await upgrade(settings.database_url, settings.migrations_dir)
        pool = await create_pool(settings.database_url, max_size=settings.pool_max_size)
        try:
            store = PostgresEventStore(source="members", topic=settings.topic, clock=clock)
            queries = MembersQueries(pool)
            app.state.members_pool = pool
            app.state.members = AppContext(
                members=_members_service(store, nik, clock, settings), queries=queries,
                sign_in=sign_in)
            app.state.cooperative_directory = queries  # where each cooperative is
            yield
        finally:
            await pool.close()

    app = FastAPI(
        title="Gotong members service",
        version="0.1.0",
        description="Cooperatives of the federation and their members (anggota).",
        lifespan=lifespan,
    )
    install_platform(
        app, source="members", verifier=token_verifier(settings), metrics=metrics,
        limits=settings.edge_limits(),
        pool=lambda: app.state.members_pool,
        routers=(*routers, sign_in_router) if sign_in.sender else routers)
    if settings.cors_origins:
        # The member's page (on payments' origin) signs in here. Outermost, so a
        # preflight is answered before the edge's guard and every answer carries the
        # headers; no cookies are involved (no credentials mode).
        app.add_middleware(CORSMiddleware, allow_origins=list(settings.cors_origins),
                           allow_methods=["GET", "POST"],
                           allow_headers=["Authorization", "Content-Type", "Idempotency-Key"],
                           max_age=600)
    return app


# What each uvicorn worker builds (``python -m members api``).
app_from_environment = from_environment(create_app, MembersSettings)
