"""Prometheus metrics shared by relays, consumers and APIs."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram

__all__ = ["HTTP_LATENCY_BUCKETS", "PlatformMetrics"]

# Seconds. The APIs answer in milliseconds (docs/performance.md); the upper buckets show a
# database wait or a large /sync batch. Few buckets: every route x method x status class
# carries all of them.
HTTP_LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)


class PlatformMetrics:
    """One registry per process, built in the composition root (never at import)."""

    def __init__(self, registry: CollectorRegistry | None = None) -> None:
        self.registry = registry or CollectorRegistry()
        self.outbox_backlog = Gauge(
            "gotong_outbox_backlog_events",
            "Events committed but not yet acknowledged by Kafka",
            ["service"],
            registry=self.registry,
        )
        self.outbox_oldest_age = Gauge(
            "gotong_outbox_oldest_age_seconds",
            "Age of the oldest unpublished event",
            ["service"],
            registry=self.registry,
        )
        self.relay_published = Counter(
            "gotong_relay_published_events",
            "Events published to Kafka by the relay",
            ["service"],
            registry=self.registry,
        )
        self.relay_send_errors = Counter(
            "gotong_relay_send_errors",
            "Batches Kafka did not acknowledge (the relay backs off and sends them again)",
            ["service"],
            registry=self.registry,
        )
        # Labelled by the route's template (never the raw path: one series per route, not
        # per member), the method and the status class (2xx..5xx): bounded by the code.
        self.http_requests = Counter(
            "gotong_http_requests",
            "HTTP requests answered by the API",
            ["route", "method", "status"],
            registry=self.registry,
        )
        self.http_duration = Histogram(
            "gotong_http_request_duration_seconds",
            "Time from a request's arrival to the end of its answer",
            ["route", "method", "status"],
            buckets=HTTP_LATENCY_BUCKETS,
            registry=self.registry,
        )
        self.consumer_lag = Gauge(
            "gotong_consumer_lag_events",
            "High watermark minus the consumer's position",
            ["consumer", "topic", "partition"],
            registry=self.registry,
        )
        self.consumer_processed = Counter(
            "gotong_consumer_processed_events",
            "Events applied by a consumer",
            ["consumer"],
            registry=self.registry,
        )
        self.consumer_dead_lettered = Counter(
            "gotong_consumer_dead_lettered_events",
            "Poison events sent to the dead-letter topic",
            ["consumer"],
            registry=self.registry,
        )
        self.process_ready = Gauge(
            "gotong_process_ready",
            "1 while a relay or consumer is connected and working, 0 during an outage",
            ["process"],
            registry=self.registry,
        )
        self.process_outages = Counter(
            "gotong_process_outages",
            "Times a relay or consumer lost its database or broker and backed off",
            ["process"],
            registry=self.registry,
        )
