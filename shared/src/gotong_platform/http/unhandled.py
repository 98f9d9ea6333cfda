"""The last line of defence: an unexpected exception becomes a 500 problem with a trace id,
and a database or a Kafka broker that cannot be reached a 503 with ``Retry-After`` (a
route that talks to the broker, such as a partner's KAFKA subscription, is as retryable
as one that talks to PostgreSQL).

A 500 tells a field device its request is wrong; while PostgreSQL is restarting or
failing over the request is fine and should come back later, which is what 503 and
``Retry-After`` say. Nothing was written (the command's transaction never committed).

A plain ASGI middleware rather than an ``Exception`` handler: Starlette runs
such a handler in its outermost middleware and then RE-RAISES, so the server
logs the error a second time and test clients see the exception instead of
the response. Here the error is logged once, with the trace id the client gets.
"""

from __future__ import annotations

import logging
import re
import secrets

from opentelemetry import trace
from starlette.datastructures import Headers
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from gotong_platform.http.responses import problem_response
from gotong_platform.outages import database_unavailable, kafka_unavailable

__all__ = ["DATABASE_RETRY_AFTER_S", "UnhandledErrorMiddleware", "trace_id_of"]

logger = logging.getLogger(__name__)

_TRACEPARENT = re.compile(r"[0-9a-f]{2}-(?P<trace_id>[0-9a-f]{32})-[0-9a-f]{16}-[0-9a-f]{2}")
_INVALID_TRACE_ID = "0" * 32
# What a client is told to wait while the database is away: a restart or a fail-over
# takes seconds.
DATABASE_RETRY_AFTER_S = 5

def trace_id_of(scope: Scope) -> str:
    """The current OpenTelemetry trace id, else the caller's W3C traceparent, else a fresh one."""
    context = trace.get_current_span().get_span_context()
    if context.is_valid:
        return format(context.trace_id, "032x")
    match = _TRACEPARENT.fullmatch(Headers(scope=scope).get("traceparent", "").strip())
    if match and match["trace_id"] != _INVALID_TRACE_ID:
        return match["trace_id"]
    # Still worth an id: it ties the client's report to the log line.
    return secrets.token_hex(16)


class UnhandledErrorMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        response_started = False

        async def tracking_send(message: Message) -> None:
            nonlocal response_started
            response_started = response_started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, receive, tracking_send)
        except Exception as exc:
            if response_started:
                raise  # part of a response is on the wire; it cannot be replaced now
            trace_id = trace_id_of(scope)
            away = ("database" if database_unavailable(exc)
                    else "broker" if kafka_unavailable(exc) else None)
            if away is not None:
                logger.warning("%s unavailable on %s %s (trace_id=%s): %r", away,
                               scope["method"], scope["path"], trace_id, exc)
                unavailable = problem_response(
                    503, "Service Unavailable",
                    f"the {away} cannot be reached right now; nothing was changed, retry "
                    "after the time in Retry-After", f"{away}-unavailable",
                    trace_id=trace_id)
                unavailable.headers["Retry-After"] = str(DATABASE_RETRY_AFTER_S)
                await unavailable(scope, receive, send)
                return
            logger.exception(
                "unhandled error on %s %s (trace_id=%s)", scope["method"], scope["path"], trace_id
            )
            response = problem_response(
                500,
                "Internal Server Error",
                "an unexpected error occurred; quote the trace id when reporting it",
                "internal-error",
                trace_id=trace_id,
            )
            await response(scope, receive, send)
