"""Offline batch sync on a REAL PostgreSQL: once per fact, per-item transactions or set-wise
runs, gaps."""

from __future__ import annotations

import asyncio
import dataclasses
import uuid
from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any

import asyncpg
import orjson
import pytest

from gotong_platform.calendar import FixedClock
from gotong_platform.db import DbConnection, create_pool
from gotong_platform.domain import ConcurrencyConflict, DomainError, InvalidInput
from gotong_platform.sync import (
    DEVICE_SYNC_DDL,
    BatchDecision,
    HandlerOutcome,
    ItemHandler,
    SyncBatch,
    SyncBatchResult,
    SyncContext,
    SyncItem,
    process_batch,
    process_batch_json,
)
from gotong_platform.sync.processor import _ITEM_CONFLICT_TRIES
from gotong_testing import business_now

pytestmark = pytest.mark.integration

COOP = "kop-tani-makmur"
DEVICE = "hp-03"
EFFECTS_DDL = """
CREATE TABLE sales (
    cooperative_id text NOT NULL,
    client_id      text NOT NULL,
    amount_idr     bigint NOT NULL,
    PRIMARY KEY (cooperative_id, client_id)
)
"""


@pytest.fixture
async def pool(database_factory):  # type: ignore[no-untyped-def]
    dsn = await database_factory("sync")
    pool = await create_pool(dsn, min_size=1, max_size=12)
    async with pool.acquire() as conn:
        await conn.execute(DEVICE_SYNC_DDL)
        await conn.execute(EFFECTS_DDL)
    yield pool
    await pool.close()


@dataclasses.dataclass
class RecordSale:
    """Writes the sale first, THEN refuses it if asked: the refusal must undo the write."""

    seen: list[SyncContext] = dataclasses.field(default_factory=list)
    delay_s: float = 0.0

    async def __call__(
        self, conn: DbConnection, item: SyncItem, context: SyncContext
    ) -> HandlerOutcome:
        self.seen.append(context)
        await conn.execute(
            "INSERT INTO sales (cooperative_id, client_id, amount_idr) VALUES ($1, $2, $3)",
            context.cooperative_id, item.client_id, item.payload["amount_idr"],
        )
        if self.delay_s:
            await asyncio.sleep(self.delay_s)  # widen the race window
        if item.payload.get("refuse"):
            raise InvalidInput(f"sale {item.client_id} refused")
        if item.payload.get("explode"):
            raise RuntimeError("a bug in the handler")
        flags = ["went_negative"] if item.payload.get("negative") else []
        return HandlerOutcome(
            result={"receipt_no": f"R-{item.device_seq}", "at": context.received_at}, flags=flags
        )


NOW = business_now()
CLOCK = FixedClock(NOW)  # the service's clock: every upload arrives at NOW
ZONE = "WIB"


def an_item(seq: int, **payload: Any) -> SyncItem:
    today = NOW
    return SyncItem(
        client_id=f"client-{seq}-{uuid.uuid4().hex[:8]}", device_seq=seq, type="sale",
        occurred_at=today - timedelta(minutes=5), business_date=today.date(),
        payload={"amount_idr": 1000 * seq, **payload},
    )


def a_batch(*items: SyncItem, device_id: str = DEVICE) -> SyncBatch:
    return SyncBatch(device_id=device_id, items=list(items))


async def upload(
    pool: asyncpg.Pool,
    batch: SyncBatch,
    handler: ItemHandler | None = None,
    *,
    cooperative_id: str = COOP,
    correlation: str | None = None,
) -> SyncBatchResult:
    return await process_batch(
        pool, cooperative_id=cooperative_id, batch=batch,
        handlers={"sale": handler or RecordSale()}, actor="user-collector-1",
        correlation=correlation, clock=CLOCK, time_zone=ZONE,
    )


async def sales(pool: asyncpg.Pool, cooperative_id: str = COOP) -> list[str]:
    async with pool.acquire() as conn:
        rows = await conn.fetch(
            "SELECT client_id FROM sales WHERE cooperative_id = $1 ORDER BY amount_idr",
            cooperative_id,
        )
    return [r["client_id"] for r in rows]


async def stored_seqs(pool: asyncpg.Pool, device_id: str = DEVICE) -> list[int]:
    async with pool.acquire() as conn:
        rows = await conn.fetch(
            "SELECT device_seq FROM device_facts WHERE device_id = $1 ORDER BY device_seq",
            device_id,
        )
    return [r["device_seq"] for r in rows]


def statuses(result: SyncBatchResult) -> list[str]:
    return [r.status for r in result.results]


async def test_the_same_batch_twice_is_recorded_once_and_answered_the_same(
    pool: asyncpg.Pool,
) -> None:
    batch = a_batch(an_item(1), an_item(2, negative=True), an_item(3))
    first = await upload(pool, batch)
    second = await upload(pool, batch)

    assert statuses(first) == ["accepted"] * 3
    assert first.results[1].flags == ["went_negative"]
    assert first.results[0].result is not None
    assert first.results[0].result["receipt_no"] == "R-1"
    assert statuses(second) == ["duplicate"] * 3
    for before, again in zip(first.results, second.results, strict=True):
        assert again.result == {"status": "accepted", "code": None, "result": before.result}
        assert again.flags == before.flags
        assert (again.client_id, again.device_seq) == (before.client_id, before.device_seq)
    assert await sales(pool) == [i.client_id for i in batch.items]
    assert (first.gaps, first.highest_seq) == ([], 3)
    assert (second.gaps, second.highest_seq) == ([], 3)


async def test_a_refused_item_leaves_no_effect_and_later_items_still_run(
    pool: asyncpg.Pool,
) -> None:
    batch = a_batch(an_item(1), an_item(2, refuse=True), an_item(3))
    result = await upload(pool, batch)

    assert statuses(result) == ["accepted", "rejected", "accepted"]
    refused = result.results[1]
    assert refused.code == "invalid-input"
    assert refused.detail == f"sale {batch.items[1].client_id} refused"
    assert refused.result is None
    assert await sales(pool) == [batch.items[0].client_id, batch.items[2].client_id]
    # The refusal is recorded: the seq is not a gap, and a resend stays refused.
    assert (result.gaps, result.highest_seq) == ([], 3)
    again = await upload(pool, batch)
    assert statuses(again) == ["duplicate"] * 3
    assert again.results[1].code == "invalid-input"
    assert again.results[1].result == {"status": "rejected", "code": "invalid-input",
                                       "result": None}
    assert len(await sales(pool)) == 2


@dataclasses.dataclass
class LosesRaces:
    """Records the sale, then reports a lost race ``losses`` times before succeeding."""

    losses: int
    calls: int = 0

    async def __call__(
        self, conn: DbConnection, item: SyncItem, context: SyncContext
    ) -> HandlerOutcome:
        self.calls += 1
        await conn.execute(
            "INSERT INTO sales (cooperative_id, client_id, amount_idr) VALUES ($1, $2, $3)",
            context.cooperative_id, item.client_id, item.payload["amount_idr"],
        )
        if self.calls <= self.losses:
            raise ConcurrencyConflict("another writer appended to the stream first")
        return HandlerOutcome(result={"receipt_no": f"R-{item.device_seq}"})


async def test_a_fact_that_loses_a_race_is_decided_again_not_refused(
    pool: asyncpg.Pool,
) -> None:
    handler = LosesRaces(losses=2)
    batch = a_batch(an_item(1))
    result = await upload(pool, batch, handler)
    assert statuses(result) == ["accepted"]
    assert handler.calls == 3
    # Each lost attempt's write was undone with its savepoint: the sale is stored once.
    assert await sales(pool) == [batch.items[0].client_id]


async def test_a_fact_that_keeps_losing_races_is_rejected_with_nothing_stored(
    pool: asyncpg.Pool,
) -> None:
    handler = LosesRaces(losses=1_000)
    result = await upload(pool, a_batch(an_item(1)), handler)
    assert statuses(result) == ["rejected"]
    assert result.results[0].code == "concurrency-conflict"
    assert handler.calls == _ITEM_CONFLICT_TRIES  # bounded
    assert await sales(pool) == []


async def test_gaps_are_reported_and_cleared_when_the_missing_seqs_arrive(
    pool: asyncpg.Pool,
) -> None:
    first = await upload(pool, a_batch(an_item(1), an_item(2), an_item(5)))
    assert (first.gaps, first.highest_seq) == ([(3, 4)], 5)
    assert first.model_dump(mode="json")["gaps"] == [[3, 4]]

    resent = await upload(pool, a_batch(an_item(3), an_item(4)))
    assert statuses(resent) == ["accepted", "accepted"]
    assert (resent.gaps, resent.highest_seq) == ([], 5)
    assert await stored_seqs(pool) == [1, 2, 3, 4, 5]


async def test_gaps_are_per_device_and_per_cooperative(pool: asyncpg.Pool) -> None:
    await upload(pool, a_batch(an_item(1), an_item(4)))
    other_device = await upload(pool, a_batch(an_item(2), device_id="hp-04"))
    other_coop = await upload(pool, a_batch(an_item(1)), cooperative_id="kop-b")
    assert (other_device.gaps, other_device.highest_seq) == ([(1, 1)], 2)
    assert (other_coop.gaps, other_coop.highest_seq) == ([], 1)
    again = await upload(pool, a_batch(an_item(7)))
    assert (again.gaps, again.highest_seq) == ([(2, 3), (5, 6)], 7)


async def test_a_seq_already_holding_another_fact_is_rejected_and_nothing_stored(
    pool: asyncpg.Pool,
) -> None:
    original = an_item(1)
    await upload(pool, a_batch(original))
    clash = an_item(1)  # same seq, a different client_id
    result = await upload(pool, a_batch(clash, an_item(2)))

    assert statuses(result) == ["rejected", "accepted"]
    assert result.results[0].code == "device-seq-conflict"
    assert result.results[0].result is None
    assert await sales(pool) == [original.client_id, result.results[1].client_id]
    async with pool.acquire() as conn:
        holder = await conn.fetchval(
            "SELECT client_id FROM device_facts WHERE device_id = $1 AND device_seq = 1", DEVICE
        )
        clash_rows = await conn.fetchval(
            "SELECT count(*) FROM device_facts WHERE client_id = $1", clash.client_id
        )
    assert (holder, clash_rows) == (original.client_id, 0)


async def test_a_client_id_reused_under_another_seq_is_rejected(pool: asyncpg.Pool) -> None:
    original = an_item(1)
    await upload(pool, a_batch(original))
    reused = original.model_copy(update={"device_seq": 2})
    from_other_device = original.model_copy(update={"device_seq": 1})
    result = await upload(pool, a_batch(reused))
    other = await upload(pool, a_batch(from_other_device, device_id="hp-04"))

    assert statuses(result) == ["rejected"]
    assert result.results[0].code == "client-id-reused"
    assert other.results[0].code == "client-id-reused"
    assert await stored_seqs(pool) == [1]
    assert await stored_seqs(pool, "hp-04") == []
    assert await sales(pool) == [original.client_id]


async def test_an_unknown_fact_type_is_rejected_and_recorded(pool: asyncpg.Pool) -> None:
    odd = an_item(1).model_copy(update={"type": "produce_receipt"})
    result = await upload(pool, a_batch(odd, an_item(2)))
    assert statuses(result) == ["rejected", "accepted"]
    assert result.results[0].code == "unknown-fact-type"
    assert "produce_receipt" in (result.results[0].detail or "")
    again = await upload(pool, a_batch(odd))
    assert statuses(again) == ["duplicate"]
    assert again.results[0].code == "unknown-fact-type"
    assert again.results[0].result == {"status": "rejected", "code": "unknown-fact-type",
                                       "result": None}
    assert await stored_seqs(pool) == [1, 2]


async def test_the_same_ids_in_another_cooperative_are_another_fact(pool: asyncpg.Pool) -> None:
    item = an_item(1)
    here = await upload(pool, a_batch(item))
    there = await upload(pool, a_batch(item), cooperative_id="kop-b")
    assert statuses(here) == statuses(there) == ["accepted"]
    assert await sales(pool) == await sales(pool, "kop-b") == [item.client_id]


async def test_a_bug_fails_the_request_but_keeps_the_items_before_it(
    pool: asyncpg.Pool,
) -> None:
    items = [an_item(1), an_item(2), an_item(3, explode=True), an_item(4)]
    with pytest.raises(RuntimeError, match="a bug in the handler"):
        await upload(pool, a_batch(*items))
    assert await stored_seqs(pool) == [1, 2]
    assert await sales(pool) == [items[0].client_id, items[1].client_id]

    # The bug is fixed (the device resends the same batch; here the fact no longer explodes).
    fixed = items[2].model_copy(update={"payload": {"amount_idr": 3000}})
    retry = await upload(pool, a_batch(items[0], items[1], fixed, items[3]))
    assert statuses(retry) == ["duplicate", "duplicate", "accepted", "accepted"]
    assert await sales(pool) == [i.client_id for i in items]


async def test_clock_skew_and_late_uploads_are_flagged(pool: asyncpg.Pool) -> None:
    now = NOW
    on_time = an_item(1)
    ahead = an_item(2).model_copy(update={"occurred_at": now + timedelta(hours=13)})
    slightly_ahead = an_item(3).model_copy(update={"occurred_at": now + timedelta(hours=11)})
    yesterday = an_item(4).model_copy(update={"business_date": now.date() - timedelta(days=1)})
    late = an_item(5, negative=True).model_copy(
        update={"business_date": now.date() - timedelta(days=3)}
    )
    refused_late = an_item(6, refuse=True).model_copy(
        update={"business_date": now.date() - timedelta(days=40)}
    )
    result = await upload(pool, a_batch(on_time, ahead, slightly_ahead, yesterday, late,
                                        refused_late))
    assert [r.flags for r in result.results] == [
        [], ["clock_skew"], [], [], ["late_upload", "went_negative"], ["late_upload"],
    ]
    again = await upload(pool, a_batch(late))
    assert again.results[0].flags == ["late_upload", "went_negative"]


async def test_handlers_get_the_cooperative_device_actor_and_correlation(
    pool: asyncpg.Pool,
) -> None:
    handler = RecordSale()
    correlation = uuid.uuid4()
    batch = a_batch(an_item(1), an_item(2))
    await upload(pool, batch, handler, correlation=str(correlation))
    assert [c.meta.command_id for c in handler.seen] == [i.client_id for i in batch.items]
    for context in handler.seen:
        assert (context.cooperative_id, context.device_id) == (COOP, DEVICE)
        assert context.meta.actor == "user-collector-1"
        assert context.meta.correlation_id == correlation
        assert context.received_at.tzinfo is not None


async def test_concurrent_uploads_of_the_same_batch_record_each_fact_once(
    pool: asyncpg.Pool,
) -> None:
    batch = a_batch(*(an_item(seq, refuse=(seq % 7 == 0)) for seq in range(1, 31)))
    handler = RecordSale(delay_s=0.002)
    answers = await asyncio.gather(*(upload(pool, batch, handler) for _ in range(6)))

    expected = [i.client_id for i in batch.items if not i.payload.get("refuse")]
    assert sorted(await sales(pool)) == sorted(expected)
    assert await stored_seqs(pool) == list(range(1, 31))
    for position, item in enumerate(batch.items):
        outcomes = [a.results[position].status for a in answers]
        first = "rejected" if item.payload.get("refuse") else "accepted"
        # Exactly one upload ran the item; every other one saw its committed answer.
        assert sorted(outcomes) == sorted([first] + ["duplicate"] * 5), (item.device_seq, outcomes)
    # Each handler call ran once per fact (a blocked duplicate never reaches the handler).
    assert len(handler.seen) == 30
    assert all((a.gaps, a.highest_seq) == ([], 30) for a in answers)


async def test_concurrent_overlapping_uploads_record_each_fact_once(pool: asyncpg.Pool) -> None:
    # A device retrying while an earlier upload still runs: each upload starts at a
    # different item, so different uploads win different items.
    items = [an_item(seq) for seq in range(1, 41)]
    starts = [0, 0, 8, 16, 24, 32]
    handler = RecordSale(delay_s=0.002)
    answers = await asyncio.gather(
        *(upload(pool, a_batch(*items[start:]), handler) for start in starts)
    )

    assert sorted(await sales(pool)) == sorted(i.client_id for i in items)
    accepted_by: dict[int, list[int]] = {}
    for upload_no, answer in enumerate(answers):
        for r in answer.results:
            assert r.status in ("accepted", "duplicate")
            if r.status == "accepted":
                accepted_by.setdefault(r.device_seq, []).append(upload_no)
    assert sorted(accepted_by) == list(range(1, 41))
    assert all(len(winners) == 1 for winners in accepted_by.values())
    assert len(handler.seen) == 40
    assert len({w[0] for w in accepted_by.values()}) > 1  # the race really interleaved


# --- set-wise: a BatchItemHandler -------------------------------------------------------


@dataclasses.dataclass
class RecordSales(RecordSale):
    """``RecordSale`` that can also decide a run of sales at once (writes afterwards)."""

    batches: list[list[int]] = dataclasses.field(default_factory=list)
    written: list[str] = dataclasses.field(default_factory=list)
    conflicts: int = 0  # raise ConcurrencyConflict this many times first

    async def decide_batch(
        self, conn: DbConnection, entries: Sequence[tuple[SyncItem, SyncContext]]
    ) -> BatchDecision:
        self.batches.append([item.device_seq for item, _ in entries])
        if self.delay_s:
            await asyncio.sleep(self.delay_s)
        if self.conflicts:
            self.conflicts -= 1
            raise ConcurrencyConflict("someone else wrote first")
        outcomes: list[HandlerOutcome | DomainError] = []
        rows = []
        for item, context in entries:
            self.seen.append(context)
            if item.payload.get("explode"):
                raise RuntimeError("a bug in the handler")
            if item.payload.get("refuse"):
                outcomes.append(InvalidInput(f"sale {item.client_id} refused"))
                continue
            rows.append((context.cooperative_id, item.client_id, item.payload["amount_idr"]))
            flags = ["went_negative"] if item.payload.get("negative") else []
            outcomes.append(HandlerOutcome(
                result={"receipt_no": f"R-{item.device_seq}", "at": context.received_at},
                flags=flags))

        async def write(conn: DbConnection) -> None:
            await conn.executemany(
                "INSERT INTO sales (cooperative_id, client_id, amount_idr) VALUES ($1, $2, $3)",
                rows)
            self.written.extend(r[1] for r in rows)

        return BatchDecision(outcomes=outcomes, write=write)


async def record_note(conn: DbConnection, item: SyncItem, context: SyncContext) -> HandlerOutcome:
    """An item-by-item type between the set-wise ones."""
    await conn.execute(
        "INSERT INTO sales (cooperative_id, client_id, amount_idr) VALUES ($1, $2, $3)",
        context.cooperative_id, item.client_id, -item.device_seq)
    return HandlerOutcome(result={"note": item.device_seq})


def a_mixed_batch(device_id: str = DEVICE) -> SyncBatch:
    items = [an_item(1), an_item(2, refuse=True), an_item(3, negative=True),
             an_item(4).model_copy(update={"type": "note"}),
             an_item(5).model_copy(update={"type": "produce_receipt"}), an_item(6),
             an_item(8, refuse=True), an_item(9).model_copy(update={"type": "odd"})]
    return a_batch(*items, device_id=device_id)


def comparable(result: SyncBatchResult) -> list[Any]:
    """The answers without the time of receipt (the two uploads differ in it)."""
    return [(r.device_seq, r.status, r.code, r.detail,
             r.result and {k: v for k, v in r.result.items() if k != "at"}, r.flags)
            for r in result.results] + [result.gaps, result.highest_seq]


async def test_a_batch_handler_records_runs_set_wise_with_the_answers_of_item_by_item(
    pool: asyncpg.Pool,
) -> None:
    batch = a_mixed_batch()
    handler = RecordSales()
    handlers = {"sale": handler, "note": record_note}
    setwise = await process_batch(pool, cooperative_id=COOP, batch=batch, handlers=handlers,
                                  actor="user-1", correlation=None, clock=CLOCK,
                                  time_zone=ZONE)
    # Runs in device_seq order: sales 1-3, the note, then sales 6 and 8 with the unknown
    # types (5, 9) answered inside the run.
    assert handler.batches == [[1, 2, 3], [6, 8]]
    itemwise = await process_batch(pool, cooperative_id="kop-b", batch=batch,
                                   handlers={"sale": RecordSale(), "note": record_note},
                                   actor="user-1", correlation=None, clock=CLOCK,
                                  time_zone=ZONE)
    assert comparable(setwise) == comparable(itemwise)
    assert statuses(setwise) == ["accepted", "rejected", "accepted", "accepted", "rejected",
                                 "accepted", "rejected", "rejected"]
    assert await sales(pool) == await sales(pool, "kop-b")
    again = await process_batch(pool, cooperative_id=COOP, batch=batch, handlers=handlers,
                                actor="user-1", correlation=None, clock=CLOCK,
                                  time_zone=ZONE)
    assert statuses(again) == ["duplicate"] * len(batch.items)
    for first, dup in zip(setwise.results, again.results, strict=True):
        assert dup.result == {"status": first.status, "code": first.code,
                              "result": first.result}
        assert (dup.code, dup.detail, dup.flags) == (first.code, first.detail, first.flags)
    # A re-upload is decided once more (the run expects new facts), never written again.
    assert handler.batches[2:] == [[1, 2, 3], [6, 8]]
    assert len(handler.written) == 3
    async with pool.acquire() as conn:
        stored = await conn.fetch(
            "SELECT cooperative_id, device_seq, status, code, detail, result - 'at', flags "
            "FROM device_facts ORDER BY device_seq, cooperative_id")
    by_coop = {c: [tuple(r)[1:] for r in stored if r["cooperative_id"] == c]
               for c in (COOP, "kop-b")}
    assert by_coop[COOP] == by_coop["kop-b"]


async def test_a_bug_in_a_batch_handler_undoes_its_run_and_nothing_else(
    pool: asyncpg.Pool,
) -> None:
    items = [an_item(1), an_item(2).model_copy(update={"type": "note"}), an_item(3),
             an_item(4, explode=True)]
    with pytest.raises(RuntimeError, match="a bug in the handler"):
        await process_batch(pool, cooperative_id=COOP, batch=a_batch(*items),
                            handlers={"sale": RecordSales(), "note": record_note},
                            actor="user-1", correlation=None, clock=CLOCK,
                                  time_zone=ZONE)
    # Run [1] and the note committed; run [3, 4] left nothing, not even a claim.
    assert await stored_seqs(pool) == [1, 2]
    assert sorted(await sales(pool)) == sorted([items[0].client_id, items[1].client_id])


async def test_a_conflicting_run_is_run_again_then_item_by_item(pool: asyncpg.Pool) -> None:
    retried = RecordSales(conflicts=1)
    result = await upload(pool, a_batch(an_item(1), an_item(2, refuse=True)), retried)
    assert statuses(result) == ["accepted", "rejected"]
    assert retried.batches == [[1, 2], [1, 2]]
    stubborn = RecordSales(conflicts=99)
    result = await upload(pool, a_batch(an_item(3), an_item(4, refuse=True)), stubborn)
    assert statuses(result) == ["accepted", "rejected"]
    assert len(stubborn.batches) == 3  # then each item through __call__
    assert [c.meta.command_id for c in stubborn.seen] == [
        r.client_id for r in result.results]
    assert stubborn.written == []
    assert await stored_seqs(pool) == [1, 2, 3, 4]
    assert len(await sales(pool)) == 2


async def test_concurrent_set_wise_uploads_record_each_fact_once(pool: asyncpg.Pool) -> None:
    items = [an_item(seq, refuse=(seq % 7 == 0)) for seq in range(1, 41)]
    starts = [0, 0, 8, 16, 24, 32]
    handler = RecordSales(delay_s=0.002)
    answers = await asyncio.gather(
        *(upload(pool, a_batch(*items[start:]), handler) for start in starts))
    expected = [i.client_id for i in items if not i.payload.get("refuse")]
    assert sorted(await sales(pool)) == sorted(expected)
    assert await stored_seqs(pool) == list(range(1, 41))
    for position, item in enumerate(items):
        outcomes = [a.results[position - start].status
                    for a, start in zip(answers, starts, strict=True) if position >= start]
        first = "rejected" if item.payload.get("refuse") else "accepted"
        assert sorted(outcomes) == sorted([first] + ["duplicate"] * (len(outcomes) - 1))
    # Each fact was written once (a run that lost a claim race decided again, unwritten).
    assert sorted(handler.written) == sorted(expected)


async def test_flags_of_any_text_are_stored_as_they_are(pool: asyncpg.Pool) -> None:
    from gotong_platform.sync.store import _array_literal

    flags = ["went_negative", 'say "hi"', "back\\slash", "a,b", "{x}", "", "NULL"]
    async with pool.acquire() as conn:
        assert await conn.fetchval("SELECT $1::text::text[]", _array_literal(flags)) == flags
        assert await conn.fetchval("SELECT $1::text::text[]", _array_literal([])) == []


async def test_the_json_answer_is_the_models_json(pool: asyncpg.Pool) -> None:
    batch = a_mixed_batch()
    handlers = {"sale": RecordSales(), "note": record_note}
    kwargs: dict[str, Any] = {"handlers": handlers, "actor": "user-1", "correlation": None,
                              "clock": CLOCK, "time_zone": ZONE}
    as_json = await process_batch_json(pool, cooperative_id=COOP, batch=batch, **kwargs)
    as_model = await process_batch(pool, cooperative_id="kop-b", batch=batch, **kwargs)
    assert comparable(SyncBatchResult.model_validate_json(as_json)) == comparable(as_model)
    # Re-uploads answer from what is stored: byte for byte the model's JSON.
    again_json = await process_batch_json(pool, cooperative_id=COOP, batch=batch, **kwargs)
    again_model = await process_batch(pool, cooperative_id=COOP, batch=batch, **kwargs)
    assert again_json == again_model.model_dump_json().encode()
    assert statuses(again_model) == ["duplicate"] * len(batch.items)


async def test_claimed_facts_store_every_value_as_given(pool: asyncpg.Pool) -> None:
    from gotong_platform.sync.store import Completion, claim_answered_facts

    plus8 = timezone(timedelta(hours=8))
    facts = [("c-1", "sale", datetime(2026, 3, 2, 9, 15, 0, 123456, tzinfo=plus8),
              date(2026, 3, 2)),
             ("c-\"2\"\\", "savings_deposit", datetime(2026, 3, 3, 1, 2, 3), date(1999, 12, 31)),
             ("c-3", "note", datetime(2026, 3, 4, tzinfo=UTC), date(2026, 3, 4))]
    answers = [
        Completion(1, "accepted", None, None, '{"receipt_no":"R-1","n":[1,2.5,null]}',
                   ["went_negative", 'say "hi"', "a,b"]),
        Completion(2**62, "rejected", "invalid-input", 'bad "x" \\ é \u3000', None, []),
        Completion(3, "accepted", None, None, '{"s":"\\u00e9\\"q"}', ["{x}", "NULL", ""]),
    ]
    async with pool.acquire() as conn, conn.transaction():
        claimed = await claim_answered_facts(conn, COOP, "dev-x", facts, answers)
    assert claimed == {1, 2**62, 3}
    async with pool.acquire() as conn:
        rows = await conn.fetch(
            "SELECT device_seq, client_id, fact_type, occurred_at, business_date, status, "
            "code, detail, result::text AS result, flags FROM device_facts "
            "WHERE device_id = 'dev-x' ORDER BY device_seq")
    expected = [
        (a.device_seq, f[0], f[1], f[2] if f[2].tzinfo else f[2].replace(tzinfo=UTC), f[3],
         a.status, a.code, a.detail, a.result_json, list(a.flags))
        for f, a in sorted(zip(facts, answers, strict=True), key=lambda p: p[1].device_seq)]
    got = [(*tuple(r)[:8], r["result"], list(r["flags"])) for r in rows]
    for row, want in zip(got, expected, strict=True):
        assert row[:8] == want[:8]
        assert (row[8] is None) == (want[8] is None)
        if want[8] is not None:
            assert orjson.loads(row[8]) == orjson.loads(want[8])
        assert row[9] == want[9]


async def test_a_fact_dated_after_the_cooperatives_today_is_refused_and_stays_refused(
    pool: asyncpg.Pool,
) -> None:
    tomorrow = an_item(2).model_copy(update={"business_date": NOW.date() + timedelta(days=1)})
    year_one = an_item(3).model_copy(update={"business_date": date(1, 1, 1)})
    batch = a_batch(an_item(1), tomorrow, year_one, an_item(4))
    for setwise in (False, True):
        coop = f"kop-dates-{setwise}"
        handlers: dict[str, ItemHandler] = {"sale": RecordSales() if setwise else RecordSale()}
        result = await process_batch(pool, cooperative_id=coop, batch=batch, handlers=handlers,
                                     actor="user-1", correlation=None, clock=CLOCK,
                                     time_zone=ZONE)
        assert statuses(result) == ["accepted", "rejected", "rejected", "accepted"]
        assert {r.code for r in result.results[1:3]} == {"business-date-out-of-range"}
        # The handler never saw them: only the two good sales were recorded.
        assert await sales(pool, coop) == [batch.items[0].client_id, batch.items[3].client_id]
        again = await process_batch(pool, cooperative_id=coop, batch=batch, handlers=handlers,
                                    actor="user-1", correlation=None, clock=CLOCK,
                                    time_zone=ZONE)
        assert statuses(again) == ["duplicate"] * 4
        assert again.results[1].code == "business-date-out-of-range"


async def test_just_after_midnight_in_wit_the_new_day_is_today_there_only(
    pool: asyncpg.Pool,
) -> None:
    # 00:00:30 on 1 January 2027 in Jayapura is still 31 December in Jakarta.
    clock = FixedClock(datetime(2026, 12, 31, 15, 0, 30, tzinfo=UTC))
    new_year = an_item(1).model_copy(update={"business_date": date(2027, 1, 1),
                                             "occurred_at": clock.now()})
    answers = {}
    for zone in ("WIT", "WIB"):
        result = await process_batch(pool, cooperative_id=f"kop-{zone}", batch=a_batch(new_year),
                                     handlers={"sale": RecordSale()}, actor="user-1",
                                     correlation=None, clock=clock, time_zone=zone)
        answers[zone] = (result.results[0].status, result.results[0].code)
    assert answers == {"WIT": ("accepted", None),
                       "WIB": ("rejected", "business-date-out-of-range")}
