"""OpenTelemetry tracing: one trace from the HTTP call to every consumer.

The request span's W3C ``traceparent`` is stored with each event, the relay
continues that trace when it publishes, and consumers continue it again from
the Kafka header. Set-up happens in a composition root, never at import.

Recording a span costs CPU on every request, published message and consumed
event (the benchmark profiles showed 10 %, 31 % and 19 % of the API, relay and
consumer). So spans are recorded only when somebody receives them: a process
with no exporter keeps creating non-recording spans, which still carry valid
trace and span ids into ``traceparent`` headers and log lines (invariant 11),
but records nothing. With an exporter, the standard ``OTEL_TRACES_SAMPLER`` and
``OTEL_TRACES_SAMPLER_ARG`` variables choose the sampler (default: every trace,
following the parent's decision), e.g. ``parentbased_traceidratio`` and ``0.1``.

The service name is ``OTEL_SERVICE_NAME`` when it is set (the Deployments name each
process: ``members-api``, ``members-relay``), else the name the composition root gives;
the collector is the service's ``otlp_endpoint`` setting, else ``OTEL_EXPORTER_OTLP_ENDPOINT``.
When spans are exported, asyncpg is instrumented too: each query is a client span under
the request, publish or consume span that ran it.
"""

from __future__ import annotations

import os
from collections.abc import Sequence

from opentelemetry import context as otel_context
from opentelemetry import trace
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import SpanProcessor, TracerProvider, sampling
from opentelemetry.sdk.trace.export import BatchSpanProcessor, SpanExporter
from opentelemetry.trace import Link, SpanKind
from opentelemetry.trace.propagation.tracecontext import TraceContextTextMapPropagator
from opentelemetry.util.types import Attributes

__all__ = [
    "configure_tracing",
    "context_from_traceparent",
    "current_trace_headers",
    "current_trace_ids",
    "instrument_database",
    "is_sampled",
    "service_resource",
    "spans_exported",
]

_propagator = TraceContextTextMapPropagator()


def configure_tracing(
    service_name: str,
    *,
    otlp_endpoint: str | None = None,
    extra_processors: list[SpanProcessor] | None = None,
    trace_database: bool | None = None,
) -> TracerProvider:
    """Install a tracer provider once per process.

    With ``otlp_endpoint`` (else ``OTEL_EXPORTER_OTLP_ENDPOINT``) spans go to an
    OTLP/HTTP collector; tests pass an
    in-memory exporter through ``extra_processors``. If a provider was set
    already (several apps in one test process) the new processors join it.
    ``service_name`` names the process unless ``OTEL_SERVICE_NAME`` does.
    ``trace_database`` (default: when spans go to a collector) instruments asyncpg;
    tests that count spans leave it off.
    """
    # The standard variable, as the manifests set it (gotong-common), when the service's
    # own setting (GOTONG_<SVC>_OTLP_ENDPOINT) does not name a collector.
    otlp_endpoint = otlp_endpoint or os.environ.get("OTEL_EXPORTER_OTLP_ENDPOINT") or None
    current = trace.get_tracer_provider()
    if isinstance(current, TracerProvider):
        provider = current
    else:
        provider = TracerProvider(resource=service_resource(service_name), sampler=_GATE)
        trace.set_tracer_provider(provider)
    if otlp_endpoint:
        from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

        exporter: SpanExporter = OTLPSpanExporter(endpoint=f"{otlp_endpoint}/v1/traces")
        provider.add_span_processor(BatchSpanProcessor(exporter))
    for processor in extra_processors or []:
        provider.add_span_processor(processor)
    if otlp_endpoint or extra_processors:
        _GATE.open()
    if bool(otlp_endpoint) if trace_database is None else trace_database:
        instrument_database(provider)
    return provider


def service_resource(service_name: str) -> Resource:
    """The process's resource: ``OTEL_SERVICE_NAME`` (or a ``service.name`` in
    ``OTEL_RESOURCE_ATTRIBUTES``) wins over ``service_name``, as the OpenTelemetry
    specification has it; ``Resource.create`` alone lets the code's name win."""
    from_environment = Resource.create({})
    named = str(from_environment.attributes.get("service.name", ""))
    if os.environ.get("OTEL_SERVICE_NAME", "").strip() or (
            named and not named.startswith("unknown_service")):
        return from_environment
    return from_environment.merge(Resource.create({"service.name": service_name}))


def instrument_database(provider: TracerProvider) -> None:
    """A client span per asyncpg query, in ``provider`` (once per process). A query with
    no traced operation around it is dropped by the gate (``_orphan_query``)."""
    from opentelemetry.instrumentation.asyncpg import AsyncPGInstrumentor

    instrumentor = AsyncPGInstrumentor()  # type: ignore[no-untyped-call]
    if not instrumentor.is_instrumented_by_opentelemetry:
        instrumentor.instrument(tracer_provider=provider)


class _ExportGate(sampling.Sampler):
    """Drops every span until an exporter is configured, then defers to the env sampler.

    A dropped span is still a span context with fresh ids (the SDK returns a
    non-recording span), so trace ids keep flowing when nothing is exported.
    """

    def __init__(self) -> None:
        self._delegate: sampling.Sampler | None = None

    def open(self) -> None:
        if self._delegate is None:
            self._delegate = sampling._get_from_env_or_default()

    def should_sample(
        self,
        parent_context: otel_context.Context | None,
        trace_id: int,
        name: str,
        kind: SpanKind | None = None,
        attributes: Attributes = None,
        links: Sequence[Link] | None = None,
        trace_state: trace.TraceState | None = None,
    ) -> sampling.SamplingResult:
        if self._delegate is None or _orphan_query(parent_context, kind, attributes):
            return sampling.SamplingResult(sampling.Decision.DROP)
        return self._delegate.should_sample(parent_context, trace_id, name, kind, attributes,
                                            links, trace_state)

    def get_description(self) -> str:
        inner = "closed" if self._delegate is None else self._delegate.get_description()
        return f"ExportGate{{{inner}}}"


_GATE = _ExportGate()
# The attribute asyncpg's instrumentation sets on a query span (old and stable conventions).
_DB_SYSTEM = ("db.system", "db.system.name")


def _orphan_query(parent_context: otel_context.Context | None, kind: SpanKind | None,
                  attributes: Attributes) -> bool:
    """A database query outside any traced operation: the relay's outbox polls (every
    10 ms when idle), the backlog gauges, a consumer's bookkeeping. Each would otherwise
    be a trace of its own; a query under a request, publish or consume span is kept."""
    if kind is not SpanKind.CLIENT or not attributes:
        return False
    if not any(key in attributes for key in _DB_SYSTEM):
        return False
    return not trace.get_current_span(parent_context).get_span_context().is_valid


def spans_exported() -> bool:
    """Whether this process records spans (an exporter or a test processor is set)."""
    return _GATE._delegate is not None


def is_sampled(traceparent: str | None) -> bool:
    """Whether a stored W3C ``traceparent`` says its trace is being recorded.

    Hot loops (the relay, the consumers) skip their per-message span for an
    unsampled parent and forward the parent's ``traceparent`` as it is: the
    trace id still reaches every consumer, at no span cost.
    """
    return (traceparent is not None and len(traceparent) == 55
            and (int(traceparent[53:55], 16) & 1) == 1 and _GATE._delegate is not None)


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
