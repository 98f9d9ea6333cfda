"""Spans are recorded only when an exporter receives them; trace ids flow regardless."""

from __future__ import annotations

import pytest
from aiokafka.partitioner import DefaultPartitioner
from hypothesis import given
from hypothesis import strategies as st
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from gotong_platform.kafka import StreamPartitioner
from gotong_platform.telemetry.tracing import _ExportGate, context_from_traceparent

pytestmark = pytest.mark.unit

PARENT = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"


def _provider(gate: _ExportGate) -> tuple[TracerProvider, InMemorySpanExporter]:
    exporter = InMemorySpanExporter()
    provider = TracerProvider(sampler=gate)
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    return provider, exporter


def test_a_closed_gate_records_nothing_but_keeps_the_trace_id() -> None:
    provider, exporter = _provider(_ExportGate())
    tracer = provider.get_tracer("t")
    with tracer.start_as_current_span("consume", context=context_from_traceparent(PARENT)) as s:
        ctx = s.get_span_context()
        assert not s.is_recording()
    assert format(ctx.trace_id, "032x") == PARENT.split("-")[1]
    assert ctx.span_id != 0  # a fresh span id, so a child traceparent is still valid
    with tracer.start_as_current_span("request") as root:
        assert root.get_span_context().is_valid
    assert exporter.get_finished_spans() == ()


def test_an_open_gate_follows_the_parents_decision() -> None:
    gate = _ExportGate()
    gate.open()
    provider, exporter = _provider(gate)
    tracer = provider.get_tracer("t")
    with tracer.start_as_current_span("sampled", context=context_from_traceparent(PARENT)):
        pass
    unsampled = PARENT[:-2] + "00"
    with tracer.start_as_current_span("unsampled", context=context_from_traceparent(unsampled)):
        pass
    assert [s.name for s in exporter.get_finished_spans()] == ["sampled"]


@given(st.binary(min_size=0, max_size=64), st.integers(min_value=1, max_value=64))
def test_the_stream_partitioner_maps_keys_as_kafka_does(key: bytes, n: int) -> None:
    partitions = list(range(n))
    cached = StreamPartitioner(max_keys=4)
    first = cached(key, partitions, partitions)
    assert first == DefaultPartitioner()(key, partitions, partitions)
    assert cached(key, partitions, partitions) == first  # and again from the cache
