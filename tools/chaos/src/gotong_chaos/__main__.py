"""``make chaos`` / ``python -m gotong_chaos``: load, nemesis and checker on a stack of
the run's own.

    python -m gotong_chaos [--duration 420] [--rate 25] [--seed N] [--faults a,b,...]
                           [--pg-port 56440] [--kafka-port 60140] [--port-offset 140]
                           [--results artifacts/chaos] [--keep]

1. a PostgreSQL cluster and a Kafka broker (behind the run's proxy) in a new temporary
   directory, on ports of the run's own (never the developer's 55432/59092 stack);
2. every service process (``gotong_devstack.run.SERVICES``), supervised; one
   cooperative of the demo seeded through the APIs (``make run``'s seeding);
3. ``--duration`` seconds of load (``gotong_chaos.load``) while the nemesis
   (``gotong_chaos.nemesis``) injects faults;
4. quiesce: the in-flight commands answered, every outbox empty, every consumer's lag 0;
5. the checks (``gotong_chaos.checker``) and ``python -m reporting rebuild``;
6. ``report.md`` and ``report.json`` (plus the client log and the service logs) in
   ``<results>/<UTC time>/``; the stack is stopped and its directory removed.

Exit codes: 0 every check passed; 1 a check failed (the report says which); 2 the run
could not be made (a port in use, a prerequisite missing).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx

from gotong_chaos.checker import Stores, check, snapshot
from gotong_chaos.load import ClientLog, Load, World
from gotong_chaos.nemesis import FAULTS, Fault, Nemesis
from gotong_chaos.platform import ChaosStack, Supervisor, chaos_settings, import_run
from gotong_chaos.report import write_report
from gotong_devstack import demo
from gotong_devstack.settings import LOOPBACK
from gotong_platform.auth import Principal, Role, TokenIssuer
from gotong_platform.auth.keys import read_key_file
from gotong_platform.kafka import KafkaAuth

DEMO_COOPERATIVE = "kopi-wewewa"  # the producer: produce, loans, a shop and a warehouse
CLERKS = 24
QUIESCE_TIMEOUT_S = 420.0
QUIET_S = 35.0
SETUP_STOCK = 5000


def say(message: str) -> None:
    print(f"{time.strftime('%H:%M:%S')} chaos: {message}", flush=True)


def parse(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="python -m gotong_chaos", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--duration", type=float, default=420.0, help="seconds of load")
    p.add_argument("--rate", type=float, default=25.0, help="commands a second")
    p.add_argument("--seed", type=int, default=None)
    p.add_argument("--faults", default=",".join(FAULTS),
                   help=f"comma-separated, of: {', '.join(FAULTS)}")
    p.add_argument("--min-gap", type=float, default=8.0, help="seconds between faults")
    p.add_argument("--max-gap", type=float, default=20.0)
    p.add_argument("--pg-port", type=int, default=56440)
    p.add_argument("--kafka-port", type=int, default=60140,
                   help="advertised (the proxy); the controller takes +1, the broker +5")
    p.add_argument("--port-offset", type=int, default=140,
                   help="added to the APIs' 8001-8005 and the consumers' 9102-9105")
    p.add_argument("--results", type=Path, default=Path("artifacts/chaos"))
    p.add_argument("--keep", action="store_true", help="keep the stack's directory")
    args = p.parse_args(argv)
    unknown = set(args.faults.split(",")) - set(FAULTS) - {""}
    if unknown:
        p.error(f"unknown faults: {', '.join(sorted(unknown))}")
    return args


async def _broker_answers(stores: Stores) -> bool:
    """The broker answers a metadata request (a broker restarted after a SIGKILL can
    take minutes to serve again on a loaded machine)."""
    from aiokafka.admin import AIOKafkaAdminClient
    from aiokafka.errors import KafkaError

    admin = AIOKafkaAdminClient(bootstrap_servers=stores.bootstrap, client_id="chaos-quiesce",
                                request_timeout_ms=10_000, **stores.auth.client_kwargs())
    try:
        await admin.start()
        await admin.list_topics()
        return True
    except (KafkaError, OSError):
        return False
    finally:
        with contextlib.suppress(Exception):
            await admin.close()


def _all_ready(urls: list[str]) -> bool:
    try:
        return all(httpx.get(url, timeout=5).status_code == 200 for url in urls)
    except httpx.HTTPError:
        return False


def wait_http(urls: list[str], timeout: float) -> None:
    deadline = time.monotonic() + timeout
    for url in urls:
        while True:
            try:
                if httpx.get(url, timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"no answer from {url} within {timeout:.0f} s")
            time.sleep(0.5)


def seed(run: Any, paths: Any) -> tuple[str, Any]:
    """One cooperative of the demo through the APIs, as ``make run`` seeds it."""
    from gotong_devstack import economy, economy_seed

    day = demo.business_today()
    federation = tuple(c for c in demo.build_demo(day) if c.spec.slug == DEMO_COOPERATIVE)
    mint = run.make_mint(paths)
    tokens = economy_seed.Tokens(mint)
    counts = economy_seed.Counts()
    hook = economy_seed.policy_hook(run.ENDPOINTS, tokens, counts)
    result = demo.seed(federation, run.MEMBERS_URL, mint, after_join=hook)
    economies = economy.build_economy(federation, day)
    records = economy_seed.seed_economy(economies, federation, result.cooperative_ids,
                                        result.member_ids, run.ENDPOINTS, tokens, counts)
    still_open = economy_seed.settle(records, run.ENDPOINTS, tokens)
    if still_open:
        raise RuntimeError(f"the demo's reactions did not settle: {still_open}")
    return result.cooperative_ids[DEMO_COOPERATIVE], result


def seed_patiently(run: Any, paths: Any, tries: int = 4) -> str:
    """``seed``, again when a consumer was too slow to learn the cooperative (a fresh
    broker's group coordinator can take minutes on a loaded machine): every request of
    the seeding is keyed, so a second go only adds what the first did not."""
    from gotong_devstack import economy_seed

    for attempt in range(1, tries + 1):
        try:
            return seed(run, paths)[0]
        except (economy_seed.EconomyError, demo.ApiError) as exc:
            if attempt == tries:
                raise
            say(f"seeding, try {attempt} of {tries}: {str(exc)[:200]}; again")
    raise AssertionError("unreachable")


def discover(run: Any, paths: Any, cooperative_id: str, tag: str,
             business_date: date) -> World:
    issuer = TokenIssuer(read_key_file(paths.jwt_key), ttl=timedelta(hours=6))
    admin = issuer.issue(Principal(subject="chaos-pengurus", role=Role.COOP_ADMIN,
                                   cooperative_id=cooperative_id))
    clerks = [issuer.issue(Principal(subject=f"chaos-kasir-{n}", role=Role.COOP_CLERK,
                                     cooperative_id=cooperative_id)) for n in range(CLERKS)]
    treasurers = [issuer.issue(Principal(subject=f"chaos-bendahara-{n}", role=Role.COOP_ADMIN,
                                         cooperative_id=cooperative_id)) for n in range(4)]
    h = {"Authorization": f"Bearer {admin}"}
    base = f"/cooperatives/{cooperative_id}"

    def get(url: str, path: str) -> Any:
        response = httpx.get(url + base + path, headers=h, timeout=30)
        response.raise_for_status()
        return response.json()

    members: list[str] = []
    cursor = None
    while True:
        page = get(run.MEMBERS_URL, "/members?limit=100" + (f"&cursor={cursor}" if cursor
                                                           else ""))
        members += [m["member_id"] for m in page["items"] if m["status"] == "admitted"]
        cursor = page.get("next_cursor")
        if not cursor:
            break
    loans = {loan["loan_id"]: loan["member_id"] for loan in get(run.PAYMENTS_URL, "/loans")
             if loan["status"] == "active"}
    warehouses = get(run.INVENTORY_URL, "/warehouses")
    warehouse = next(w["warehouse_id"] for w in warehouses if w["kind"] == "warehouse")
    shop = next(w["warehouse_id"] for w in warehouses if w["kind"] == "shop")
    products = get(run.INVENTORY_URL, "/products")
    produce = next(p["product_id"] for p in products
                   if any(x["price_list"] == "buy_from_member" for x in p["prices"]))
    member_price = {p["product_id"]: (x["price_idr"], x["per_qty"]) for p in products
                    for x in p["prices"] if x["price_list"] == "member" and
                    p["base_unit"] == "pcs"}
    members = [m for m in members if m]
    hot = next(m for m in loans.values() if m in members)
    return World(
        urls={"members": run.MEMBERS_URL, "inventory": run.INVENTORY_URL,
              "payments": run.PAYMENTS_URL, "reporting": run.REPORTING_URL},
        cooperative_id=cooperative_id, members=members, hot_member=hot, loans=loans,
        warehouse_id=warehouse, shop_id=shop, produce_product_id=produce,
        shop_products=sorted(member_price), member_price=member_price,
        clerk_tokens=clerks, treasurer_tokens=treasurers, admin_token=admin,
        business_date=business_date.isoformat(), run_tag=tag)


def stock_up(world: World) -> None:
    """Enough on the shop's shelves that the sales are refused for stock only rarely."""
    for product in world.shop_products:
        response = httpx.post(
            world.urls["inventory"] + world.path(f"/warehouses/{world.shop_id}/goods-receipts"),
            json={"product_id": product, "qty": SETUP_STOCK, "total_cost_idr": SETUP_STOCK},
            headers={"Authorization": f"Bearer {world.admin_token}",
                     "Idempotency-Key": f"chaos-stock-{world.run_tag}-{product}"}, timeout=30)
        response.raise_for_status()


_QUIET_SQL = """
SELECT (SELECT count(*) FROM outbox) AS backlog,
       (SELECT coalesce(max(global_position), 0) FROM events) AS events
"""
_APPLIED_SQL = """
SELECT table_schema FROM information_schema.tables
WHERE table_name IN ('processed_events', 'consumer_positions')
"""


async def _state(stores: Stores) -> tuple[int, tuple[int, ...]]:
    """The outbox backlog of every store, and a signature of everything the consumers
    and commands have written (events, processed events, consumer positions)."""
    import asyncpg

    backlog = 0
    signature: list[int] = []
    for service in ("members", "inventory", "payments", "reporting", "partners"):
        conn = await asyncpg.connect(stores.dsn(service))
        try:
            row = await conn.fetchrow(_QUIET_SQL)
            assert row is not None
            backlog += int(row["backlog"])
            signature.append(int(row["events"]))
            for schema in sorted({r["table_schema"] for r in await conn.fetch(_APPLIED_SQL)}):
                signature.append(int(await conn.fetchval(
                    f'SELECT count(*) FROM "{schema}".processed_events')))
                signature.append(int(await conn.fetchval(
                    f'SELECT coalesce(sum(next_offset), 0) FROM "{schema}".consumer_positions')))
        finally:
            await conn.close()
    return backlog, tuple(signature)


async def quiesce(stores: Stores, ready_urls: list[str], quiet_s: float = QUIET_S) -> float:
    """Until every outbox is empty, every API and consumer is ready, and nothing was
    written for ``quiet_s`` seconds: longer than the longest back-off of a consumer that
    is reconnecting (``gotong_platform.supervise``: 30 s), which writes nothing while it
    waits."""
    import asyncpg

    started = time.monotonic()
    last: tuple[int, ...] = ()
    since = time.monotonic()
    detail = ""
    while time.monotonic() - started < QUIESCE_TIMEOUT_S:
        try:
            backlog, signature = await _state(stores)
        except (OSError, asyncpg.PostgresError) as exc:
            backlog, signature, detail = 1, (), str(exc)
        ready = await asyncio.to_thread(_all_ready, ready_urls) and await _broker_answers(stores)
        if backlog or signature != last or not ready:
            last, since = signature, time.monotonic()
            detail = f"outbox backlog {backlog}, all ready: {ready}"
        elif time.monotonic() - since >= quiet_s:
            return time.monotonic() - started
        await asyncio.sleep(1.0)
    raise RuntimeError(f"not quiet after {QUIESCE_TIMEOUT_S:.0f} s ({detail})")


def rebuild(run: Any, sup: Supervisor) -> tuple[bool | None, str]:
    service = sup.service("reporting-consumer")
    env = run.service_env(service, sup.settings, sup.paths, sup.nik_key)
    result = subprocess.run(
        [sys.executable, "-m", "reporting", "rebuild"], env=env, capture_output=True,
        text=True, timeout=600, check=False, cwd=sup.settings.stack_dir)
    out = (result.stdout + result.stderr).strip()
    if "identical to live: True" in out:
        return True, out
    if "identical to live: False" in out:
        return False, out
    return None, out


async def drive(args: argparse.Namespace, world: World, stack: ChaosStack, sup: Supervisor,
                ready_urls: list[str], out: Path) -> tuple[ClientLog, list[Fault], list[str]]:
    seed_value = args.seed
    with (out / "commands.jsonl").open("w") as commands, \
            (out / "attempts.jsonl").open("w") as attempts:
        log = ClientLog(commands, attempts)
        load = Load(world, log, args.rate, seed_value)
        nemesis = Nemesis(stack, sup, ready_urls, [f for f in args.faults.split(",") if f],
                          seed_value + 1, args.min_gap, args.max_gap)
        until = time.monotonic() + args.duration
        faults = asyncio.create_task(nemesis.run(until))
        await load.run(args.duration)
        load.stopping.set()
        await faults
        for error in nemesis.errors:
            say(f"the nemesis failed: {error}")
        say(f"load done: {len(log.commands)} answered so far, {len(load.in_flight)} in flight")
        await load.drain(120)
    return log, nemesis.done, nemesis.errors


def main(argv: list[str] | None = None) -> int:
    args = parse(argv)
    if args.seed is None:  # chosen now, and in the report: CHAOS_ARGS=--seed N repeats it
        args.seed = int(time.time())
    for name in ("GOTONG_PG_ADMIN_DSN", "GOTONG_KAFKA_BOOTSTRAP", "GOTONG_STACK_DIR"):
        os.environ.pop(name, None)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    out = (args.results / stamp).resolve()
    out.mkdir(parents=True, exist_ok=True)
    root = Path(tempfile.mkdtemp(prefix="gotong-chaos-"))
    settings = chaos_settings(root / "stack", args.pg_port, args.kafka_port)
    run = import_run(args.port_offset)
    stack_log = (out / "stack.log").open("w")
    stack = ChaosStack(settings, stack_log)
    sup: Supervisor | None = None
    began = time.monotonic()
    try:
        say(f"stack in {root}: PostgreSQL on {args.pg_port}, Kafka on {args.kafka_port} "
            f"(behind the run's proxy), APIs on {8001 + args.port_offset}-"
            f"{8005 + args.port_offset}; results in {out}")
        try:
            stack.up()
        except Exception as exc:  # a port in use, a missing tool
            say(f"the stack did not start: {exc}")
            return 2
        paths = run.Paths(settings.stack_dir)
        nik_key = run.ensure_secrets(paths)
        sup = Supervisor(run, settings, nik_key)
        sup.start_all()
        api_ready = [f"http://{LOOPBACK}:{s.port}/ready" for s in run.SERVICES if s.port]
        consumer_ready = [f"http://{LOOPBACK}:{s.metrics_port}/ready" for s in run.SERVICES
                          if s.metrics_port]
        wait_http(api_ready + consumer_ready, 120)
        say(f"platform up after {time.monotonic() - began:.0f} s; seeding {DEMO_COOPERATIVE}")
        cooperative_id = seed_patiently(run, paths)
        world = discover(run, paths, cooperative_id, stamp, demo.business_today())
        stock_up(world)
        stores = Stores(settings.pg_admin_dsn, settings.kafka_bootstrap, KafkaAuth(
            "SASL_PLAINTEXT", "SCRAM-SHA-512", settings.kafka_username,
            settings.kafka_password))
        asyncio.run(quiesce(stores, api_ready + consumer_ready, quiet_s=6.0))
        before = asyncio.run(snapshot(world, world.members))
        known_payouts = {p["receipt_id"] for p in httpx.get(
            world.urls["payments"] + world.path("/payouts"),
            headers={"Authorization": f"Bearer {world.admin_token}"}, timeout=30).json()}
        setup_s = time.monotonic() - began
        say(f"seeded after {setup_s:.0f} s: {len(world.members)} members, "
            f"{len(world.loans)} loans; load {args.rate:g}/s for {args.duration:g} s")
        log, faults, nemesis_errors = asyncio.run(
            drive(args, world, stack, sup, api_ready + consumer_ready, out))
        for fault in faults:
            say(f"fault {fault.kind} ({fault.target}): recovered "
                f"{'never' if fault.recovery_s is None else f'{fault.recovery_s:.1f} s'}"
                " after the heal")
        quiet_s = asyncio.run(quiesce(stores, api_ready + consumer_ready))
        say(f"quiet {quiet_s:.0f} s after the load; checking")
        attempts = [json.loads(line) for line in (out / "attempts.jsonl").open()]
        checks, rows = asyncio.run(check(world, stores, log.commands, attempts, faults,
                                         before, known_payouts))
        identical, rebuild_out = rebuild(run, sup)
        checks.figures["read model == rebuild"] = identical
        checks.details["rebuild"] = rebuild_out[-2000:]
        if identical is not True:
            checks.failures.append(f"read model == rebuild: {identical}")
        checks.must_be_zero("faults the nemesis could not inject or heal", len(nemesis_errors),
                            nemesis_errors)
        exits = sup.unexpected_exits()
        checks.must_be_zero("processes that needed a restart from outside", len(exits),
                            [f"{e.name} exit {e.code}" for e in exits])
        checks.figures["processes killed by the nemesis"] = sum(
            1 for e in sup.exits if e.expected)
        checks.figures["commands not sent (client behind)"] = log.not_sent
        checks.figures["setup seconds"] = round(setup_s, 1)
        checks.figures["quiesce seconds"] = round(quiet_s, 1)
        checks.figures["run seconds"] = round(time.monotonic() - began, 1)
        write_report(out, args, checks, rows)
        print((out / "report.md").read_text(), flush=True)
        if checks.failures:
            _keep_logs(settings.stack_dir, out)
            say(f"FAILED: {'; '.join(checks.failures)}")
            return 1
        say(f"passed; report in {out}")
        return 0
    except Exception:
        _keep_logs(settings.stack_dir, out)
        raise
    finally:
        if sup is not None:
            sup.stop_all()
        stack.down()
        stack_log.close()
        if not args.keep:
            shutil.rmtree(root, ignore_errors=True)


def _keep_logs(stack_dir: Path, out: Path) -> None:
    logs = stack_dir / "logs"
    if logs.is_dir():
        shutil.copytree(logs, out / "logs", dirs_exist_ok=True)
    for extra in ("pg/postgres.log", "kafka/kafka.log", "netproxy.log"):
        if (stack_dir / extra).is_file():
            shutil.copy(stack_dir / extra, out / Path(extra).name)


if __name__ == "__main__":
    sys.exit(main())
