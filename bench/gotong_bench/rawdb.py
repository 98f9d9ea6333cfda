"""Raw PostgreSQL baselines, a separate process: ``python -m gotong_bench.rawdb spec.json``.

* ``inserts``: what a command must at least do, with nothing else: one transaction
  inserting the event row and its outbox row (prepared statements, one connection per
  concurrent client), closed loop at ``concurrency``, in tables identical to the
  service's (the bench database ``raw`` is migrated with the payments migrations).
* ``copy``: the rows one batch-ingest run stored (events, outbox rows and
  ``device_facts`` rows, read beforehand and untimed) written again with COPY
  (``copy_records_to_table``) into the identical tables.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from datetime import UTC, datetime
from typing import Any

import asyncpg

from gotong_bench.common import load_spec, percentile, print_result, wait_for_go

__all__ = ["main"]

_EVENT = """
INSERT INTO events (event_id, stream_id, stream_version, event_type, schema_version,
    cooperative_id, occurred_at, business_date, correlation_id, command_id, actor, payload)
VALUES ($1, $2, $3, 'SavingsDeposited', 1, $4, $5, $6, $7, $8, 'bench-raw', $9::jsonb)
"""
_OUTBOX = "INSERT INTO outbox (event_id, topic, payload) VALUES ($1, $2, $3::jsonb)"


async def _inserts(spec: dict[str, Any]) -> dict[str, Any]:
    concurrency: int = spec["concurrency"]
    warmup, duration = float(spec["warmup_s"]), float(spec["duration_s"])
    payload: str = spec["payload"]
    public: str = spec["public_payload"]
    topic: str = spec["topic"]
    prefix: str = spec["stream_prefix"]
    conns = [await asyncpg.connect(spec["dsn"]) for _ in range(concurrency)]
    latencies: list[float] = []
    today = datetime.now(UTC).date()
    wait_for_go()
    start = time.perf_counter()
    t0, t1 = start + warmup, start + warmup + duration

    async def worker(w: int, conn: asyncpg.Connection) -> None:
        version = 0
        stream = f"{prefix}-{w}"
        while time.perf_counter() < t1:
            version += 1
            event_id = uuid.uuid4()
            sent = time.perf_counter()
            async with conn.transaction():
                await conn.execute(_EVENT, event_id, stream, version, "cooperative-raw",
                                   datetime.now(UTC), today, uuid.uuid4(), str(event_id),
                                   payload)
                await conn.execute(_OUTBOX, event_id, topic, public)
            done = time.perf_counter()
            if t0 <= done <= t1:
                latencies.append(done - sent)

    try:
        await asyncio.gather(*(worker(w, c) for w, c in enumerate(conns)))
    finally:
        for conn in conns:
            await conn.close()
    return {"mode": "inserts", "concurrency": concurrency, "ok": len(latencies),
            "throughput": len(latencies) / duration,
            "p50_ms": percentile(latencies, 50) * 1000 if latencies else None,
            "p99_ms": percentile(latencies, 99) * 1000 if latencies else None}


_EVENT_COLUMNS = ("event_id", "stream_id", "stream_version", "event_type", "schema_version",
                  "cooperative_id", "occurred_at", "business_date", "recorded_at",
                  "correlation_id", "causation_id", "command_id", "actor", "traceparent",
                  "tracestate", "payload")
_FACT_COLUMNS = ("cooperative_id", "device_id", "device_seq", "client_id", "fact_type",
                 "status", "code", "detail", "result", "flags", "occurred_at", "business_date",
                 "received_at")
_JSON = {"payload", "result"}


def _select(table: str, columns: tuple[str, ...], where: str) -> str:
    cols = ", ".join(f"{c}::text" if c in _JSON else c for c in columns)
    return f"SELECT {cols} FROM {table} WHERE {where}"


async def _copy(spec: dict[str, Any]) -> dict[str, Any]:
    source = await asyncpg.connect(spec["source_dsn"])
    try:
        lo, hi = int(spec["from_position"]), int(spec["to_position"])
        events = [tuple(r) for r in await source.fetch(
            _select("events", _EVENT_COLUMNS, "global_position > $1 AND global_position <= $2"),
            lo, hi)]
        ids = [r[0] for r in events]
        outbox = [tuple(r) for r in await source.fetch(
            "SELECT event_id, topic, payload::text FROM outbox WHERE event_id = ANY($1)", ids)]
        facts = [tuple(r) for r in await source.fetch(
            _select("device_facts", _FACT_COLUMNS, "device_id = ANY($1)"), spec["device_ids"])]
    finally:
        await source.close()
    target = await asyncpg.connect(spec["dsn"])
    try:
        started = time.perf_counter()
        async with target.transaction():
            await target.copy_records_to_table("events", records=events, columns=_EVENT_COLUMNS)
            await target.copy_records_to_table("outbox", records=outbox,
                                               columns=("event_id", "topic", "payload"))
            await target.copy_records_to_table("device_facts", records=facts,
                                               columns=_FACT_COLUMNS)
        seconds = time.perf_counter() - started
    finally:
        await target.close()
    return {"mode": "copy", "events": len(events), "outbox_rows": len(outbox),
            "fact_rows": len(facts), "seconds": seconds,
            "events_per_s": len(events) / seconds if seconds else None}


def main() -> None:
    spec = load_spec()
    cpu0 = time.process_time()
    result = asyncio.run(_inserts(spec) if spec["mode"] == "inserts" else _copy(spec))
    result["worker_cpu_s"] = time.process_time() - cpu0
    print_result(result)


if __name__ == "__main__":
    main()
