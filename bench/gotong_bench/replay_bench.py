"""How a command's read grows with its stream: ``python -m gotong_bench.replay_bench spec``.

Every savings deposit first loads its account. This worker writes accounts of N events
(an opening and N-1 deposits cloned from a real account, COPY into the bench database
``raw``, which has the payments schema), lets ``SavingsRepository.rebuild`` write each
account's query row and snapshot (as the write path keeps them), then times, through a
pool with the service's codecs:

* ``load``: the real ``SavingsRepository.load``, the read every command makes (the
  snapshot on the query row, plus any events after it);
* ``replay``: ``SavingsRepository.replay``, the whole stream decoded and replayed (what
  every command did before snapshots, and what a rebuild does per account).
"""

from __future__ import annotations

import asyncio
import time
import uuid
from datetime import UTC, datetime
from typing import Any

import asyncpg

from gotong_bench.common import load_spec, print_result

__all__ = ["main"]

_TEMPLATES = """
SELECT stream_id, event_type, payload::text AS payload, cooperative_id, business_date
FROM events
WHERE stream_id = (SELECT stream_id FROM events WHERE event_type = 'SavingsDeposited'
                   AND stream_id LIKE 'savings-%-sukarela' LIMIT 1)
ORDER BY stream_version
"""


async def _write_streams(source_dsn: str, dsn: str, lengths: list[int]) -> dict[int, str]:
    source = await asyncpg.connect(source_dsn)
    try:
        rows = await source.fetch(_TEMPLATES)
    finally:
        await source.close()
    opened = next(r for r in rows if r["event_type"] == "SavingsAccountOpened")
    deposit = next(r for r in rows if r["event_type"] == "SavingsDeposited")
    now = datetime.now(UTC)
    streams: dict[int, str] = {}
    records: list[tuple[Any, ...]] = []
    for n in lengths:
        # Payloads name their member and account: each clone gets a member of its own, so
        # the query row and snapshot the rebuild writes are this stream's.
        member = f"replay-{n}-{uuid.uuid4().hex[:8]}"
        stream = f"savings-{member}-sukarela"
        streams[n] = stream
        for version in range(1, n + 1):
            t = opened if version == 1 else deposit
            template_member = t["stream_id"].removeprefix("savings-").removesuffix("-sukarela")
            records.append((uuid.uuid4(), stream, version, t["event_type"], 1,
                            t["cooperative_id"], now, t["business_date"],
                            t["payload"].replace(template_member, member)))
    conn = await asyncpg.connect(dsn)
    try:
        await conn.copy_records_to_table(
            "events", records=records,
            columns=("event_id", "stream_id", "stream_version", "event_type", "schema_version",
                     "cooperative_id", "occurred_at", "business_date", "payload"))
        await conn.execute("ANALYZE events")
    finally:
        await conn.close()
    return streams


async def _time_loads(dsn: str, streams: dict[int, str], min_seconds: float
                      ) -> dict[str, dict[str, dict[str, float]]]:
    from gotong_platform.db import create_pool
    from gotong_platform.eventstore import PostgresEventStore
    from payments.adapters.savings_repository import SavingsRepository

    repo = SavingsRepository(PostgresEventStore(source="payments", topic="bench.replay"))
    pool = await create_pool(dsn, min_size=1, max_size=1)
    out: dict[str, dict[str, dict[str, float]]] = {"load": {}, "replay": {}}
    try:
        async with pool.acquire() as conn:
            for stream in streams.values():
                await repo.rebuild(conn, stream)  # the row and snapshot the writes keep
            for mode in ("load", "replay"):
                read = repo.load if mode == "load" else repo.replay
                for n, stream in streams.items():
                    state, version = await read(conn, stream)  # warm: plan, caches
                    if state is None or version != n:
                        raise RuntimeError(f"{mode}: {version} events of {n}")
                    loads = 0
                    started = time.perf_counter()
                    while loads < 3 or time.perf_counter() - started < min_seconds:
                        await read(conn, stream)
                        loads += 1
                    seconds = (time.perf_counter() - started) / loads
                    out[mode][str(n)] = {"ms_per_load": seconds * 1000,
                                         "us_per_event": seconds * 1e6 / n, "loads": loads}
    finally:
        await pool.close()
    return out


async def _run(spec: dict[str, Any]) -> dict[str, Any]:
    lengths = [int(n) for n in spec["lengths"]]
    streams = await _write_streams(spec["source_dsn"], spec["dsn"], lengths)
    return await _time_loads(spec["dsn"], streams, float(spec["min_seconds"]))


def main() -> None:
    spec = load_spec()
    result = asyncio.run(_run(spec))
    print_result(result)


if __name__ == "__main__":
    main()
