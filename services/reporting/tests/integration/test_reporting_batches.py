"""Property: applying events in batches gives the read model of applying them one by one.

The consumer hands a poll batch to the projection at once: statements grouped per
statement, ``fact_events`` in one statement, freshness aggregated per cooperative.
Whatever the delivery order, duplicates (inside a batch or across batches) and the
cut into batches, every table and every monthly report must equal the one-by-one
result, byte for byte, which is what makes a rebuild equal the live model.
"""

from __future__ import annotations

import asyncio
import itertools
import uuid
from collections.abc import Sequence
from typing import Any

import asyncpg
import orjson
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_reporting_facts_order import IN_ORDER, KNOWN_AT, TABLES, run

from gotong_platform.consumer import (
    ConsumedEvent,
    ConsumerRunner,
    RunnerConfig,
    apply_new,
    first_deliveries,
)
from gotong_platform.db import DbConnection, create_pool
from gotong_platform.envelope import encode_kafka_headers
from gotong_platform.kafka import KafkaAuth, dead_letter_topic, make_consumer, make_producer
from reporting.adapters.projection.dispatch import read_model_handler
from reporting.adapters.read_model.schema import READ_MODEL_DDL
from reporting.adapters.reports.reader import ReadModelReader
from reporting.application.snapshot import monthly_snapshot
from reporting.domain.reports.figures import ReportOptions

pytestmark = pytest.mark.integration

_schemas = itertools.count()


async def snapshot(conn: DbConnection) -> tuple[list[Any], bytes]:
    tables = [sorted(map(repr, await conn.fetch(f"SELECT * FROM {table}")))
              for table in TABLES]
    reports = await monthly_snapshot(ReadModelReader(conn), KNOWN_AT, ReportOptions())
    return tables, orjson.dumps(reports, option=orjson.OPT_SORT_KEYS)


async def build(dsn: str, batches: Sequence[Sequence[ConsumedEvent]], *,
                self_claim: bool = False) -> tuple[list[Any], bytes]:
    """Each batch claimed and applied in its own transaction, as the runner does:
    ids claimed in ``processed_events``, or (``self_claim``, the consumer's path) by
    the handler's own ``fact_events`` rows."""
    conn = await asyncpg.connect(dsn)
    schema = f"rm_batch_{next(_schemas)}"
    try:
        await conn.execute(f"CREATE SCHEMA {schema}; SET search_path TO {schema}")
        await conn.execute(READ_MODEL_DDL)
        for batch in batches:
            async with conn.transaction():
                if self_claim:
                    await read_model_handler.apply_unclaimed(conn, "readmodel",
                                                             first_deliveries(batch))
                else:
                    await apply_new(conn, "readmodel", read_model_handler, batch)
        if self_claim:  # the claims are the event log's rows, none in processed_events
            assert await conn.fetchval("SELECT count(*) FROM processed_events") == 0
        return await snapshot(conn)
    finally:
        await conn.execute(f"DROP SCHEMA {schema} CASCADE")
        await conn.close()


def cut(events: list[ConsumedEvent], at: set[int]) -> list[list[ConsumedEvent]]:
    bounds = [0, *sorted(at), len(events)]
    return [events[lo:hi] for lo, hi in itertools.pairwise(bounds) if hi > lo]


@pytest.fixture(scope="module")
def batch_dsn(database_factory: Any) -> str:  # type: ignore[misc]
    # A loop of its own: the thread's current loop is not guaranteed (another module's
    # fixture may have closed it), and the database outlives this call anyway.
    loop = asyncio.new_event_loop()
    try:
        return loop.run_until_complete(database_factory("batch"))  # type: ignore[no-any-return]
    finally:
        loop.close()


@settings(max_examples=6, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_batches_give_the_one_by_one_read_model(batch_dsn: str, data: st.DataObject) -> None:
    duplicates = data.draw(st.lists(st.sampled_from(IN_ORDER), max_size=15))
    delivered = list(data.draw(st.permutations(IN_ORDER + duplicates)))
    cuts = data.draw(st.sets(st.integers(1, len(delivered) - 1), max_size=8))
    one_by_one = run(build(batch_dsn, [[e] for e in delivered]))
    batched = run(build(batch_dsn, cut(delivered, cuts)))
    assert batched == one_by_one
    # and all in one batch, duplicates inside it
    assert run(build(batch_dsn, [delivered])) == one_by_one
    # the consumer's own path: ids claimed through fact_events
    assert run(build(batch_dsn, cut(delivered, cuts), self_claim=True)) == one_by_one
    assert run(build(batch_dsn, [[e] for e in delivered], self_claim=True)) == one_by_one


def test_a_duplicate_inside_a_batch_is_applied_once(batch_dsn: str) -> None:
    deposit = next(e for e in IN_ORDER if e.envelope.event_type == "SavingsDeposited")
    for self_claim in (False, True):
        tables, _ = run(build(batch_dsn, [[deposit, deposit, deposit], [deposit]],
                              self_claim=self_claim))
        savings = tables[TABLES.index("fact_savings")]
        freshness = tables[TABLES.index("freshness")]
        assert len(savings) == 1
        assert "events=1>" in freshness[0]


class Recording:
    """The read model's handler, remembering the size of every batch it was given."""

    def __init__(self) -> None:
        self.sizes: list[int] = []

    async def apply_batch(self, conn: DbConnection, events: Sequence[ConsumedEvent]) -> None:
        raise AssertionError("the read model claims its event ids itself")

    async def apply_unclaimed(self, conn: DbConnection, consumer: str,
                              events: Sequence[ConsumedEvent]) -> int:
        self.sizes.append(len(events))
        return await read_model_handler.apply_unclaimed(conn, consumer, events)


async def test_a_poison_event_in_a_batch_is_dead_lettered_and_the_others_apply(
    database_factory: Any, topic_factory: Any, kafka_bootstrap: str,
) -> None:
    dsn = await database_factory("poison")
    topic = await topic_factory("readmodel")
    healthy = IN_ORDER[:40]
    deposit = next(e for e in IN_ORDER if e.envelope.event_type == "SavingsDeposited")
    poison_env = type(deposit.envelope)(**{  # a deposit that breaks its contract
        **{f: getattr(deposit.envelope, f) for f in deposit.envelope.__dataclass_fields__},
        "event_id": uuid.uuid4()})
    poison = ConsumedEvent(envelope=poison_env, data={**deposit.data, "amount_idr": "lots"},
                           topic="t", partition=0, offset=0)
    # the poison is re-sent later: that duplicate is skipped, not dead-lettered again
    deliveries = [*healthy[:20], healthy[3], poison, *healthy[20:], healthy[25], poison,
                  healthy[30]]
    producer = make_producer(kafka_bootstrap, client_id="test-readmodel")
    await producer.start()
    try:
        for event in deliveries:  # one key: one partition, so one poll batch
            await producer.send_and_wait(topic, value=orjson.dumps(event.data), key=b"k",
                                         headers=encode_kafka_headers(event.envelope))
    finally:
        await producer.stop()

    admin = await asyncpg.connect(dsn)
    await admin.execute("CREATE SCHEMA rm_poison")
    await admin.execute("SET search_path TO rm_poison")
    await admin.execute(READ_MODEL_DDL)
    pool = await create_pool(dsn, min_size=1, max_size=3,
                             server_settings={"search_path": "rm_poison"})
    handler = Recording()
    runner = ConsumerRunner(
        pool=pool, consumer=make_consumer(kafka_bootstrap, group_id=None, client_id="rm-test"),
        dlq_producer=make_producer(kafka_bootstrap, client_id="rm-test-dlq"),
        handler=handler,
        config=RunnerConfig(consumer="readmodel", topics=(topic,), group_id=None,
                            max_attempts=2, retry_backoff_s=0.01))
    await runner.start()
    try:
        async with asyncio.timeout(60):
            while sum(runner.positions.values()) < len(deliveries):
                await runner.poll_once()
    finally:
        await runner.close()
    try:
        assert runner.dead_lettered == 1
        actual = await snapshot(admin)
        # the dead-lettered id is the only one in processed_events
        assert [r[0] for r in await admin.fetch("SELECT event_id FROM processed_events")] == [
            poison_env.event_id]
    finally:
        await pool.close()
        await admin.close()
    assert actual == await build(dsn, [[e] for e in healthy])
    # The poison was isolated one record at a time; the records after it went back to
    # the batch path.
    assert handler.sizes[-1] > 1
    assert len(handler.sizes) < len(healthy)
    async with asyncio.timeout(30):
        dead = await read_dead(kafka_bootstrap, dead_letter_topic(topic))
    assert "does not match its contract" in dict(dead.headers)["gotong_error"].decode()


async def read_dead(bootstrap: str, topic: str) -> Any:
    from aiokafka import AIOKafkaConsumer

    consumer = AIOKafkaConsumer(topic, bootstrap_servers=bootstrap,
                                **KafkaAuth.from_env().client_kwargs(),
                                auto_offset_reset="earliest", enable_auto_commit=False)
    await consumer.start()
    try:
        return await consumer.getone()
    finally:
        await consumer.stop()
