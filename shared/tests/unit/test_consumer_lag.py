"""A consumer's lag in seconds: the oldest record received and not applied, and its age
when Prometheus scrapes (``UnappliedRecords``, ``gotong_consumer_lag_seconds``)."""

from __future__ import annotations

import pytest
from aiokafka import ConsumerRecord, TopicPartition
from prometheus_client import generate_latest
from prometheus_client.parser import text_string_to_metric_families

from gotong_platform.consumer.lag import UnappliedRecords
from gotong_platform.telemetry import PlatformMetrics

pytestmark = pytest.mark.unit

TP = TopicPartition("gotong.members.events", 0)
T0 = 1_795_000_000.0  # seconds; the records' Kafka timestamps are counted from here


def records(*offsets_and_seconds: tuple[int, float]) -> list[ConsumerRecord[bytes, bytes]]:
    return [ConsumerRecord(topic=TP.topic, partition=TP.partition, offset=offset,
                           timestamp=int((T0 + seconds) * 1000), timestamp_type=0, key=None,
                           value=b"{}", checksum=None, serialized_key_size=0,
                           serialized_value_size=2, headers=[])
            for offset, seconds in offsets_and_seconds]


def test_nothing_received_is_no_lag() -> None:
    unapplied = UnappliedRecords()
    unapplied.positioned(TP, 40)
    assert list(unapplied()) == [(TP.topic, 0, None)]


def test_the_oldest_record_not_applied_follows_the_position_within_and_across_batches() -> None:
    unapplied = UnappliedRecords()
    unapplied.positioned(TP, 10)
    unapplied.received(TP, records((10, 0), (11, 5), (13, 7)))  # offset 12 compacted away
    unapplied.received(TP, records((14, 20), (15, 30)))
    assert unapplied.oldest_unapplied(TP) == T0
    unapplied.applied(TP, 11)  # a poison record isolated: the rest of its batch waits
    assert unapplied.oldest_unapplied(TP) == T0 + 5
    unapplied.applied(TP, 12)
    assert unapplied.oldest_unapplied(TP) == T0 + 7
    unapplied.applied(TP, 14)
    assert unapplied.oldest_unapplied(TP) == T0 + 20
    unapplied.high_watermark(TP, 16)
    unapplied.applied(TP, 16)
    assert unapplied.oldest_unapplied(TP) is None


def test_more_in_the_broker_than_received_counts_from_the_last_record_applied() -> None:
    unapplied = UnappliedRecords()
    unapplied.positioned(TP, 0)
    unapplied.received(TP, records((0, 0), (1, 3)))
    unapplied.applied(TP, 2)
    unapplied.high_watermark(TP, 500)  # a backlog not fetched yet: written after offset 1
    assert unapplied.oldest_unapplied(TP) == T0 + 3
    unapplied.high_watermark(TP, 2)
    assert unapplied.oldest_unapplied(TP) is None


def test_a_partition_given_up_is_forgotten() -> None:
    unapplied = UnappliedRecords()
    other = TopicPartition(TP.topic, 1)
    for tp in (TP, other):
        unapplied.positioned(tp, 0)
    unapplied.received(TP, records((0, 0)))
    unapplied.forget([TP])
    assert list(unapplied()) == [(TP.topic, 1, None)]


class Clock:
    def __init__(self, now: float) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def scraped(metrics: PlatformMetrics) -> dict[tuple[str, str], float]:
    text = generate_latest(metrics.registry).decode()
    return {(s.labels["consumer"], s.labels["partition"]): s.value
            for family in text_string_to_metric_families(text) for s in family.samples
            if s.name == "gotong_consumer_lag_seconds"}


def test_the_age_is_taken_when_prometheus_scrapes() -> None:
    clock = Clock(T0 + 100)
    metrics = PlatformMetrics(clock=clock)
    assert scraped(metrics) == {}
    unapplied = UnappliedRecords()
    unapplied.positioned(TP, 0)
    unapplied.positioned(TopicPartition(TP.topic, 1), 0)
    unapplied.received(TP, records((0, 40)))
    metrics.consumer_lag_seconds.watch("readmodel", unapplied)
    assert scraped(metrics) == {("readmodel", "0"): 60, ("readmodel", "1"): 0}
    clock.now += 30  # nothing applied meanwhile: the lag grows by itself
    assert scraped(metrics) == {("readmodel", "0"): 90, ("readmodel", "1"): 0}
    # A record stamped by a broker whose clock runs ahead is no negative lag.
    unapplied.applied(TP, 1)
    unapplied.received(TP, records((1, 500)))
    assert scraped(metrics)[("readmodel", "0")] == 0


def test_a_runner_made_again_replaces_the_one_before() -> None:
    metrics = PlatformMetrics(clock=Clock(T0 + 10))
    before, after = UnappliedRecords(), UnappliedRecords()
    before.positioned(TP, 0)
    before.received(TP, records((0, 0)))
    metrics.consumer_lag_seconds.watch("readmodel", before)
    metrics.consumer_lag_seconds.watch("readmodel", after)
    assert scraped(metrics) == {}
