"""The nemesis: faults at random intervals, one at a time, each healed and then timed
until the platform serves again.

* ``kill_relay``, ``kill_consumer``, ``kill_api``: SIGKILL of one process of that role;
  the supervisor starts it again after a few seconds, as Kubernetes would;
* ``kafka_kill``: SIGKILL of the broker, started again 5-15 s later;
* ``pg_immediate``: ``pg_ctl stop -m immediate`` (a crash: no checkpoint), started again
  5-15 s later;
* ``pause_consumer``: SIGSTOP of a consumer, SIGCONT 15 s later;
* ``kafka_slow``: every chunk between the services and the broker delayed 150 ± 50 ms,
  5 % of them a further retransmission timeout, for 20 s (``gotong_chaos.netproxy``);
* ``kafka_stall``: nothing passes between the services and the broker for 10 s.

"Recovered" is the first moment after the heal at which every API's ``/ready`` and
every consumer's ``/ready`` answer 200 and every killed process runs again.
"""

from __future__ import annotations

import asyncio
import random
import signal
import time
from dataclasses import asdict, dataclass
from typing import Any

import httpx

from gotong_chaos.platform import ChaosStack, Supervisor

__all__ = ["FAULTS", "Fault", "Nemesis"]

FAULTS = ("kill_relay", "kill_consumer", "kill_api", "kafka_kill", "pg_immediate",
          "pause_consumer", "kafka_slow", "kafka_stall")
RECOVERY_TIMEOUT_S = 120.0
PAUSE_S = 15.0


@dataclass
class Fault:
    kind: str
    target: str
    started: float  # wall clock, as the client log's
    healed: float = 0.0
    recovered: float | None = None

    @property
    def recovery_s(self) -> float | None:
        return None if self.recovered is None else self.recovered - self.healed

    def record(self) -> dict[str, Any]:
        return {**asdict(self), "recovery_s": self.recovery_s}


class Nemesis:
    def __init__(self, stack: ChaosStack, supervisor: Supervisor, ready_urls: list[str],
                 faults: list[str], seed: int, min_gap_s: float, max_gap_s: float) -> None:
        self.stack = stack
        self.sup = supervisor
        self.ready_urls = ready_urls
        self.faults = faults
        self.rng = random.Random(seed)
        self.min_gap_s, self.max_gap_s = min_gap_s, max_gap_s
        self.done: list[Fault] = []
        self.errors: list[str] = []  # faults that could not be injected or healed

    def _role(self, role: str) -> str:
        return self.rng.choice([n for n in self.sup.names if n.endswith(f"-{role}")])

    async def run(self, until: float) -> None:
        """Faults until the monotonic time ``until``: none starts in the last quarter of
        the run (at most 40 s), so the last one is over before the load ends."""
        order = list(self.faults)  # the first round in the order given, then shuffled
        margin = min(40.0, (until - time.monotonic()) / 4)
        while True:
            await asyncio.sleep(self.rng.uniform(self.min_gap_s, self.max_gap_s))
            if time.monotonic() + margin > until:
                return
            if not order:
                order = list(self.faults)
                self.rng.shuffle(order)
            kind = order.pop(0)
            try:
                fault = await self.inject(kind)
            except Exception as exc:  # the run reports it, and ends its faults here
                self.errors.append(f"{kind}: {type(exc).__name__}: {str(exc)[:500]}")
                return
            self.done.append(fault)
            await self.wait_recovered(fault)

    async def inject(self, kind: str) -> Fault:
        if kind in ("kill_relay", "kill_consumer", "kill_api"):
            name = self._role(kind.removeprefix("kill_"))
            fault = Fault(kind, name, time.time())
            self.sup.kill(name)
            while name in self.sup.killed:  # the supervisor starts it again
                await asyncio.sleep(0.2)
        elif kind == "kafka_kill":
            fault = Fault(kind, "kafka", time.time())
            await asyncio.to_thread(self.stack.kill_broker)
            await asyncio.sleep(self.rng.uniform(5, 15))
            await asyncio.to_thread(self.stack.start_broker)
        elif kind == "pg_immediate":
            fault = Fault(kind, "postgresql", time.time())
            await asyncio.to_thread(self.stack.stop_pg_immediate)
            await asyncio.sleep(self.rng.uniform(5, 15))
            await asyncio.to_thread(self.stack.start_pg)
        elif kind == "pause_consumer":
            name = self._role("consumer")
            fault = Fault(kind, name, time.time())
            self.sup.signal(name, signal.SIGSTOP)
            await asyncio.sleep(PAUSE_S)
            self.sup.signal(name, signal.SIGCONT)
        elif kind == "kafka_slow":
            fault = Fault(kind, "services<->kafka", time.time())
            await asyncio.to_thread(self.stack.line, "delay 150 50 0.05")
            await asyncio.sleep(20)
            await asyncio.to_thread(self.stack.line, "clear")
        elif kind == "kafka_stall":
            fault = Fault(kind, "services<->kafka", time.time())
            await asyncio.to_thread(self.stack.line, "stall")
            await asyncio.sleep(10)
            await asyncio.to_thread(self.stack.line, "clear")
        else:
            raise ValueError(f"unknown fault {kind!r}")
        fault.healed = time.time()
        return fault

    async def ready(self, client: httpx.AsyncClient) -> bool:
        if self.sup.killed:
            return False
        for url in self.ready_urls:
            try:
                if (await client.get(url)).status_code != 200:
                    return False
            except httpx.HTTPError:
                return False
        return True

    async def wait_recovered(self, fault: Fault) -> None:
        deadline = time.monotonic() + RECOVERY_TIMEOUT_S
        async with httpx.AsyncClient(timeout=2.0) as client:
            while time.monotonic() < deadline:
                if await self.ready(client):
                    fault.recovered = time.time()
                    return
                await asyncio.sleep(0.25)
