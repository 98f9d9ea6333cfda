"""keep_running waits out outages and lets faults through."""

from __future__ import annotations

import asyncio

import asyncpg
import pytest
from aiokafka.errors import KafkaConnectionError

from gotong_platform.outages import database_unavailable, is_outage, kafka_unavailable
from gotong_platform.supervise import ProcessHealth, keep_running

pytestmark = pytest.mark.unit


@pytest.mark.parametrize("outage", [
    ConnectionRefusedError(111, "Connect call failed"),
    asyncpg.ConnectionDoesNotExistError("connection was closed in the middle of operation"),
    KafkaConnectionError("Unable to bootstrap from [('127.0.0.1', 59092)]"),
])
async def test_an_outage_is_waited_out_and_the_work_runs_again(outage: Exception) -> None:
    health = ProcessHealth(process="relay")
    runs: list[int] = []

    async def work() -> None:
        runs.append(1)
        if len(runs) < 3:
            raise RuntimeError("the batch could not be written") from outage
        health.mark(True)

    await keep_running(work, health=health, stopping=asyncio.Event(), initial_backoff_s=0.001)
    assert len(runs) == 3
    assert health.outages == 2
    assert health.ready


async def test_a_fault_is_raised_not_retried() -> None:
    health = ProcessHealth(process="consumer")
    runs: list[int] = []

    async def work() -> None:
        runs.append(1)
        raise KeyError("a bug, not an outage")

    with pytest.raises(KeyError):
        await keep_running(work, health=health, stopping=asyncio.Event(),
                           initial_backoff_s=0.001)
    assert runs == [1]
    assert not health.ready


async def test_stopping_ends_the_wait_at_once() -> None:
    stopping = asyncio.Event()

    async def work() -> None:
        stopping.set()  # SIGTERM while the database is away
        raise ConnectionResetError()

    async with asyncio.timeout(1):  # not the 30 s back-off
        await keep_running(work, health=ProcessHealth(process="p"), stopping=stopping,
                           initial_backoff_s=30)


def test_what_counts_as_an_outage() -> None:
    assert database_unavailable(asyncpg.CannotConnectNowError("starting up"))
    assert kafka_unavailable(KafkaConnectionError())
    assert not is_outage(ValueError("bad data"))
    assert not is_outage(asyncpg.UniqueViolationError("duplicate key"))
