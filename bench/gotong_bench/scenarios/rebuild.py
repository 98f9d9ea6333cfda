"""Scenario 6: `python -m reporting rebuild` from offset 0, against a raw consumer."""

from __future__ import annotations

import asyncio
import re
import time
from typing import Any

from gotong_bench.procs import CpuWindow, children, kafka_pids, postgres_pids
from gotong_bench.relay_bench import prefill
from gotong_bench.scenarios.bench import Bench, service_pids
from gotong_bench.stack import ServiceProc


async def run(bench: Bench) -> None:
    s = bench.scale
    topic = bench.stack.topic("rebuild")
    seconds = await _fill_rebuild_topic(bench, topic)
    bench.say(f"  {s.rebuild_events:,} events published for the rebuild in {seconds:.0f} s")
    env = bench.reporting_env("rebuild", [topic])
    rebuild_runs: list[dict[str, Any]] = []
    raw_runs: list[dict[str, Any]] = []
    for rep in range(s.reps):
        raw_worker = await bench.worker(f"s6-raw-r{rep}", "consume_bench", {
            "mode": "raw", "bootstrap": bench.stack.bootstrap, "topic": topic})
        raw = await raw_worker.result(limit_s=240)
        bench.note_rss("raw-consumer", raw_worker.peak_rss_mb)
        result = await _rebuild_cli(bench, env, f"s6-rebuild-r{rep}")
        rebuild_runs.append(result)
        raw_runs.append(raw)
        bench.say(f"  rep {rep + 1}: rebuild {result['events_per_s']:.0f} events/s "
                  f"({result['events']} events), raw consume {raw['events_per_s']:.0f} "
                  f"events/s")
    bench.details["rebuild"] = {"rebuild": rebuild_runs, "raw": raw_runs}
    n = rebuild_runs[0]["events"] if rebuild_runs else 0
    fig = bench.figure(
        key="s6.rebuild", scenario="6 read-model rebuild from offset 0",
        name=f"python -m reporting rebuild over {n:,} events "
             f"({s.partitions} partitions)", unit="events/s",
        runs=[r["events_per_s"] for r in rebuild_runs],
        baseline="raw aiokafka consumer reading the same topic",
        baseline_runs=[r["events_per_s"] for r in raw_runs],
        target="≥ 50,000 events/s and ≥ 50 % of raw")
    fig.met = bool(fig.median and fig.median >= 50_000 and (fig.ratio_median or 0) >= 0.5)


async def _fill_rebuild_topic(bench: Bench, topic: str) -> float:
    """``rebuild_events`` cloned deposits, published by the real relay; its seconds."""
    s = bench.scale
    chunk = 100_000
    for first in range(0, s.rebuild_events, chunk):
        await prefill(bench.stack.dsn("payments"), bench.stack.dsn("relay"),
                      events=min(chunk, s.rebuild_events - first), topic=topic)
    relay = await bench.worker("s6-fill", "relay_bench", {
        "bootstrap": bench.stack.bootstrap, "dsn": bench.stack.dsn("relay"),
        "events": s.rebuild_events, "partitions": s.partitions, "timeout_s": 900,
        "mode": "relay", "topic": topic})
    await relay.read_until("READY", 120)
    await relay.go()
    result = await relay.result(limit_s=900)
    if not result.get("complete"):
        raise RuntimeError(f"the relay published {result['events']} of "
                           f"{s.rebuild_events} rebuild events")
    return float(result["seconds"])


async def _rebuild_cli(bench: Bench, env: dict[str, str], name: str) -> dict[str, Any]:
    """``python -m reporting rebuild`` as an operator runs it; its own timing."""
    log = bench.out_dir / "logs" / f"{name}.log"
    proc = ServiceProc(name=name, args=("-m", "reporting", "rebuild"), env=env, log=log)
    cpu = CpuWindow({"rebuild": service_pids(proc),
                     "postgresql": postgres_pids, "kafka": kafka_pids})
    proc.start()
    cpu.start()
    peak = 0.0
    deadline = time.monotonic() + 600
    from gotong_bench.procs import vm_hwm_mb

    while proc.alive() and time.monotonic() < deadline:
        # The largest single process (the rebuild may run worker processes).
        for pid in (proc.pid, *children(proc.pid)):
            peak = max(peak, vm_hwm_mb(pid) or 0.0)
        await asyncio.sleep(0.2)
    cpu.stop()
    proc.stop()
    bench.note_rss("reporting rebuild", peak)
    text = log.read_text(errors="replace")
    match = re.search(r"rebuilt (\S+): (\d+) events in ([\d.]+) s", text)
    if not match:
        raise RuntimeError(f"reporting rebuild printed no result; see {log}")
    events, seconds = int(match.group(2)), float(match.group(3))
    bench.record_cpu("s6 rebuild (whole process, start-up included)", cpu, events)
    return {"schema": match.group(1), "events": events, "seconds": seconds,
            "events_per_s": events / seconds}
