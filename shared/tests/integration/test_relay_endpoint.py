"""A relay process's endpoint (``RelayProcess``, as ``python -m <service> relay`` runs it):
``/ready`` while it is connected, a standby too; ``/metrics`` with the backlog it measures
by itself and the events it published (real PostgreSQL and Kafka)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable

import asyncpg
import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families

from gotong_platform.kafka import make_producer
from gotong_platform.outbox import RelayConfig, measure_backlog
from gotong_platform.outbox.process import RelayProcess

from .helpers import event_ids, read_topic
from .test_relay import Env
from .test_relay import env as env  # the fixture, shared

pytestmark = pytest.mark.integration

# The advisory lock that elects the active relay (gotong_platform.outbox.relay), taken
# here by "another relay".
RELAY_LOCK_KEY = 0x60706F6E67_01


def a_relay_process(env: Env) -> RelayProcess:
    return RelayProcess(
        source="test", dsn=env.dsn,
        producer_factory=lambda: make_producer(env.bootstrap, client_id="test-relay"),
        # Measured often, so the test need not wait long for the gauges.
        config=RelayConfig(source="test", backlog_interval_s=0.05, standby_poll_s=0.1))


@pytest.fixture
async def endpoint_of(env: Env) -> AsyncIterator[tuple[RelayProcess, httpx.AsyncClient]]:
    process = a_relay_process(env)
    server = await process.serve_endpoint("127.0.0.1", 0)  # any free port
    port = server.sockets[0].getsockname()[1]
    async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=5) as client:
        yield process, client
    server.close()


def samples(text: str) -> dict[tuple[str, str], float]:
    """(sample name, service or process label) -> value, from a /metrics answer."""
    return {(s.name, s.labels.get("service") or s.labels.get("process", "")): s.value
            for family in text_string_to_metric_families(text) for s in family.samples}


async def scrape(client: httpx.AsyncClient) -> dict[tuple[str, str], float]:
    response = await client.get("/metrics")
    assert response.status_code == 200
    return samples(response.text)


async def until(check: Callable[[], Awaitable[bool]], timeout_s: float = 60) -> None:
    async with asyncio.timeout(timeout_s):
        while not await check():
            await asyncio.sleep(0.05)


async def test_a_relay_answers_ready_and_metrics_on_its_endpoint(
        env: Env, endpoint_of: tuple[RelayProcess, httpx.AsyncClient]) -> None:
    process, client = endpoint_of
    assert (await client.get("/health")).status_code == 200
    # Not connected yet: not ready.
    assert (await client.get("/ready")).status_code == 503
    committed = await env.append("s-1", 0, 7)
    # Another relay holds the leader lock: ours is a standby, ready, and measures the backlog.
    holder: asyncpg.Connection = await asyncpg.connect(env.dsn)
    assert await holder.fetchval("SELECT pg_try_advisory_lock($1)", RELAY_LOCK_KEY)
    running = asyncio.create_task(process.run())
    try:
        async def standby_ready() -> bool:
            return (await client.get("/ready")).status_code == 200

        await until(standby_ready)
        assert (await client.get("/ready")).json()["process"] == "test-relay"

        async def backlog_measured() -> bool:
            return (await scrape(client)).get(("gotong_outbox_backlog_events", "test")) == 7

        await until(backlog_measured)
        metrics = await scrape(client)
        assert metrics[("gotong_outbox_oldest_age_seconds", "test")] >= 0
        # Exported at 0 before the first event, so a rate over them works from the start.
        assert metrics[("gotong_relay_published_events_total", "test")] == 0
        assert metrics[("gotong_relay_send_errors_total", "test")] == 0
        assert metrics[("gotong_process_ready", "test-relay")] == 1
        # A standby: not the leader (the other relay is), exported as 0 all the same.
        assert metrics[("gotong_relay_leader", "test")] == 0

        # The other relay goes away: ours takes over and publishes the backlog.
        await holder.close()
        async with asyncio.timeout(60):
            while (await measure_backlog(env.dsn))[0] > 0:
                await asyncio.sleep(0.05)

        async def published_and_drained() -> bool:
            metrics = await scrape(client)
            return (metrics.get(("gotong_relay_published_events_total", "test")) == 7
                    and metrics.get(("gotong_outbox_backlog_events", "test")) == 0)

        await until(published_and_drained)
        ready = await client.get("/ready")
        assert (ready.status_code, ready.json()["status"]) == (200, "ok")
        metrics = await scrape(client)
        assert metrics[("gotong_relay_send_errors_total", "test")] == 0
        assert metrics[("gotong_relay_leader", "test")] == 1
    finally:
        process.stop()
        await asyncio.wait_for(running, timeout=30)
        if not holder.is_closed():
            await holder.close()
    records = await read_topic(env.bootstrap, env.topic, expected=7)
    assert sorted(event_ids(records)) == sorted(e.event_id for e in committed)
    # Stopped: no longer ready, and the lock went with the connection.
    assert (await client.get("/ready")).status_code == 503
    assert (await scrape(client))[("gotong_relay_leader", "test")] == 0


async def test_an_active_relay_whose_sends_fail_is_not_ready_and_counts_them(env: Env) -> None:
    # A producer for a broker nobody listens on (the shared broker stays up): connected to
    # PostgreSQL and the leader, but not working.
    process = RelayProcess(
        source="test", dsn=env.dsn,
        producer_factory=lambda: make_producer("127.0.0.1:1", client_id="test-relay"),
        config=RelayConfig(source="test", backlog_interval_s=0.05, max_backoff_s=0.2))
    server = await process.serve_endpoint("127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    await env.append("s-1", 0, 3)
    running = asyncio.create_task(process.run())
    try:
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=5) as client:

            async def failing_and_counted() -> bool:
                return (await scrape(client))[("gotong_relay_send_errors_total", "test")] >= 2

            await until(failing_and_counted)
            assert process.relay.is_leader
            ready = await client.get("/ready")
            assert (ready.status_code, ready.json()["status"]) == (503, "outage")
            metrics = await scrape(client)
            assert metrics[("gotong_process_ready", "test-relay")] == 0
            assert metrics[("gotong_outbox_backlog_events", "test")] == 3
            assert metrics[("gotong_relay_published_events_total", "test")] == 0
            # The leader all the same: an alert on a missing leader stays quiet, the one
            # on the outbox's age speaks.
            assert metrics[("gotong_relay_leader", "test")] == 1
    finally:
        process.stop()
        await asyncio.wait_for(running, timeout=30)
        server.close()
    assert (await measure_backlog(env.dsn))[0] == 3  # nothing lost: still in the outbox
