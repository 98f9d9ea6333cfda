"""The ``device_facts`` table: every fact a device uploaded, keyed by its ``device_seq``.

One row per (cooperative, device, device_seq), and a ``client_id`` is unique per
cooperative. The row is claimed (inserted with ``status`` NULL) at the start of
the item's transaction and completed (status, code, result, flags) at its end,
so other transactions only ever see completed rows; SQL text in, text out for
jsonb, so it works whatever JSON codec the connection has.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime
from typing import Any

import orjson

from gotong_platform.db import DbConnection

__all__ = [
    "DEVICE_SYNC_DDL",
    "AnsweredRow",
    "Completion",
    "FactKey",
    "StoredFact",
    "answered_row",
    "claim_answered_facts",
    "claim_answered_rows",
    "claim_fact",
    "complete_fact",
    "missing_ranges",
    "present_ranges",
    "read_claimants",
    "read_claimants_of",
]

DEVICE_SYNC_DDL = """
CREATE TABLE IF NOT EXISTS device_facts (
    cooperative_id text        NOT NULL,
    device_id      text        NOT NULL,
    device_seq     bigint      NOT NULL CHECK (device_seq >= 1),
    client_id      text        NOT NULL,
    fact_type      text        NOT NULL,
    -- NULL only inside the transaction that claimed the row.
    status         text        CHECK (status IN ('accepted', 'rejected')),
    code           text,
    detail         text,
    result         jsonb,
    flags          text[]      NOT NULL DEFAULT '{}',
    occurred_at    timestamptz NOT NULL,
    business_date  date        NOT NULL,
    received_at    timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (cooperative_id, device_id, device_seq)
);
CREATE UNIQUE INDEX IF NOT EXISTS device_facts_client_id
    ON device_facts (cooperative_id, client_id);
"""

# No conflict target: a clash on the primary key or on the client_id index
# both leave the row alone. A concurrent upload of the same item blocks here
# until the first transaction ends (see ``claim_fact``).
_CLAIM = """
INSERT INTO device_facts (cooperative_id, device_id, device_seq, client_id, fact_type,
                          occurred_at, business_date)
VALUES ($1, $2, $3, $4, $5, $6, $7)
ON CONFLICT DO NOTHING
RETURNING true
"""
_READ = """
SELECT device_id, device_seq, client_id, fact_type, status, code, detail,
       result::text AS result, flags
FROM device_facts
WHERE cooperative_id = $1 AND ((device_id = $2 AND device_seq = $3) OR client_id = $4)
"""
_COMPLETE = """
UPDATE device_facts
SET status = $4, code = $5, detail = $6, result = $7::text::jsonb, flags = $8
WHERE cooperative_id = $1 AND device_id = $2 AND device_seq = $3 AND status IS NULL
"""
# The set-wise forms. Facts decided beforehand are claimed with their answers in
# one statement (one row version each), in device_seq order, so concurrent uploads
# of overlapping batches take the index entries in the same order. The facts come as
# ONE jsonb array of rows, every value a JSON string or number (or null) whose text
# PostgreSQL casts as the typed arrays did: 10 typed arrays of hundreds of elements
# cost the API ~2 us per fact to encode.
_CLAIM_ANSWERED = """
INSERT INTO device_facts (cooperative_id, device_id, device_seq, client_id, fact_type,
                          occurred_at, business_date, status, code, detail, result, flags)
SELECT $1, $2, f.device_seq, f.client_id, f.fact_type, f.occurred_at, f.business_date,
       f.status, f.code, f.detail, f.result, f.flags
FROM (
    SELECT (e->>0)::bigint AS device_seq, e->>1 AS client_id, e->>2 AS fact_type,
           (e->>3)::timestamptz AS occurred_at, (e->>4)::date AS business_date,
           e->>5 AS status, e->>6 AS code, e->>7 AS detail, (e->>8)::jsonb AS result,
           (e->>9)::text[] AS flags
    FROM jsonb_array_elements($3::jsonb) AS e
) f
ORDER BY f.device_seq
ON CONFLICT DO NOTHING
RETURNING device_seq
"""
# Index probes per key (LIMIT 1 keeps each lateral subquery a probe of the primary
# key or the client_id index; as a plain join or an OR the planner may scan the whole
# table for hundreds of keys). A row found by both probes comes twice.
_READ_MANY = """
SELECT f.* FROM unnest($3::bigint[]) AS k(seq), LATERAL (
    SELECT device_id, device_seq, client_id, fact_type, status, code, detail,
           result::text AS result, flags
    FROM device_facts
    WHERE cooperative_id = $1 AND device_id = $2 AND device_seq = k.seq LIMIT 1
) f
UNION ALL
SELECT f.* FROM unnest($4::text[]) AS k(client_id), LATERAL (
    SELECT device_id, device_seq, client_id, fact_type, status, code, detail,
           result::text AS result, flags
    FROM device_facts
    WHERE cooperative_id = $1 AND client_id = k.client_id LIMIT 1
) f
"""
# Gaps and islands: within a run of consecutive numbers, seq - row_number() is
# constant, so each group is one run of received numbers. Most devices have no
# gaps: when the count of facts equals the highest seq, the answer is the one
# range 1..highest, and the (costlier) grouping is skipped (a one-time filter).
_ISLANDS = """
WITH summary AS (
    SELECT count(*) AS n, max(device_seq) AS hi
    FROM device_facts WHERE cooperative_id = $1 AND device_id = $2
)
SELECT 1::bigint AS lo, hi FROM summary WHERE n > 0 AND n = hi
UNION ALL
SELECT lo, hi FROM (
    SELECT min(device_seq) AS lo, max(device_seq) AS hi
    FROM (
        SELECT device_seq, device_seq - row_number() OVER (ORDER BY device_seq) AS island
        FROM device_facts
        WHERE cooperative_id = $1 AND device_id = $2
    ) numbered
    GROUP BY island
) islands
WHERE (SELECT n <> hi FROM summary)
ORDER BY lo
"""


@dataclasses.dataclass(frozen=True, slots=True)
class FactKey:
    """Where a fact sits: its device's own numbering within a cooperative."""

    cooperative_id: str
    device_id: str
    device_seq: int


@dataclasses.dataclass(frozen=True, slots=True)
class StoredFact:
    """A completed row of ``device_facts`` (what the first upload was answered)."""

    device_id: str
    device_seq: int
    client_id: str
    fact_type: str
    status: str
    code: str | None
    detail: str | None
    result: dict[str, Any] | None
    flags: list[str]


async def claim_fact(
    conn: DbConnection,
    key: FactKey,
    *,
    client_id: str,
    fact_type: str,
    occurred_at: datetime,
    business_date: date,
) -> bool:
    """Insert the row in the current transaction; False if the seq or client_id is taken.

    Under READ COMMITTED a concurrent claim of the same seq or client_id waits
    for the first transaction: if it commits, this returns False and
    ``read_claimants`` (a new statement, a new snapshot) sees its row; if it
    rolls back, this claim succeeds.
    """
    claimed = await conn.fetchval(
        _CLAIM, key.cooperative_id, key.device_id, key.device_seq, client_id, fact_type,
        occurred_at, business_date,
    )
    return bool(claimed)


@dataclasses.dataclass(frozen=True, slots=True)
class Completion:
    """The answer stored with a fact."""

    device_seq: int
    status: str
    code: str | None
    detail: str | None
    result_json: str | None
    flags: Sequence[str]


async def claim_answered_facts(
    conn: DbConnection,
    cooperative_id: str,
    device_id: str,
    facts: Sequence[tuple[str, str, datetime, date]],
    answers: Sequence[Completion],
) -> set[int]:
    """Insert decided facts ((client_id, type, occurred_at, business_date), with the
    answer at the same position) in one statement; the device_seq numbers inserted.

    A seq or client_id already taken is skipped; one being claimed by a concurrent
    transaction is waited for (skipped if it commits): the caller compares counts.
    """
    return await claim_answered_rows(conn, cooperative_id, device_id, [
        answered_row(a.device_seq, client_id, fact_type, occurred_at, business_date, a.status,
                     a.code, a.detail, a.result_json, a.flags)
        for (client_id, fact_type, occurred_at, business_date), a
        in zip(facts, answers, strict=True)])


AnsweredRow = tuple[int, str, str, datetime, date, str, str | None, str | None, str | None,
                    str]


def answered_row(
    device_seq: int, client_id: str, fact_type: str, occurred_at: datetime,
    business_date: date, status: str, code: str | None, detail: str | None,
    result_json: str | None, flags: Sequence[str],
) -> AnsweredRow:
    """One fact with its answer, as ``claim_answered_rows`` takes it (no ``Completion``
    object per fact: the set-wise path makes hundreds per batch)."""
    return (device_seq, client_id, fact_type, _aware(occurred_at), business_date, status,
            code, detail, result_json, _array_literal(flags))


async def claim_answered_rows(
    conn: DbConnection, cooperative_id: str, device_id: str, rows: Sequence[AnsweredRow],
) -> set[int]:
    """``claim_answered_facts`` of rows made by ``answered_row``."""
    if not rows:
        return set()
    claimed = await conn.fetch(_CLAIM_ANSWERED, cooperative_id, device_id,
                               orjson.dumps(rows).decode())
    return {int(r["device_seq"]) for r in claimed}


async def read_claimants_of(
    conn: DbConnection, cooperative_id: str, device_id: str,
    facts: Sequence[tuple[int, str]],
) -> list[StoredFact]:
    """The committed rows holding any of these (device_seq, client_id) pairs' seq (on this
    device) or client_id, in one statement; see ``read_claimants``."""
    if not facts:
        return []
    rows = await conn.fetch(_READ_MANY, cooperative_id, device_id, [f[0] for f in facts],
                            [f[1] for f in facts])
    unique = {(row["device_id"], row["device_seq"]): row for row in rows}
    return [_stored(row) for row in unique.values()]


async def read_claimants(conn: DbConnection, key: FactKey, client_id: str) -> list[StoredFact]:
    """The committed rows holding this (device, seq) or this client_id (at most two)."""
    rows = await conn.fetch(_READ, key.cooperative_id, key.device_id, key.device_seq, client_id)
    return [_stored(row) for row in rows]


def _stored(row: Any) -> StoredFact:
    if row["status"] is None:
        raise RuntimeError("a device fact was claimed twice in one transaction")
    return StoredFact(
        device_id=row["device_id"], device_seq=row["device_seq"],
        client_id=row["client_id"], fact_type=row["fact_type"], status=row["status"],
        code=row["code"], detail=row["detail"],
        result=None if row["result"] is None else orjson.loads(row["result"]),
        flags=list(row["flags"]),
    )


async def complete_fact(
    conn: DbConnection,
    key: FactKey,
    *,
    status: str,
    code: str | None,
    detail: str | None,
    result_json: str | None,
    flags: Sequence[str],
) -> None:
    """Store the answer on the row claimed earlier in this transaction."""
    outcome = await conn.execute(
        _COMPLETE, key.cooperative_id, key.device_id, key.device_seq, status, code, detail,
        result_json, list(flags),
    )
    if outcome != "UPDATE 1":
        raise RuntimeError("complete_fact() without a matching claim_fact() in this transaction")


async def present_ranges(
    conn: DbConnection, *, cooperative_id: str, device_id: str
) -> list[tuple[int, int]]:
    """The received device_seq numbers of a device as sorted inclusive ranges."""
    rows = await conn.fetch(_ISLANDS, cooperative_id, device_id)
    return [(int(row["lo"]), int(row["hi"])) for row in rows]


def _aware(moment: datetime) -> datetime:
    """A time without an offset is UTC (as asyncpg takes it for a timestamptz)."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def _array_literal(values: Sequence[str]) -> str:
    """A PostgreSQL text[] literal: ``{"a","b"}`` (cheaper to parse than a JSON array)."""
    quoted = ('"' + v.replace("\\", "\\\\").replace('"', '\\"') + '"' for v in values)
    return "{" + ",".join(quoted) + "}"


def missing_ranges(present: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    """Inclusive ranges of the numbers from 1 up to the highest present one that are absent.

    ``present`` holds inclusive ranges in any order; they may overlap or touch.

    >>> missing_ranges([(1, 2), (5, 5)])
    [(3, 4)]
    """
    gaps: list[tuple[int, int]] = []
    next_expected = 1
    for lo, hi in sorted(present):
        if lo > hi:
            raise ValueError(f"not a range: ({lo}, {hi})")
        if lo > next_expected:
            gaps.append((next_expected, lo - 1))
        next_expected = max(next_expected, hi + 1)
    return gaps
