"""Every service of Gotong wired together in one test: real PostgreSQL and Kafka.

Each service gets a fresh database and fresh topics; its API runs over ASGI,
its relay and its consumer run as tasks with the same code as their process
entry points. Consumers can be paused and resumed to arrange late arrivals.
``reporting_stack`` adds a reporting API and its read-model consumer beside them
(``reporting_running``; ``members_running`` is the members API with its relay, for the
tests that need only those two). ``records_on`` reads a topic from the beginning.
The data the tests send is built in ``builders``.
"""

from __future__ import annotations

import asyncio
import base64
import os
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Protocol

import httpx
import pytest_asyncio
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
from fastapi import FastAPI

from gotong_platform.auth import Principal, Role, TokenIssuer
from gotong_platform.calendar import FixedClock, today_in
from gotong_platform.consumer import ConsumerRunner, Handler, RunnerConfig
from gotong_platform.db import create_pool
from gotong_platform.envelope import decode_kafka_headers
from gotong_platform.kafka import KafkaAuth, make_consumer, make_producer
from gotong_platform.money import round_half_up_div
from gotong_platform.outbox import OutboxRelay, RelayConfig
from gotong_testing.api import serving
from inventory.main import build_services as build_inventory_services
from inventory.main import create_app as create_inventory_app
from inventory.settings import InventorySettings
from members.main import create_app as create_members_app
from members.settings import MembersSettings
from payments.main import build_services
from payments.main import create_app as create_payments_app
from payments.settings import PaymentsSettings
from reporting.adapters.consumer import build_runner, schema_pool
from reporting.adapters.read_model.versions import ensure_live
from reporting.main import create_app as create_reporting_app
from reporting.settings import ReportingSettings

JWT_KEY = "f" * 48


@dataclass
class Consumer:
    """A service's consumer that a test can pause (a late or slow consumer)."""

    name: str
    dsn: str
    bootstrap: str
    topics: tuple[str, ...]
    handler: Handler
    runner: ConsumerRunner | None = None
    task: asyncio.Task[None] | None = None
    pool: Any = None

    async def start(self) -> None:
        self.pool = self.pool or await create_pool(self.dsn, max_size=5)
        self.runner = ConsumerRunner(
            pool=self.pool,
            consumer=make_consumer(self.bootstrap, group_id=None, client_id=self.name),
            dlq_producer=make_producer(self.bootstrap, client_id=f"{self.name}-dlq"),
            handler=self.handler,
            config=RunnerConfig(consumer=self.name, topics=self.topics, group_id=None),
        )
        self.task = asyncio.create_task(self.runner.run())

    async def pause(self) -> None:
        if self.runner is not None and self.task is not None:
            self.runner.stop()
            await self.task
            self.runner = self.task = None

    async def close(self) -> None:
        await self.pause()
        if self.pool is not None:
            await self.pool.close()


@dataclass
class Federation:
    members: httpx.AsyncClient
    inventory: httpx.AsyncClient
    payments: httpx.AsyncClient
    topics: dict[str, str]
    consumers: dict[str, Consumer]
    bootstrap: str
    producer: AIOKafkaProducer
    clock: FixedClock  # every service's, at the run's business instant
    issuer: TokenIssuer = field(default_factory=lambda: TokenIssuer(JWT_KEY.encode()))
    # Each service's settings and outbox relay, by service name (a test can stop a relay).
    settings: dict[str, MembersSettings | InventorySettings | PaymentsSettings] = field(
        default_factory=dict)
    relays: dict[str, Relaying] = field(default_factory=dict)
    # Each service's app (its lifespan running), by name: a test may serve one on a port.
    apps: dict[str, FastAPI] = field(default_factory=dict)

    @property
    def today(self) -> date:
        """The business date in WITA, where the tests' cooperatives are."""
        return today_in(self.clock, "WITA")

    def auth(self, role: str, subject: str, **claims: Any) -> dict[str, str]:
        principal = Principal(subject=subject, role=Role(role), **claims)
        return {"Authorization": f"Bearer {self.issuer.issue(principal)}"}

    async def post(self, client: httpx.AsyncClient, path: str, body: dict[str, Any],
                   headers: dict[str, str], expect: int | None = None) -> dict[str, Any]:
        response = await client.post(path, json=body,
                                     headers={**headers, "Idempotency-Key": uuid.uuid4().hex})
        if expect is not None:
            assert response.status_code == expect, response.text
        else:
            assert response.status_code in (200, 201), response.text
        result: dict[str, Any] = response.json()
        return result

    async def get(self, client: httpx.AsyncClient, path: str, headers: dict[str, str]
                  ) -> httpx.Response:
        return await client.get(path, headers=headers)


@dataclass
class Relaying:
    """A service's outbox relay running as a task, as ``python -m <service> relay`` runs it;
    ``stop`` lets it go (its leader lock too), ``start`` runs a fresh one."""

    source: str
    dsn: str
    bootstrap: str
    relay: OutboxRelay | None = None
    task: asyncio.Task[None] | None = None

    def start(self) -> None:
        self.relay = OutboxRelay(
            dsn=self.dsn, config=RelayConfig(source=self.source),
            producer_factory=lambda: make_producer(self.bootstrap, client_id="e2e-relay"))
        self.task = asyncio.create_task(self.relay.run())

    async def stop(self) -> None:
        if self.relay is not None and self.task is not None:
            self.relay.stop()
            await self.task
            self.relay = self.task = None


def bp(numerator: int, denominator: int) -> int | None:
    """A ratio in basis points, rounded half up as reporting rounds it (None: no base)."""
    return round_half_up_div(numerator * 10_000, denominator) if denominator > 0 else None


async def eventually(check: Callable[[], Awaitable[Any]], timeout_s: float = 30.0) -> Any:
    """Poll ``check`` until it returns something truthy (the system is eventually consistent)."""
    async with asyncio.timeout(timeout_s):
        while True:
            result = await check()
            if result:
                return result
            await asyncio.sleep(0.1)


@pytest_asyncio.fixture
async def federation(database_factory: Any, topic_factory: Any, kafka_bootstrap: str,
                     clock: FixedClock) -> AsyncIterator[Federation]:
    async with federation_running(database_factory, topic_factory, kafka_bootstrap,
                                  clock) as f:
        yield f


@asynccontextmanager
async def federation_running(
    database_factory: Any, topic_factory: Any, kafka_bootstrap: str, clock: FixedClock, *,
    members_settings: dict[str, Any] | None = None,
    payments_settings: dict[str, Any] | None = None,
) -> AsyncIterator[Federation]:
    """The three services with their relays and consumers; ``*_settings`` add settings
    (e.g. the member's sign-in and the origins of her page)."""
    topics = {name: await topic_factory(name) for name in ("members", "inventory", "payments")}
    nik_key = base64.b64encode(os.urandom(32)).decode()
    members = MembersSettings(database_url=await database_factory("fm"),
                              kafka_bootstrap=kafka_bootstrap, topic=topics["members"],
                              nik_key=nik_key, jwt_key=JWT_KEY, **(members_settings or {}))
    inventory = InventorySettings(
        database_url=await database_factory("fi"), kafka_bootstrap=kafka_bootstrap,
        topic=topics["inventory"], consumed_topics=(topics["members"], topics["payments"]),
        jwt_key=JWT_KEY)
    payments = PaymentsSettings(
        database_url=await database_factory("fp"), kafka_bootstrap=kafka_bootstrap,
        topic=topics["payments"], consumed_topics=(topics["members"], topics["inventory"]),
        jwt_key=JWT_KEY, **(payments_settings or {}))
    apps = {"members": create_members_app(members, clock=clock),
            "inventory": create_inventory_app(inventory, clock=clock),
            "payments": create_payments_app(payments, clock=clock)}
    async with AsyncExitStack() as stack:
        clients = {}
        for name, app in apps.items():
            clients[name] = await stack.enter_async_context(serving(app, name))
        settings = {"members": members, "inventory": inventory, "payments": payments}
        relays = {source: Relaying(source, s.database_url, kafka_bootstrap)
                  for source, s in settings.items()}
        for relay in relays.values():
            relay.start()
        consumers = {
            "inventory": Consumer("inventory-reactions", inventory.database_url, kafka_bootstrap,
                                  inventory.consumed_topics,
                                  build_inventory_services(inventory, clock).reactions.handler()),
            "payments": Consumer("payments-reactions", payments.database_url, kafka_bootstrap,
                                 payments.consumed_topics,
                                 build_services(payments, clock).reactions.handler()),
        }
        for consumer in consumers.values():
            await consumer.start()
        producer = make_producer(kafka_bootstrap, client_id="e2e-redeliver")
        await producer.start()
        try:
            yield Federation(clients["members"], clients["inventory"], clients["payments"],
                             topics, consumers, kafka_bootstrap, producer, clock,
                             settings=dict(settings), relays=relays, apps=apps)
        finally:
            await producer.stop()
            for consumer in consumers.values():
                await consumer.close()
            for relay in relays.values():
                await relay.stop()


@dataclass
class ReportingStack:
    """The federation with a reporting API and its read-model consumer beside it."""

    f: Federation
    app: FastAPI
    reporting: httpx.AsyncClient
    settings: ReportingSettings


@pytest_asyncio.fixture
async def reporting_stack(federation: Federation, database_factory: Any
                          ) -> AsyncIterator[ReportingStack]:
    settings = ReportingSettings(
        database_url=await database_factory("fr"), kafka_bootstrap=federation.bootstrap,
        topics=tuple(federation.topics[s] for s in ("members", "inventory", "payments")),
        jwt_key=JWT_KEY)
    app = create_reporting_app(settings, clock=federation.clock)
    async with reporting_running(app, settings) as client:
        yield ReportingStack(federation, app, client, settings)


@asynccontextmanager
async def reporting_running(app: FastAPI, settings: ReportingSettings, *,
                            client_id: str = "e2e-reporting") -> AsyncIterator[httpx.AsyncClient]:
    """The reporting ``app`` (its lifespan started) with its read-model consumer running on
    the live schema, as ``python -m reporting consumer`` runs it; a client of the app."""
    async with serving(app, "reporting") as client:
        admin_pool = await create_pool(settings.database_url, max_size=2)
        pool = await schema_pool(settings, await ensure_live(admin_pool))
        try:
            async with running(await build_runner(settings, pool, group_id=None,
                                                  client_id=client_id)):
                yield client
        finally:
            await pool.close()
            await admin_pool.close()


@asynccontextmanager
async def members_running(app: FastAPI, settings: MembersSettings, *,
                          relay_client_id: str = "e2e-relay") -> AsyncIterator[httpx.AsyncClient]:
    """The members ``app`` (its lifespan started) with its outbox relay publishing to
    Kafka, as ``python -m members relay`` runs it; a client of the app."""
    relay = OutboxRelay(
        dsn=settings.database_url, config=RelayConfig(source="members"),
        producer_factory=lambda: make_producer(settings.kafka_bootstrap,
                                               client_id=relay_client_id))
    async with serving(app, "members") as client, running(relay):
        yield client


class Worker(Protocol):
    """A relay or a consumer runner: runs until stopped."""

    async def run(self) -> None: ...

    def stop(self) -> None: ...


@asynccontextmanager
async def running(worker: Worker) -> AsyncIterator[None]:
    """``worker`` running as a task while the block runs; stopped and awaited after it."""
    task = asyncio.create_task(worker.run())
    try:
        yield
    finally:
        worker.stop()
        await task


async def records_on(bootstrap: str, topic: str, event_type: str | None = None) -> list[Any]:
    """Every record on ``topic`` so far, from the beginning (of ``event_type`` only, when
    given: read from its CloudEvents headers)."""
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False,
                                **KafkaAuth.from_env().client_kwargs())
    await consumer.start()
    try:
        await consumer._client.force_metadata_update()
        tps = [TopicPartition(topic, p) for p in consumer.partitions_for_topic(topic) or []]
        consumer.assign(tps)
        await consumer.seek_to_beginning(*tps)
        ends = await consumer.end_offsets(tps)
        found: list[Any] = []
        async with asyncio.timeout(20):
            while any([await consumer.position(tp) < ends[tp] for tp in tps]):
                for batch in (await consumer.getmany(timeout_ms=200)).values():
                    found += [r for r in batch if event_type is None
                              or decode_kafka_headers(list(r.headers)).event_type == event_type]
        return found
    finally:
        await consumer.stop()
