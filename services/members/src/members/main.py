"""Composition root of the members service: ``create_app(settings)``.

The lifespan owns every resource (migrations, pool, Kafka topic, telemetry)
and releases it on shutdown. Nothing is built at import.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from gotong_platform.auth import TokenVerifier, verifier_from_settings
from gotong_platform.calendar import Clock, SystemClock
from gotong_platform.db import create_pool
from gotong_platform.eventstore import PostgresEventStore
from gotong_platform.http.service import from_environment, install_platform
from gotong_platform.migrations import upgrade
from gotong_platform.telemetry import PlatformMetrics, configure_logging, configure_tracing
from members.adapters.cooperative_repository import PostgresCooperativeRepository
from members.adapters.member_repository import PostgresMemberRepository
from members.adapters.pii import NikProtector
from members.adapters.queries import MembersQueries
from members.application.service import MembersService
from members.entrypoints.api import routers
from members.entrypoints.deps import AppContext
from members.settings import MembersSettings

__all__ = ["create_app", "token_verifier"]


def _members_service(store: PostgresEventStore, nik: NikProtector, clock: Clock,
                    settings: MembersSettings) -> MembersService:
    """The use cases wired to their adapters: the store's repositories and ``nik``."""
    return MembersService(
        cooperatives=PostgresCooperativeRepository(store),
        members=PostgresMemberRepository(store),
        nik=nik, clock=clock, min_age_years=settings.min_age_years)


def token_verifier(settings: MembersSettings) -> TokenVerifier:
    key = settings.jwt_key.get_secret_value() if settings.jwt_key else None
    return verifier_from_settings(key, settings.jwt_key_file,
                                  setting_prefix="GOTONG_MEMBERS_",
                                  max_lifetime=settings.max_token_lifetime())


def create_app(settings: MembersSettings, *, clock: Clock | None = None) -> FastAPI:
    if settings.nik_key is None:
        raise ValueError("set GOTONG_MEMBERS_NIK_KEY (base64 of 32 random bytes)")
    nik = NikProtector(settings.nik_key.get_secret_value())
    clock = clock or SystemClock()
    configure_logging(settings.log_level)
    configure_tracing("members", otlp_endpoint=settings.otlp_endpoint)
    metrics = PlatformMetrics()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        await upgrade(settings.database_url, settings.migrations_dir)
        pool = await create_pool(settings.database_url, max_size=settings.pool_max_size)
        try:
            store = PostgresEventStore(source="members", topic=settings.topic, clock=clock)
            queries = MembersQueries(pool)
            app.state.members_pool = pool
            app.state.members = AppContext(
                members=_members_service(store, nik, clock, settings), queries=queries)
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
    return install_platform(
        app, source="members", verifier=token_verifier(settings), metrics=metrics,
        limits=settings.edge_limits(),
        pool=lambda: app.state.members_pool,
        routers=routers)


# What each uvicorn worker builds (``python -m members api``).
app_from_environment = from_environment(create_app, MembersSettings)
