"""Composition root of the reporting service: ``create_app(settings)`` and ``rebuild``.

The API's lifespan owns its pool; the SHU engine's use cases get their repository and
the live read model as ports; ``rebuild`` wires the replay from Kafka, the versions and
their readers into the rebuild use case. The consumer process builds its runner with
``reporting.adapters.consumer.build_runner`` (``python -m reporting consumer``).
Nothing is built at import.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from starlette.middleware.cors import CORSMiddleware

from gotong_platform.auth import TokenVerifier
from gotong_platform.calendar import Clock, SystemClock
from gotong_platform.db import create_pool
from gotong_platform.eventstore import PostgresEventStore
from gotong_platform.http.service import from_environment, install_platform
from gotong_platform.migrations import upgrade
from gotong_platform.telemetry import PlatformMetrics, configure_logging, configure_tracing
from reporting.adapters.kpis import PostgresMonthlyKpis
from reporting.adapters.read_model.live import LiveReadModel
from reporting.adapters.read_model.versions import PostgresReadModelVersions, ensure_live
from reporting.adapters.replay import KafkaReplays
from reporting.adapters.reports.reader import VersionReaders
from reporting.adapters.shu.bases import ReadModelBases
from reporting.adapters.shu.queries import ShuQueries
from reporting.adapters.shu.repository import PostgresShuRepository
from reporting.application import rebuild as rebuilding
from reporting.application.kpis import KpiPublisher
from reporting.application.rebuild import RebuildResult
from reporting.application.shu import ShuService
from reporting.entrypoints import (
    dashboard_routes,
    kpi_routes,
    member_portal_routes,
    report_routes,
    shu_routes,
    summary_routes,
)
from reporting.entrypoints.deps import ShuContext
from reporting.entrypoints.errors import install_error_handlers
from reporting.settings import ReportingSettings

__all__ = ["create_app", "rebuild", "token_verifier"]


def token_verifier(settings: ReportingSettings) -> TokenVerifier:
    """The issuer\'s JWKS and/or the HS256 key (``ServiceSettings.token_verifier``)."""
    return settings.token_verifier()


def shu_context(settings: ReportingSettings, model: LiveReadModel, clock: Clock) -> ShuContext:
    """The SHU engine: decisions in the public schema, facts from the live read model."""
    store = PostgresEventStore(source="reporting", topic=settings.topic, clock=clock)
    service = ShuService(PostgresShuRepository(store), ReadModelBases(model.connection), clock)
    return ShuContext(service=service, queries=ShuQueries(model.pool))


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
            app.state.shu = shu_context(settings, model, clock)
            app.state.kpis = KpiPublisher(
                model, PostgresMonthlyKpis(PostgresEventStore(
                    source="reporting", topic=settings.topic, clock=clock)),
                clock, settings.report_options())
            yield
        finally:
            await pool.close()

    app = FastAPI(title="Gotong reporting service", version="0.1.0",
                  description="The regional federation view, fed by events.",
                  lifespan=lifespan)
    app.state.clock = clock
    app.state.report_options = settings.report_options()
    app.state.partners_api_url = settings.partners_api_url  # the dashboard's partner pages
    app.state.dashboard_sign_in = settings.dashboard_sign_in()  # its OpenID Connect client
    install_error_handlers(app)
    install_platform(
        app, source="reporting", verifier=token_verifier(settings), metrics=platform_metrics,
        limits=settings.edge_limits(),
        pool=lambda: app.state.read_model.pool,
        routers=[summary_routes.router, report_routes.router, shu_routes.router,
                 dashboard_routes.router, kpi_routes.router, member_portal_routes.router])
    allow_member_page(app, settings.cors_origins)
    return app


def allow_member_page(app: FastAPI, origins: tuple[str, ...]) -> None:
    """Let the pages of ``origins`` (the member's page, ``/anggota/``, served by payments on
    an origin of its own) read ``/member-portal/...`` with her bearer token. Added last, so
    it is the outermost middleware: a preflight is answered before the edge's guard, and
    every answer, a problem too, carries the headers the browser needs to read it. GET
    only, and no cookie is ever involved (no credentials mode)."""
    if origins:
        app.add_middleware(CORSMiddleware, allow_origins=list(origins), allow_methods=["GET"],
                           allow_headers=["Authorization"], max_age=600)


async def rebuild(settings: ReportingSettings, *, switch: bool = False,
                  workers: int | None = None, clock: Clock | None = None) -> RebuildResult:
    """``python -m reporting rebuild``: a new version from offset 0, compared with the live
    one (``reporting.application.rebuild``); ``workers``: replay processes."""
    await upgrade(settings.database_url, settings.migrations_dir)
    admin = await create_pool(settings.database_url, max_size=2)
    try:
        return await rebuilding.rebuild(
            PostgresReadModelVersions(admin), KafkaReplays(settings), VersionReaders(settings),
            clock or SystemClock(), settings.report_options(), switch=switch,
            workers=workers)
    finally:
        await admin.close()


# What each uvicorn worker builds (``python -m reporting api``).
app_from_environment = from_environment(create_app, ReportingSettings)
