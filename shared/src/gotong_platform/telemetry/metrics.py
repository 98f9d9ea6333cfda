"""Prometheus metrics shared by relays, consumers and APIs."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Gauge

__all__ = ["PlatformMetrics"]


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
