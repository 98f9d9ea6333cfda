"""OpenTelemetry tracing: one trace from the HTTP call to every consumer.

The request span's W3C ``traceparent`` is stored with each event, the relay
continues that trace when it publishes, and consumers continue it again from
the Kafka header. Set-up happens in a composition root, never at import.
"""

from __future__ import annotations

from opentelemetry import context as otel_context
from opentelemetry import trace
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import SpanProcessor, TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor, SpanExporter
from opentelemetry.trace.propagation.tracecontext import TraceContextTextMapPropagator

__all__ = [
    "configure_tracing",
    "context_from_traceparent",
    "current_trace_headers",
    "current_trace_ids",
]

_propagator = TraceContextTextMapPropagator()


def configure_tracing(
    service_name: str,
    *,
    otlp_endpoint: str | None = None,
    extra_processors: list[SpanProcessor] | None = None,
) -> TracerProvider:
    """Install a tracer provider once per process.

    With ``otlp_endpoint`` spans go to an OTLP/HTTP collector; tests pass an
    in-memory exporter through ``extra_processors``. If a provider was set
    already (several apps in one test process) the new processors join it.
    """
    current = trace.get_tracer_provider()
    if isinstance(current, TracerProvider):
        provider = current
    else:
        provider = TracerProvider(resource=Resource.create({"service.name": service_name}))
        trace.set_tracer_provider(provider)
    if otlp_endpoint:
        from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

        exporter: SpanExporter = OTLPSpanExporter(endpoint=f"{otlp_endpoint}/v1/traces")
        provider.add_span_processor(BatchSpanProcessor(exporter))
    for processor in extra_processors or []:
        provider.add_span_processor(processor)
    return provider


def current_trace_headers() -> tuple[str | None, str | None]:
    """(traceparent, tracestate) of the active span, to store with new events."""
    carrier: dict[str, str] = {}
    _propagator.inject(carrier)
    return carrier.get("traceparent"), carrier.get("tracestate")


def context_from_traceparent(
    traceparent: str | None, tracestate: str | None = None
) -> otel_context.Context:
    """A context whose parent is the span named by ``traceparent`` (or an empty one)."""
    carrier = {}
    if traceparent:
        carrier["traceparent"] = traceparent
    if tracestate:
        carrier["tracestate"] = tracestate
    return _propagator.extract(carrier)


def current_trace_ids() -> tuple[str | None, str | None]:
    """Hex trace and span ids of the active span, for log lines."""
    ctx = trace.get_current_span().get_span_context()
    if not ctx.is_valid:
        return None, None
    return format(ctx.trace_id, "032x"), format(ctx.span_id, "016x")
