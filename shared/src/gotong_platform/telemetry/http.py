"""The trace context of every HTTP request, at the cost the configuration asks for.

With an exporter, OpenTelemetry's FastAPI instrumentation records a server span per
request. Without one, that instrumentation still cost ~14 % of a deposit's API CPU
in the benchmark profile (building span names, attributes and metric labels nobody
reads). What a process without an exporter needs is only the request's trace
context: the caller's W3C ``traceparent`` continued (or a new trace started), so the
command's events, its log lines and its 500 answers carry the trace id
(architecture invariant 11). ``TraceContextMiddleware`` does only that.
"""

from __future__ import annotations

from fastapi import FastAPI
from opentelemetry import context as otel_context
from opentelemetry import trace
from opentelemetry.instrumentation.fastapi import FastAPIInstrumentor
from opentelemetry.sdk.trace.id_generator import RandomIdGenerator
from opentelemetry.trace import NonRecordingSpan, SpanContext, TraceFlags
from starlette.types import ASGIApp, Receive, Scope, Send

from gotong_platform.telemetry.tracing import context_from_traceparent, spans_exported

__all__ = ["TraceContextMiddleware", "instrument_http"]

_ids = RandomIdGenerator()


def instrument_http(app: FastAPI, *, excluded_urls: str = "health,ready,metrics",
                    exported: bool | None = None) -> None:
    """Call after ``configure_tracing``: full server spans if they are exported, else
    the trace context alone (``exported`` overrides the check, for tests)."""
    if spans_exported() if exported is None else exported:
        FastAPIInstrumentor.instrument_app(app, excluded_urls=excluded_urls)
        return
    build = app.build_middleware_stack

    def build_with_trace_context() -> ASGIApp:
        # Outermost, as the instrumentation places itself: error handlers see the trace.
        return TraceContextMiddleware(build())

    app.build_middleware_stack = build_with_trace_context  # type: ignore[method-assign]


class TraceContextMiddleware:
    """Continue the caller's trace (or start one) in a non-recording span per request."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        traceparent = tracestate = None
        for name, value in scope["headers"]:
            if name == b"traceparent":
                traceparent = value.decode("latin-1")
            elif name == b"tracestate":
                tracestate = value.decode("latin-1")
        parent = context_from_traceparent(traceparent, tracestate)
        caller = trace.get_current_span(parent).get_span_context()
        # This hop's own span id under the caller's trace (or a new trace); nothing recorded.
        span = NonRecordingSpan(SpanContext(
            trace_id=caller.trace_id if caller.is_valid else _ids.generate_trace_id(),
            span_id=_ids.generate_span_id(), is_remote=False,
            trace_flags=caller.trace_flags if caller.is_valid else TraceFlags(TraceFlags.DEFAULT),
            trace_state=caller.trace_state if caller.is_valid else None))
        token = otel_context.attach(trace.set_span_in_context(span, parent))
        try:
            await self.app(scope, receive, send)
        finally:
            otel_context.detach(token)
