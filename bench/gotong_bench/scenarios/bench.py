"""The bench run's state and the helpers every scenario uses: its stack, the seeded
population, the figures and details of the report, bench workers and CPU windows."""

from __future__ import annotations

import asyncio
import base64
import contextlib
import json
import secrets
import sys
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import asyncpg

from gotong_bench.figures import Figure
from gotong_bench.pgwaits import WaitSampler
from gotong_bench.procs import CpuWindow, children, kafka_pids, postgres_pids
from gotong_bench.profiles import Profile, ProfileRecorder
from gotong_bench.scenarios.scale import Scale
from gotong_bench.seed import Population, make_population
from gotong_bench.stack import BenchStack, ServiceProc, Worker

PAYMENTS_PORT = 18003
INVENTORY_PORT = 18002
PARTNERS_PORT = 18005
PARTNERS_METRICS_PORT = 19105
REPORTING_METRICS_PORT = 19104
LOOPBACK = "127.0.0.1"

PidSource = Callable[[], Iterable[int]]


def service_pids(proc: ServiceProc) -> PidSource:
    """The process and its children (uvicorn workers, a rebuild's worker processes)."""
    def pids() -> list[int]:
        return [proc.pid, *children(proc.pid)] if proc.alive() else []

    return pids


def worker_pids(workers: list[Worker]) -> PidSource:
    """The bench workers' processes."""
    def pids() -> list[int]:
        return [w.pid for w in workers if w.proc is not None]

    return pids


class Bench:
    """One bench run: what every scenario reads (the stack, the scale, the populations)
    and writes (figures, details, CPU, peak RSS, profiles, timings, PostgreSQL waits)."""

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
        self._pseudonym_key = ""
        self._names: set[str] = set()

    # --- where the services are, and what the run keeps ------------------------------

    @property
    def payments_url(self) -> str:
        return f"http://{LOOPBACK}:{PAYMENTS_PORT}"

    @property
    def inventory_url(self) -> str:
        return f"http://{LOOPBACK}:{INVENTORY_PORT}"

    @property
    def partners_url(self) -> str:
        return f"http://{LOOPBACK}:{PARTNERS_PORT}"

    def say(self, message: str) -> None:
        print(message, flush=True)

    def _unique(self, name: str) -> str:
        base, n = name, 1
        while name in self._names:
            n += 1
            name = f"{base}-{n}"
        self._names.add(name)
        return name

    def note_rss(self, name: str, value: float | None) -> None:
        if value is not None:
            self.peak_rss[name] = max(value, self.peak_rss.get(name, 0.0))

    def figure(self, **kwargs: Any) -> Figure:
        fig = Figure(**kwargs)
        self.figures.append(fig)
        return fig

    # --- bench workers and what they measure ---------------------------------------------

    def groups(self, *services: str) -> dict[str, PidSource]:
        groups: dict[str, PidSource] = {}
        for name in services:
            groups[name] = service_pids(self.stack.services[name])
        groups["postgresql"] = postgres_pids
        groups["kafka"] = kafka_pids
        return groups

    async def worker(self, name: str, module: str, spec: dict[str, Any], *,
                     python: str | None = None, env: dict[str, str] | None = None) -> Worker:
        """``env``: variables for this worker besides the run's (a service's settings)."""
        worker = Worker(name=self._unique(name), module=f"gotong_bench.{module}", spec=spec,
                        out_dir=self.out_dir, python=python or sys.executable)
        await worker.start({**self.env, **(env or {})})
        return worker

    async def windowed(self, name: str, module: str, spec: dict[str, Any],
                       groups: dict[str, PidSource], warmup: float, duration: float, *,
                       python: str | None = None, rss_as: str | None = None,
                       waits_in: str | None = None) -> tuple[dict[str, Any], CpuWindow]:
        """A READY/go worker with a CPU window (and PostgreSQL waits) over its measured part."""
        worker = await self.worker(name, module, spec, python=python)
        await worker.read_until("READY", 120)
        cpu = CpuWindow({**groups, "client": worker_pids([worker])})
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
        self.note_rss(rss_as or module, worker.peak_rss_mb)
        return result, cpu

    def record_cpu(self, key: str, cpu: CpuWindow, count: float) -> None:
        """CPU per unit of work and cores busy, per process group (``count`` units)."""
        seconds = cpu.seconds or 1.0
        self.cpu.setdefault(key, []).append({
            group: {"cores": round(s / seconds, 3),
                    "ms_per_unit": round(1000 * s / count, 3) if count else None}
            for group, s in cpu.used.items()})

    def check_errors(self, what: str, result: dict[str, Any]) -> None:
        if result.get("errors"):
            self.say(f"  warning: {what}: errors {result['errors']} "
                     f"{result.get('error_samples', [])[:2]}")

    # --- the services' environments -----------------------------------------------------

    def payments_env(self, database: str = "payments") -> dict[str, str]:
        return self.stack.service_env("GOTONG_PAYMENTS_", database, {
            "GOTONG_PAYMENTS_TOPIC": self.stack.topic("payments"),
            "GOTONG_PAYMENTS_CONSUMER_METRICS_PORT": "19103"})

    def inventory_env(self) -> dict[str, str]:
        return self.stack.service_env("GOTONG_INVENTORY_", "inventory", {
            "GOTONG_INVENTORY_TOPIC": self.stack.topic("inventory"),
            "GOTONG_INVENTORY_CONSUMER_METRICS_PORT": "19102"})

    def reporting_env(self, database: str, topics: list[str]) -> dict[str, str]:
        return self.stack.service_env("GOTONG_REPORTING_", database, {
            "GOTONG_REPORTING_TOPICS": json.dumps(topics),
            "GOTONG_REPORTING_TOPIC": self.stack.topic("reporting"),
            "GOTONG_REPORTING_CONSUMER_GROUP": self.stack.topic("readmodel"),
            "GOTONG_REPORTING_CONSUMER_METRICS_PORT": str(REPORTING_METRICS_PORT)})

    def partners_env(self) -> dict[str, str]:
        """The partner gateway's (scenario 11): it consumes the run's payments topic,
        pushes to the bench's plain-http receiver (development only), and opens each
        partner's own topic, SCRAM user and ACLs itself, as under ``make run``."""
        if not self._pseudonym_key:
            self._pseudonym_key = base64.b64encode(secrets.token_bytes(32)).decode()
        return self.stack.service_env("GOTONG_PARTNERS_", "partners", {
            "GOTONG_PARTNERS_TOPIC": self.stack.topic("partners"),
            "GOTONG_PARTNERS_CONSUMED_TOPICS": json.dumps([self.stack.topic("payments")]),
            "GOTONG_PARTNERS_CONSUMER_GROUP": self.stack.topic("partners-gateway"),
            "GOTONG_PARTNERS_CONSUMER_METRICS_PORT": str(PARTNERS_METRICS_PORT),
            "GOTONG_PARTNERS_PSEUDONYM_KEY": self._pseudonym_key,
            "GOTONG_PARTNERS_PUBLIC_BASE_URL": self.partners_url,
            "GOTONG_PARTNERS_WEBHOOK_ALLOW_HTTP": "true"})

    # --- targets -----------------------------------------------------------------------

    def deposit_targets(self, pop: Population, rep: int) -> list[dict[str, Any]]:
        members = pop.members
        share = members[rep::self.scale.reps + 1] if len(members) > 500 else members
        return [{"cooperative_id": c.cooperative_id, "member_id": m, "token": c.clerk_token}
                for c, m in share]

    def sale_targets(self, rep: int) -> list[dict[str, Any]]:
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

    # --- what the databases hold ----------------------------------------------------------

    async def stream_lengths(self, members: list[str]) -> float:
        """Average length of these members' sukarela account streams (their load cost)."""
        conn = await asyncpg.connect(self.stack.dsn("payments"))
        try:
            value = await conn.fetchval(
                "SELECT avg(version) FROM savings_accounts WHERE member_id = ANY($1) "
                "AND savings_type = 'sukarela'", members)
        finally:
            await conn.close()
        return float(value or 0.0)

    async def new_read_model_version(self) -> str:
        """A fresh read-model schema in the rebuild database, for consumers to fill."""
        from gotong_platform.db import create_pool
        from reporting.adapters.read_model.versions import create_version

        pool = await create_pool(self.stack.dsn("rebuild"), max_size=2)
        try:
            return await create_version(pool)
        finally:
            await pool.close()

    # --- clean-up ------------------------------------------------------------------------

    async def teardown(self, keep: bool) -> None:
        self.stack.stop_all()
        if keep:
            return
        with contextlib.suppress(Exception):
            await self.stack.delete_bench_topics()
        with contextlib.suppress(Exception):
            await self.stack.drop_databases()
