"""Request rate, latency and errors per route of an API, for Prometheus.

Every request is counted (``gotong_http_requests_total``) and timed
(``gotong_http_request_duration_seconds``) under three labels whose values the code
bounds, so a scan of random URLs cannot grow the series without end:

* ``route``: the route's template (``/cooperatives/{cooperative_id}/members``), never the
  raw path, which carries cooperative and member ids. A request the edge refused before
  routing (413, 431, 400) is matched against the routes to find its template; one that
  matches none is ``unmatched``.
* ``method``: the HTTP method, or ``other`` for one the APIs do not serve.
* ``status``: the status class, ``2xx`` .. ``5xx``. A request whose handler raised before
  any answer began is a ``5xx`` (the server answers it with a 500).

The middleware sits outermost (outside the problem handlers and the request guard), so it
sees the status the client receives.
"""

from __future__ import annotations

import re
import time
from collections.abc import Sequence

from fastapi import FastAPI
from fastapi.routing import iter_route_contexts
from starlette.routing import BaseRoute
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from gotong_platform.telemetry.metrics import PlatformMetrics

__all__ = ["UNMATCHED_ROUTE", "RequestMetricsMiddleware", "instrument_requests", "route_template"]

UNMATCHED_ROUTE = "unmatched"
_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})


def instrument_requests(app: FastAPI, metrics: PlatformMetrics) -> None:
    """Count and time every request of ``app`` in ``metrics`` (outermost middleware)."""
    build = app.build_middleware_stack

    def build_with_request_metrics() -> ASGIApp:
        return RequestMetricsMiddleware(build(), metrics=metrics, routes=app.router.routes)

    app.build_middleware_stack = build_with_request_metrics  # type: ignore[method-assign]


class RequestMetricsMiddleware:
    """Observe each HTTP request under its route template, method and status class."""

    def __init__(self, app: ASGIApp, *, metrics: PlatformMetrics,
                 routes: Sequence[BaseRoute]) -> None:
        self.app = app
        self.metrics = metrics
        # Every route of the app (included routers too) with its full template; built
        # with the middleware stack, on the first request, when every route exists.
        self.templates = route_templates(routes)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 0

        async def send_and_note(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
            await send(message)

        try:
            await self.app(scope, receive, send_and_note)
        finally:
            # A handler that raised before answering: the server's answer is a 500.
            status_class = f"{status // 100}xx" if 100 <= status < 600 else "5xx"
            method = scope["method"] if scope["method"] in _METHODS else "other"
            labels = (route_template(scope, self.templates), method, status_class)
            self.metrics.http_requests.labels(*labels).inc()
            self.metrics.http_duration.labels(*labels).observe(time.perf_counter() - started)


def route_templates(routes: Sequence[BaseRoute]) -> list[tuple[re.Pattern[str], str]]:
    """(pattern, template) of each route, in the router's order of precedence."""
    templates = []
    for context in iter_route_contexts(routes):
        pattern, path = getattr(context, "path_regex", None), context.path
        if isinstance(pattern, re.Pattern) and isinstance(path, str):
            templates.append((pattern, path))
    return templates


def route_template(scope: Scope, templates: Sequence[tuple[re.Pattern[str], str]]) -> str:
    """The template of the route that served (or would have served) the request."""
    route = scope.get("route")
    path = getattr(route, "path", None)
    if isinstance(path, str) and path:
        return path
    # Refused before routing (the request guard, the rate limit): the route it was for.
    requested, root = scope["path"], scope.get("root_path", "")
    if root and requested.startswith(root):
        requested = requested[len(root):]  # as the router sees it behind a path prefix
    for pattern, template in templates:
        if pattern.match(requested):
            return template
    return UNMATCHED_ROUTE
