"""asyncpg's instrumentation (``instrument_database``, on when spans are exported) on the
real PostgreSQL: a query under a traced operation is a client span of its trace; a query
outside any is dropped."""

from __future__ import annotations

from collections.abc import Iterator

import asyncpg
import pytest
from opentelemetry.instrumentation.asyncpg import AsyncPGInstrumentor
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from gotong_platform.telemetry.tracing import _ExportGate, instrument_database

pytestmark = pytest.mark.integration


@pytest.fixture
def traced() -> Iterator[tuple[TracerProvider, InMemorySpanExporter]]:
    # A provider of the test's own (the process-wide one is left alone), gated as in a process
    # that exports.
    gate = _ExportGate()
    gate.open()
    exporter = InMemorySpanExporter()
    provider = TracerProvider(sampler=gate)
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    instrument_database(provider)
    try:
        yield provider, exporter
    finally:
        AsyncPGInstrumentor().uninstrument()  # type: ignore[no-untyped-call]


async def test_queries_are_spans_of_the_operation_that_ran_them(
        database_factory, traced: tuple[TracerProvider, InMemorySpanExporter]) -> None:  # type: ignore[no-untyped-def]
    provider, exporter = traced
    conn = await asyncpg.connect(await database_factory("dbtrace"))
    try:
        await conn.fetchval("SELECT 1")  # outside any operation: no trace of its own
        with provider.get_tracer("t").start_as_current_span("deposit") as operation:
            assert await conn.fetchval("SELECT $1::int + 1", 41) == 42
    finally:
        await conn.close()
    spans = exporter.get_finished_spans()
    assert sorted(s.name for s in spans) == ["SELECT", "deposit"]
    (query,) = [s for s in spans if s.name == "SELECT"]
    assert query.parent is not None
    assert query.parent.span_id == operation.get_span_context().span_id
    attributes = dict(query.attributes or {})
    assert "postgresql" in {attributes.get("db.system"), attributes.get("db.system.name")}
    assert "SELECT $1::int + 1" in str(attributes.get("db.statement")
                                       or attributes.get("db.query.text"))
