"""Scenario 8a: the read-model consumer, one instance against several."""

from __future__ import annotations

from typing import Any

from gotong_bench.pgwaits import WaitSampler
from gotong_bench.procs import CpuWindow, kafka_pids, postgres_pids
from gotong_bench.scenarios.bench import Bench, worker_pids


async def run(bench: Bench) -> None:
    s = bench.scale
    topic = bench.stack.topic("relay.0")
    per: dict[int, list[dict[str, Any]]] = {k: [] for k in s.instances}
    for rep in range(s.reps):
        for k in s.instances:
            result = await _instances(bench, topic, k, f"s8-scale-k{k}-r{rep}")
            per[k].append(result)
            bench.say(f"  rep {rep + 1}: {k} instance(s): {result['events_per_s']:.0f} "
                      f"events/s")
    bench.details["scale_out"] = per
    base = min(s.instances)
    for k in s.instances:
        fig = bench.figure(
            key=f"s8.instances.{k}", scenario="8 how cost grows",
            name=f"read-model consume of {s.scale_out_events:,} events, {k} consumer "
                 f"instance(s) over {s.partitions} partitions", unit="events/s",
            runs=[r["events_per_s"] for r in per[k]],
            baseline=f"{base} instance, same repetition" if k != base else None,
            baseline_runs=[r["events_per_s"] for r in per[base]] if k != base else [],
            target="grows with instances" if k != base else None)
        if k != base:
            fig.met = bool(fig.ratio_median and fig.ratio_median > 1.1)


async def _instances(bench: Bench, topic: str, k: int, name: str) -> dict[str, Any]:
    schema = await bench.new_read_model_version()
    workers = []
    for i in range(k):
        assigned = [p for p in range(bench.scale.partitions) if p % k == i]
        workers.append(await bench.worker(f"{name}-i{i}", "consume_bench", {
            "mode": "runner", "dsn": bench.stack.dsn("rebuild"), "schema": schema,
            "bootstrap": bench.stack.bootstrap, "topic": topic,
            "partitions": bench.scale.partitions, "instance": i, "assigned": assigned,
            "events_per_partition": bench.scale.scale_out_events // bench.scale.partitions}))
    for worker in workers:
        await worker.read_until("READY", 120)
    cpu = CpuWindow({"consumers": worker_pids(workers),
                     "postgresql": postgres_pids, "kafka": kafka_pids})
    cpu.start()
    waits = WaitSampler(bench.stack.dsn("rebuild"), bench.stack.db("rebuild"))
    await waits.start()
    for worker in workers:
        await worker.go()
    results = [await w.result(limit_s=600) for w in workers]
    cpu.stop()
    bench.pg_waits.setdefault(f"s8-scale-k{k}", []).append(await waits.stop())
    for worker in workers:
        bench.note_rss("reporting consumer instance (scale-out)", worker.peak_rss_mb)
    events = sum(int(r["events"]) for r in results)
    seconds = max(float(r["ended_at"]) for r in results) - min(
        float(r["started_at"]) for r in results)
    bench.record_cpu(f"s8 scale-out k={k}", cpu, events)
    return {"instances": k, "events": events, "seconds": seconds,
            "events_per_s": events / seconds, "per_instance": results}
