"""End to end: Kafka is not the system of record.

Members, inventory and payments run with their relays and reaction consumers on real
Kafka and PostgreSQL (``e2e_support.federation``), and reporting's read-model consumer
beside them. A history is sent through the services' APIs (with the reactions it sets
off: payouts, savings accounts), and the read model follows it. Then:

* the topics are deleted, every service republishes its event store from position 1
  with ``python -m <service> republish``, and a rebuild from the new topics gives a
  read model equal, table by table and row by row, to the one built from the topics
  the relays filled; the running consumers, their positions for the old topics
  cleared, read the new ones from offset 0 and change nothing;
* republished over topics that still hold every event, the duplicates change neither
  the read model nor any service (no reaction is decided twice).

Two read models are compared as their tables' rows in text, ordered by primary key,
every column but ``BOOKKEEPING``'s: which Kafka offset a consumer stopped at and when it
wrote it are about the topic and the moment, not about the events.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import asyncpg
import pytest
import pytest_asyncio
from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient
from builders import (
    a_cooperative,
    a_deposit,
    a_goods_receipt,
    a_loan,
    a_member,
    a_product,
    a_sale,
    a_warehouse,
)
from e2e_support import JWT_KEY, Federation, eventually, records_on

from gotong_platform.cli import run_service_cli
from gotong_platform.consumer import ConsumerRunner
from gotong_platform.db import create_pool
from gotong_platform.kafka import KafkaAuth, delete_topics
from gotong_platform.migrations import upgrade
from gotong_platform.outbox import measure_backlog
from reporting.adapters.consumer import CONSUMER_NAME, build_runner, schema_pool
from reporting.adapters.read_model.versions import ensure_live
from reporting.main import rebuild
from reporting.settings import ReportingSettings

pytestmark = pytest.mark.e2e

SERVICES = ("members", "inventory", "payments")
# Columns left out of the comparison, by table, and why they legitimately differ:
BOOKKEEPING = {
    # The Kafka offset a consumer goes on from: offsets of a recreated topic are not the
    # old topic's (the relay's re-sends are not on it; the streams of a partition may
    # interleave otherwise), and duplicates read move it on while changing nothing.
    "consumer_positions": {"next_offset", "updated_at"},  # updated_at: when it was written
    # When a report's figures were computed and kept (a cache of the API's reads).
    "stored_figures": {"computed_at"},
}


@dataclass
class ReadModel:
    """Reporting's live read model and its consumer, which a test stops and starts."""

    settings: ReportingSettings
    schema: str
    pool: asyncpg.Pool
    runner: ConsumerRunner | None = None
    task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        self.runner = await build_runner(self.settings, self.pool, group_id=None,
                                         client_id="e2e-republish-reporting")
        self.task = asyncio.create_task(self.runner.run())

    async def stop(self) -> None:
        if self.runner is not None and self.task is not None:
            self.runner.stop()
            await self.task
            self.runner = self.task = None


@pytest_asyncio.fixture
async def read_model(federation: Federation, database_factory: Any
                     ) -> AsyncIterator[ReadModel]:
    settings = ReportingSettings(
        database_url=await database_factory("rr"), kafka_bootstrap=federation.bootstrap,
        topics=tuple(federation.topics[s] for s in SERVICES), jwt_key=JWT_KEY)
    await upgrade(settings.database_url, settings.migrations_dir)
    admin = await create_pool(settings.database_url, max_size=2)
    schema = await ensure_live(admin)
    model = ReadModel(settings, schema, await schema_pool(settings, schema))
    await model.start()
    try:
        yield model
    finally:
        await model.stop()
        await model.pool.close()
        await admin.close()


async def a_history(f: Federation) -> None:
    """Two cooperatives' members, shop, sales, produce bought (a payout by payments'
    reaction), savings and a loan, through the services' APIs."""
    a = await a_cooperative(f, "Koperasi Serba Usaha Kambera", "5311")
    b = await a_cooperative(f, "Koperasi Tani Wanokaka", "5302")
    a1, a2 = await a_member(f, a, gender="P"), await a_member(f, a, gender="L")
    b1 = await a_member(f, b, gender="P")
    shop = await a_warehouse(f, a, "Gerai A", "shop")
    rice = await a_product(f, a, "BRS-5KG", "staple_goods", "pcs",
                           {"member": 70_000, "non_member": 75_000})
    await a_goods_receipt(f, a, shop, rice, 50, 3_100_000)
    await a_sale(f, a, shop, [(rice, 2, 70_000)], a1)
    await a_sale(f, a, shop, [(rice, 1, 75_000)], None, to_cooperative=b.cooperative_id)
    store = await a_warehouse(f, a, "Gudang Kopi", "warehouse")
    coffee = await a_product(f, a, "KOPI-GB", "farm_produce", "g",
                             {"buy_from_member": 45_000}, per_qty=1000)
    await f.post(f.inventory, a.path(f"/warehouses/{store}/produce-receipts"), {
        "member_id": a2, "product_id": coffee, "gross_qty_g": 10_300, "tare_g": 300,
        "grade": "A", "lot_id": "KOPI-1", "harvest_date": f.today.isoformat()}, a.clerk,
        expect=201)
    for c, member, kind, amount in ((a, a1, "pokok", 100_000), (a, a1, "sukarela", 50_000),
                                    (b, b1, "pokok", 100_000)):
        await a_deposit(f, c, member, kind, amount)
    await a_loan(f, b, b1, 500_000, applied=f.today - timedelta(days=20),
                 first_due=f.today + timedelta(days=10))


async def end_offsets(bootstrap: str, topics: list[str]) -> dict[tuple[str, int], int]:
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False,
                                **KafkaAuth.from_env().client_kwargs())
    await consumer.start()
    try:
        await consumer._client.force_metadata_update()
        tps = [TopicPartition(t, p) for t in topics
               for p in consumer.partitions_for_topic(t) or []]
        return {(tp.topic, tp.partition): end for tp, end in
                (await consumer.end_offsets(tps)).items()}
    finally:
        await consumer.stop()


async def positions(dsn: str, consumer: str, schema: str | None = None
                    ) -> dict[tuple[str, int], int]:
    conn = await asyncpg.connect(dsn, server_settings={"search_path": schema or "public"})
    try:
        rows = await conn.fetch("SELECT topic, partition, next_offset FROM consumer_positions"
                                " WHERE consumer = $1", consumer)
    finally:
        await conn.close()
    return {(r["topic"], r["partition"]): r["next_offset"] for r in rows}


async def settle(f: Federation, model: ReadModel) -> None:
    """Until nothing moves: every outbox drained, and the read model and the running
    reaction consumers at the end of every partition they read (twice in a row, so a
    reaction's events, published meanwhile, are followed too)."""
    topics = [f.topics[s] for s in SERVICES]
    readers = [(model.settings.database_url, CONSUMER_NAME, model.schema, topics)] + [
        (c.dsn, c.name, None, list(c.topics)) for c in f.consumers.values() if c.runner]

    async def still() -> bool:
        for s in f.settings.values():
            if (await measure_backlog(s.database_url))[0]:
                return False
        ends = await end_offsets(f.bootstrap, topics)
        for dsn, consumer, schema, read in readers:
            at = await positions(dsn, consumer, schema)
            if any(at.get(tp, 0) != end for tp, end in ends.items() if tp[0] in read):
                return False
        return True

    async def twice() -> bool:
        if not await still():
            return False
        await asyncio.sleep(0.5)
        return await still()
    await eventually(twice, timeout_s=90)


async def dump(dsn: str, schema: str) -> dict[str, list[str]]:
    """Every table of ``schema``: its rows as PostgreSQL's text of them, without the
    ``BOOKKEEPING`` columns, ordered by primary key."""
    conn = await asyncpg.connect(dsn)
    try:
        tables = [r["tablename"] for r in await conn.fetch(
            "SELECT tablename FROM pg_tables WHERE schemaname = $1 ORDER BY tablename",
            schema)]
        out: dict[str, list[str]] = {}
        for table in tables:
            columns = [r["column_name"] for r in await conn.fetch(
                "SELECT column_name FROM information_schema.columns WHERE table_schema = $1"
                " AND table_name = $2 ORDER BY ordinal_position", schema, table)
                if r["column_name"] not in BOOKKEEPING.get(table, set())]
            key = [r["attname"] for r in await conn.fetch(
                "SELECT a.attname FROM pg_index i JOIN pg_attribute a ON a.attrelid ="
                " i.indrelid AND a.attnum = ANY(i.indkey) WHERE i.indrelid = $1::regclass"
                " AND i.indisprimary ORDER BY array_position(i.indkey, a.attnum)",
                f'"{schema}"."{table}"')] or columns
            listed = ", ".join(f'"{c}"' for c in columns)
            order = ", ".join(f'"{c}"' for c in key)
            out[table] = [r[0] for r in await conn.fetch(
                f'SELECT ROW({listed})::text FROM "{schema}"."{table}" ORDER BY {order}')]
        return out
    finally:
        await conn.close()


async def event_counts(f: Federation) -> dict[str, int]:
    counts = {}
    for name, s in f.settings.items():
        conn = await asyncpg.connect(s.database_url)
        try:
            counts[name] = await conn.fetchval("SELECT count(*) FROM events")
        finally:
            await conn.close()
    return counts


async def republish_all(f: Federation, capsys: pytest.CaptureFixture[str]) -> dict[str, str]:
    """``python -m <service> republish --from-position 1`` for each service (the relays
    stopped, as the runbook says); the last line each printed."""
    said = {}
    for name in SERVICES:
        settings = f.settings[name]
        status = await asyncio.to_thread(
            run_service_cli, service=name, port=0, settings=lambda s=settings: s,
            argv=["republish", "--from-position", "1"])
        out = capsys.readouterr().out.strip().splitlines()
        assert status == 0, out
        said[name] = out[-1]
    return said


async def delete_and_wait(bootstrap: str, topics: list[str]) -> None:
    """Delete ``topics`` and wait until the broker no longer lists them (a topic being
    deleted cannot be created again yet)."""
    await delete_topics(bootstrap, topics)
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap, client_id="e2e-admin",
                                **KafkaAuth.from_env().client_kwargs())
    await admin.start()
    try:
        async def gone() -> bool:
            return not set(topics) & set(await admin.list_topics())
        await eventually(gone)
    finally:
        await admin.close()


async def test_topics_deleted_republished_and_rebuilt_give_the_same_read_model(
    federation: Federation, read_model: ReadModel, capsys: pytest.CaptureFixture[str],
) -> None:
    f = federation
    await a_history(f)
    await settle(f, read_model)
    stored = await event_counts(f)
    # Nothing may reach a topic while it is gone: the relays and every consumer stop.
    await read_model.stop()
    for consumer in f.consumers.values():
        await consumer.pause()
    for relay in f.relays.values():
        await relay.stop()
    topics = [f.topics[s] for s in SERVICES]
    relayed = {t: len(await records_on(f.bootstrap, t)) for t in topics}
    await delete_and_wait(f.bootstrap, topics)

    said = await republish_all(f, capsys)  # creates each topic again, as the relay would

    for name in SERVICES:
        events = len(await records_on(f.bootstrap, f.topics[name]))
        assert said[name].startswith(f"{name}: republished {events} events to "
                                     f"{f.topics[name]}, positions ")
        # Every published event once (the relay may have sent some twice).
        assert 0 < events <= relayed[f.topics[name]]
        assert events <= stored[name]
    result = await rebuild(read_model.settings)
    assert result.identical_to_live is True  # the reports, as reporting compares them
    live = await dump(read_model.settings.database_url, read_model.schema)
    rebuilt = await dump(read_model.settings.database_url, result.schema)
    assert sorted(rebuilt) == sorted(live)
    for table in live:
        assert rebuilt[table] == live[table], table
    # Not two empty models: the history is in them.
    for table in ("members", "fact_sale_lines", "fact_savings", "fact_loans", "fact_produce"):
        assert live[table], table
    assert live["dead_letters"] == []

    # The running consumers' positions name offsets of the deleted topics: cleared (the
    # runbook's step), each reads its recreated topics from offset 0 and skips by event
    # id everything it applied. Nothing changes: no reaction is decided twice.
    await clear_positions(read_model.settings.database_url, topics, read_model.schema)
    for consumer in f.consumers.values():
        await clear_positions(consumer.dsn, topics)
        await consumer.start()
    await read_model.start()
    for relay in f.relays.values():
        relay.start()
    await settle(f, read_model)
    assert await dump(read_model.settings.database_url, read_model.schema) == live
    assert await event_counts(f) == stored


async def clear_positions(dsn: str, topics: list[str], schema: str | None = None) -> None:
    conn = await asyncpg.connect(dsn, server_settings={"search_path": schema or "public"})
    try:
        await conn.execute("DELETE FROM consumer_positions WHERE topic = ANY($1::text[])",
                           topics)
    finally:
        await conn.close()


async def test_a_republish_over_intact_topics_changes_nothing(
    federation: Federation, read_model: ReadModel, capsys: pytest.CaptureFixture[str],
) -> None:
    f = federation
    await a_history(f)
    await settle(f, read_model)
    before = await dump(read_model.settings.database_url, read_model.schema)
    stored = await event_counts(f)
    topics = [f.topics[s] for s in SERVICES]
    relayed = {t: len(await records_on(f.bootstrap, t)) for t in topics}
    for relay in f.relays.values():
        await relay.stop()

    said = await republish_all(f, capsys)  # the consumers keep running meanwhile

    for relay in f.relays.values():
        relay.start()
    await settle(f, read_model)
    for name in SERVICES:
        republished = int(said[name].split(" republished ")[1].split()[0])
        assert republished > 0
        # Every event is on its topic twice now, and read twice by every consumer...
        assert len(await records_on(f.bootstrap, f.topics[name])) == (
            relayed[f.topics[name]] + republished)
    # ...which changed neither the read model nor any service (no reaction decided twice).
    assert await dump(read_model.settings.database_url, read_model.schema) == before
    assert await event_counts(f) == stored
    assert before["members"]
    assert before["fact_sale_lines"]


async def test_republish_refuses_while_a_relay_is_active(
    federation: Federation, capsys: pytest.CaptureFixture[str],
) -> None:
    settings = federation.settings["members"]

    async def active() -> bool:
        relay = federation.relays["members"].relay
        return relay is not None and relay.is_leader
    await eventually(active)
    status = await asyncio.to_thread(
        run_service_cli, service="members", port=0, settings=lambda: settings,
        argv=["republish", "--from-position", "1"])
    err = capsys.readouterr().err
    assert status == 2
    assert "members: republish refused, nothing sent: the members relay is active" in err
