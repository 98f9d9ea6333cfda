"""Liveness and readiness endpoints for Kubernetes probes.

``/health`` says only that the process answers: restarting a pod because its
database is down would not bring the database back. ``/ready`` runs the
readiness checks (database, broker, ...) so traffic stops reaching a pod that
cannot serve it.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Mapping

from fastapi import APIRouter
from starlette.responses import JSONResponse, Response

from gotong_platform.http.responses import problem_response

__all__ = ["ReadinessCheck", "health_router"]

logger = logging.getLogger(__name__)

ReadinessCheck = Callable[[], Awaitable[None]]
_OK = "ok"


def health_router(
    readiness_checks: Mapping[str, ReadinessCheck], *, timeout_seconds: float = 2.0
) -> APIRouter:
    """``GET /health`` and ``GET /ready``; a check fails by raising or by timing out."""
    checks = dict(readiness_checks)  # later changes to the caller's mapping do not leak in
    router = APIRouter(tags=["health"])

    @router.get("/health")
    async def health() -> dict[str, str]:
        return {"status": _OK}

    @router.get("/ready", response_model=None,
                responses={503: {"description": "a readiness check failed or timed out"}})
    async def ready() -> Response:
        results = await asyncio.gather(
            *(_run(name, check, timeout_seconds) for name, check in checks.items())
        )
        statuses = dict(zip(checks, results, strict=True))
        failing = sorted(name for name, status in statuses.items() if status != _OK)
        if not failing:
            return JSONResponse({"status": _OK, "checks": statuses})
        detail = "not ready: " + ", ".join(failing)
        return problem_response(
            503, "Service Unavailable", detail, "not-ready", failing=failing, checks=statuses
        )

    return router


async def _run(name: str, check: ReadinessCheck, timeout_seconds: float) -> str:
    try:
        async with asyncio.timeout(timeout_seconds):
            await check()
    except TimeoutError:
        logger.warning("readiness check %s timed out after %ss", name, timeout_seconds)
        return "timed out"
    except Exception as exc:
        # The class name is enough for the probe; the message may carry a DSN
        # or host name, so it goes to the log only.
        logger.warning("readiness check %s failed", name, exc_info=True)
        return f"failed: {type(exc).__name__}"
    return _OK
