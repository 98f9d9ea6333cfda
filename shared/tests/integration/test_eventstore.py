"""Event store on real PostgreSQL: append, load, optimistic concurrency."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

import asyncpg
import pytest

from gotong_platform.calendar import FixedClock
from gotong_platform.db import create_pool
from gotong_platform.domain import ConcurrencyConflict
from gotong_platform.eventstore import AlsoWrite, PostgresEventStore, StreamAppend

from .helpers import a_new_event, install_schema

pytestmark = pytest.mark.integration


@pytest.fixture
async def pool(database_factory):  # type: ignore[no-untyped-def]
    dsn = await database_factory("es")
    pool = await create_pool(dsn, min_size=1, max_size=30)
    async with pool.acquire() as conn:
        await install_schema(conn)
    yield pool
    await pool.close()


async def test_append_then_load_returns_events_in_version_order(pool: asyncpg.Pool) -> None:
    store = PostgresEventStore(source="test", topic="t")
    async with pool.acquire() as conn, conn.transaction():
        first = await store.append(conn, "s-1", 0, [a_new_event(), a_new_event()])
        second = await store.append(conn, "s-1", 2, [a_new_event(payload={"n": 3})])
    async with pool.acquire() as conn:
        loaded = await store.load(conn, "s-1")
        outbox = await conn.fetchval("SELECT count(*) FROM outbox")
    assert [r.envelope.stream_version for r in loaded] == [1, 2, 3]
    assert [e.stream_version for e in first + second] == [1, 2, 3]
    assert loaded[2].payload == {"n": 3}
    positions = [r.envelope.global_position for r in loaded]
    assert positions == sorted(positions)
    assert outbox == 3


async def test_unpublished_events_are_stored_but_not_queued(pool: asyncpg.Pool) -> None:
    store = PostgresEventStore(source="test", topic="t")
    async with pool.acquire() as conn, conn.transaction():
        await store.append(conn, "s-2", 0, [a_new_event(public_payload=None), a_new_event()])
    async with pool.acquire() as conn:
        assert await conn.fetchval("SELECT count(*) FROM events WHERE stream_id='s-2'") == 2
        assert await conn.fetchval("SELECT count(*) FROM outbox") == 1


async def test_concurrent_writers_on_one_stream_one_wins_no_lost_update(
    pool: asyncpg.Pool,
) -> None:
    store = PostgresEventStore(source="test", topic="t")
    async with pool.acquire() as conn, conn.transaction():
        await store.append(conn, "s-3", 0, [a_new_event()])

    async def writer(i: int) -> bool:
        try:
            async with pool.acquire() as conn, conn.transaction():
                await store.append(conn, "s-3", 1, [a_new_event(payload={"writer": i})])
                await asyncio.sleep(0.01)  # hold the transaction open: real overlap
            return True
        except ConcurrencyConflict:
            return False

    results = await asyncio.gather(*(writer(i) for i in range(20)))
    assert results.count(True) == 1
    async with pool.acquire() as conn:
        loaded = await store.load(conn, "s-3")
        queued = await conn.fetchval("SELECT count(*) FROM outbox")
    assert [r.envelope.stream_version for r in loaded] == [1, 2]
    # The losers left nothing behind: no event, no outbox row.
    assert queued == 2


async def test_failed_transaction_leaves_neither_event_nor_outbox_row(pool: asyncpg.Pool) -> None:
    store = PostgresEventStore(source="test", topic="t")
    async def failing_command() -> None:
        async with pool.acquire() as conn, conn.transaction():
            await store.append(conn, "s-4", 0, [a_new_event()])
            raise RuntimeError("the handler failed after appending")

    with pytest.raises(RuntimeError):
        await failing_command()
    async with pool.acquire() as conn:
        assert await conn.fetchval("SELECT count(*) FROM events WHERE stream_id='s-4'") == 0
        assert await conn.fetchval("SELECT count(*) FROM outbox") == 0


async def test_also_writes_run_in_the_append_statement_with_their_own_parameters(
    pool: asyncpg.Pool,
) -> None:
    store = PostgresEventStore(source="test", topic="t")
    async with pool.acquire() as conn:
        await conn.execute("CREATE TABLE side (k text PRIMARY KEY, n int NOT NULL)")
    also = [
        AlsoWrite([("rows_a", "SELECT * FROM unnest($1::text[], $2::int[]) AS r(k, n)"),
                   ("put_a", "INSERT INTO side (k, n) SELECT k, n FROM rows_a")],
                  (["a1", "a2"], [1, 2])),
        AlsoWrite([("put_b", "INSERT INTO side (k, n) VALUES ($1, $2)")], ("b", 3)),
    ]
    async with pool.acquire() as conn, conn.transaction():
        appended = await store.append_streams(
            conn, [StreamAppend("s-5", 0, [a_new_event(), a_new_event()])], also)
    assert [e.stream_version for e in appended[0]] == [1, 2]
    async with pool.acquire() as conn:
        side = await conn.fetch("SELECT k, n FROM side ORDER BY k")
        assert [(r["k"], r["n"]) for r in side] == [("a1", 1), ("a2", 2), ("b", 3)]
        assert await conn.fetchval("SELECT count(*) FROM outbox") == 2

    # A conflicting append raises ConcurrencyConflict and keeps none of its writes.
    with pytest.raises(ConcurrencyConflict):
        async with pool.acquire() as conn, conn.transaction():
            await store.append_streams(
                conn, [StreamAppend("s-5", 1, [a_new_event()])],
                [AlsoWrite([("put_c", "INSERT INTO side (k, n) VALUES ($1, $2)")], ("c", 4))])
    async with pool.acquire() as conn:
        assert await conn.fetchval("SELECT count(*) FROM side") == 3
        assert await conn.fetchval("SELECT count(*) FROM events WHERE stream_id='s-5'") == 2


async def test_the_write_path_stores_what_append_stores_at_the_stores_clock(
    pool: asyncpg.Pool,
) -> None:
    clock = FixedClock(datetime(2028, 2, 29, 15, 0, 30, tzinfo=UTC))
    store = PostgresEventStore(source="test", topic="t", clock=clock)
    awkward = {"name": "Ina \"Ama\" \\ Lawa", "emoji": "\u2615", "n": 2**62, "none": None,
               "nested": {"list": [1, "dua", {"tiga": 3.5}]}}
    naive = datetime(2028, 2, 29, 8, 0)  # a device time without an offset: taken as UTC
    async with pool.acquire() as conn, conn.transaction():
        appended = await store.append(conn, "s-append", 0, [a_new_event(payload=awkward)])
        await store.write_streams(conn, [
            StreamAppend("s-write", 0, [a_new_event(payload=awkward), a_new_event(
                payload='{"as": "text"}', public_payload=None, occurred_at=naive)])])
    async with pool.acquire() as conn:
        by_append = await store.load(conn, "s-append")
        by_write = await store.load(conn, "s-write")
        queued = await conn.fetch("SELECT e.stream_id, o.payload FROM outbox o "
                                  "JOIN events e USING (event_id) ORDER BY o.position")
    assert by_write[0].payload == by_append[0].payload == awkward
    assert by_write[1].payload == {"as": "text"}
    assert by_write[1].envelope.occurred_at == naive.replace(tzinfo=UTC)
    # recorded_at is the store's clock, so a test that sets the clock sees one moment.
    assert {r.envelope.recorded_at for r in by_append + by_write} == {clock.now()}
    assert appended[0].recorded_at == clock.now()
    assert [r["stream_id"] for r in queued] == ["s-append", "s-write"]  # the text one: not


async def test_the_write_path_refuses_a_stale_version_and_keeps_nothing_of_the_statement(
    pool: asyncpg.Pool,
) -> None:
    store = PostgresEventStore(source="test", topic="t")
    async with pool.acquire() as conn:
        await conn.execute("CREATE TABLE side_w (k text PRIMARY KEY)")
        await store.write(conn, "s-w", 0, [a_new_event()])
        with pytest.raises(ConcurrencyConflict, match="s-w"):
            async with conn.transaction():
                await store.write_streams(
                    conn, [StreamAppend("s-fresh", 0, [a_new_event()]),
                           StreamAppend("s-w", 0, [a_new_event()])],
                    [AlsoWrite([("put", "INSERT INTO side_w (k) VALUES ($1)")], ("x",))])
        assert await conn.fetchval("SELECT count(*) FROM side_w") == 0
        assert await conn.fetchval(
            "SELECT count(*) FROM events WHERE stream_id IN ('s-fresh', 's-w')") == 1


async def test_replay_decodes_every_stored_event_in_order_and_folds_them(
    pool: asyncpg.Pool,
) -> None:
    store = PostgresEventStore(source="test", topic="t")
    async with pool.acquire() as conn, conn.transaction():
        await store.append(conn, "s-replay", 0, [a_new_event(payload={"n": n}, schema_version=n)
                                                 for n in (1, 2, 3)])

    def decode(event_type: str, payload: Mapping[str, Any], *, schema_version: int = 1
               ) -> tuple[str, int, int]:
        return event_type, payload["n"], schema_version

    def fold(events: list[tuple[str, int, int]]) -> list[tuple[str, int, int]] | None:
        return events or None

    async with pool.acquire() as conn:
        state, version = await store.replay(conn, "s-replay", decode, fold)
        empty = await store.replay(conn, "s-none", decode, fold)
    assert state == [("ThingHappened", 1, 1), ("ThingHappened", 2, 2), ("ThingHappened", 3, 3)]
    assert version == 3
    assert empty == (None, 0)
