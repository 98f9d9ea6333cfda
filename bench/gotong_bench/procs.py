"""What /proc says about processes: CPU time (for "where the time goes") and peak RSS."""

from __future__ import annotations

import asyncio
import contextlib
import os
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

__all__ = ["CpuWindow", "children", "cmdline", "kafka_pids", "postgres_pids", "vm_hwm_mb"]

_TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int) -> float | None:
    """User + system CPU seconds of ``pid`` (None when it is gone)."""
    try:
        raw = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    # The command name may contain spaces: fields start after the last ')'.
    fields = raw[raw.rfind(")") + 2:].split()
    return (int(fields[11]) + int(fields[12])) / _TICKS


def vm_hwm_mb(pid: int) -> float | None:
    """The peak resident set size so far (VmHWM), in MiB; None when the process is gone."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024.0
    except OSError:
        return None
    return None


def children(pid: int) -> list[int]:
    """Direct children of ``pid`` (e.g. uvicorn's worker processes)."""
    found: list[int] = []
    try:
        for task in Path(f"/proc/{pid}/task").iterdir():
            found += [int(c) for c in (task / "children").read_text().split()]
    except OSError:
        pass
    return found


def cmdline(pid: int) -> list[str]:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().decode(errors="replace").split("\0")
    except OSError:
        return []


def _comm(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/comm").read_text().strip()
    except OSError:
        return ""


def _pids() -> list[int]:
    return [int(p) for p in os.listdir("/proc") if p.isdigit()]


def postgres_pids() -> list[int]:
    return [p for p in _pids() if _comm(p) == "postgres"]


def kafka_pids() -> list[int]:
    return [p for p in _pids() if _comm(p) == "java" and "kafka.Kafka" in cmdline(p)]


PidSource = Callable[[], Iterable[int]]


@dataclass
class CpuWindow:
    """CPU seconds used by named groups of processes between ``start()`` and ``stop()``.

    A group is a function returning its pids now (PostgreSQL backends and workers come
    and go). Inside an event loop a background task samples every 0.2 s and keeps each
    pid's last value, so a process that exits inside the window still counts (up to its
    last sample).
    """

    groups: Mapping[str, PidSource]
    _before: dict[str, dict[int, float]] = field(default_factory=dict)
    _last: dict[str, dict[int, float]] = field(default_factory=dict)
    _task: asyncio.Task[None] | None = None
    _started: float = 0.0
    used: dict[str, float] = field(default_factory=dict)
    seconds: float = 0.0  # wall time of the window

    def _sample(self) -> dict[str, dict[int, float]]:
        snap: dict[str, dict[int, float]] = {}
        for name, source in self.groups.items():
            snap[name] = {}
            for pid in source():
                seconds = cpu_seconds(pid)
                if seconds is not None:
                    snap[name][pid] = seconds
                    self._last.setdefault(name, {})[pid] = seconds
        return snap

    async def _sampler(self) -> None:
        while True:
            await asyncio.sleep(0.2)
            self._sample()

    def start(self) -> None:
        self._last = {}
        self._started = time.perf_counter()
        self._before = self._sample()
        with contextlib.suppress(RuntimeError):  # no running loop: no sampling
            self._task = asyncio.get_running_loop().create_task(self._sampler())

    def stop(self) -> dict[str, float]:
        if self._task is not None:
            self._task.cancel()
            self._task = None
        self._sample()
        self.seconds = time.perf_counter() - self._started
        self.used = {}
        for name in self.groups:
            before = self._before.get(name, {})
            last = self._last.get(name, {})
            self.used[name] = sum(v - before.get(pid, 0.0) for pid, v in last.items())
        return self.used
