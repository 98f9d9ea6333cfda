"""What ``configure_tracing`` sets up: the service's name (``OTEL_SERVICE_NAME`` first), the
collector (``OTEL_EXPORTER_OTLP_ENDPOINT`` when the service's setting names none) and
asyncpg's instrumentation when spans are exported; and the gate that keeps a query outside
any traced operation from becoming a trace of its own.

``configure_tracing`` installs a process-wide provider and patches asyncpg, so each
configuration runs in a fresh interpreter of its own.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from opentelemetry import trace
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from gotong_platform.telemetry.tracing import _ExportGate, context_from_traceparent

pytestmark = pytest.mark.unit

PARENT = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"
# A collector nobody listens on: no span is ended in the child, so nothing is sent.
UNREACHABLE = "http://127.0.0.1:9"
PROGRAM = """
import json, sys
from opentelemetry.instrumentation.asyncpg import AsyncPGInstrumentor
from gotong_platform.telemetry import configure_tracing
provider = configure_tracing("members-api", otlp_endpoint=sys.argv[1] or None)
print(json.dumps({"service": provider.resource.attributes["service.name"],
                  "asyncpg": AsyncPGInstrumentor().is_instrumented_by_opentelemetry}))
"""


def configured(otlp_endpoint: str, **environment: str) -> dict[str, object]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("OTEL_")}
    env.update(environment)
    done = subprocess.run([sys.executable, "-c", PROGRAM, otlp_endpoint], env=env,  # noqa: S603
                          capture_output=True, text=True, timeout=60, check=True)
    result: dict[str, object] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def test_otel_service_name_wins_over_the_name_in_the_code() -> None:
    assert configured("", OTEL_SERVICE_NAME="members-relay")["service"] == "members-relay"


def test_without_otel_service_name_the_code_names_the_service() -> None:
    assert configured("")["service"] == "members-api"
    attributes = "service.name=from-attributes,deployment.environment=dev"
    assert configured("", OTEL_RESOURCE_ATTRIBUTES=attributes)["service"] == "from-attributes"


def test_asyncpg_is_instrumented_only_when_spans_are_exported() -> None:
    assert configured(UNREACHABLE)["asyncpg"] is True
    assert configured("")["asyncpg"] is False


def test_the_standard_endpoint_variable_names_the_collector() -> None:
    # As the manifests configure every pod (gotong-common): no GOTONG_<SVC>_OTLP_ENDPOINT.
    assert configured("", OTEL_EXPORTER_OTLP_ENDPOINT=UNREACHABLE)["asyncpg"] is True


def _open_provider() -> tuple[TracerProvider, InMemorySpanExporter]:
    gate = _ExportGate()
    gate.open()
    exporter = InMemorySpanExporter()
    provider = TracerProvider(sampler=gate)
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    return provider, exporter


def test_a_query_outside_any_traced_operation_is_not_a_trace_of_its_own() -> None:
    provider, exporter = _open_provider()
    tracer = provider.get_tracer("t")
    query = {"db.system": "postgresql", "db.statement": "SELECT 1"}
    with tracer.start_as_current_span("SELECT", kind=trace.SpanKind.CLIENT, attributes=query):
        pass  # the relay polling its outbox: dropped
    with (tracer.start_as_current_span("consume", context=context_from_traceparent(PARENT)),
          tracer.start_as_current_span("SELECT", kind=trace.SpanKind.CLIENT, attributes=query)):
        pass  # a query of a traced operation: kept, under it
    with tracer.start_as_current_span("request", kind=trace.SpanKind.SERVER):
        pass  # a root span that is no query: kept
    finished = exporter.get_finished_spans()
    assert sorted(s.name for s in finished) == ["SELECT", "consume", "request"]
    spans = {s.name: s for s in finished}
    parent = spans["SELECT"].parent
    assert parent is not None
    assert parent.span_id == spans["consume"].context.span_id
