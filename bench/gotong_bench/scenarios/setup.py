"""The set-up: fresh databases and topics, the two APIs, the seeded population, a
warm-up."""

from __future__ import annotations

import asyncio
import subprocess
import sys
import time

import asyncpg

from gotong_bench.scenarios.bench import INVENTORY_PORT, PAYMENTS_PORT, Bench
from gotong_bench.seed import seed_members, seed_shops
from gotong_bench.stack import REPO
from gotong_platform.auth import Role


def _run(args: list[str], env: dict[str, str], what: str) -> None:
    done = subprocess.run(  # noqa: S603 - fixed argv
        [sys.executable, *args], cwd=REPO, env=env, capture_output=True, text=True,
        timeout=300, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"{what} failed:\n{done.stdout[-2000:]}\n{done.stderr[-2000:]}")


async def run(bench: Bench) -> None:
    began = time.monotonic()
    stack = bench.stack
    removed = await stack.delete_bench_topics(every_run=True)
    if removed:
        bench.say(f"  removed {len(removed)} topics left by an earlier bench run")
    await stack.recreate_databases()
    for database in ("payments", "raw", "relay"):
        _run(["-m", "payments", "migrate"], bench.payments_env(database),
             f"payments migrations on {stack.db(database)}")
    _run(["-m", "inventory", "migrate"], bench.inventory_env(), "inventory migrations")
    from gotong_platform.migrations import upgrade
    from reporting.settings import ReportingSettings

    for database in ("reporting", "rebuild"):
        await upgrade(stack.dsn(database), ReportingSettings().migrations_dir)
    api = stack.add_service("payments-api", ["-m", "payments", "api", "--port",
                                             str(PAYMENTS_PORT)], bench.payments_env(),
                            f"{bench.payments_url}/health")
    inv = stack.add_service("inventory-api", ["-m", "inventory", "api", "--port",
                                              str(INVENTORY_PORT)], bench.inventory_env(),
                            f"{bench.inventory_url}/health")
    api.start()
    inv.start()
    await asyncio.to_thread(api.wait_healthy)
    await asyncio.to_thread(inv.wait_healthy)
    bench.timings["start_services_s"] = time.monotonic() - began
    began = time.monotonic()
    for coop in [*bench.pop.coops, *bench.big.coops, *bench.few.coops]:
        coop.clerk_token = stack.token(coop.cooperative_id)
        coop.admin_token = stack.token(coop.cooperative_id, Role.COOP_ADMIN)
    await seed_members(bench.pop, payments_dsn=stack.dsn("payments"),
                       payments_topic=stack.topic("payments"),
                       inventory_dsn=stack.dsn("inventory"))
    for pop in (bench.big, bench.few):
        await seed_members(pop, payments_dsn=stack.dsn("payments"),
                           payments_topic=stack.topic("payments"), inventory_dsn=None)
    await seed_shops(bench.pop, bench.inventory_url,
                     bench.scale.products_per_coop * (bench.scale.reps + 1))
    bench.timings["seed_s"] = time.monotonic() - began
    await _warm_up(bench)


async def _warm_up(bench: Bench) -> None:
    """A few commands of each kind (imports, caches, plans) and a deposit to clone."""
    spec = {"mode": "closed", "kind": "deposit", "base_url": bench.payments_url,
            "concurrency": 4, "warmup_s": 0.0, "duration_s": 2.0,
            "targets": bench.deposit_targets(bench.pop, rep=bench.scale.reps)}
    result, _ = await bench.windowed("warmup-deposit", "loadgen", spec, {}, 0, 2.0)
    if not result.get("ok"):
        raise RuntimeError(f"warm-up deposits failed: {result}")
    spec = {**spec, "kind": "sale", "base_url": bench.inventory_url,
            "targets": bench.sale_targets(rep=bench.scale.reps)}
    result, _ = await bench.windowed("warmup-sale", "loadgen", spec, {}, 0, 2.0)
    if not result.get("ok"):
        raise RuntimeError(f"warm-up sales failed: {result}")
    conn = await asyncpg.connect(bench.stack.dsn("payments"))
    try:
        row = await conn.fetchrow(
            "SELECT e.payload::text AS payload, o.payload::text AS public FROM events e "
            "JOIN outbox o USING (event_id) WHERE e.event_type = 'SavingsDeposited' "
            "LIMIT 1")
    finally:
        await conn.close()
    if row is None:
        raise RuntimeError("no deposit was stored during the warm-up")
    bench.sample_payload, bench.sample_public = row["payload"], row["public"]
