"""Processing an offline batch: every fact at most once, duplicates recognised.

Domain handbook §6: a device uploads facts it recorded offline, in ``device_seq``
order, and retries the whole batch when the connection drops. Items are taken in
``device_seq`` order, on one connection, in one of two ways.

Item by item (a handler that is only an ``ItemHandler``), each item in ITS OWN
transaction:

1. claim (cooperative, device, device_seq) and client_id in ``device_facts``
   (INSERT ... ON CONFLICT DO NOTHING); if taken, answer from the stored row;
2. run the service's handler for the item's type inside a SAVEPOINT, so a
   refused fact (a ``DomainError``) leaves no effects but is still recorded;
3. store the answer (status, code, result, flags) on the claimed row.

Set-wise (a ``BatchItemHandler``): a run of consecutive items of that type (facts
of unknown types may sit among them) in ONE transaction:

1. from the second attempt on, read the stored facts holding any of the run's seqs
   or client_ids (one statement); those items are answered from them exactly as
   item by item (``duplicate``, ``device-seq-conflict``, ``client-id-reused``). The
   first attempt expects only new facts (the usual upload) and skips this read;
2. ``decide_batch`` decides the others in ``device_seq`` order in memory (a refused
   one, a ``DomainError``, has no effect) and returns the answers with the write
   that records the accepted ones;
3. claim all of them WITH their answers in one statement (``INSERT ... SELECT FROM
   unnest ... ON CONFLICT DO NOTHING RETURNING``): one row version per fact, no
   separate completion. If one of them was taken (a re-upload, or a concurrent
   upload claimed it meanwhile: the insert waits for it and skips the row), the run
   starts again, with the read, and answers it as taken; otherwise
4. run the write (events, rows, ...), and commit: a claimed fact commits with its
   effect or not at all, and a fact is written only once it is claimed.

Before any of that, a fact dated after the cooperative's today (in its own time zone,
by the service's clock) or before any cooperative could exist is refused
(``business-date-out-of-range``), the platform's one rule for business dates; it is
claimed and answered like any refused fact.

So one bad item does not undo the good ones, and re-uploading the same batch changes
nothing and answers the same (``duplicate`` with the first answer). When deciding or
writing raises ``ConcurrencyConflict`` (another writer changed a stream the handler
read) or the run finds a fact taken or hits a deadlock, its transaction is rolled
back and the run starts again; after ``_RUN_ATTEMPTS`` it goes item by item. Any other
exception is a bug or a database failure: it propagates (the request fails; the
device retries later). Item by item, the items committed before it stay; set-wise,
its run is undone.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import random
from collections.abc import Awaitable, Callable, Mapping, Sequence
from datetime import date, datetime, timedelta
from typing import Any, Protocol, runtime_checkable

import asyncpg
import orjson

from gotong_platform.calendar import BusinessDateOutOfRange, Clock, check_business_date, today_in
from gotong_platform.commands import CommandMeta
from gotong_platform.db import DbConnection
from gotong_platform.domain import ConcurrencyConflict, DomainError
from gotong_platform.sync.models import (
    SyncBatch,
    SyncBatchResult,
    SyncItem,
    SyncItemResult,
    SyncItemStatus,
)
from gotong_platform.sync.store import (
    AnsweredRow,
    FactKey,
    StoredFact,
    answered_row,
    claim_answered_rows,
    claim_fact,
    complete_fact,
    missing_ranges,
    present_ranges,
    read_claimants,
    read_claimants_of,
)

__all__ = [
    "CLIENT_ID_REUSED",
    "DEVICE_SEQ_CONFLICT",
    "FLAG_CLOCK_SKEW",
    "FLAG_LATE_UPLOAD",
    "UNKNOWN_FACT_TYPE",
    "BatchDecision",
    "BatchItemHandler",
    "HandlerOutcome",
    "ItemHandler",
    "SyncContext",
    "process_batch",
    "process_batch_json",
]

log = logging.getLogger(__name__)

# Codes of items the processor itself rejects (handlers use their DomainError's code).
DEVICE_SEQ_CONFLICT = "device-seq-conflict"
CLIENT_ID_REUSED = "client-id-reused"
UNKNOWN_FACT_TYPE = "unknown-fact-type"

# Flags the processor sets; handlers add their own (went_negative, overpayment, ...).
FLAG_CLOCK_SKEW = "clock_skew"
FLAG_LATE_UPLOAD = "late_upload"

# A business_date more than this before the server's UTC date is a late upload.
_LATE_AFTER = timedelta(days=1)

# Set-wise attempts of a run before it goes item by item (see the module docstring).
_RUN_ATTEMPTS = 3


@dataclasses.dataclass(frozen=True, slots=True)
class SyncContext:
    """Where an item comes from. ``meta.command_id`` is the item's client_id."""

    cooperative_id: str
    device_id: str
    meta: CommandMeta
    received_at: datetime  # the server's clock (UTC) when the batch arrived


@dataclasses.dataclass(frozen=True, slots=True)
class HandlerOutcome:
    """What a handler made of an accepted fact: a JSON-ready result and review flags."""

    result: dict[str, Any]
    flags: list[str] = dataclasses.field(default_factory=list)


class ItemHandler(Protocol):
    """Records one fact of one type using ``conn`` (already inside a transaction).

    Raise a ``DomainError`` to refuse the fact: its effects are rolled back and the
    item is answered ``rejected`` with the error's ``code`` and ``detail``.
    """

    async def __call__(
        self, conn: DbConnection, item: SyncItem, context: SyncContext
    ) -> HandlerOutcome: ...


@dataclasses.dataclass(frozen=True, slots=True)
class BatchDecision:
    """What a ``BatchItemHandler`` made of a run of facts, before writing anything.

    ``outcomes``: one per fact, in order: a ``HandlerOutcome``, or the ``DomainError``
    that refuses it. ``write`` records the accepted ones (inside the run's
    transaction); the processor calls it once their facts are claimed.
    """

    outcomes: Sequence[HandlerOutcome | DomainError]
    write: Callable[[DbConnection], Awaitable[None]]


@runtime_checkable
class BatchItemHandler(ItemHandler, Protocol):
    """An ``ItemHandler`` that can also decide many facts of its type at once.

    ``decide_batch`` gets unclaimed facts (in ``device_seq`` order, each with its
    context) and ``conn`` inside the run's transaction. It may read but must not
    write: it decides every fact in that order as if the earlier ones were already
    recorded, and returns the answers and the write (``BatchDecision``). A refused
    fact must leave no effect. ``ConcurrencyConflict`` from deciding or writing makes
    the processor run the whole run again.

    Being also an ``ItemHandler`` (``__call__``) is the fallback: the processor uses it
    when a run keeps conflicting. Both ways must record the same.
    """

    async def decide_batch(
        self, conn: DbConnection, entries: Sequence[tuple[SyncItem, SyncContext]]
    ) -> BatchDecision: ...


class _ClaimRaced(Exception):
    """A fact of the run was already taken (or taken meanwhile) when claiming it."""


@dataclasses.dataclass(slots=True)
class _Entry:
    item: SyncItem
    context: SyncContext
    flags: list[str]  # the processor's own (clock_skew, late_upload)
    refused: DomainError | None = None  # refused before any handler sees it


def _out_of_range(item: SyncItem, today: date) -> DomainError | None:
    """The platform's business-date rule, for a fact recorded offline: a device whose
    clock ran ahead cannot date a fact after the cooperative's today."""
    try:
        check_business_date(item.business_date, today=today, what="The fact's business date")
    except BusinessDateOutOfRange as exc:
        return exc
    return None


@dataclasses.dataclass(slots=True)
class _Answered:
    """One item's answer: a ``SyncItemResult``'s fields, the result as stored JSON text
    (``result_json``, a fresh answer) or as a dict (``result``, a stored one's)."""

    client_id: str
    device_seq: int
    status: SyncItemStatus
    code: str | None
    detail: str | None
    result_json: str | None
    result: dict[str, Any] | None
    flags: list[str]

    def model(self) -> SyncItemResult:
        return SyncItemResult(
            client_id=self.client_id, device_seq=self.device_seq, status=self.status,
            code=self.code, detail=self.detail, flags=self.flags,
            result=self.result if self.result_json is None else orjson.loads(self.result_json))

    def json_ready(self) -> dict[str, Any]:
        """The fields in ``SyncItemResult``'s order, for ``orjson.dumps`` (the result JSON
        embedded as it is: it was serialised by orjson in the first place)."""
        return {"client_id": self.client_id, "device_seq": self.device_seq,
                "status": self.status, "code": self.code, "detail": self.detail,
                "result": (self.result if self.result_json is None
                           else orjson.Fragment(self.result_json)),
                "flags": self.flags}


@dataclasses.dataclass(slots=True)
class _Run:
    handler: BatchItemHandler | None  # None: item by item
    fact_type: str | None  # the type the batch handler serves
    entries: list[_Entry]


async def process_batch(
    pool: asyncpg.Pool,
    *,
    cooperative_id: str,
    batch: SyncBatch,
    handlers: Mapping[str, ItemHandler],
    actor: str,
    correlation: str | None,
    clock: Clock,
    time_zone: str | None,
    clock_skew_hours: int = 12,
) -> SyncBatchResult:
    """Record every item of ``batch`` at most once; one result per item, and the gaps."""
    results, gaps, highest = await _process(
        pool, cooperative_id=cooperative_id, batch=batch, handlers=handlers, actor=actor,
        correlation=correlation, clock=clock, time_zone=time_zone,
        clock_skew_hours=clock_skew_hours)
    return SyncBatchResult(device_id=batch.device_id, results=[r.model() for r in results],
                           gaps=gaps, highest_seq=highest)


async def process_batch_json(
    pool: asyncpg.Pool,
    *,
    cooperative_id: str,
    batch: SyncBatch,
    handlers: Mapping[str, ItemHandler],
    actor: str,
    correlation: str | None,
    clock: Clock,
    time_zone: str | None,
    clock_skew_hours: int = 12,
) -> bytes:
    """``process_batch`` answered as the JSON of its ``SyncBatchResult`` (the same bytes as
    ``model_dump_json``), without building and validating a model per item (~3 us each)."""
    results, gaps, highest = await _process(
        pool, cooperative_id=cooperative_id, batch=batch, handlers=handlers, actor=actor,
        correlation=correlation, clock=clock, time_zone=time_zone,
        clock_skew_hours=clock_skew_hours)
    return orjson.dumps({"device_id": batch.device_id,
                         "results": [r.json_ready() for r in results],
                         "gaps": gaps, "highest_seq": highest})


async def _process(
    pool: asyncpg.Pool,
    *,
    cooperative_id: str,
    batch: SyncBatch,
    handlers: Mapping[str, ItemHandler],
    actor: str,
    correlation: str | None,
    clock: Clock,
    time_zone: str | None,
    clock_skew_hours: int,
) -> tuple[list[_Answered], list[tuple[int, int]], int]:
    received_at = clock.now()
    today = today_in(clock, time_zone)
    batch_meta = CommandMeta.current(actor=actor, command_id="", correlation=correlation)
    skew_limit = received_at + timedelta(hours=clock_skew_hours)
    late_before = received_at.date() - _LATE_AFTER
    # Each item's meta is the batch's with the item's client_id as command id (built
    # directly: dataclasses.replace costs ~5 us, per item).
    meta_fields = {f.name: getattr(batch_meta, f.name) for f in dataclasses.fields(batch_meta)
                   if f.name != "command_id"}
    entries: list[_Entry] = []
    for item in sorted(batch.items, key=lambda i: i.device_seq):
        flags: list[str] = []
        if item.occurred_at > skew_limit:
            flags.append(FLAG_CLOCK_SKEW)
        if item.business_date < late_before:
            flags.append(FLAG_LATE_UPLOAD)
        context = SyncContext(
            cooperative_id=cooperative_id, device_id=batch.device_id,
            meta=CommandMeta(command_id=item.client_id, **meta_fields),
            received_at=received_at,
        )
        entries.append(_Entry(item, context, flags, _out_of_range(item, today)))
    results: list[_Answered] = []
    async with pool.acquire() as conn:
        for run in _runs(entries, handlers):
            if run.handler is None:
                for e in run.entries:
                    results.append(await _process_item(conn, e, handlers))
            else:
                results.extend(await _process_run(conn, run, handlers))
        present = await present_ranges(
            conn, cooperative_id=cooperative_id, device_id=batch.device_id
        )
    return results, missing_ranges(present), max((hi for _, hi in present), default=0)


def _runs(entries: Sequence[_Entry], handlers: Mapping[str, ItemHandler]) -> list[_Run]:
    """Consecutive items in runs: one batch handler's type (unknown types may join), or
    item by item. Runs keep device_seq order, so facts are recorded in that order."""
    runs: list[_Run] = []
    current: _Run | None = None
    pending_unknown: list[_Entry] = []  # unknown types before the first typed item of a run
    set_wise: dict[str, BatchItemHandler | None] = {}  # per type: the isinstance is slow
    for e in entries:
        # A refused fact is answered like one of an unknown type: without a handler.
        handler = None if e.refused is not None else handlers.get(e.item.type)
        if handler is None:
            if current is None:
                pending_unknown.append(e)
            else:
                current.entries.append(e)
            continue
        if e.item.type not in set_wise:
            set_wise[e.item.type] = (handler if isinstance(handler, BatchItemHandler)
                                     else None)
        batch = set_wise[e.item.type]
        fact_type = None if batch is None else e.item.type
        if current is None or current.handler is not batch or current.fact_type != fact_type:
            current = _Run(batch, fact_type, [*pending_unknown])
            pending_unknown = []
            runs.append(current)
        current.entries.append(e)
    if pending_unknown:
        runs.append(_Run(None, None, pending_unknown))
    return runs


async def _process_run(
    conn: DbConnection, run: _Run, handlers: Mapping[str, ItemHandler]
) -> list[_Answered]:
    """A run set-wise in one transaction; item by item when it keeps conflicting."""
    entries = run.entries
    for attempt in range(1, _RUN_ATTEMPTS + 1):
        try:
            # READ COMMITTED explicitly: each statement sees what committed before it.
            async with conn.transaction(isolation="read_committed"):
                # The first attempt expects new facts (the usual upload) and reads the
                # stored ones only if its claim finds some taken (a re-upload).
                return await _run_in_transaction(conn, run, read_stored=attempt > 1)
        except _ClaimRaced:
            continue
        except (ConcurrencyConflict, asyncpg.DeadlockDetectedError) as exc:
            log.info("sync run conflicted; running it again", extra={
                "cooperative_id": entries[0].context.cooperative_id,
                "device_id": entries[0].context.device_id, "attempt": attempt,
                "error": type(exc).__name__,
            })
    return [await _process_item(conn, e, handlers) for e in entries]


async def _run_in_transaction(
    conn: DbConnection, run: _Run, *, read_stored: bool
) -> list[_Answered]:
    entries, handler = run.entries, run.handler
    assert handler is not None
    first = entries[0].context
    coop, device = first.cooperative_id, first.device_id
    stored = (await read_claimants_of(
        conn, coop, device, [(e.item.device_seq, e.item.client_id) for e in entries])
        if read_stored else [])
    answers: dict[int, _Answered] = {}
    fresh: list[_Entry] = []
    for e in entries:
        holders = [f for f in stored
                   if (f.device_id == device and f.device_seq == e.item.device_seq)
                   or f.client_id == e.item.client_id]
        if holders:
            answers[e.item.device_seq] = _answer_taken(e.item, e.context, holders)
        else:
            fresh.append(e)

    handled = [e for e in fresh if e.item.type == run.fact_type and e.refused is None]
    decision = (await handler.decide_batch(conn, [(e.item, e.context) for e in handled])
                if handled else None)
    outcomes = decision.outcomes if decision is not None else []
    if len(outcomes) != len(handled):
        raise RuntimeError(f"decide_batch answered {len(outcomes)} of {len(handled)} facts")
    by_seq = {e.item.device_seq: o for e, o in zip(handled, outcomes, strict=True)}
    rows: list[AnsweredRow] = []
    for e in fresh:
        item = e.item
        status, code, detail, result_json, flags = _answer(
            e, e.refused or by_seq.get(item.device_seq))
        rows.append(answered_row(item.device_seq, item.client_id, item.type, item.occurred_at,
                                 item.business_date, status, code, detail, result_json,
                                 flags))
        answers[item.device_seq] = _result(item, e.context, status, code, detail,
                                           result_json, flags)
    claimed = await claim_answered_rows(conn, coop, device, rows)
    if len(claimed) != len(fresh):
        raise _ClaimRaced(f"{len(fresh) - len(claimed)} facts were claimed meanwhile")
    if decision is not None:
        await decision.write(conn)
    return [answers[e.item.device_seq] for e in entries]


# A fact recorded offline already happened (cash changed hands): losing a race to
# another writer of its stream is no reason to refuse it. The handler runs again in a
# fresh savepoint, which reads the stream anew (READ COMMITTED), a few times.
# A fact that loses a race for its stream (an online deposit into the same account) is
# decided again: a refusal is recorded for good, and a lost race is not the fact's fault.
# The online commands retry their own lost races too (``commands``), so a fact may lose
# several in a row: up to 10 tries, with a jittered pause of at most 2, 4, ... 50 ms.
_ITEM_CONFLICT_TRIES = 10
_ITEM_CONFLICT_PAUSE_S = 0.002
_ITEM_CONFLICT_MAX_PAUSE_S = 0.05


async def _run_item_handler(
    conn: DbConnection, handler: ItemHandler, item: SyncItem, context: SyncContext
) -> HandlerOutcome | DomainError:
    for attempt in range(1, _ITEM_CONFLICT_TRIES + 1):
        try:
            async with conn.transaction():  # a savepoint: undoes only the handler
                return await handler(conn, item, context)
        except ConcurrencyConflict as exc:
            if attempt == _ITEM_CONFLICT_TRIES:
                return exc
            log.info("sync item lost a race for its stream; deciding it again", extra={
                "cooperative_id": context.cooperative_id, "device_id": context.device_id,
                "device_seq": item.device_seq, "attempt": attempt})
            await asyncio.sleep(random.uniform(  # noqa: S311 - spacing retries, not a secret
                0, min(_ITEM_CONFLICT_PAUSE_S * 2 ** attempt, _ITEM_CONFLICT_MAX_PAUSE_S)))
        except DomainError as exc:
            return exc
    raise AssertionError("unreachable")  # the loop returns on its last attempt


async def _process_item(
    conn: DbConnection, entry: _Entry, handlers: Mapping[str, ItemHandler]
) -> _Answered:
    item, context = entry.item, entry.context
    key = FactKey(context.cooperative_id, context.device_id, item.device_seq)
    # READ COMMITTED explicitly: the claim relies on a new snapshot per statement.
    async with conn.transaction(isolation="read_committed"):
        claimed = await claim_fact(
            conn, key, client_id=item.client_id, fact_type=item.type,
            occurred_at=item.occurred_at, business_date=item.business_date,
        )
        if not claimed:
            stored = await read_claimants(conn, key, item.client_id)
            return _answer_taken(item, context, stored)

        handler = handlers.get(item.type)
        outcome: HandlerOutcome | DomainError | None = entry.refused
        if outcome is None and handler is not None:
            outcome = await _run_item_handler(conn, handler, item, context)
        status, code, detail, result_json, flags = _answer(entry, outcome)
        await complete_fact(
            conn, key, status=status, code=code, detail=detail, result_json=result_json,
            flags=flags,
        )
    return _result(item, context, status, code, detail, result_json, flags)


def _answer(
    entry: _Entry, outcome: HandlerOutcome | DomainError | None
) -> tuple[str, str | None, str | None, str | None, list[str]]:
    """Status, code, detail, result JSON and flags of a claimed fact's handling
    (``outcome`` None: no handler for its type)."""
    item, context, flags = entry.item, entry.context, entry.flags
    code: str | None = None
    detail: str | None = None
    result_json: str | None = None
    if outcome is None:
        status, code = "rejected", UNKNOWN_FACT_TYPE
        detail = f"this service does not accept facts of type {item.type!r}"
    elif isinstance(outcome, DomainError):
        status, code, detail = "rejected", outcome.code, outcome.detail
    else:
        status = "accepted"
        # Serialised once: stored and answered identically, so a duplicate's
        # answer equals this one.
        result_json = orjson.dumps(outcome.result).decode()
        flags = _merge(flags, outcome.flags)
    if status == "rejected":
        log.info("sync item rejected", extra={
            "cooperative_id": context.cooperative_id, "device_id": context.device_id,
            "device_seq": item.device_seq, "client_id": item.client_id, "code": code,
        })
    return status, code, detail, result_json, flags


def _result(
    item: SyncItem, context: SyncContext, status: str, code: str | None, detail: str | None,
    result_json: str | None, flags: list[str],
) -> _Answered:
    del context
    return _Answered(item.client_id, item.device_seq,
                     "accepted" if status == "accepted" else "rejected", code, detail,
                     result_json, None, flags)


def _answer_taken(item: SyncItem, context: SyncContext, stored: list[StoredFact]) -> _Answered:
    """The answer when the claim found the seq or the client_id already recorded."""
    at_seq = next((f for f in stored if f.device_id == context.device_id
                   and f.device_seq == item.device_seq), None)
    if at_seq is not None and at_seq.client_id == item.client_id:
        return _Answered(
            item.client_id, item.device_seq, "duplicate", at_seq.code, at_seq.detail, None,
            {"status": at_seq.status, "code": at_seq.code, "result": at_seq.result},
            at_seq.flags)
    if at_seq is not None:
        code = DEVICE_SEQ_CONFLICT
        detail = (f"device_seq {item.device_seq} of device {context.device_id!r} already "
                  "holds another fact; number new facts after the highest seq")
    elif stored:
        code = CLIENT_ID_REUSED
        detail = (f"client_id {item.client_id!r} was already recorded under another "
                  "device_seq; every fact needs a new client_id")
    else:  # only if the row was deleted in between
        raise RuntimeError("device fact vanished while claiming it; retry the upload")
    log.warning("sync item conflicts with a stored fact", extra={
        "cooperative_id": context.cooperative_id, "device_id": context.device_id,
        "device_seq": item.device_seq, "client_id": item.client_id, "code": code,
    })
    return _Answered(item.client_id, item.device_seq, "rejected", code, detail, None, None, [])


def _merge(first: list[str], second: list[str]) -> list[str]:
    """Both lists of flags, each flag once, in first-seen order."""
    return list(dict.fromkeys([*first, *second]))
