"""Processing an offline batch: each item in its own transaction, duplicates recognised.

Domain handbook §6: a device uploads facts it recorded offline, in ``device_seq``
order, and retries the whole batch when the connection drops. Every item runs
in ITS OWN transaction on one connection:

1. claim (cooperative, device, device_seq) and client_id in ``device_facts``
   (INSERT ... ON CONFLICT DO NOTHING); if taken, answer from the stored row;
2. run the service's handler for the item's type inside a SAVEPOINT, so a
   refused fact (a ``DomainError``) leaves no effects but is still recorded;
3. store the answer (status, code, result, flags) on the claimed row.

So one bad item does not undo the good ones, a crash keeps the items already
committed, and re-uploading the same batch changes nothing and answers the same
(``duplicate`` with the first answer). Any other exception is a bug or a
database failure: it propagates (the request fails; the device retries later).
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol

import asyncpg
import orjson

from gotong_platform.commands import CommandMeta
from gotong_platform.db import DbConnection
from gotong_platform.domain import DomainError
from gotong_platform.sync.models import SyncBatch, SyncBatchResult, SyncItem, SyncItemResult
from gotong_platform.sync.store import (
    FactKey,
    StoredFact,
    claim_fact,
    complete_fact,
    missing_ranges,
    present_ranges,
    read_claimants,
)

__all__ = [
    "CLIENT_ID_REUSED",
    "DEVICE_SEQ_CONFLICT",
    "FLAG_CLOCK_SKEW",
    "FLAG_LATE_UPLOAD",
    "UNKNOWN_FACT_TYPE",
    "HandlerOutcome",
    "ItemHandler",
    "SyncContext",
    "process_batch",
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


async def process_batch(
    pool: asyncpg.Pool,
    *,
    cooperative_id: str,
    batch: SyncBatch,
    handlers: Mapping[str, ItemHandler],
    actor: str,
    correlation: str | None,
    clock_skew_hours: int = 12,
) -> SyncBatchResult:
    """Record every item of ``batch`` at most once; one result per item, and the gaps."""
    received_at = datetime.now(UTC)
    batch_meta = CommandMeta.current(actor=actor, command_id="", correlation=correlation)
    skew_limit = received_at + timedelta(hours=clock_skew_hours)
    late_before = received_at.date() - _LATE_AFTER
    results: list[SyncItemResult] = []
    async with pool.acquire() as conn:
        for item in sorted(batch.items, key=lambda i: i.device_seq):
            flags: list[str] = []
            if item.occurred_at > skew_limit:
                flags.append(FLAG_CLOCK_SKEW)
            if item.business_date < late_before:
                flags.append(FLAG_LATE_UPLOAD)
            context = SyncContext(
                cooperative_id=cooperative_id, device_id=batch.device_id,
                meta=dataclasses.replace(batch_meta, command_id=item.client_id),
                received_at=received_at,
            )
            results.append(await _process_item(conn, item, context, handlers, flags))
        present = await present_ranges(
            conn, cooperative_id=cooperative_id, device_id=batch.device_id
        )
    return SyncBatchResult(
        device_id=batch.device_id, results=results, gaps=missing_ranges(present),
        highest_seq=max((hi for _, hi in present), default=0),
    )


async def _process_item(
    conn: DbConnection,
    item: SyncItem,
    context: SyncContext,
    handlers: Mapping[str, ItemHandler],
    flags: list[str],
) -> SyncItemResult:
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
        status: str
        code: str | None = None
        detail: str | None = None
        result_json: str | None = None
        if handler is None:
            status, code = "rejected", UNKNOWN_FACT_TYPE
            detail = f"this service does not accept facts of type {item.type!r}"
        else:
            try:
                async with conn.transaction():  # a savepoint: undoes only the handler
                    outcome = await handler(conn, item, context)
            except DomainError as exc:
                status, code, detail = "rejected", exc.code, exc.detail
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
        await complete_fact(
            conn, key, status=status, code=code, detail=detail, result_json=result_json,
            flags=flags,
        )
    return SyncItemResult(
        client_id=item.client_id, device_seq=item.device_seq,
        status="accepted" if status == "accepted" else "rejected", code=code, detail=detail,
        result=None if result_json is None else orjson.loads(result_json), flags=flags,
    )


def _answer_taken(item: SyncItem, context: SyncContext, stored: list[StoredFact]) -> SyncItemResult:
    """The answer when the claim found the seq or the client_id already recorded."""
    at_seq = next((f for f in stored if f.device_id == context.device_id
                   and f.device_seq == item.device_seq), None)
    if at_seq is not None and at_seq.client_id == item.client_id:
        return SyncItemResult(
            client_id=item.client_id, device_seq=item.device_seq, status="duplicate",
            code=at_seq.code, detail=at_seq.detail,
            result={"status": at_seq.status, "code": at_seq.code, "result": at_seq.result},
            flags=at_seq.flags,
        )
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
    return SyncItemResult(client_id=item.client_id, device_seq=item.device_seq,
                          status="rejected", code=code, detail=detail)


def _merge(first: list[str], second: list[str]) -> list[str]:
    """Both lists of flags, each flag once, in first-seen order."""
    return list(dict.fromkeys([*first, *second]))
