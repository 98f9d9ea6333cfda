"""The scenarios of issue 5, run against the real stack; see docs/performance.md.

Every scenario repeats ``scale.reps`` times; inside each repetition a figure and its
baseline run back to back, so a ratio never mixes two moments of a noisy machine.
Every run is bounded (a duration, a count with a timeout) and stops by itself.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import json
import re
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import asyncpg
from aiokafka import AIOKafkaConsumer, TopicPartition

from gotong_bench.common import summary
from gotong_bench.figures import Figure
from gotong_bench.pgwaits import WaitSampler
from gotong_bench.procs import CpuWindow, children, kafka_pids, postgres_pids
from gotong_bench.profiles import Profile, ProfileRecorder
from gotong_bench.relay_bench import prefill
from gotong_bench.seed import Population, make_population, seed_members, seed_shops
from gotong_bench.stack import REPO, BenchStack, ServiceProc, Worker
from gotong_platform.auth import Role

__all__ = ["Bench", "Scale"]

PAYMENTS_PORT = 18003
INVENTORY_PORT = 18002
REPORTING_METRICS_PORT = 19104
WHATIF_PORTS = {"payments-traced": 18013, "payments-2w": 18023, "inventory-traced": 18012}
LOOPBACK = "127.0.0.1"

PidSource = Callable[[], Iterable[int]]


@dataclasses.dataclass(frozen=True)
class Scale:
    """How big each scenario is; ``make bench`` uses the defaults (about 11 minutes)."""

    reps: int = 3
    warmup_s: float = 1.0
    duration_s: float = 4.0
    concurrencies: tuple[int, ...] = (1, 16, 64)
    anchor_concurrencies: tuple[int, ...] = (1, 16)
    coops: int = 10
    members_per_coop: int = 100
    products_per_coop: int = 8  # per repetition: every repetition sells from fresh ledgers
    big_coops: int = 1000
    sync_devices: int = 4
    sync_batch: int = 500
    sync_duration_s: float = 5.0
    fresh_rate: float = 200.0
    fresh_duration_s: float = 60.0
    relay_events: int = 40_000
    rebuild_events: int = 1_000_000  # published by the real relay into a topic of its own
    instances: tuple[int, ...] = (1, 2, 4)
    scale_out_events: int = 8_000  # a prefix of the rebuild topic, split over its partitions
    partitions: int = 4
    profile_s: int = 5
    whatif_duration_s: float = 3.0

    @classmethod
    def quick(cls) -> Scale:
        """A smoke run of every scenario (about 3 minutes): for developing the bench."""
        return cls(reps=1, duration_s=2.0, members_per_coop=100, products_per_coop=7,
                   big_coops=100, sync_duration_s=2.0, fresh_duration_s=5.0,
                   relay_events=5_000, rebuild_events=20_000, scale_out_events=4_000,
                   profile_s=3)


def _service_pids(proc: ServiceProc) -> PidSource:
    """The process and its children (uvicorn workers, a rebuild's worker processes)."""
    def pids() -> list[int]:
        return [proc.pid, *children(proc.pid)] if proc.alive() else []

    return pids


def _worker_pids(workers: list[Worker]) -> PidSource:
    def pids() -> list[int]:
        return [w.pid for w in workers if w.proc is not None]

    return pids


class Bench:
    def __init__(self, scale: Scale, out_dir: Path, run_id: str, bench_python: Path) -> None:
        self.scale = scale
        self.out_dir = out_dir
        self.stack = BenchStack(run_id=run_id, out_dir=out_dir, partitions=scale.partitions)
        self.bench_python = bench_python
        self.figures: list[Figure] = []
        self.details: dict[str, Any] = {}
        self.cpu: dict[str, Any] = {}
        self.peak_rss: dict[str, float] = {}
        self.profiles: list[Profile] = []
        self.timings: dict[str, float] = {}
        self.pg_waits: dict[str, list[dict[str, float]]] = {}
        self.recorder = ProfileRecorder(bench_python.parent / "py-spy", out_dir)
        self.env = self.stack.worker_env()
        self.pop = make_population("p", scale.coops, scale.members_per_coop)
        self.big = make_population("q", scale.big_coops, 1)
        # Scenario 8's "few cooperatives" side: fresh accounts, as many as ``big`` has, so
        # the two sides differ in the number of cooperatives only (not in stream lengths).
        self.few = make_population("r", scale.coops, scale.big_coops // scale.coops)
        self.sample_payload = ""
        self.sample_public = ""
        self._names: set[str] = set()

    # --- helpers -------------------------------------------------------------------

    @property
    def payments_url(self) -> str:
        return f"http://{LOOPBACK}:{PAYMENTS_PORT}"

    @property
    def inventory_url(self) -> str:
        return f"http://{LOOPBACK}:{INVENTORY_PORT}"

    def say(self, message: str) -> None:
        print(message, flush=True)

    def _unique(self, name: str) -> str:
        base, n = name, 1
        while name in self._names:
            n += 1
            name = f"{base}-{n}"
        self._names.add(name)
        return name

    def _note_rss(self, name: str, value: float | None) -> None:
        if value is not None:
            self.peak_rss[name] = max(value, self.peak_rss.get(name, 0.0))

    def figure(self, **kwargs: Any) -> Figure:
        fig = Figure(**kwargs)
        self.figures.append(fig)
        return fig

    def _groups(self, *services: str) -> dict[str, PidSource]:
        groups: dict[str, PidSource] = {}
        for name in services:
            groups[name] = _service_pids(self.stack.services[name])
        groups["postgresql"] = postgres_pids
        groups["kafka"] = kafka_pids
        return groups

    async def _worker(self, name: str, module: str, spec: dict[str, Any], *,
                      python: str | None = None) -> Worker:
        worker = Worker(name=self._unique(name), module=f"gotong_bench.{module}", spec=spec,
                        out_dir=self.out_dir, python=python or sys.executable)
        await worker.start(self.env)
        return worker

    async def _windowed(self, name: str, module: str, spec: dict[str, Any],
                        groups: dict[str, PidSource], warmup: float, duration: float, *,
                        python: str | None = None, rss_as: str | None = None,
                        waits_in: str | None = None) -> tuple[dict[str, Any], CpuWindow]:
        """A READY/go worker with a CPU window (and PostgreSQL waits) over its measured part."""
        worker = await self._worker(name, module, spec, python=python)
        await worker.read_until("READY", 120)
        cpu = CpuWindow({**groups, "client": _worker_pids([worker])})
        waits = (WaitSampler(self.stack.dsn(waits_in), self.stack.db(waits_in))
                 if waits_in else None)
        await worker.go()
        await asyncio.sleep(warmup)
        cpu.start()
        if waits is not None:
            await waits.start()
        await asyncio.sleep(duration)
        cpu.stop()
        if waits is not None:
            self.pg_waits.setdefault(name.rsplit("-r", 1)[0], []).append(await waits.stop())
        result = await worker.result(limit_s=duration + 60)
        self._note_rss(rss_as or module, worker.peak_rss_mb)
        return result, cpu

    def _record_cpu(self, key: str, cpu: CpuWindow, count: float) -> None:
        """CPU per unit of work and cores busy, per process group (``count`` units)."""
        seconds = cpu.seconds or 1.0
        self.cpu.setdefault(key, []).append({
            group: {"cores": round(s / seconds, 3),
                    "ms_per_unit": round(1000 * s / count, 3) if count else None}
            for group, s in cpu.used.items()})

    # --- set-up ------------------------------------------------------------------------

    def _run(self, args: list[str], env: dict[str, str], what: str) -> None:
        done = subprocess.run(  # noqa: S603 - fixed argv
            [sys.executable, *args], cwd=REPO, env=env, capture_output=True, text=True,
            timeout=300, check=False)
        if done.returncode != 0:
            raise RuntimeError(f"{what} failed:\n{done.stdout[-2000:]}\n{done.stderr[-2000:]}")

    def _payments_env(self, database: str = "payments") -> dict[str, str]:
        return self.stack.service_env("GOTONG_PAYMENTS_", database, {
            "GOTONG_PAYMENTS_TOPIC": self.stack.topic("payments"),
            "GOTONG_PAYMENTS_CONSUMER_METRICS_PORT": "19103"})

    def _inventory_env(self) -> dict[str, str]:
        return self.stack.service_env("GOTONG_INVENTORY_", "inventory", {
            "GOTONG_INVENTORY_TOPIC": self.stack.topic("inventory"),
            "GOTONG_INVENTORY_CONSUMER_METRICS_PORT": "19102"})

    def _reporting_env(self, database: str, topics: list[str]) -> dict[str, str]:
        return self.stack.service_env("GOTONG_REPORTING_", database, {
            "GOTONG_REPORTING_TOPICS": json.dumps(topics),
            "GOTONG_REPORTING_TOPIC": self.stack.topic("reporting"),
            "GOTONG_REPORTING_CONSUMER_GROUP": self.stack.topic("readmodel"),
            "GOTONG_REPORTING_CONSUMER_METRICS_PORT": str(REPORTING_METRICS_PORT)})

    async def setup(self) -> None:
        began = time.monotonic()
        stack = self.stack
        removed = await stack.delete_bench_topics(every_run=True)
        if removed:
            self.say(f"  removed {len(removed)} topics left by an earlier bench run")
        await stack.recreate_databases()
        for database in ("payments", "raw", "relay"):
            self._run(["-m", "payments", "migrate"], self._payments_env(database),
                      f"payments migrations on {stack.db(database)}")
        self._run(["-m", "inventory", "migrate"], self._inventory_env(), "inventory migrations")
        from gotong_platform.migrations import upgrade
        from reporting.settings import ReportingSettings

        for database in ("reporting", "rebuild"):
            await upgrade(stack.dsn(database), ReportingSettings().migrations_dir)
        api = stack.add_service("payments-api", ["-m", "payments", "api", "--port",
                                                 str(PAYMENTS_PORT)], self._payments_env(),
                                f"{self.payments_url}/health")
        inv = stack.add_service("inventory-api", ["-m", "inventory", "api", "--port",
                                                  str(INVENTORY_PORT)], self._inventory_env(),
                                f"{self.inventory_url}/health")
        api.start()
        inv.start()
        await asyncio.to_thread(api.wait_healthy)
        await asyncio.to_thread(inv.wait_healthy)
        self.timings["start_services_s"] = time.monotonic() - began
        began = time.monotonic()
        for coop in [*self.pop.coops, *self.big.coops, *self.few.coops]:
            coop.clerk_token = stack.token(coop.cooperative_id)
            coop.admin_token = stack.token(coop.cooperative_id, Role.COOP_ADMIN)
        await seed_members(self.pop, payments_dsn=stack.dsn("payments"),
                           payments_topic=stack.topic("payments"),
                           inventory_dsn=stack.dsn("inventory"))
        for pop in (self.big, self.few):
            await seed_members(pop, payments_dsn=stack.dsn("payments"),
                               payments_topic=stack.topic("payments"), inventory_dsn=None)
        await seed_shops(self.pop, self.inventory_url,
                         self.scale.products_per_coop * (self.scale.reps + 1))
        self.timings["seed_s"] = time.monotonic() - began
        await self._warm_up()

    async def _warm_up(self) -> None:
        """A few commands of each kind (imports, caches, plans) and a deposit to clone."""
        spec = {"mode": "closed", "kind": "deposit", "base_url": self.payments_url,
                "concurrency": 4, "warmup_s": 0.0, "duration_s": 2.0,
                "targets": self._deposit_targets(self.pop, rep=self.scale.reps)}
        result, _ = await self._windowed("warmup-deposit", "loadgen", spec, {}, 0, 2.0)
        if not result.get("ok"):
            raise RuntimeError(f"warm-up deposits failed: {result}")
        spec = {**spec, "kind": "sale", "base_url": self.inventory_url,
                "targets": self._sale_targets(rep=self.scale.reps)}
        result, _ = await self._windowed("warmup-sale", "loadgen", spec, {}, 0, 2.0)
        if not result.get("ok"):
            raise RuntimeError(f"warm-up sales failed: {result}")
        conn = await asyncpg.connect(self.stack.dsn("payments"))
        try:
            row = await conn.fetchrow(
                "SELECT e.payload::text AS payload, o.payload::text AS public FROM events e "
                "JOIN outbox o USING (event_id) WHERE e.event_type = 'SavingsDeposited' "
                "LIMIT 1")
        finally:
            await conn.close()
        if row is None:
            raise RuntimeError("no deposit was stored during the warm-up")
        self.sample_payload, self.sample_public = row["payload"], row["public"]

    # --- targets -----------------------------------------------------------------------

    def _deposit_targets(self, pop: Population, rep: int) -> list[dict[str, Any]]:
        members = pop.members
        share = members[rep::self.scale.reps + 1] if len(members) > 500 else members
        return [{"cooperative_id": c.cooperative_id, "member_id": m, "token": c.clerk_token}
                for c, m in share]

    def _sale_targets(self, rep: int) -> list[dict[str, Any]]:
        n = self.scale.products_per_coop
        targets = []
        for coop in self.pop.coops:
            if coop.shop is None:
                raise RuntimeError(f"{coop.cooperative_id} has no shop")
            for product in coop.shop.product_ids[rep * n:(rep + 1) * n]:
                targets.append({"cooperative_id": coop.cooperative_id,
                                "warehouse_id": coop.shop.warehouse_id, "product_id": product,
                                "price_idr": coop.shop.price_idr, "token": coop.clerk_token})
        return targets

    # --- 1 and 2: commands over HTTP, raw inserts, the eventsourcing anchor -------------

    async def commands(self) -> None:
        s = self.scale
        runs: dict[str, dict[int, list[dict[str, Any]]]] = {
            k: {c: [] for c in s.concurrencies} for k in ("deposit", "sale", "raw")}
        anchor: dict[int, list[dict[str, Any]]] = {c: [] for c in s.anchor_concurrencies}
        for rep in range(s.reps):
            for c in s.concurrencies:
                common = {"mode": "closed", "concurrency": c, "warmup_s": s.warmup_s,
                          "duration_s": s.duration_s}
                for kind, url, service in (("deposit", self.payments_url, "payments-api"),
                                           ("sale", self.inventory_url, "inventory-api")):
                    targets = (self._deposit_targets(self.pop, rep) if kind == "deposit"
                               else self._sale_targets(rep))
                    result, cpu = await self._windowed(
                        f"s1-{kind}-c{c}-r{rep}", "loadgen",
                        {**common, "kind": kind, "base_url": url, "targets": targets},
                        self._groups(service), s.warmup_s, s.duration_s, rss_as="loadgen",
                        waits_in="payments" if kind == "deposit" else "inventory")
                    runs[kind][c].append(result)
                    self._record_cpu(f"s1 {kind} c={c}", cpu, result["ok"])
                    self._check_errors(f"{kind} c={c}", result)
                result, cpu = await self._windowed(
                    f"s1-raw-c{c}-r{rep}", "rawdb",
                    {**common, "mode": "inserts", "dsn": self.stack.dsn("raw"),
                     "payload": self.sample_payload, "public_payload": self.sample_public,
                     "topic": "bench.raw", "stream_prefix": f"raw-{rep}-{c}"},
                    {"postgresql": postgres_pids}, s.warmup_s, s.duration_s,
                    rss_as="raw-asyncpg", waits_in="raw")
                runs["raw"][c].append(result)
                self._record_cpu(f"s1 raw c={c}", cpu, result["ok"])
                deposits = runs["deposit"][c][-1]["throughput"]
                sales = runs["sale"][c][-1]["throughput"]
                self.say(f"  rep {rep + 1} c={c}: deposit {deposits:.0f}/s, sale {sales:.0f}/s, "
                         f"raw {result['throughput']:.0f}/s")
            for c in s.anchor_concurrencies:
                result, cpu = await self._windowed(
                    f"s2-anchor-c{c}-r{rep}", "anchor_es",
                    {"concurrency": c, "warmup_s": s.warmup_s, "duration_s": s.duration_s,
                     "dbname": self.stack.db("es"), **self._pg_params()},
                    {"postgresql": postgres_pids}, s.warmup_s, s.duration_s,
                    python=str(self.bench_python), rss_as="eventsourcing-anchor")
                anchor[c].append(result)
                self._record_cpu(f"s2 anchor c={c}", cpu, result["ok"])
                self.say(f"  rep {rep + 1} anchor c={c}: {result['throughput']:.0f} saves/s")
        self.details["commands"] = runs
        self.details["anchor"] = anchor
        members = [m for _, m in self.pop.members]
        self.details["deposit_stream_lengths_after"] = [
            await self._stream_lengths(members[r::s.reps + 1]) for r in range(s.reps)]
        top = max(s.concurrencies)
        for kind, label in (("deposit", "savings deposit"), ("sale", "shop sale")):
            for c in s.concurrencies:
                fig = self.figure(
                    key=f"s1.{kind}.c{c}", scenario="1 commands over HTTP",
                    name=f"{label}, concurrency {c}", unit="commands/s",
                    runs=[r["throughput"] for r in runs[kind][c]],
                    baseline=f"raw asyncpg event+outbox tx, concurrency {c}",
                    baseline_runs=[r["throughput"] for r in runs["raw"][c]])
                if c == top:
                    fig.target = "≥ 1,000/s and ≥ 70 % of raw"
                    fig.met = bool(fig.median and fig.median >= 1000
                                   and (fig.ratio_median or 0) >= 0.70)
        best_anchor = max(s.anchor_concurrencies,
                          key=lambda c: summary(r["throughput"] for r in anchor[c])["median"])
        for kind, label in (("deposit", "savings deposit"), ("sale", "shop sale")):
            fig = self.figure(
                key=f"s2.{kind}", scenario="2 versus the eventsourcing anchor",
                name=f"{label} over HTTP at concurrency {top}", unit="commands/s",
                runs=[r["throughput"] for r in runs[kind][top]],
                baseline=f"eventsourcing one-event aggregates, {best_anchor} thread(s) "
                         f"(its best)",
                baseline_runs=[r["throughput"] for r in anchor[best_anchor]],
                target="≥ 5x")
            fig.met = bool(fig.ratio_median and fig.ratio_median >= 5)
        for c in s.anchor_concurrencies:
            self.figure(key=f"s2.anchor.c{c}", scenario="2 versus the eventsourcing anchor",
                        name=f"eventsourcing saves, {c} thread(s)", unit="saves/s",
                        runs=[r["throughput"] for r in anchor[c]],
                        note="the anchor itself, for context")

    def _pg_params(self) -> dict[str, Any]:
        """Host, port, user and password of the stack's PostgreSQL (for psycopg)."""
        from urllib.parse import unquote, urlsplit

        dsn = urlsplit(self.stack.admin_dsn)
        return {"host": dsn.hostname or LOOPBACK, "port": dsn.port or 5432,
                "user": unquote(dsn.username or "postgres"),
                "password": unquote(dsn.password or "")}

    def _check_errors(self, what: str, result: dict[str, Any]) -> None:
        if result.get("errors"):
            self.say(f"  warning: {what}: errors {result['errors']} "
                     f"{result.get('error_samples', [])[:2]}")

    # --- 3: batch ingest through the offline sync ---------------------------------------

    async def batch_ingest(self) -> None:
        s = self.scale
        runs: list[dict[str, Any]] = []
        copies: list[dict[str, Any]] = []
        events_per_s: list[float] = []
        for rep in range(s.reps):
            devices = []
            for d in range(s.sync_devices):
                coop = self.pop.coops[d % len(self.pop.coops)]
                devices.append({"device_id": f"bench-device-{rep}-{d}-{uuid.uuid4().hex[:6]}",
                                "cooperative_id": coop.cooperative_id,
                                "token": coop.clerk_token, "member_ids": coop.member_ids})
            before = await self._max_position("payments")
            result, cpu = await self._windowed(
                f"s3-sync-r{rep}", "loadgen",
                {"mode": "sync", "base_url": self.payments_url, "devices": devices,
                 "batch_size": s.sync_batch, "duration_s": s.sync_duration_s},
                self._groups("payments-api"), 0.0, s.sync_duration_s, rss_as="loadgen",
                waits_in="payments")
            after = await self._max_position("payments")
            self._check_errors("sync", result)
            events = after - before
            result["events"] = events
            rate = events / result["seconds"] if result["seconds"] else 0.0
            events_per_s.append(rate)
            runs.append(result)
            self._record_cpu("s3 sync", cpu, rate * cpu.seconds)
            copy = await self._worker(f"s3-copy-r{rep}", "rawdb", {
                "mode": "copy", "source_dsn": self.stack.dsn("payments"),
                "dsn": self.stack.dsn("raw"), "from_position": before, "to_position": after,
                "device_ids": [d["device_id"] for d in devices]})
            copy_result = await copy.result(limit_s=120)
            self._note_rss("raw-copy", copy.peak_rss_mb)
            copies.append(copy_result)
            self.say(f"  rep {rep + 1}: sync {rate:.0f} events/s ({result['accepted']} items in "
                     f"{result['batches']} batches), COPY {copy_result['events_per_s']:.0f} "
                     f"events/s")
        self.details["batch_ingest"] = {"sync": runs, "copy": copies}
        fig = self.figure(
            key="s3.sync", scenario="3 batch ingest (offline sync)",
            name=f"POST /sync, {s.sync_batch} savings deposits per batch, "
                 f"{s.sync_devices} devices at once", unit="events/s", runs=events_per_s,
            baseline="COPY of the same rows (events, outbox, device_facts)",
            baseline_runs=[c["events_per_s"] for c in copies], target="≥ 20,000 events/s")
        fig.met = bool(fig.median and fig.median >= 20_000)

    async def _max_position(self, database: str) -> int:
        conn = await asyncpg.connect(self.stack.dsn(database))
        try:
            return int(await conn.fetchval("SELECT coalesce(max(global_position), 0) FROM events"))
        finally:
            await conn.close()

    # --- 5: outbox relay -------------------------------------------------------------------

    async def relay(self) -> None:
        s = self.scale
        relay_runs: list[dict[str, Any]] = []
        raw_runs: list[dict[str, Any]] = []
        for rep in range(s.reps):
            topic = self.stack.topic(f"relay.{rep}")
            await prefill(self.stack.dsn("payments"), self.stack.dsn("relay"),
                          events=s.relay_events, topic=topic)
            common = {"bootstrap": self.stack.bootstrap, "dsn": self.stack.dsn("relay"),
                      "events": s.relay_events, "partitions": s.partitions, "timeout_s": 240}
            producer = await self._worker(f"s5-producer-r{rep}", "relay_bench", {
                **common, "mode": "producer", "topic": self.stack.topic("rawproducer")})
            raw = await producer.result(limit_s=240)
            self._note_rss("raw-producer", producer.peak_rss_mb)
            relay = await self._worker(f"s5-relay-r{rep}", "relay_bench",
                                       {**common, "mode": "relay", "topic": topic})
            await relay.read_until("READY", 120)
            cpu = CpuWindow({"relay": _worker_pids([relay]), "postgresql": postgres_pids,
                             "kafka": kafka_pids})
            cpu.start()
            await relay.go()
            result = await relay.result(limit_s=300)
            cpu.stop()
            self._note_rss("payments-relay (bench run)", relay.peak_rss_mb)
            if not result.get("complete"):
                self.say(f"  warning: the relay published {result['events']} of "
                         f"{s.relay_events}")
            self._record_cpu("s5 relay (whole worker, from go)", cpu, result["events"])
            relay_runs.append(result)
            raw_runs.append(raw)
            self.say(f"  rep {rep + 1}: relay {result['events_per_s']:.0f} events/s, raw "
                     f"producer {raw['events_per_s']:.0f} msg/s")
        self.details["relay"] = {"relay": relay_runs, "producer": raw_runs}
        fig = self.figure(
            key="s5.relay", scenario="5 outbox relay",
            name=f"OutboxRelay draining {s.relay_events:,} prefilled events",
            unit="events/s", runs=[r["events_per_s"] for r in relay_runs],
            baseline="raw aiokafka producer (acks=all, idempotent), same messages",
            baseline_runs=[r["events_per_s"] for r in raw_runs], target="≥ 50 % of raw")
        fig.met = bool(fig.ratio_median and fig.ratio_median >= 0.5)

    # --- 6: rebuild from offset 0 ------------------------------------------------------

    async def _fill_rebuild_topic(self, topic: str) -> float:
        """``rebuild_events`` cloned deposits, published by the real relay; its seconds."""
        s = self.scale
        chunk = 100_000
        for first in range(0, s.rebuild_events, chunk):
            await prefill(self.stack.dsn("payments"), self.stack.dsn("relay"),
                          events=min(chunk, s.rebuild_events - first), topic=topic)
        relay = await self._worker("s6-fill", "relay_bench", {
            "bootstrap": self.stack.bootstrap, "dsn": self.stack.dsn("relay"),
            "events": s.rebuild_events, "partitions": s.partitions, "timeout_s": 900,
            "mode": "relay", "topic": topic})
        await relay.read_until("READY", 120)
        await relay.go()
        result = await relay.result(limit_s=900)
        if not result.get("complete"):
            raise RuntimeError(f"the relay published {result['events']} of "
                               f"{s.rebuild_events} rebuild events")
        return float(result["seconds"])

    async def rebuild(self) -> None:
        s = self.scale
        topic = self.stack.topic("rebuild")
        seconds = await self._fill_rebuild_topic(topic)
        self.say(f"  {s.rebuild_events:,} events published for the rebuild in {seconds:.0f} s")
        env = self._reporting_env("rebuild", [topic])
        rebuild_runs: list[dict[str, Any]] = []
        raw_runs: list[dict[str, Any]] = []
        for rep in range(s.reps):
            raw_worker = await self._worker(f"s6-raw-r{rep}", "consume_bench", {
                "mode": "raw", "bootstrap": self.stack.bootstrap, "topic": topic})
            raw = await raw_worker.result(limit_s=240)
            self._note_rss("raw-consumer", raw_worker.peak_rss_mb)
            result = await self._rebuild_cli(env, f"s6-rebuild-r{rep}")
            rebuild_runs.append(result)
            raw_runs.append(raw)
            self.say(f"  rep {rep + 1}: rebuild {result['events_per_s']:.0f} events/s "
                     f"({result['events']} events), raw consume {raw['events_per_s']:.0f} "
                     f"events/s")
        self.details["rebuild"] = {"rebuild": rebuild_runs, "raw": raw_runs}
        n = rebuild_runs[0]["events"] if rebuild_runs else 0
        fig = self.figure(
            key="s6.rebuild", scenario="6 read-model rebuild from offset 0",
            name=f"python -m reporting rebuild over {n:,} events "
                 f"({s.partitions} partitions)", unit="events/s",
            runs=[r["events_per_s"] for r in rebuild_runs],
            baseline="raw aiokafka consumer reading the same topic",
            baseline_runs=[r["events_per_s"] for r in raw_runs],
            target="≥ 50,000 events/s and ≥ 50 % of raw")
        fig.met = bool(fig.median and fig.median >= 50_000 and (fig.ratio_median or 0) >= 0.5)

    async def _rebuild_cli(self, env: dict[str, str], name: str) -> dict[str, Any]:
        """``python -m reporting rebuild`` as an operator runs it; its own timing."""
        log = self.out_dir / "logs" / f"{name}.log"
        proc = ServiceProc(name=name, args=("-m", "reporting", "rebuild"), env=env, log=log)
        cpu = CpuWindow({"rebuild": _service_pids(proc),
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
        self._note_rss("reporting rebuild", peak)
        text = log.read_text(errors="replace")
        match = re.search(r"rebuilt (\S+): (\d+) events in ([\d.]+) s", text)
        if not match:
            raise RuntimeError(f"reporting rebuild printed no result; see {log}")
        events, seconds = int(match.group(2)), float(match.group(3))
        self._record_cpu("s6 rebuild (whole process, start-up included)", cpu, events)
        return {"schema": match.group(1), "events": events, "seconds": seconds,
                "events_per_s": events / seconds}

    # --- 8a: consumer instances --------------------------------------------------------

    async def scale_out(self) -> None:
        s = self.scale
        topic = self.stack.topic("relay.0")
        per: dict[int, list[dict[str, Any]]] = {k: [] for k in s.instances}
        for rep in range(s.reps):
            for k in s.instances:
                result = await self._instances(topic, k, f"s8-scale-k{k}-r{rep}")
                per[k].append(result)
                self.say(f"  rep {rep + 1}: {k} instance(s): {result['events_per_s']:.0f} "
                         f"events/s")
        self.details["scale_out"] = per
        base = min(s.instances)
        for k in s.instances:
            fig = self.figure(
                key=f"s8.instances.{k}", scenario="8 how cost grows",
                name=f"read-model consume of {s.scale_out_events:,} events, {k} consumer "
                     f"instance(s) over {s.partitions} partitions", unit="events/s",
                runs=[r["events_per_s"] for r in per[k]],
                baseline=f"{base} instance, same repetition" if k != base else None,
                baseline_runs=[r["events_per_s"] for r in per[base]] if k != base else [],
                target="grows with instances" if k != base else None)
            if k != base:
                fig.met = bool(fig.ratio_median and fig.ratio_median > 1.1)

    async def _instances(self, topic: str, k: int, name: str) -> dict[str, Any]:
        from gotong_platform.db import create_pool
        from reporting.adapters.read_model.versions import create_version

        pool = await create_pool(self.stack.dsn("rebuild"), max_size=2)
        try:
            schema = await create_version(pool)
        finally:
            await pool.close()
        workers = []
        for i in range(k):
            assigned = [p for p in range(self.scale.partitions) if p % k == i]
            workers.append(await self._worker(f"{name}-i{i}", "consume_bench", {
                "mode": "runner", "dsn": self.stack.dsn("rebuild"), "schema": schema,
                "bootstrap": self.stack.bootstrap, "topic": topic,
                "partitions": self.scale.partitions, "instance": i, "assigned": assigned,
                "events_per_partition": self.scale.scale_out_events // self.scale.partitions}))
        for worker in workers:
            await worker.read_until("READY", 120)
        cpu = CpuWindow({"consumers": _worker_pids(workers),
                         "postgresql": postgres_pids, "kafka": kafka_pids})
        cpu.start()
        waits = WaitSampler(self.stack.dsn("rebuild"), self.stack.db("rebuild"))
        await waits.start()
        for worker in workers:
            await worker.go()
        results = [await w.result(limit_s=600) for w in workers]
        cpu.stop()
        self.pg_waits.setdefault(f"s8-scale-k{k}", []).append(await waits.stop())
        for worker in workers:
            self._note_rss("reporting consumer instance (scale-out)", worker.peak_rss_mb)
        events = sum(int(r["events"]) for r in results)
        seconds = max(float(r["ended_at"]) for r in results) - min(
            float(r["started_at"]) for r in results)
        self._record_cpu(f"s8 scale-out k={k}", cpu, events)
        return {"instances": k, "events": events, "seconds": seconds,
                "events_per_s": events / seconds, "per_instance": results}

    # --- 8c: stream length ------------------------------------------------------------------

    async def stream_length(self) -> None:
        s = self.scale
        lengths = [1, 10, 100, 1000]
        runs: list[dict[str, Any]] = []
        for rep in range(s.reps):
            worker = await self._worker(f"s8-replay-r{rep}", "replay_bench", {
                "source_dsn": self.stack.dsn("payments"), "dsn": self.stack.dsn("raw"),
                "lengths": lengths, "min_seconds": 0.3})
            result = await worker.result(limit_s=300)
            runs.append(result)
            self.say(f"  rep {rep + 1}: an account of " + ", ".join(
                f"{n} events: load {result['load'][str(n)]['ms_per_load']:.2f} ms, replay "
                f"{result['replay'][str(n)]['ms_per_load']:.2f} ms" for n in lengths))
        self.details["stream_length"] = runs
        for mode, what in (("load", "`SavingsRepository.load` (snapshot on the query row, "
                                    "every command's read)"),
                           ("replay", "full replay (`SavingsRepository.replay`, the read "
                                      "before snapshots; a rebuild's per account)")):
            for n in lengths[1:]:
                self.figure(
                    key=f"s8.{mode}.{n}", scenario="8 how cost grows",
                    name=f"{what}, account of {n:,} events", unit="ms",
                    runs=[r[mode][str(n)]["ms_per_load"] for r in runs],
                    baseline="the same for an account of 1 event",
                    baseline_runs=[r[mode]["1"]["ms_per_load"] for r in runs],
                    higher_is_better=False)

    # --- 4: freshness --------------------------------------------------------------------

    async def freshness(self) -> None:
        s = self.scale
        stack = self.stack
        relay = stack.add_service("payments-relay", ["-m", "payments", "relay"],
                                  self._payments_env())
        consumer = stack.add_service(
            "reporting-consumer", ["-m", "reporting", "consumer"],
            self._reporting_env("reporting", [stack.topic("payments")]))
        relay.start()
        consumer.start()
        began = time.monotonic()
        backlog = await self._outbox_backlog()
        schema = await self._wait_caught_up(limit_s=240)
        self.details["catch_up"] = {"backlog_events": backlog,
                                    "seconds": time.monotonic() - began}
        self.say(f"  relay + reporting consumer caught up with a backlog of {backlog:,} events "
                 f"in {time.monotonic() - began:.1f} s")
        runs: list[dict[str, Any]] = []
        for rep in range(s.reps):
            result, cpu = await self._windowed(
                f"s4-fresh-r{rep}", "loadgen",
                {"mode": "open", "base_url": self.payments_url, "rate": s.fresh_rate,
                 "duration_s": s.fresh_duration_s, "amount_base": 10_000_000 * (rep + 1),
                 "targets": [{"cooperative_id": c.cooperative_id, "member_id": m,
                              "token": c.clerk_token} for c, m in self.pop.members],
                 "reporting_dsn": stack.dsn("reporting"), "schema": schema, "poll_ms": 5},
                self._groups("payments-api", "payments-relay", "reporting-consumer"),
                0.0, s.fresh_duration_s, rss_as="loadgen")
            self._check_errors("freshness", result)
            self._record_cpu("s4 freshness", cpu, s.fresh_rate * s.fresh_duration_s)
            runs.append(result)
            self.say(f"  rep {rep + 1}: p50 {result['p50_ms']:.0f} ms, p99 "
                     f"{result['p99_ms']:.0f} ms, max {result['max_ms']:.0f} ms "
                     f"({result['visible']}/{result['accepted']} visible, sent at "
                     f"{result['achieved_rate']:.0f}/s)")
        self.details["freshness"] = runs
        label = (f"{s.fresh_rate:.0f} deposits/s for {s.fresh_duration_s:.0f} s "
                 "(API → outbox → relay → Kafka → reporting consumer → fact_savings)")
        for q, target, limit in (("p50", "≤ 50 ms", 50.0), ("p99", "≤ 250 ms", 250.0),
                                 ("max", None, None)):
            fig = self.figure(key=f"s4.{q}", scenario="4 freshness",
                              name=f"event recorded → visible, {q}, {label}", unit="ms",
                              runs=[r[f"{q}_ms"] for r in runs if r[f"{q}_ms"] is not None],
                              target=target, higher_is_better=False)
            if limit is not None:
                fig.met = bool(fig.median is not None and fig.median <= limit)
        for q in ("p50", "p99"):
            self.figure(key=f"s4.answer.{q}", scenario="4 freshness",
                        name=f"client's 201 → visible, {q} (negative: visible before the "
                             "answer arrived)", unit="ms",
                        runs=[r[f"after_answer_{q}_ms"] for r in runs
                              if r[f"after_answer_{q}_ms"] is not None],
                        higher_is_better=False)
        self.figure(key="s4.rate", scenario="4 freshness", name="rate the client sent at",
                    unit="commands/s", runs=[r["achieved_rate"] for r in runs],
                    note="below the fixed rate when the client could not keep the schedule")
        self._note_rss("payments-relay", relay.stop())
        self._note_rss("reporting-consumer", consumer.stop())

    async def _outbox_backlog(self) -> int:
        conn = await asyncpg.connect(self.stack.dsn("payments"))
        try:
            return int(await conn.fetchval("SELECT count(*) FROM outbox"))
        finally:
            await conn.close()

    async def _wait_caught_up(self, limit_s: float) -> str:
        """The live read-model schema, once the outbox is empty and the consumer at the end."""
        deadline = time.monotonic() + limit_s
        topic = self.stack.topic("payments")
        conn = await asyncpg.connect(self.stack.dsn("reporting"))
        consumer = AIOKafkaConsumer(bootstrap_servers=self.stack.bootstrap,
                                    client_id="bench-lag", enable_auto_commit=False)
        await consumer.start()
        try:
            while True:
                if time.monotonic() > deadline:
                    raise RuntimeError("the relay and reporting consumer did not catch up")
                for proc in (self.stack.services["payments-relay"],
                             self.stack.services["reporting-consumer"]):
                    if not proc.alive():
                        raise RuntimeError(f"{proc.name} exited; see {proc.log}")
                await asyncio.sleep(0.5)
                schema = await conn.fetchval(
                    "SELECT schema_name FROM read_models WHERE status = 'live'")
                if schema is None or await self._outbox_backlog() > 0:
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

    # --- 8b: 10 versus 1000 cooperatives ---------------------------------------------------

    async def cooperatives(self) -> None:
        s = self.scale
        top = max(s.concurrencies)
        per: dict[str, list[dict[str, Any]]] = {"few": [], "many": []}
        for rep in range(s.reps):
            for label, pop in (("few", self.few), ("many", self.big)):
                result, cpu = await self._windowed(
                    f"s8-coops-{label}-r{rep}", "loadgen",
                    {"mode": "closed", "kind": "deposit", "base_url": self.payments_url,
                     "concurrency": top, "warmup_s": s.warmup_s, "duration_s": s.duration_s,
                     "targets": self._deposit_targets(pop, rep)},
                    self._groups("payments-api"), s.warmup_s, s.duration_s, rss_as="loadgen")
                self._check_errors(f"cooperatives {label}", result)
                self._record_cpu(f"s8 deposits over {len(pop.coops)} cooperatives", cpu,
                                 result["ok"])
                per[label].append(result)
            self.say(f"  rep {rep + 1}: {len(self.few.coops)} cooperatives "
                     f"{per['few'][-1]['throughput']:.0f}/s, {len(self.big.coops)} cooperatives "
                     f"{per['many'][-1]['throughput']:.0f}/s")
        self.details["cooperatives"] = per
        fig = self.figure(
            key="s8.coops", scenario="8 how cost grows",
            name=f"savings deposits at concurrency {top} spread over {len(self.big.coops)} "
                 "cooperatives", unit="commands/s",
            runs=[r["throughput"] for r in per["many"]],
            baseline=f"the same over {len(self.few.coops)} cooperatives (same number of "
                     "fresh accounts)",
            baseline_runs=[r["throughput"] for r in per["few"]],
            target="flat (≥ 90 % of the baseline)")
        fig.met = bool(fig.ratio_median and fig.ratio_median >= 0.9)

    # --- 9: what-ifs (bench-side changes, nothing in services/ or shared/) ----------------

    async def what_if(self) -> None:
        """The shipped APIs versus the same code with one change, back to back per repetition.

        The variants serve the same databases on other ports; the order alternates per
        repetition, so neither side always meets the longer streams.
        """
        s = self.scale
        top = max(s.concurrencies)
        variants = {  # name: (service, port, tracing, workers)
            "payments-traced": ("payments", WHATIF_PORTS["payments-traced"], "recording", 1),
            "payments-2w": ("payments", WHATIF_PORTS["payments-2w"], "shipped", 2),
            "inventory-traced": ("inventory", WHATIF_PORTS["inventory-traced"], "recording", 1),
        }
        procs = []
        for name, (service, port, tracing, workers) in variants.items():
            env = self._payments_env() if service == "payments" else self._inventory_env()
            env["PYTHONPATH"] = self.env["PYTHONPATH"]
            procs.append(self.stack.add_service(
                f"what-if {name}", ["-m", "gotong_bench.whatif_api", service, "--port",
                                    str(port), "--tracing", tracing, "--workers", str(workers)],
                env, f"http://{LOOPBACK}:{port}/health"))
        for proc in procs:
            proc.start()
        for proc in procs:
            await asyncio.to_thread(proc.wait_healthy)
        lengths = [await self._stream_lengths([m for _, m in self.pop.members][r::s.reps + 1])
                   for r in range(s.reps)]
        # (figure key, kind, shipped url, variant port)
        pairs = [
            ("deposit", "deposit", self.payments_url, WHATIF_PORTS["payments-traced"]),
            ("sale", "sale", self.inventory_url, WHATIF_PORTS["inventory-traced"]),
            ("deposit-2w", "deposit", self.payments_url, WHATIF_PORTS["payments-2w"]),
            ("sync-2w", "sync", self.payments_url, WHATIF_PORTS["payments-2w"]),
        ]
        runs: dict[str, dict[str, list[float]]] = {k: {"shipped": [], "variant": []}
                                                   for k, *_ in pairs}
        for rep in range(s.reps):
            for key, kind, shipped_url, port in pairs:
                order = ("shipped", "variant") if rep % 2 == 0 else ("variant", "shipped")
                for side in order:
                    url = shipped_url if side == "shipped" else f"http://{LOOPBACK}:{port}"
                    value = await self._what_if_run(kind, url, rep, top, f"s9-{key}-{side}")
                    runs[key][side].append(value)
            self.say("  rep {}: {}".format(rep + 1, ", ".join(
                f"{k} {v['shipped'][-1]:.0f} (shipped) / {v['variant'][-1]:.0f}"
                for k, v in runs.items())))
        for proc in procs:
            self._note_rss(proc.name, proc.stop())
        self.details["what_if"] = {"runs": runs, "deposit_stream_lengths": lengths}
        note = ("the variant records every span (a recording SDK span per request, as "
                "before spans were recorded only for an exporter; also the cost of exporting "
                "every trace). The deposit accounts hold "
                f"{min(lengths):.0f}-{max(lengths):.0f} events on average at the start (the "
                "earlier scenarios grew them)")
        for key, name in (("deposit", f"savings deposit, concurrency {top}"),
                          ("sale", f"shop sale, concurrency {top}")):
            self.figure(key=f"s9.tracing.{key}", scenario="9 what-if (one change, same run)",
                        name=f"{name}: spans recorded only when exported (shipped)",
                        unit="commands/s", runs=runs[key]["shipped"],
                        baseline="every span recorded", baseline_runs=runs[key]["variant"],
                        note=note)
        self.figure(key="s9.workers", scenario="9 what-if (one change, same run)",
                    name=f"savings deposit, concurrency {top}: 2 uvicorn workers",
                    unit="commands/s",
                    runs=runs["deposit-2w"]["variant"], baseline="1 worker (as `make run`)",
                    baseline_runs=runs["deposit-2w"]["shipped"])
        sync_2w = self.figure(key="s9.workers.sync", scenario="9 what-if (one change, same run)",
                    name=f"POST /sync ({s.sync_batch} per batch, {s.sync_devices} devices): "
                         "2 uvicorn workers", unit="events/s",
                    runs=runs["sync-2w"]["variant"], baseline="1 worker (as `make run`)",
                    baseline_runs=runs["sync-2w"]["shipped"], target="≥ 20,000 events/s")
        sync_2w.met = bool(sync_2w.median and sync_2w.median >= 20_000)

    async def _what_if_run(self, kind: str, url: str, rep: int, top: int, name: str) -> float:
        s = self.scale
        if kind == "sync":
            devices = [{"device_id": f"bench-whatif-{rep}-{d}-{uuid.uuid4().hex[:6]}",
                        "cooperative_id": coop.cooperative_id, "token": coop.clerk_token,
                        "member_ids": coop.member_ids}
                       for d, coop in enumerate(self.pop.coops[4:4 + s.sync_devices])]
            result, _ = await self._windowed(
                f"{name}-r{rep}", "loadgen",
                {"mode": "sync", "base_url": url, "devices": devices,
                 "batch_size": s.sync_batch, "duration_s": s.whatif_duration_s},
                {}, 0.0, s.whatif_duration_s, rss_as="loadgen")
            self._check_errors(name, result)
            return float(result["items_per_s"] or 0.0)
        targets = (self._deposit_targets(self.pop, rep) if kind == "deposit"
                   else self._sale_targets(rep))
        result, _ = await self._windowed(
            f"{name}-r{rep}", "loadgen",
            {"mode": "closed", "kind": kind, "base_url": url, "concurrency": top,
             "warmup_s": s.warmup_s, "duration_s": s.whatif_duration_s, "targets": targets},
            {}, s.warmup_s, s.whatif_duration_s, rss_as="loadgen")
        self._check_errors(name, result)
        return float(result["throughput"])

    async def _stream_lengths(self, members: list[str]) -> float:
        """Average length of these members' sukarela account streams (their load cost)."""
        conn = await asyncpg.connect(self.stack.dsn("payments"))
        try:
            value = await conn.fetchval(
                "SELECT avg(version) FROM savings_accounts WHERE member_id = ANY($1) "
                "AND savings_type = 'sukarela'", members)
        finally:
            await conn.close()
        return float(value or 0.0)

    # --- 7: memory -------------------------------------------------------------------------

    def memory(self) -> None:
        for name, proc in self.stack.services.items():
            self._note_rss(name, proc.stop())
        tools = {"loadgen", "raw-asyncpg", "raw-copy", "raw-producer", "raw-consumer",
                 "eventsourcing-anchor", "replay_bench"}
        for name, mb in sorted(self.peak_rss.items(), key=lambda kv: (kv[0] in tools, kv[0])):
            if name in tools:
                self.figure(key=f"s7.{name}", scenario="7 memory",
                            name=f"peak RSS (VmHWM): {name} (bench tool, for context)",
                            unit="MB", runs=[mb], higher_is_better=False)
                continue
            fig = self.figure(key=f"s7.{name}", scenario="7 memory",
                              name=f"peak RSS (VmHWM): {name}", unit="MB", runs=[mb],
                              target="≤ 200 MB", higher_is_better=False)
            fig.met = mb <= 200

    # --- profiles ----------------------------------------------------------------------------

    async def profile(self) -> None:
        """py-spy on each hot path, in runs of their own (never inside a measured run)."""
        s = self.scale
        top = max(s.concurrencies)
        seconds = s.profile_s
        api = self.stack.services["payments-api"]
        inv = self.stack.services["inventory-api"]
        for kind, url, proc in (("deposit", self.payments_url, api),
                                ("sale", self.inventory_url, inv)):
            targets = (self._deposit_targets(self.pop, s.reps) if kind == "deposit"
                       else self._sale_targets(s.reps))
            spec = {"mode": "closed", "kind": kind, "base_url": url, "concurrency": top,
                    "warmup_s": 0.5, "duration_s": seconds + 1.5, "targets": targets}
            worker = await self._worker(f"profile-{kind}", "loadgen", spec)
            await worker.read_until("READY", 60)
            await worker.go()
            await asyncio.sleep(0.5)
            self.profiles.append(await self.recorder.record(
                f"{proc.name} during {kind}s at concurrency {top}", proc.pid, seconds))
            await worker.result(limit_s=seconds + 60)
        sync = await self._worker("profile-sync", "loadgen", {
            "mode": "sync", "base_url": self.payments_url, "batch_size": s.sync_batch,
            "duration_s": seconds + 1, "devices": [{
                "device_id": f"bench-profile-{d}-{uuid.uuid4().hex[:6]}",
                "cooperative_id": self.pop.coops[d].cooperative_id,
                "token": self.pop.coops[d].clerk_token,
                "member_ids": self.pop.coops[d].member_ids} for d in range(s.sync_devices)]})
        await sync.read_until("READY", 60)
        await sync.go()
        self.profiles.append(await self.recorder.record(
            f"payments-api during /sync batches ({s.sync_devices} devices)", api.pid, seconds))
        await sync.result(limit_s=seconds + 120)
        # The relay, on a fresh prefill.
        topic = self.stack.topic("relay.profile")
        events = s.relay_events * 3  # enough to keep it busy for the whole profile
        await prefill(self.stack.dsn("payments"), self.stack.dsn("relay"), events=events,
                      topic=topic)
        relay = await self._worker("profile-relay", "relay_bench", {
            "mode": "relay", "bootstrap": self.stack.bootstrap, "dsn": self.stack.dsn("relay"),
            "events": events, "partitions": s.partitions, "timeout_s": 240, "topic": topic})
        await relay.read_until("READY", 120)
        await self._profile_from_go("OutboxRelay draining the outbox", relay, seconds)
        await relay.result(limit_s=300)
        # One read-model consumer instance over the rebuild topic.
        from gotong_platform.db import create_pool
        from reporting.adapters.read_model.versions import create_version

        pool = await create_pool(self.stack.dsn("rebuild"), max_size=2)
        try:
            schema = await create_version(pool)
        finally:
            await pool.close()
        runner = await self._worker("profile-consumer", "consume_bench", {
            "mode": "runner", "dsn": self.stack.dsn("rebuild"), "schema": schema,
            "bootstrap": self.stack.bootstrap, "topic": self.stack.topic("relay.0"),
            "partitions": s.partitions, "instance": 0, "assigned": list(range(s.partitions))})
        await runner.read_until("READY", 120)
        await self._profile_from_go("reporting read-model consumer (rebuild path)", runner,
                                    seconds)
        await runner.result(limit_s=600)

    async def _profile_from_go(self, name: str, worker: Worker, seconds: int) -> None:
        """Attach py-spy to a READY worker, then let it go: no sample is missed."""
        task = asyncio.create_task(self.recorder.record(name, worker.pid, seconds))
        await asyncio.sleep(0.5)
        await worker.go()
        self.profiles.append(await task)

    # --- clean-up ------------------------------------------------------------------------

    async def teardown(self, keep: bool) -> None:
        self.stack.stop_all()
        if keep:
            return
        with contextlib.suppress(Exception):
            await self.stack.delete_bench_topics()
        with contextlib.suppress(Exception):
            await self.stack.drop_databases()
