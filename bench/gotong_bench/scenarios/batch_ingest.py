"""Scenario 3: batch ingest through the offline sync, against a COPY of the same rows."""

from __future__ import annotations

import uuid
from typing import Any

import asyncpg

from gotong_bench.scenarios.bench import Bench


async def run(bench: Bench) -> None:
    s = bench.scale
    runs: list[dict[str, Any]] = []
    copies: list[dict[str, Any]] = []
    events_per_s: list[float] = []
    for rep in range(s.reps):
        devices = []
        for d in range(s.sync_devices):
            coop = bench.pop.coops[d % len(bench.pop.coops)]
            devices.append({"device_id": f"bench-device-{rep}-{d}-{uuid.uuid4().hex[:6]}",
                            "cooperative_id": coop.cooperative_id,
                            "token": coop.clerk_token, "member_ids": coop.member_ids})
        before = await _max_position(bench, "payments")
        result, cpu = await bench.windowed(
            f"s3-sync-r{rep}", "loadgen",
            {"mode": "sync", "base_url": bench.payments_url, "devices": devices,
             "batch_size": s.sync_batch, "duration_s": s.sync_duration_s},
            bench.groups("payments-api"), 0.0, s.sync_duration_s, rss_as="loadgen",
            waits_in="payments")
        after = await _max_position(bench, "payments")
        bench.check_errors("sync", result)
        events = after - before
        result["events"] = events
        rate = events / result["seconds"] if result["seconds"] else 0.0
        events_per_s.append(rate)
        runs.append(result)
        bench.record_cpu("s3 sync", cpu, rate * cpu.seconds)
        copy = await bench.worker(f"s3-copy-r{rep}", "rawdb", {
            "mode": "copy", "source_dsn": bench.stack.dsn("payments"),
            "dsn": bench.stack.dsn("raw"), "from_position": before, "to_position": after,
            "device_ids": [d["device_id"] for d in devices]})
        copy_result = await copy.result(limit_s=120)
        bench.note_rss("raw-copy", copy.peak_rss_mb)
        copies.append(copy_result)
        bench.say(f"  rep {rep + 1}: sync {rate:.0f} events/s ({result['accepted']} items in "
                  f"{result['batches']} batches), COPY {copy_result['events_per_s']:.0f} "
                  f"events/s")
    bench.details["batch_ingest"] = {"sync": runs, "copy": copies}
    fig = bench.figure(
        key="s3.sync", scenario="3 batch ingest (offline sync)",
        name=f"POST /sync, {s.sync_batch} savings deposits per batch, "
             f"{s.sync_devices} devices at once", unit="events/s", runs=events_per_s,
        baseline="COPY of the same rows (events, outbox, device_facts)",
        baseline_runs=[c["events_per_s"] for c in copies], target="≥ 20,000 events/s")
    fig.met = bool(fig.median and fig.median >= 20_000)


async def _max_position(bench: Bench, database: str) -> int:
    conn = await asyncpg.connect(bench.stack.dsn(database))
    try:
        return int(await conn.fetchval("SELECT coalesce(max(global_position), 0) FROM events"))
    finally:
        await conn.close()
