"""pytest fixtures for integration and end-to-end tests (the root conftest's plugin).

The stack comes from ``gotong_devstack.ensure_stack()``: the same code as
``make up``. If PostgreSQL or Kafka cannot be started the fixture raises, so
the test errors; it never skips.

The services a test builds take the ``clock`` fixture: a ``FixedClock`` at
``business_now()`` (``gotong_testing.clock``).
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator, Awaitable, Callable
from urllib.parse import urlsplit, urlunsplit

import asyncpg
import pytest
import pytest_asyncio

from gotong_devstack import StackInfo, ensure_stack
from gotong_devstack.cli import main as gotong_stack
from gotong_platform.calendar import FixedClock
from gotong_platform.ids import uuid7
from gotong_platform.kafka import KafkaAuth, create_topics, dead_letter_topic, delete_topics
from gotong_testing.clock import business_now


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
def stack() -> StackInfo:
    info = ensure_stack()
    # The broker authenticates every client (SASL/SCRAM) as the cluster does. The clients
    # and settings a test builds without credentials of their own fall back to the stack's
    # internal user in GOTONG_KAFKA_* (``KafkaAuth.from_env``), and so do the processes a
    # test starts; values already set (a given broker's) are kept.
    for name, value in info.kafka_auth.env().items():
        os.environ.setdefault(name, value)
    return info


@pytest.fixture(scope="session")
def kafka_auth(stack: StackInfo) -> KafkaAuth:
    """The stack's internal (super) user: for a test that builds a client explicitly."""
    return KafkaAuth.from_env()


@pytest.fixture(scope="session")
def pg_admin_dsn(stack: StackInfo) -> str:
    return stack.pg_admin_dsn


@pytest.fixture(scope="session")
def kafka_bootstrap(stack: StackInfo) -> str:
    return stack.kafka_bootstrap


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
async def topic_factory(kafka_bootstrap: str) -> AsyncIterator[TopicFactory]:
    """Creates a fresh topic (and its dead-letter topic) with 3 partitions; deleted with
    its dead-letter topic at the end of the session, as the databases are dropped. (A
    broker that keeps every test topic of every run grows thousands of partitions and
    runs out of its capped heap on a developer's machine.)"""
    created: list[str] = []

    async def make(prefix: str) -> str:
        name = f"test.{prefix}.{uuid7().hex[-12:]}"
        await create_topics(kafka_bootstrap, [name], partitions=3)
        created.append(name)
        return name

    yield make
    await delete_topics(kafka_bootstrap,
                        [t for name in created for t in (name, dead_letter_topic(name))])


class KafkaControl:
    """Stops and starts the project's local broker for fault tests."""

    async def stop(self) -> None:
        await self._run("kafka-stop")

    async def start(self) -> None:
        await self._run("kafka-start")

    async def _run(self, command: str) -> None:
        code = await asyncio.to_thread(gotong_stack, [command])
        if code != 0:
            raise RuntimeError(f"gotong-stack {command} failed with exit code {code}")


@pytest.fixture
def kafka_control(stack: StackInfo) -> KafkaControl:
    return KafkaControl()
