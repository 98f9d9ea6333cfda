"""Scenario 5: the outbox relay draining a prefilled outbox, against a raw producer."""

from __future__ import annotations

from typing import Any

from gotong_bench.procs import CpuWindow, kafka_pids, postgres_pids
from gotong_bench.relay_bench import prefill
from gotong_bench.scenarios.bench import Bench, worker_pids


async def run(bench: Bench) -> None:
    s = bench.scale
    relay_runs: list[dict[str, Any]] = []
    raw_runs: list[dict[str, Any]] = []
    for rep in range(s.reps):
        topic = bench.stack.topic(f"relay.{rep}")
        await prefill(bench.stack.dsn("payments"), bench.stack.dsn("relay"),
                      events=s.relay_events, topic=topic)
        common = {"bootstrap": bench.stack.bootstrap, "dsn": bench.stack.dsn("relay"),
                  "events": s.relay_events, "partitions": s.partitions, "timeout_s": 240}
        producer = await bench.worker(f"s5-producer-r{rep}", "relay_bench", {
            **common, "mode": "producer", "topic": bench.stack.topic("rawproducer")})
        raw = await producer.result(limit_s=240)
        bench.note_rss("raw-producer", producer.peak_rss_mb)
        relay = await bench.worker(f"s5-relay-r{rep}", "relay_bench",
                                   {**common, "mode": "relay", "topic": topic})
        await relay.read_until("READY", 120)
        cpu = CpuWindow({"relay": worker_pids([relay]), "postgresql": postgres_pids,
                         "kafka": kafka_pids})
        cpu.start()
        await relay.go()
        result = await relay.result(limit_s=300)
        cpu.stop()
        bench.note_rss("payments-relay (bench run)", relay.peak_rss_mb)
        if not result.get("complete"):
            bench.say(f"  warning: the relay published {result['events']} of "
                      f"{s.relay_events}")
        bench.record_cpu("s5 relay (whole worker, from go)", cpu, result["events"])
        relay_runs.append(result)
        raw_runs.append(raw)
        bench.say(f"  rep {rep + 1}: relay {result['events_per_s']:.0f} events/s, raw "
                  f"producer {raw['events_per_s']:.0f} msg/s")
    bench.details["relay"] = {"relay": relay_runs, "producer": raw_runs}
    fig = bench.figure(
        key="s5.relay", scenario="5 outbox relay",
        name=f"OutboxRelay draining {s.relay_events:,} prefilled events",
        unit="events/s", runs=[r["events_per_s"] for r in relay_runs],
        baseline="raw aiokafka producer (acks=all, idempotent), same messages",
        baseline_runs=[r["events_per_s"] for r in raw_runs], target="≥ 50 % of raw")
    fig.met = bool(fig.ratio_median and fig.ratio_median >= 0.5)
