"""Composition root of the reporting API: ``create_app(settings)``."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import asyncpg
from fastapi import FastAPI

from gotong_platform.auth import TokenVerifier, verifier_from_settings
from gotong_platform.calendar import Clock, SystemClock
from gotong_platform.db import create_pool
from gotong_platform.eventstore import PostgresEventStore
from gotong_platform.http.service import from_environment, install_platform
from gotong_platform.migrations import upgrade
from gotong_platform.telemetry import PlatformMetrics, configure_logging, configure_tracing
from reporting.dashboard import build_dashboard_router
from reporting.entrypoints.api import LiveReadModel, build_router
from reporting.entrypoints.shu_api import ShuContext, build_shu_router
from reporting.projection.versions import ensure_live
from reporting.settings import ReportingSettings
from reporting.shu.adapters.repository import ShuRepository
from reporting.shu.application.service import ShuService
from reporting.shu.bases import ReadModelBases

__all__ = ["create_app", "token_verifier"]


def token_verifier(settings: ReportingSettings) -> TokenVerifier:
    key = settings.jwt_key.get_secret_value() if settings.jwt_key else None
    return verifier_from_settings(key, settings.jwt_key_file,
                                  setting_prefix="GOTONG_REPORTING_",
                                  max_lifetime=settings.max_token_lifetime())


def shu_context(pool: asyncpg.Pool, model: LiveReadModel, settings: ReportingSettings,
                clock: Clock | None = None) -> ShuContext:
    """The SHU engine: decisions in the public schema, facts from the live read model."""
    store = PostgresEventStore(source="reporting", topic=settings.topic, clock=clock)
    service = ShuService(ShuRepository(store), ReadModelBases(model.connection))
    return ShuContext(pool=pool, service=service)


def create_app(settings: ReportingSettings, metrics: PlatformMetrics | None = None, *,
               clock: Clock | None = None) -> FastAPI:
    """The reporting API; ``clock`` decides "now" and "today" (the system's by default)."""
    clock = clock or SystemClock()
    configure_logging(settings.log_level)
    configure_tracing("reporting", otlp_endpoint=settings.otlp_endpoint)
    platform_metrics = metrics or PlatformMetrics()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        await upgrade(settings.database_url, settings.migrations_dir)
        pool = await create_pool(settings.database_url, max_size=settings.pool_max_size)
        try:
            await ensure_live(pool)
            model = LiveReadModel(pool)
            app.state.read_model = model
            app.state.cooperative_directory = model
            app.state.shu = shu_context(pool, model, settings, clock)
            app.state.clock = clock
            yield
        finally:
            await pool.close()

    app = FastAPI(title="Gotong reporting service", version="0.1.0",
                  description="The regional federation view, fed by events.",
                  lifespan=lifespan)
    return install_platform(
        app, source="reporting", verifier=token_verifier(settings), metrics=platform_metrics,
        limits=settings.edge_limits(),
        pool=lambda: app.state.read_model.pool,
        routers=[build_router(settings.report_options()), build_shu_router(),
                 build_dashboard_router()])


# What each uvicorn worker builds (``python -m reporting api``).
app_from_environment = from_environment(create_app, ReportingSettings)
