"""A consumer's lag as Prometheus scrapes it (real Kafka and PostgreSQL): in seconds, from
the Kafka timestamps of the records it has not applied yet, growing while it is stuck; and
after a rebalance only for the partitions it still holds."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import UTC, datetime

import asyncpg
import orjson
import pytest
from prometheus_client import generate_latest
from prometheus_client.parser import text_string_to_metric_families

from gotong_platform.consumer import ConsumedEvent, ConsumerRunner, RunnerConfig
from gotong_platform.envelope import encode_kafka_headers
from gotong_platform.kafka import make_consumer, make_producer
from gotong_platform.telemetry import PlatformMetrics

from .test_consumer_runner import Env, an_envelope, counting_handler
from .test_consumer_runner import env as env  # the fixture, shared

pytestmark = pytest.mark.integration

# When the records were written to Kafka (their CreateTime), and the clock the metrics read.
WRITTEN = datetime(2026, 11, 28, 9, 0, tzinfo=UTC).timestamp()


class Clock:
    def __init__(self, now: float) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def lag(metrics: PlatformMetrics, name: str) -> dict[int, float]:
    """partition -> value of ``name`` from the registry, as a scrape reads it."""
    text = generate_latest(metrics.registry).decode()
    return {int(s.labels["partition"]): s.value
            for family in text_string_to_metric_families(text) for s in family.samples
            if s.name == name}


async def send_at(env: Env, n: int, written_s: float, partition: int = 0,
                  stream: str | None = None) -> None:
    envelope = an_envelope(stream or f"s-{n}", 1)
    await env.producer.send_and_wait(
        env.topic, value=orjson.dumps({"n": n}), key=envelope.stream_id.encode(),
        partition=partition, timestamp_ms=int(written_s * 1000),
        headers=encode_kafka_headers(envelope))


def a_runner(env: Env, metrics: PlatformMetrics, handler: object, *, group: str | None = None,
             client: str = "lagging") -> ConsumerRunner:
    return ConsumerRunner(
        pool=env.pool,
        consumer=make_consumer(env.bootstrap, group_id=group, client_id=client),
        dlq_producer=make_producer(env.bootstrap, client_id=f"{client}-dlq"),
        handler=handler,  # type: ignore[arg-type]
        config=RunnerConfig(consumer="lagging", topics=(env.topic,), group_id=group,
                            retry_backoff_s=0.01),
        metrics=metrics)


async def test_lag_in_seconds_is_the_age_of_the_oldest_record_not_applied(env: Env) -> None:
    clock = Clock(WRITTEN + 100)
    metrics = PlatformMetrics(clock=clock)
    entered, release = asyncio.Event(), asyncio.Event()

    async def stuck_on_the_second(conn: asyncpg.Connection, event: ConsumedEvent) -> None:
        if event.data["n"] == 2:
            entered.set()
            await release.wait()  # a database that does not answer, say
        await counting_handler(conn, event)

    for n in (1, 2, 3):
        await send_at(env, n, WRITTEN + 10 * n)
    runner = a_runner(env, metrics, stuck_on_the_second)
    # The counters exist at 0 before anything happened (an alert on their increase sees the
    # first dead letter).
    assert metrics.registry.get_sample_value("gotong_consumer_dead_lettered_events_total",
                                             {"consumer": "lagging"}) == 0
    assert metrics.registry.get_sample_value("gotong_consumer_processed_events_total",
                                             {"consumer": "lagging"}) == 0
    await runner.start()
    try:
        polling = asyncio.create_task(runner.poll_once(timeout_ms=5000))
        await asyncio.wait_for(entered.wait(), timeout=30)
        # The batch (records 1 to 3) is one transaction: record 1 is not applied yet.
        assert lag(metrics, "gotong_consumer_lag_seconds")[0] == 90
        # Stuck: the age grows with the clock although the consumer reports nothing.
        clock.now += 60
        assert lag(metrics, "gotong_consumer_lag_seconds")[0] == 150
        release.set()
        assert await asyncio.wait_for(polling, timeout=30) == 3
        assert lag(metrics, "gotong_consumer_lag_events")[0] == 0
        assert lag(metrics, "gotong_consumer_lag_seconds") == {0: 0, 1: 0, 2: 0}
    finally:
        release.set()
        await runner.close()
    assert await env.counts() == {"s-1": 1, "s-2": 2, "s-3": 3}


async def test_after_a_rebalance_a_consumer_reports_only_the_partitions_it_holds(
        env: Env) -> None:
    """A second pod joins the group (KEDA scaled out): the first one gives partitions up and
    goes on consuming, and neither reports a partition it no longer holds."""
    group = f"lag-{env.topic}"
    first_metrics, second_metrics = PlatformMetrics(), PlatformMetrics()
    first = a_runner(env, first_metrics, counting_handler, group=group, client="first")
    second = a_runner(env, second_metrics, counting_handler, group=group, client="second")
    running = {first: asyncio.create_task(first.run())}

    async def until(check: Callable[[], object]) -> None:
        async with asyncio.timeout(60):
            while not check():
                assert not any(task.done() for task in running.values())  # none failed
                await asyncio.sleep(0.05)

    def partitions_reported(metrics: PlatformMetrics) -> set[int]:
        return set(lag(metrics, "gotong_consumer_lag_events"))

    try:
        for partition in range(3):
            await send_at(env, 1, WRITTEN, partition=partition, stream=f"p-{partition}")
        await until(lambda: partitions_reported(first_metrics) == {0, 1, 2})
        running[second] = asyncio.create_task(second.run())
        await until(lambda: second.positions)
        # More records on every partition after the rebalance, each applied by its holder.
        for partition in range(3):
            await send_at(env, 10, WRITTEN, partition=partition, stream=f"p-{partition}")
        await until(lambda: sum(first.positions.values()) + sum(second.positions.values()) == 6
                    and len(partitions_reported(first_metrics))
                    + len(partitions_reported(second_metrics)) == 3)
        held_first = {tp.partition for tp in first.positions}
        held_second = {tp.partition for tp in second.positions}
        assert held_first
        assert held_second
        assert held_first | held_second == {0, 1, 2}
        assert partitions_reported(first_metrics) == held_first
        assert set(lag(first_metrics, "gotong_consumer_lag_seconds")) == held_first
        assert partitions_reported(second_metrics) == held_second
    finally:
        for runner, task in running.items():
            runner.stop()
            await asyncio.wait_for(task, timeout=30)
    assert await env.counts() == {"p-0": 11, "p-1": 11, "p-2": 11}
