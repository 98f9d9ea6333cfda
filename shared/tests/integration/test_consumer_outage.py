"""A consumer process rides out a database outage by itself: it backs off, says so on
``/ready``, reconnects and applies what arrived meanwhile, exactly once (real Kafka;
the line to the real PostgreSQL cut with a TCP proxy)."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncIterator
from urllib.parse import urlsplit, urlunsplit

import asyncpg
import httpx
import orjson
import pytest
import pytest_asyncio

from gotong_platform.consumer.process import ConsumerProcess
from gotong_platform.envelope import encode_kafka_headers
from gotong_platform.kafka import make_producer
from gotong_platform.telemetry.endpoint import serve_process_endpoint
from gotong_testing.netfault import TcpProxy

from .helpers import install_schema
from .test_consumer_runner import an_envelope, counting_handler

pytestmark = pytest.mark.integration

logger = logging.getLogger(__name__)


@pytest_asyncio.fixture
async def database(database_factory) -> AsyncIterator[str]:  # type: ignore[no-untyped-def]
    dsn = await database_factory("outage")
    conn = await asyncpg.connect(dsn)
    try:
        await install_schema(conn)
        await conn.execute("CREATE TABLE counts (stream_id text PRIMARY KEY, n int NOT NULL)")
    finally:
        await conn.close()
    yield dsn


async def until(condition, timeout_s: float = 60.0) -> None:  # type: ignore[no-untyped-def]
    async with asyncio.timeout(timeout_s):
        while not await condition():
            await asyncio.sleep(0.1)


async def test_a_consumer_waits_out_a_database_outage_and_applies_everything_once(
    database: str, topic_factory, kafka_bootstrap: str,  # type: ignore[no-untyped-def]
) -> None:
    topic = await topic_factory("outage")
    target = urlsplit(database)
    proxy = TcpProxy(target.hostname or "127.0.0.1", target.port or 5432)
    await proxy.start()
    proxied = urlunsplit(target._replace(netloc=f"{target.username}@127.0.0.1:{proxy.port}"))
    process = ConsumerProcess(dsn=proxied, bootstrap=kafka_bootstrap, topics=[topic],
                              group_id=None, consumer="counter", handler=counting_handler,
                              config={"retry_backoff_s": 0.01})
    endpoint = await serve_process_endpoint("127.0.0.1", 0, process.metrics, process.health)
    port = endpoint.sockets[0].getsockname()[1]
    producer = make_producer(kafka_bootstrap, client_id="outage-test")
    await producer.start()
    running = asyncio.create_task(process.run())

    async def send(versions: range) -> None:
        for v in versions:
            env = an_envelope("s-out", v)
            await producer.send_and_wait(topic, value=orjson.dumps({"n": 1}), key=b"s-out",
                                         headers=encode_kafka_headers(env))

    async def count() -> int:
        conn = await asyncpg.connect(database)  # directly: not through the cut line
        try:
            n: int | None = await conn.fetchval(
                "SELECT n FROM counts WHERE stream_id = 's-out'")
        finally:
            await conn.close()
        return n or 0

    async def ready() -> int:
        async with httpx.AsyncClient() as client:
            return (await client.get(f"http://127.0.0.1:{port}/ready")).status_code

    try:
        await send(range(1, 6))
        await until(lambda: _eq(count, 5))
        assert await ready() == 200

        await proxy.cut()
        await send(range(6, 11))
        await until(lambda: _eq(ready, 503))
        assert process.health.outages >= 1
        assert not running.done()  # alive, waiting: nothing outside needs to restart it

        await proxy.restore()
        restored = time.monotonic()
        await until(lambda: _eq(count, 10))
        await until(lambda: _eq(ready, 200))
        # the figure docs/reliability.md quotes: seconds from the line back to caught up
        logger.warning("consumer outage: caught up and ready %.1f s after the line came back",
                       time.monotonic() - restored)
        async with httpx.AsyncClient() as client:
            metrics = (await client.get(f"http://127.0.0.1:{port}/metrics")).text
        assert 'gotong_process_ready{process="counter"} 1.0' in metrics
        assert 'gotong_process_outages_total{process="counter"}' in metrics
    finally:
        process.stop()
        await asyncio.wait_for(running, timeout=30)
        endpoint.close()
        await producer.stop()
        await proxy.close()
    assert await count() == 10  # each event once: none lost, none applied twice


async def _eq(read, expected: int) -> bool:  # type: ignore[no-untyped-def]
    return bool(await read() == expected)
