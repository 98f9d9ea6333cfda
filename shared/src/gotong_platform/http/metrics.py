"""The Prometheus endpoint every service API serves."""

from __future__ import annotations

from collections.abc import Callable

import asyncpg
from fastapi import APIRouter
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from starlette.responses import Response

from gotong_platform.outbox.relay import outbox_backlog
from gotong_platform.telemetry.metrics import PlatformMetrics

__all__ = ["metrics_router"]


def metrics_router(
    metrics: PlatformMetrics, source: str, pool: Callable[[], asyncpg.Pool]
) -> APIRouter:
    """``GET /metrics``; the outbox backlog is read at scrape time on the app's own pool
    (``pool`` is called then, because the pool exists only inside the lifespan)."""
    router = APIRouter()

    @router.get("/metrics", include_in_schema=False)
    async def prometheus() -> Response:
        backlog, age = await outbox_backlog(pool())
        metrics.outbox_backlog.labels(source).set(backlog)
        metrics.outbox_oldest_age.labels(source).set(age)
        return Response(generate_latest(metrics.registry), media_type=CONTENT_TYPE_LATEST)

    return router
