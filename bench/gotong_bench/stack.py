"""The bench's own corner of the local stack: databases, topics, service processes.

Nothing here touches what `make run` uses: the databases are ``gotong_bench_*``
(dropped and created afresh by every run), the topics are ``bench.<run id>.*``
(deleted at the end), the HTTP ports are 1800x and the JWT key is the run's own.
Service processes are started the way `make run` starts them (``python -m
<service> api|relay|consumer`` with the service's environment variables), each in
its own session with its output in ``<results>/logs/<name>.log``.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import asyncpg
from aiokafka.admin import AIOKafkaAdminClient

from gotong_bench.procs import children, vm_hwm_mb
from gotong_devstack.settings import load_settings
from gotong_devstack.stack import kafka_client_auth
from gotong_platform.auth import Principal, Role, TokenIssuer, create_key_file, read_key_file
from gotong_platform.kafka import KafkaAuth

__all__ = ["BenchStack", "ServiceProc", "Worker"]

BENCH_DIR = Path(__file__).resolve().parents[1]
REPO = BENCH_DIR.parent


def _dsn_for(admin_dsn: str, database: str) -> str:
    parts = urlsplit(admin_dsn)
    return urlunsplit(parts._replace(path=f"/{database}"))


@dataclass
class ServiceProc:
    """One service process, started like `make run` starts it."""

    name: str
    args: tuple[str, ...]  # after `python`
    env: dict[str, str]
    log: Path
    health_url: str | None = None
    popen: subprocess.Popen[bytes] | None = None
    peak_rss_mb: float | None = None

    @property
    def pid(self) -> int:
        if self.popen is None:
            raise RuntimeError(f"{self.name} is not running")
        return self.popen.pid

    def start(self) -> None:
        self.log.parent.mkdir(parents=True, exist_ok=True)
        with self.log.open("ab") as out:
            self.popen = subprocess.Popen(  # noqa: S603 - fixed argv
                [sys.executable, *self.args], cwd=REPO, env=self.env,
                stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT,
                start_new_session=True, preexec_fn=_die_with_parent)

    def alive(self) -> bool:
        return self.popen is not None and self.popen.poll() is None

    def wait_healthy(self, timeout: float = 60.0) -> None:
        deadline = time.monotonic() + timeout
        while True:
            if not self.alive():
                raise RuntimeError(f"{self.name} exited; see {self.log}")
            if self.health_url is None or _healthy(self.health_url):
                return
            if time.monotonic() > deadline:
                raise RuntimeError(f"{self.name} did not answer {self.health_url}; see {self.log}")
            time.sleep(0.2)

    def stop(self, timeout: float = 10.0) -> float | None:
        """SIGTERM (SIGKILL after ``timeout``); returns the peak RSS read just before."""
        if self.popen is None:
            return self.peak_rss_mb
        # A supervisor (uvicorn --workers) is small: its largest worker is what counts.
        for pid in (self.popen.pid, *children(self.popen.pid)):
            hwm = vm_hwm_mb(pid)
            if hwm is not None:
                self.peak_rss_mb = max(hwm, self.peak_rss_mb or 0.0)
        if self.popen.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                self.popen.send_signal(signal.SIGTERM)
            try:
                self.popen.wait(timeout)
            except subprocess.TimeoutExpired:
                self.popen.kill()
                self.popen.wait(5)
        self.popen = None
        return self.peak_rss_mb


def _die_with_parent() -> None:
    """In the child: SIGTERM when the bench process dies (Linux ``PR_SET_PDEATHSIG``).

    A bench killed mid-run (a timeout, Ctrl-C twice) would otherwise leave its APIs
    holding the bench ports, and the next run would fail at seeding.
    """
    import ctypes

    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


def _healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2.0) as response:  # noqa: S310 - loopback
            return bool(response.status == 200)
    except (urllib.error.URLError, OSError, ValueError):
        return False


@dataclass
class Worker:
    """A bench worker subprocess (``python -m gotong_bench.<module> spec.json``)."""

    name: str
    module: str
    spec: dict[str, object]
    out_dir: Path
    python: str = sys.executable
    proc: asyncio.subprocess.Process | None = None
    peak_rss_mb: float | None = None
    _lines: list[str] = field(default_factory=list)

    async def start(self, env: Mapping[str, str]) -> None:
        import json

        spec_path = self.out_dir / "specs" / f"{self.name}.json"
        spec_path.parent.mkdir(parents=True, exist_ok=True)
        spec_path.write_text(json.dumps(self.spec, default=str), "utf-8")
        log = (self.out_dir / "logs" / f"{self.name}.log").open("ab")
        self.proc = await asyncio.create_subprocess_exec(
            self.python, "-m", self.module, str(spec_path), cwd=REPO, env=dict(env),
            stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE, stderr=log,
            limit=1 << 24)  # a line may carry every arrival of a run (partner_sink)
        log.close()

    @property
    def pid(self) -> int:
        if self.proc is None:
            raise RuntimeError(f"{self.name} was not started")
        return self.proc.pid

    async def read_until(self, marker: str, limit_s: float) -> None:
        """Read stdout lines until one equals ``marker`` (e.g. READY)."""
        if self.proc is None or self.proc.stdout is None:
            raise RuntimeError(f"{self.name} was not started")
        async with asyncio.timeout(limit_s):
            while True:
                raw = await self.proc.stdout.readline()
                if not raw:
                    raise RuntimeError(f"{self.name} exited before {marker}; see its log")
                line = raw.decode().rstrip("\n")
                self._lines.append(line)
                if line == marker:
                    return

    async def ask(self, command: str, prefix: str, limit_s: float) -> dict[str, Any]:
        """Send ``command`` on stdin; the JSON of the first stdout line after ``prefix``."""
        import json

        if self.proc is None or self.proc.stdin is None or self.proc.stdout is None:
            raise RuntimeError(f"{self.name} was not started")
        self.proc.stdin.write(command.encode() + b"\n")
        await self.proc.stdin.drain()
        async with asyncio.timeout(limit_s):
            while True:
                raw = await self.proc.stdout.readline()
                if not raw:
                    raise RuntimeError(f"{self.name} exited before answering {command}")
                line = raw.decode().rstrip("\n")
                if line.startswith(prefix):
                    answer: dict[str, Any] = json.loads(line[len(prefix):])
                    return answer
                self._lines.append(line)

    async def go(self) -> None:
        if self.proc is None or self.proc.stdin is None:
            raise RuntimeError(f"{self.name} was not started")
        self.proc.stdin.write(b"go\n")
        await self.proc.stdin.drain()

    async def result(self, limit_s: float) -> dict[str, Any]:
        """Wait for the RESULT line and the exit; kill the worker after ``limit_s``."""
        import json

        from gotong_bench.common import RESULT_PREFIX

        if self.proc is None or self.proc.stdout is None:
            raise RuntimeError(f"{self.name} was not started")
        proc, stdout = self.proc, self.proc.stdout

        async def sample_rss() -> None:
            while True:
                hwm = vm_hwm_mb(proc.pid)
                if hwm is not None:
                    self.peak_rss_mb = max(hwm, self.peak_rss_mb or 0.0)
                await asyncio.sleep(0.2)

        sampler = asyncio.create_task(sample_rss())
        try:
            async with asyncio.timeout(limit_s):
                out = await stdout.read()
                await proc.wait()
        except TimeoutError:
            with contextlib.suppress(ProcessLookupError):
                proc.kill()
            await proc.wait()
            raise RuntimeError(f"{self.name} did not finish within {limit_s:.0f} s") from None
        finally:
            sampler.cancel()
        lines = self._lines + out.decode().splitlines()
        for line in reversed(lines):
            if line.startswith(RESULT_PREFIX):
                result: dict[str, Any] = json.loads(line[len(RESULT_PREFIX):])
                rss = result.get("peak_rss_mb")
                if isinstance(rss, int | float):
                    self.peak_rss_mb = max(float(rss), self.peak_rss_mb or 0.0)
                return result
        raise RuntimeError(f"{self.name} exited {proc.returncode} without a result; "
                           f"see {self.out_dir / 'logs' / (self.name + '.log')}")


@dataclass
class BenchStack:
    """Names and handles of everything the run creates."""

    run_id: str
    out_dir: Path
    partitions: int = 4
    services: dict[str, ServiceProc] = field(default_factory=dict)

    def __post_init__(self) -> None:
        settings = load_settings()
        self.admin_dsn = settings.pg_admin_dsn
        self.bootstrap = settings.kafka_bootstrap
        # The stack's Kafka user, for this process's clients and every process it starts
        # (the platform's clients and settings fall back to GOTONG_KAFKA_*).
        for name, value in kafka_client_auth(settings).env().items():
            os.environ.setdefault(name, value)
        self.key_file = self.out_dir / "bench-jwt.key"
        create_key_file(self.key_file)
        self._issuer = TokenIssuer(read_key_file(self.key_file))

    # --- names ----------------------------------------------------------------------

    DATABASES = ("payments", "inventory", "reporting", "raw", "es", "relay", "rebuild",
                 "federation", "partners")

    def db(self, name: str) -> str:
        return f"gotong_bench_{name}"

    def dsn(self, name: str) -> str:
        return _dsn_for(self.admin_dsn, self.db(name))

    def topic(self, name: str) -> str:
        return f"bench.{self.run_id}.{name}"

    @property
    def topic_prefix(self) -> str:
        return f"bench.{self.run_id}."

    def token(self, cooperative_id: str, role: Role = Role.COOP_CLERK) -> str:
        principal = Principal(subject=f"bench-{role.value}-{cooperative_id}", role=role,
                              cooperative_id=cooperative_id)
        return self._issuer.issue(principal, ttl=timedelta(hours=2))

    def partner_token(self, partner_id: str) -> str:
        """A partner's own token (role ``partner``, its id as the subject)."""
        principal = Principal(subject=partner_id, role=Role.PARTNER)
        return self._issuer.issue(principal, ttl=timedelta(hours=2))

    def federation_token(self) -> str:
        """A federation administrator's token (the federation's and regions' reports)."""
        principal = Principal(subject="bench-federation-admin", role=Role.FEDERATION_ADMIN)
        return self._issuer.issue(principal, ttl=timedelta(hours=6))

    # --- databases and topics ---------------------------------------------------------

    async def recreate_databases(self) -> None:
        conn = await asyncpg.connect(self.admin_dsn)
        try:
            for name in self.DATABASES:
                await conn.execute(f'DROP DATABASE IF EXISTS "{self.db(name)}" WITH (FORCE)')
                await conn.execute(f'CREATE DATABASE "{self.db(name)}"')
        finally:
            await conn.close()

    async def drop_databases(self) -> None:
        conn = await asyncpg.connect(self.admin_dsn)
        try:
            for name in self.DATABASES:
                await conn.execute(f'DROP DATABASE IF EXISTS "{self.db(name)}" WITH (FORCE)')
        finally:
            await conn.close()

    async def delete_bench_topics(self, every_run: bool = False) -> list[str]:
        """Delete this run's topics (``every_run``: every ``bench.*`` topic)."""
        admin = AIOKafkaAdminClient(bootstrap_servers=self.bootstrap, client_id="gotong-bench",
                                    **KafkaAuth.from_env().client_kwargs())
        await admin.start()
        try:
            prefix = "bench." if every_run else self.topic_prefix
            names = [t for t in await admin.list_topics() if t.startswith(prefix)]
            if names:
                await admin.delete_topics(names)
            return names
        finally:
            await admin.close()

    # --- service processes -----------------------------------------------------------

    def service_env(self, prefix: str, database: str, extra: Mapping[str, str]) -> dict[str, str]:
        env = dict(os.environ)
        env.pop(f"{prefix}JWT_KEY", None)
        env.update({
            f"{prefix}DATABASE_URL": self.dsn(database),
            f"{prefix}KAFKA_BOOTSTRAP": self.bootstrap,
            f"{prefix}JWT_KEY_FILE": str(self.key_file.resolve()),
            f"{prefix}TOPIC_PARTITIONS": str(self.partitions),
            # The load generator drives each cooperative's clerk far past the per-principal
            # rate limit (a guard against runaway clients, not a quota): off, so the
            # figures measure the platform. The request guard itself stays on.
            f"{prefix}RATE_LIMIT_PER_SECOND": "0",
            "PYTHONUNBUFFERED": "1",
        })
        env.update(extra)
        return env

    def add_service(self, name: str, args: Iterable[str], env: dict[str, str],
                    health_url: str | None = None) -> ServiceProc:
        proc = ServiceProc(name=name, args=tuple(args), env=env,
                           log=self.out_dir / "logs" / f"{name}.log", health_url=health_url)
        self.services[name] = proc
        return proc

    def stop_all(self) -> None:
        for proc in reversed(list(self.services.values())):
            proc.stop()

    def worker_env(self) -> dict[str, str]:
        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join(
            [str(BENCH_DIR), *filter(None, [env.get("PYTHONPATH")])])
        env["PYTHONUNBUFFERED"] = "1"
        return env
