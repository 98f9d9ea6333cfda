"""Prometheus metrics shared by relays, consumers and APIs."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.metrics_core import Metric

__all__ = ["HTTP_LATENCY_BUCKETS", "ConsumerLagSeconds", "PlatformMetrics", "UnappliedSince"]

# (topic, partition, Kafka timestamp in seconds of the oldest record not applied yet, or
# None when the consumer has applied everything it knows of) for each partition it holds.
UnappliedSince = Callable[[], Iterable[tuple[str, int, float | None]]]

# Seconds. The APIs answer in milliseconds (docs/performance.md); the upper buckets show a
# database wait or a large /sync batch. Few buckets: every route x method x status class
# carries all of them.
HTTP_LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)


class PlatformMetrics:
    """One registry per process, built in the composition root (never at import)."""

    def __init__(self, registry: CollectorRegistry | None = None,
                 clock: Callable[[], float] = time.time) -> None:
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
        # A relay without a leader publishes nothing while its gauges look calm: summed over
        # a service's relay pods this is 1, and 0 means no relay holds the lock.
        self.relay_leader = Gauge(
            "gotong_relay_leader",
            "1 while this relay holds its service's leader lock and publishes, else 0",
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
        self.consumer_lag_seconds = ConsumerLagSeconds(clock)
        self.registry.register(self.consumer_lag_seconds)
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


class ConsumerLagSeconds:
    """``gotong_consumer_lag_seconds``: how long the oldest record a consumer has not
    applied yet has been in Kafka, computed when Prometheus scrapes.

    The age is taken at scrape time, not when the consumer last polled, so a consumer
    stuck on a record (retrying a database error without end) shows a lag that grows;
    a gauge set after each poll would freeze at its last value. Each runner registers
    where its partitions stand (``watch``); a runner made again after an outage replaces
    the one before under the same consumer name.
    """

    NAME = "gotong_consumer_lag_seconds"
    DOCUMENTATION = ("Age of the oldest record the consumer has not applied yet "
                     "(its Kafka timestamp), 0 when it has applied all it knows of")

    def __init__(self, clock: Callable[[], float] = time.time) -> None:
        self._clock = clock
        self._watched: dict[str, UnappliedSince] = {}

    def watch(self, consumer: str, unapplied_since: UnappliedSince) -> None:
        self._watched[consumer] = unapplied_since

    def _family(self) -> GaugeMetricFamily:
        return GaugeMetricFamily(self.NAME, self.DOCUMENTATION,
                                 labels=["consumer", "topic", "partition"])

    def describe(self) -> Iterator[Metric]:
        yield self._family()

    def collect(self) -> Iterator[Metric]:
        family = self._family()
        now = self._clock()
        for consumer, unapplied_since in sorted(self._watched.items()):
            for topic, partition, since in unapplied_since():
                age = 0.0 if since is None else max(now - since, 0.0)
                family.add_metric([consumer, topic, str(partition)], age)
        yield family
