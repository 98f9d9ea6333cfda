"""Errors of the reporting service's own adapters, answered as problems.

Domain errors (the SHU engine's refusals) are the platform's to map
(``gotong_platform.http.problems``); this adds what only reporting raises.
"""

from __future__ import annotations

from fastapi import FastAPI, Request
from starlette.responses import Response

from gotong_platform.http import problem_response
from reporting.adapters.read_model.live import ReadModelNotReady

__all__ = ["install_error_handlers"]


async def _not_ready(request: Request, exc: Exception) -> Response:
    return problem_response(503, "Service Unavailable", str(exc), "read-model-not-ready")


def install_error_handlers(app: FastAPI) -> None:
    """No live read-model version yet (a first start): 503, try again shortly."""
    app.add_exception_handler(ReadModelNotReady, _not_ready)
