"""pytest fixtures for integration and end-to-end tests.

The stack comes from ``gotong_devstack.ensure_stack()``: the same code as
``make up``. If PostgreSQL or Kafka cannot be started the fixture raises, so
the test errors; it never skips.

No test reads the wall clock for a business date: the services run on a
``FixedClock`` at ``business_now()``, a fixed instant that ``GOTONG_TEST_NOW`` (ISO 8601
with its offset, e.g. ``2028-02-29T00:30:00+09:00``) moves, so the same suite can be
run on the 1st of a month, a leap day or New Year's Eve.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import UTC, date, datetime
from urllib.parse import urlsplit, urlunsplit

import asyncpg
import pytest
import pytest_asyncio

from gotong_platform.calendar import FixedClock, TimeZone, today_in
from gotong_platform.ids import uuid7
from gotong_platform.kafka import create_topics

TEST_NOW_ENV = "GOTONG_TEST_NOW"
# 10:00 WITA on Wednesday 18 November 2026: mid-month, mid-week, mid-morning.
DEFAULT_TEST_NOW = datetime(2026, 11, 18, 2, 0, tzinfo=UTC)


def business_now() -> datetime:
    """The instant the tests' services live at: ``GOTONG_TEST_NOW`` or the default."""
    given = os.environ.get(TEST_NOW_ENV)
    if not given:
        return DEFAULT_TEST_NOW
    moment = datetime.fromisoformat(given)
    if moment.tzinfo is None:
        raise ValueError(f"{TEST_NOW_ENV}={given!r} needs an offset, e.g. +08:00 or Z")
    return moment.astimezone(UTC)


def business_today(zone: str | TimeZone) -> date:
    """The business date at ``business_now()`` in ``zone``."""
    return today_in(FixedClock(business_now()), zone)


@pytest.fixture
def clock() -> FixedClock:
    """A clock at ``business_now()``, for the services a test builds (one per test)."""
    return FixedClock(business_now())


DatabaseFactory = Callable[[str], Awaitable[str]]
TopicFactory = Callable[[str], Awaitable[str]]


def dsn_for_database(admin_dsn: str, database: str) -> str:
    parts = urlsplit(admin_dsn)
    return urlunsplit(parts._replace(path=f"/{database}"))


@pytest.fixture(scope="session")
def stack() -> object:
    from gotong_devstack import ensure_stack

    return ensure_stack()


@pytest.fixture(scope="session")
def pg_admin_dsn(stack: object) -> str:
    return str(stack.pg_admin_dsn)  # type: ignore[attr-defined]


@pytest.fixture(scope="session")
def kafka_bootstrap(stack: object) -> str:
    return str(stack.kafka_bootstrap)  # type: ignore[attr-defined]


@pytest_asyncio.fixture(scope="session", loop_scope="session")
async def database_factory(pg_admin_dsn: str) -> AsyncIterator[DatabaseFactory]:
    """Creates uniquely named databases (dropped at the end of the session)."""
    created: list[str] = []

    async def make(prefix: str) -> str:
        name = f"t_{prefix}_{uuid7().hex[-12:]}"
        conn = await asyncpg.connect(pg_admin_dsn)
        try:
            await conn.execute(f'CREATE DATABASE "{name}"')
        finally:
            await conn.close()
        created.append(name)
        return dsn_for_database(pg_admin_dsn, name)

    yield make
    conn = await asyncpg.connect(pg_admin_dsn)
    try:
        for name in created:
            await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await conn.close()


@pytest_asyncio.fixture(scope="session", loop_scope="session")
async def topic_factory(kafka_bootstrap: str) -> TopicFactory:
    """Creates a fresh topic (and its dead-letter topic) with 3 partitions."""

    async def make(prefix: str) -> str:
        name = f"test.{prefix}.{uuid7().hex[-12:]}"
        await create_topics(kafka_bootstrap, [name], partitions=3)
        return name

    return make


class KafkaControl:
    """Stops and starts the project's local broker for fault tests."""

    async def stop(self) -> None:
        await self._run("kafka-stop")

    async def start(self) -> None:
        await self._run("kafka-start")

    async def _run(self, command: str) -> None:
        import asyncio

        from gotong_devstack.cli import main

        code = await asyncio.to_thread(main, [command])
        if code != 0:
            raise RuntimeError(f"gotong-stack {command} failed with exit code {code}")


@pytest.fixture
def kafka_control(stack: object) -> KafkaControl:
    return KafkaControl()
