"""Scenario 4: how soon a deposit the API accepted is visible in the read model."""

from __future__ import annotations

import asyncio
import time
from typing import Any

import asyncpg
from aiokafka import AIOKafkaConsumer, TopicPartition

from gotong_bench.scenarios.bench import Bench
from gotong_platform.kafka import KafkaAuth


async def run(bench: Bench) -> None:
    s = bench.scale
    stack = bench.stack
    relay = stack.add_service("payments-relay", ["-m", "payments", "relay"],
                              bench.payments_env())
    consumer = stack.add_service(
        "reporting-consumer", ["-m", "reporting", "consumer"],
        bench.reporting_env("reporting", [stack.topic("payments")]))
    relay.start()
    consumer.start()
    began = time.monotonic()
    backlog = await _outbox_backlog(bench)
    schema = await _wait_caught_up(bench, limit_s=240)
    bench.details["catch_up"] = {"backlog_events": backlog,
                                 "seconds": time.monotonic() - began}
    bench.say(f"  relay + reporting consumer caught up with a backlog of {backlog:,} events "
              f"in {time.monotonic() - began:.1f} s")
    runs: list[dict[str, Any]] = []
    for rep in range(s.reps):
        result, cpu = await bench.windowed(
            f"s4-fresh-r{rep}", "loadgen",
            {"mode": "open", "base_url": bench.payments_url, "rate": s.fresh_rate,
             "duration_s": s.fresh_duration_s, "amount_base": 10_000_000 * (rep + 1),
             "targets": [{"cooperative_id": c.cooperative_id, "member_id": m,
                          "token": c.clerk_token} for c, m in bench.pop.members],
             "reporting_dsn": stack.dsn("reporting"), "schema": schema, "poll_ms": 5},
            bench.groups("payments-api", "payments-relay", "reporting-consumer"),
            0.0, s.fresh_duration_s, rss_as="loadgen")
        bench.check_errors("freshness", result)
        bench.record_cpu("s4 freshness", cpu, s.fresh_rate * s.fresh_duration_s)
        runs.append(result)
        bench.say(f"  rep {rep + 1}: p50 {result['p50_ms']:.0f} ms, p99 "
                  f"{result['p99_ms']:.0f} ms, max {result['max_ms']:.0f} ms "
                  f"({result['visible']}/{result['accepted']} visible, sent at "
                  f"{result['achieved_rate']:.0f}/s)")
    bench.details["freshness"] = runs
    label = (f"{s.fresh_rate:.0f} deposits/s for {s.fresh_duration_s:.0f} s "
             "(API → outbox → relay → Kafka → reporting consumer → fact_savings)")
    for q, target, limit in (("p50", "≤ 50 ms", 50.0), ("p99", "≤ 250 ms", 250.0),
                             ("max", None, None)):
        fig = bench.figure(key=f"s4.{q}", scenario="4 freshness",
                           name=f"event recorded → visible, {q}, {label}", unit="ms",
                           runs=[r[f"{q}_ms"] for r in runs if r[f"{q}_ms"] is not None],
                           target=target, higher_is_better=False)
        if limit is not None:
            fig.met = bool(fig.median is not None and fig.median <= limit)
    for q in ("p50", "p99"):
        bench.figure(key=f"s4.answer.{q}", scenario="4 freshness",
                     name=f"client's 201 → visible, {q} (negative: visible before the "
                          "answer arrived)", unit="ms",
                     runs=[r[f"after_answer_{q}_ms"] for r in runs
                           if r[f"after_answer_{q}_ms"] is not None],
                     higher_is_better=False)
    bench.figure(key="s4.rate", scenario="4 freshness", name="rate the client sent at",
                 unit="commands/s", runs=[r["achieved_rate"] for r in runs],
                 note="below the fixed rate when the client could not keep the schedule")
    bench.note_rss("payments-relay", relay.stop())
    bench.note_rss("reporting-consumer", consumer.stop())


async def _outbox_backlog(bench: Bench) -> int:
    conn = await asyncpg.connect(bench.stack.dsn("payments"))
    try:
        return int(await conn.fetchval("SELECT count(*) FROM outbox"))
    finally:
        await conn.close()


async def _wait_caught_up(bench: Bench, limit_s: float) -> str:
    """The live read-model schema, once the outbox is empty and the consumer at the end."""
    deadline = time.monotonic() + limit_s
    topic = bench.stack.topic("payments")
    conn = await asyncpg.connect(bench.stack.dsn("reporting"))
    consumer = AIOKafkaConsumer(bootstrap_servers=bench.stack.bootstrap,
                                client_id="bench-lag", enable_auto_commit=False,
                                **KafkaAuth.from_env().client_kwargs())
    await consumer.start()
    try:
        while True:
            if time.monotonic() > deadline:
                raise RuntimeError("the relay and reporting consumer did not catch up")
            for proc in (bench.stack.services["payments-relay"],
                         bench.stack.services["reporting-consumer"]):
                if not proc.alive():
                    raise RuntimeError(f"{proc.name} exited; see {proc.log}")
            await asyncio.sleep(0.5)
            schema = await conn.fetchval(
                "SELECT schema_name FROM read_models WHERE status = 'live'")
            if schema is None or await _outbox_backlog(bench) > 0:
                continue
            parts = [TopicPartition(topic, p) for p in
                     (consumer.partitions_for_topic(topic) or set())]
            if not parts:
                await consumer._client.force_metadata_update()
                continue
            ends = await consumer.end_offsets(parts)
            rows = await conn.fetch(
                f"SELECT partition, next_offset FROM {schema}.consumer_positions "
                "WHERE topic = $1", topic)
            done = {r["partition"]: r["next_offset"] for r in rows}
            if all(done.get(tp.partition, 0) >= end for tp, end in ends.items()):
                return str(schema)
    finally:
        await consumer.stop()
        await conn.close()
