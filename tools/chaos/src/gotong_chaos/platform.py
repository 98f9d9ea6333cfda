"""The chaos run's own stack and platform: PostgreSQL, one Kafka broker behind a proxy,
and every service process, supervised as Kubernetes would (a process the nemesis killed
is started again after a few seconds; one that exits by itself is a finding).

The stack is the devstack's (``LocalCluster``, ``LocalBroker``) in a directory and on
ports of the run's own, never the developer's or the shared one. The broker listens on
an internal port and advertises the proxy's (``gotong_chaos.netproxy``), so every
connection of every service to the broker passes the proxy, which the nemesis can slow
down or stall: this machine has no ``sch_netem`` (``tc qdisc ... netem`` answers
"Specified qdisc kind is unknown"), so the delay and loss are made in user space.

The services are ``gotong_devstack.run``'s (``SERVICES``, ``service_env``): the same
processes as ``make run`` and the production manifests. Its module reads
``GOTONG_RUN_PORT_OFFSET`` when it is imported, so ``import_run`` sets it first.
"""

from __future__ import annotations

import contextlib
import dataclasses
import importlib
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import IO, Any

from gotong_devstack import kafka_libs
from gotong_devstack.errors import StackError
from gotong_devstack.java import find_java
from gotong_devstack.kafka import LocalBroker
from gotong_devstack.postgres import LocalCluster, find_binaries
from gotong_devstack.proc import port_open
from gotong_devstack.settings import LOOPBACK, Settings, load_settings

__all__ = ["ChaosBroker", "ChaosStack", "ExitRecord", "Supervisor", "import_run"]

# The broker itself listens this far above the port it advertises (the proxy's); the
# controller keeps the devstack's kafka_port + 1.
INTERNAL_PORT_STEP = 5
BROKER_START_S = 480.0
RESTART_DELAY_S = 3.0  # a killed process comes back after this, as a kubelet's restart


def import_run(port_offset: int) -> ModuleType:
    """``gotong_devstack.run`` with its ports moved by ``port_offset``."""
    os.environ["GOTONG_RUN_PORT_OFFSET"] = str(port_offset)
    module = importlib.import_module("gotong_devstack.run")
    if port_offset + 8001 != module.MEMBERS_PORT:  # imported earlier with another offset
        module = importlib.reload(module)
    return module


def chaos_settings(root: Path, pg_port: int, kafka_port: int) -> Settings:
    """The devstack's settings for a stack in ``root``, whatever the shell points at."""
    return dataclasses.replace(
        load_settings(), stack_root=root, pg_port=pg_port, kafka_port=kafka_port,
        kafka_controller_port=kafka_port + 1, pg_admin_dsn_given=None,
        kafka_bootstrap_given=None, kafka_nodes=1)


class ChaosBroker(LocalBroker):
    """The devstack's single node, listening on ``port + INTERNAL_PORT_STEP`` while it
    advertises ``port``, where the proxy forwards to it."""

    @property
    def internal_port(self) -> int:
        return self.port + INTERNAL_PORT_STEP

    def _server_properties(self) -> str:
        text = super()._server_properties()
        advertised = f"listeners=CLIENT://{LOOPBACK}:{self.port},"
        if advertised not in text:  # the devstack changed its listener line
            raise RuntimeError("cannot move the broker's listener behind the proxy")
        return text.replace(advertised, f"listeners=CLIENT://{LOOPBACK}:{self.internal_port},")

    def check_ports_free(self) -> None:
        for port in (self.internal_port, self.controller_port):
            if port_open(LOOPBACK, port):
                raise RuntimeError(f"port {port} is in use: choose other chaos ports")


def _report(log: IO[str]) -> Callable[[str], None]:
    def say(message: str) -> None:
        log.write(f"{time.strftime('%H:%M:%S')} {message}\n")
        log.flush()
    return say


@dataclass
class ChaosStack:
    """PostgreSQL, the proxy and the broker of the run, in ``settings.stack_dir``."""

    settings: Settings
    log: IO[str]
    proxy: subprocess.Popen[str] | None = None
    _java: str = ""
    _libs: Path | None = None

    def __post_init__(self) -> None:
        self.pg = LocalCluster(self.settings, find_binaries())
        self.broker = ChaosBroker(self.settings)

    @property
    def say(self) -> Callable[[str], None]:
        return _report(self.log)

    def up(self) -> None:
        self.settings.stack_dir.mkdir(parents=True, exist_ok=True)
        for port in (self.settings.pg_port, self.settings.kafka_port):
            if port_open(LOOPBACK, port):
                raise RuntimeError(f"port {port} is in use: choose other chaos ports "
                                   "(CHAOS_ARGS='--pg-port N --kafka-port M')")
        self.pg.start(self.say)
        self._java = find_java()
        kafka_libs.require_maven_or_warm(self.settings.cache_dir, self.settings.kafka_version)
        self._libs = kafka_libs.ensure_libs(self.settings.cache_dir,
                                            self.settings.kafka_version, self.say)
        self.start_proxy()
        self.start_broker()

    def start_proxy(self) -> None:
        log = (self.settings.stack_dir / "netproxy.log").open("a")
        self.proxy = subprocess.Popen(  # noqa: S603 - fixed argv
            [sys.executable, "-m", "gotong_chaos.netproxy",
             "--listen", str(self.settings.kafka_port),
             "--target", str(self.broker.internal_port)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=log, text=True,
            start_new_session=True)
        deadline = time.monotonic() + 20
        while not port_open(LOOPBACK, self.settings.kafka_port):
            if self.proxy.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("the broker's proxy did not start (netproxy.log)")
            time.sleep(0.1)

    def line(self, command: str) -> str:
        """Send the proxy a command (``delay MS JITTER LOSS``, ``stall``, ``clear``)."""
        if self.proxy is None or self.proxy.stdin is None or self.proxy.stdout is None:
            raise RuntimeError("no proxy")
        self.proxy.stdin.write(command + "\n")
        self.proxy.stdin.flush()
        return self.proxy.stdout.readline().strip()

    # -- faults of the servers ------------------------------------------------------

    def kill_broker(self) -> None:
        self.broker.kill(self.say)

    def start_broker(self) -> None:
        """Start the broker again; on a loaded machine its log recovery after a SIGKILL
        can outlast the devstack's 60 s, so a broker that is still starting is waited for
        up to ``BROKER_START_S`` in all."""
        assert self._libs is not None
        started = time.monotonic()
        try:
            self.broker.start(self._java, self._libs, self.say)
        except StackError:
            if self.broker.running_pid() is None:
                raise
            self.say("kafka: still starting after 60 s; waiting")
            while not port_open(LOOPBACK, self.broker.internal_port):
                if time.monotonic() - started > BROKER_START_S or \
                        self.broker.running_pid() is None:
                    raise
                time.sleep(0.5)

    def stop_pg_immediate(self) -> None:
        """``pg_ctl stop -m immediate``: no checkpoint, every backend dropped (a crash)."""
        argv = [self.pg.bin.tool("pg_ctl"), "-D", str(self.pg.data_dir), "-m", "immediate",
                "-w", "stop"]
        if self.pg.as_root:
            argv = ["runuser", "-u", "postgres", "--", *argv]
        subprocess.run(argv, cwd=self.pg.pg_dir, capture_output=True, timeout=60,  # noqa: S603
                       check=True)
        self.say("postgresql: stopped -m immediate")

    def start_pg(self) -> None:
        self.pg.start(self.say)

    def down(self) -> None:
        with contextlib.suppress(Exception):
            self.broker.stop(self.say)
        if self.proxy is not None:
            self.proxy.kill()
            self.proxy.wait(10)
        with contextlib.suppress(Exception):
            self.pg.stop(self.say)


@dataclass
class ExitRecord:
    name: str
    at: float  # monotonic
    code: int | None
    expected: bool  # killed by the nemesis


@dataclass
class Supervisor:
    """Every service process of the run; restarts what dies, and remembers how it died."""

    run: ModuleType
    settings: Settings
    nik_key: str
    children: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)
    exits: list[ExitRecord] = field(default_factory=list)
    killed: set[str] = field(default_factory=set)  # by the nemesis, until restarted
    _restart_at: dict[str, float] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _stop: threading.Event = field(default_factory=threading.Event)
    _thread: threading.Thread | None = None

    @property
    def paths(self):  # type: ignore[no-untyped-def]
        return self.run.Paths(self.settings.stack_dir)

    @property
    def services(self) -> tuple[Any, ...]:
        """What ``make run`` starts: the local OpenID Connect issuer (whose keys the
        services also trust), then every process of the platform."""
        return (self.run.issuer_service(self.paths), *self.run.SERVICES)

    def service(self, name: str):  # type: ignore[no-untyped-def]
        return next(s for s in self.services if s.name == name)

    @property
    def names(self) -> list[str]:
        return [s.name for s in self.services]

    def start_all(self) -> None:
        self.paths.logs.mkdir(parents=True, exist_ok=True)
        for service in self.services:
            self._spawn(service.name)
        self._thread = threading.Thread(target=self._watch, name="supervisor", daemon=True)
        self._thread.start()

    def _spawn(self, name: str) -> None:
        service = self.service(name)
        log = self.paths.log(service)
        with log.open("ab") as output:
            child = subprocess.Popen(  # noqa: S603 - fixed argv
                [sys.executable, *service.args], cwd=self.settings.stack_dir,
                env=self.run.service_env(service, self.settings, self.paths, self.nik_key),
                stdin=subprocess.DEVNULL, stdout=output, stderr=subprocess.STDOUT,
                start_new_session=True)
        self.children[name] = child

    def pid(self, name: str) -> int:
        return self.children[name].pid

    def kill(self, name: str) -> None:
        """SIGKILL from the nemesis; started again after ``RESTART_DELAY_S``."""
        with self._lock:
            self.killed.add(name)
            with contextlib.suppress(ProcessLookupError):
                os.kill(self.children[name].pid, signal.SIGKILL)

    def signal(self, name: str, sig: signal.Signals) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.kill(self.children[name].pid, sig)

    def _watch(self) -> None:
        while not self._stop.wait(0.25):
            now = time.monotonic()
            with self._lock:
                for name, child in list(self.children.items()):
                    if name in self._restart_at:
                        if now >= self._restart_at[name]:
                            del self._restart_at[name]
                            self.killed.discard(name)
                            self._spawn(name)
                        continue
                    code = child.poll()
                    if code is None:
                        continue
                    expected = name in self.killed
                    self.exits.append(ExitRecord(name, now, code, expected))
                    # One that exited by itself is started again too, so the run goes
                    # on, but the report names it: nothing should need this.
                    self._restart_at[name] = now + (RESTART_DELAY_S if expected else 0.5)

    def unexpected_exits(self) -> list[ExitRecord]:
        return [e for e in self.exits if not e.expected]

    def stop_all(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(5)
        for child in self.children.values():
            with contextlib.suppress(ProcessLookupError):
                os.kill(child.pid, signal.SIGCONT)
                child.terminate()
        deadline = time.monotonic() + 15
        for child in self.children.values():
            try:
                child.wait(max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                child.kill()
                child.wait(5)
