"""What every service API serves besides its own routes, wired in one place.

Four composition roots used to repeat the same tail: the token verifier, problem+json
errors, ``/health`` and ``/ready`` (PostgreSQL), the service's routers, ``/metrics``,
the request's trace context and the request metrics per route. ``install_platform`` is
that tail, together with the edge's limits (the request guard and the per-principal rate
limit) and the OpenAPI document that declares them; ``from_environment`` is the
no-argument factory each uvicorn worker builds.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TypeVar

import asyncpg
from fastapi import APIRouter, FastAPI
from starlette.routing import Route

from gotong_platform.auth import TokenVerifier
from gotong_platform.http.guard import RequestGuard
from gotong_platform.http.health import health_router
from gotong_platform.http.metrics import metrics_router
from gotong_platform.http.openapi import document_platform
from gotong_platform.http.problems import install_problem_handlers
from gotong_platform.http.ratelimit import RateLimiter
from gotong_platform.http.request_metrics import instrument_requests
from gotong_platform.http.serve import tune_gc_for_requests
from gotong_platform.settings import EdgeLimits
from gotong_platform.telemetry.http import instrument_http
from gotong_platform.telemetry.metrics import PlatformMetrics

__all__ = ["from_environment", "install_platform"]

S = TypeVar("S")


def install_platform(
    app: FastAPI, *, source: str, verifier: TokenVerifier, metrics: PlatformMetrics,
    pool: Callable[[], asyncpg.Pool], routers: Sequence[APIRouter],
    limits: EdgeLimits | None = None,
) -> FastAPI:
    """Wire the shared edge around the service's ``routers``. Call after
    ``configure_tracing`` (the trace instrumentation depends on it); ``pool`` is called
    per probe or scrape, because the pool exists only inside the lifespan. ``limits``
    come from the service's ``EdgeSettings`` (the defaults when None)."""
    limits = limits or EdgeLimits()
    app.state.token_verifier = verifier
    app.state.command_pool = pool  # the Runner dependency's (gotong_platform.http.runner)
    if limits.rate_limit_per_second > 0:
        app.state.rate_limiter = RateLimiter(per_second=limits.rate_limit_per_second,
                                             burst=limits.rate_limit_burst)
    # Added before the problem handlers' middleware, so that one stays outside it and
    # turns even a fault in the guard into a 500 problem.
    app.add_middleware(RequestGuard, limits=limits)
    install_problem_handlers(app)

    async def check_postgres() -> None:
        await pool().fetchval("SELECT 1")

    for router in (health_router({"postgres": check_postgres}), *routers,
                   metrics_router(metrics, source, pool)):
        _add_routes(app, router)
    document_platform(app)
    instrument_http(app)
    # After the trace context, so it wraps it: the outermost layer, which sees every answer.
    instrument_requests(app, metrics)
    return app


def _add_routes(app: FastAPI, router: APIRouter) -> None:
    """The router's routes as the app's own, when it includes no other router.

    FastAPI keeps an included router as one node that, on every request, walks its
    routes' versions and matches the path a second time to find the route: a few per
    cent of a command's CPU in ``make bench`` when the services nested their routers.
    A route of an ``APIRouter`` already carries that router's prefix, dependencies,
    tags and responses, so the route itself is all the app needs. A router that
    includes others is included as FastAPI does it.
    """
    if all(isinstance(route, Route) for route in router.routes):  # APIRoute is a Route
        app.router.routes.extend(router.routes)
    else:
        app.include_router(router)


def from_environment(create: Callable[[S], FastAPI],
                     settings: Callable[[], S]) -> Callable[[], FastAPI]:
    """The no-argument app factory a uvicorn worker calls (``python -m <service> api``):
    settings from the environment, then the API process's garbage-collector settings."""

    def app_from_environment() -> FastAPI:
        app = create(settings())
        tune_gc_for_requests()  # after start-up: see gotong_platform.http.serve
        return app

    return app_from_environment
