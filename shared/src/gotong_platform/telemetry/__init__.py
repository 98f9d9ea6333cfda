"""Tracing, JSON logging and Prometheus metrics."""

from gotong_platform.telemetry.logs import JsonFormatter, configure_logging
from gotong_platform.telemetry.metrics import PlatformMetrics
from gotong_platform.telemetry.tracing import (
    configure_tracing,
    context_from_traceparent,
    current_trace_headers,
    current_trace_ids,
)

__all__ = [
    "JsonFormatter",
    "PlatformMetrics",
    "configure_logging",
    "configure_tracing",
    "context_from_traceparent",
    "current_trace_headers",
    "current_trace_ids",
]
