"""The soak's own stack and platform: PostgreSQL and Kafka started by `gotong-stack up` in a
state directory of the soak's (``GOTONG_STACK_DIR``) on ports of its own, and every API,
relay and consumer started by `python -m gotong_devstack.run` with its ports moved by
``GOTONG_RUN_PORT_OFFSET``. Never the developer's stack: a soak that stopped it would end
someone else's work, and one that shared it would measure their load as well as its own.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from gotong_soak.fixtures import Urls
from gotong_soak.sampler import Endpoints

__all__ = ["Platform", "StackError"]

# Settings that would point the stack's code at another stack: the soak's must not.
_FOREIGN = ("GOTONG_PG_ADMIN_DSN", "GOTONG_KAFKA_BOOTSTRAP", "GOTONG_KAFKA_NODES")
_APIS = {"members": 8001, "inventory": 8002, "payments": 8003}
_CONSUMERS = {"inventory-consumer": 9102, "payments-consumer": 9103,
              "reporting-consumer": 9104, "partners-consumer": 9105}
_RELAYS = {"members-relay": 9111, "inventory-relay": 9112, "payments-relay": 9113,
           "reporting-relay": 9114, "partners-relay": 9115}
LOOPBACK = "127.0.0.1"


class StackError(RuntimeError):
    """The stack or the platform did not start; the log named says why."""


@dataclass(frozen=True)
class Platform:
    stack_dir: Path
    pg_port: int
    kafka_port: int
    kafka_controller_port: int
    port_offset: int

    def env(self, base: Mapping[str, str] | None = None) -> dict[str, str]:
        env = {k: v for k, v in (os.environ if base is None else base).items()
               if k not in _FOREIGN}
        env.update({"GOTONG_STACK_DIR": str(self.stack_dir),
                    "GOTONG_PG_PORT": str(self.pg_port),
                    "GOTONG_KAFKA_PORT": str(self.kafka_port),
                    "GOTONG_KAFKA_CONTROLLER_PORT": str(self.kafka_controller_port),
                    "GOTONG_RUN_PORT_OFFSET": str(self.port_offset)})
        return env

    @property
    def urls(self) -> Urls:
        def url(service: str) -> str:
            return f"http://{LOOPBACK}:{_APIS[service] + self.port_offset}"
        return Urls(members=url("members"), inventory=url("inventory"),
                    payments=url("payments"))

    @property
    def endpoints(self) -> Endpoints:
        def metrics(port: int) -> str:
            return f"http://{LOOPBACK}:{port + self.port_offset}/metrics"
        return Endpoints(relays={n: metrics(p) for n, p in _RELAYS.items()},
                         consumers={n: metrics(p) for n, p in _CONSUMERS.items()})

    @property
    def run_dir(self) -> Path:
        return self.stack_dir / "run"

    @property
    def key_file(self) -> Path:
        return self.stack_dir / "dev-jwt.key"

    def _tool(self, name: str) -> Path:
        return Path(sys.executable).parent / name

    def _run(self, argv: list[str], log: Path, what: str, timeout: float) -> None:
        with log.open("ab") as out:
            code = subprocess.run(argv, env=self.env(), stdout=out,  # noqa: S603
                                  stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                  timeout=timeout, check=False).returncode
        if code != 0:
            raise StackError(f"{what} failed (exit {code}); see {log}")

    def start(self, log: Path, fresh: bool = True) -> None:
        """Stop what a previous soak left running, start afresh (a new state directory:
        the databases and topics hold nothing of an earlier run), then the platform."""
        if fresh:
            self.stop(log)
            shutil.rmtree(self.stack_dir, ignore_errors=True)
        self._run([str(self._tool("gotong-stack")), "up"], log, "gotong-stack up", 600)
        try:
            self._run([sys.executable, "-m", "gotong_devstack.run"], log,
                      "python -m gotong_devstack.run", 900)
        except StackError:
            # On a machine shared with other runs the demo's seeding can outwait its
            # bound (a consumer slow to build a directory). `make run` may be repeated:
            # it starts what is not running and replays the seeding (Idempotency-Keys).
            self._run([sys.executable, "-m", "gotong_devstack.run"], log,
                      "python -m gotong_devstack.run (again)", 900)

    def stop(self, log: Path) -> None:
        """The platform, then the stack; quiet when nothing runs."""
        log.parent.mkdir(parents=True, exist_ok=True)
        if not self.stack_dir.exists():
            return
        for argv in ([sys.executable, "-m", "gotong_devstack.run", "--stop"],
                     [str(self._tool("gotong-stack")), "down"]):
            with log.open("ab") as out:
                subprocess.run(argv, env=self.env(), stdout=out,  # noqa: S603
                               stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                               timeout=300, check=False)
