"""A consumed event continues its producer's trace.

Its span ("consume <type>", a child of the record's ``traceparent``) is made only when
that trace is being recorded: an unsampled trace costs no span.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Sequence
from typing import Any

from opentelemetry import context as otel_context
from opentelemetry import trace

from gotong_platform.consumer.events import ConsumedEvent
from gotong_platform.telemetry.tracing import context_from_traceparent, is_sampled

__all__ = ["event_trace", "span_attributes", "start_spans"]

tracer = trace.get_tracer("gotong.consumer")


def span_attributes(event: ConsumedEvent, consumer: str) -> dict[str, Any]:
    """The messaging attributes of an event's consume span."""
    return {
        "messaging.system": "kafka",
        "messaging.consumer.group.name": consumer,
        "messaging.message.id": str(event.envelope.event_id),
        "messaging.kafka.offset": event.offset,
    }


@contextlib.contextmanager
def event_trace(event: ConsumedEvent, consumer: str) -> Iterator[None]:
    """The event's work as part of its producer's trace (current context)."""
    env = event.envelope
    parent = context_from_traceparent(env.traceparent, env.tracestate)
    if env.traceparent is not None and not is_sampled(env.traceparent):
        # Nobody records this trace: no span, but what the handler writes still
        # carries the producer's trace id (its traceparent, forwarded as it is).
        token = otel_context.attach(parent)
        try:
            yield
        finally:
            otel_context.detach(token)
        return
    with tracer.start_as_current_span(
        f"consume {env.event_type}", context=parent, kind=trace.SpanKind.CONSUMER,
        attributes=span_attributes(event, consumer),
    ):
        yield


def start_spans(events: Sequence[ConsumedEvent], consumer: str) -> list[trace.Span]:
    """A span per event of a recorded trace, from before its claim to the commit."""
    spans = []
    for event in events:
        env = event.envelope
        if is_sampled(env.traceparent):
            spans.append(tracer.start_span(
                f"consume {env.event_type}",
                context=context_from_traceparent(env.traceparent, env.tracestate),
                kind=trace.SpanKind.CONSUMER,
                attributes=span_attributes(event, consumer)))
    return spans
