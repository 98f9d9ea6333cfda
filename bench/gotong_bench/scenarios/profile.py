"""py-spy profiles of each hot path, in runs of their own (never inside a measured run)."""

from __future__ import annotations

import asyncio
import uuid

from gotong_bench.relay_bench import prefill
from gotong_bench.scenarios.bench import Bench
from gotong_bench.stack import Worker


async def run(bench: Bench) -> None:
    """py-spy on each hot path, in runs of their own (never inside a measured run)."""
    s = bench.scale
    top = max(s.concurrencies)
    seconds = s.profile_s
    api = bench.stack.services["payments-api"]
    inv = bench.stack.services["inventory-api"]
    for kind, url, proc in (("deposit", bench.payments_url, api),
                            ("sale", bench.inventory_url, inv)):
        targets = (bench.deposit_targets(bench.pop, s.reps) if kind == "deposit"
                   else bench.sale_targets(s.reps))
        spec = {"mode": "closed", "kind": kind, "base_url": url, "concurrency": top,
                "warmup_s": 0.5, "duration_s": seconds + 1.5, "targets": targets}
        worker = await bench.worker(f"profile-{kind}", "loadgen", spec)
        await worker.read_until("READY", 60)
        await worker.go()
        await asyncio.sleep(0.5)
        bench.profiles.append(await bench.recorder.record(
            f"{proc.name} during {kind}s at concurrency {top}", proc.pid, seconds))
        await worker.result(limit_s=seconds + 60)
    sync = await bench.worker("profile-sync", "loadgen", {
        "mode": "sync", "base_url": bench.payments_url, "batch_size": s.sync_batch,
        "duration_s": seconds + 1, "devices": [{
            "device_id": f"bench-profile-{d}-{uuid.uuid4().hex[:6]}",
            "cooperative_id": bench.pop.coops[d].cooperative_id,
            "token": bench.pop.coops[d].clerk_token,
            "member_ids": bench.pop.coops[d].member_ids} for d in range(s.sync_devices)]})
    await sync.read_until("READY", 60)
    await sync.go()
    bench.profiles.append(await bench.recorder.record(
        f"payments-api during /sync batches ({s.sync_devices} devices)", api.pid, seconds))
    await sync.result(limit_s=seconds + 120)
    # The relay, on a fresh prefill.
    topic = bench.stack.topic("relay.profile")
    events = s.relay_events * 3  # enough to keep it busy for the whole profile
    await prefill(bench.stack.dsn("payments"), bench.stack.dsn("relay"), events=events,
                  topic=topic)
    relay = await bench.worker("profile-relay", "relay_bench", {
        "mode": "relay", "bootstrap": bench.stack.bootstrap, "dsn": bench.stack.dsn("relay"),
        "events": events, "partitions": s.partitions, "timeout_s": 240, "topic": topic})
    await relay.read_until("READY", 120)
    await _profile_from_go(bench, "OutboxRelay draining the outbox", relay, seconds)
    await relay.result(limit_s=300)
    # One read-model consumer instance over the rebuild topic.
    schema = await bench.new_read_model_version()
    runner = await bench.worker("profile-consumer", "consume_bench", {
        "mode": "runner", "dsn": bench.stack.dsn("rebuild"), "schema": schema,
        "bootstrap": bench.stack.bootstrap, "topic": bench.stack.topic("relay.0"),
        "partitions": s.partitions, "instance": 0, "assigned": list(range(s.partitions))})
    await runner.read_until("READY", 120)
    await _profile_from_go(bench, "reporting read-model consumer (rebuild path)", runner,
                                  seconds)
    await runner.result(limit_s=600)


async def _profile_from_go(bench: Bench, name: str, worker: Worker, seconds: int) -> None:
    """Attach py-spy to a READY worker, then let it go: no sample is missed."""
    task = asyncio.create_task(bench.recorder.record(name, worker.pid, seconds))
    await asyncio.sleep(0.5)
    await worker.go()
    bench.profiles.append(await task)
