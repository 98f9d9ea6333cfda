"""py-spy profiles of running processes, and what they say in a few lines.

``py-spy record --pid P --format raw`` samples a live process (100 Hz, non-blocking)
and writes collapsed stacks (``frame;frame;frame count``). The summary attributes each
sample twice: to the package of its innermost frame ("self": where the CPU burns) and
to every package on its stack ("inclusive": who asked for it), plus the top functions.
py-spy's own idle detection misses a thread parked in uvloop's or asyncio's epoll (its
innermost Python frame is then the loop's ``run``) or in a ``threading`` wait: those
samples are counted as idle and left out of the shares.
"""

from __future__ import annotations

import asyncio
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

__all__ = ["Profile", "ProfileRecorder", "summarise_collapsed"]

_FRAME = re.compile(r"^(?P<func>.*) \((?P<file>[^()]*?)(?::(?P<line>\d+))?\)$")

# The most specific first: (name shown, substring of the frame's file path).
_PACKAGES: tuple[tuple[str, str], ...] = (
    ("opentelemetry", "opentelemetry/"),
    ("pydantic", "pydantic"),
    ("fastapi", "fastapi/"),
    ("starlette", "starlette/"),
    ("uvicorn/h11/httptools", "uvicorn/"),
    ("uvicorn/h11/httptools", "h11/"),
    ("uvicorn/h11/httptools", "httptools/"),
    ("anyio", "anyio/"),
    ("asyncpg", "asyncpg/"),
    ("aiokafka", "aiokafka/"),
    ("kafka-protocol", "kafka/"),
    ("jwt/crypto", "jwt/"),
    ("jwt/crypto", "cryptography/"),
    ("prometheus", "prometheus_client/"),
    ("logging", "logging/"),
    ("gotong_platform", "gotong_platform/"),
    ("payments", "payments/"),
    ("inventory", "inventory/"),
    ("reporting", "reporting/"),
    ("httpx/httpcore", "httpx/"),
    ("httpx/httpcore", "httpcore/"),
    ("asyncio", "asyncio/"),
    ("typing (get_type_hints)", "/typing.py"),
    ("json/uuid/datetime (stdlib)", "json/"),
    ("json/uuid/datetime (stdlib)", "uuid.py"),
    ("json/uuid/datetime (stdlib)", "datetime.py"),
    ("json/uuid/datetime (stdlib)", "_strptime.py"),
)


def _package(frame: str) -> str:
    match = _FRAME.match(frame)
    path = match.group("file") if match else frame
    for name, needle in _PACKAGES:
        if needle in path:
            return name
    if "site-packages/" in path:
        return path.split("site-packages/", 1)[1].split("/", 1)[0]
    if "/lib/python3" in path:
        return "stdlib (other)"
    return "other"


def _function(frame: str) -> str:
    match = _FRAME.match(frame)
    if not match:
        return frame
    path = match.group("file")
    for marker in ("site-packages/", "/src/", "/lib/python3.11/"):
        if marker in path:
            path = path.split(marker, 1)[1]
            break
    return f"{match.group('func')} ({path})"


_IDLE = (
    ("Runner.run", "asyncio/runners.py"),
    ("run_until_complete", "asyncio/"),
    ("run_forever", "asyncio/"),
    ("select", "selectors.py"),
    ("EpollSelector.select", "selectors.py"),
    ("DefaultSelector.select", "selectors.py"),
    ("wait", "threading.py"),
    ("Condition.wait", "threading.py"),
    ("Event.wait", "threading.py"),
    ("_worker", "concurrent/futures/thread.py"),
    ("get", "queue.py"),
    ("Queue.get", "queue.py"),
    ("serve_forever", "socketserver.py"),
    ("BaseServer.serve_forever", "socketserver.py"),
)


def _idle(frame: str) -> bool:
    match = _FRAME.match(frame)
    if not match:
        return False
    return any(match.group("func") == func and needle in match.group("file")
               for func, needle in _IDLE)


@dataclass
class Profile:
    name: str
    samples: int = 0
    idle_samples: int = 0
    self_by_package: list[tuple[str, float]] = field(default_factory=list)
    inclusive_by_package: list[tuple[str, float]] = field(default_factory=list)
    top_self_functions: list[tuple[str, float]] = field(default_factory=list)
    top_inclusive_functions: list[tuple[str, float]] = field(default_factory=list)
    raw_file: str = ""
    error: str | None = None


def summarise_collapsed(name: str, text: str, top: int = 12) -> Profile:
    self_pkg: Counter[str] = Counter()
    incl_pkg: Counter[str] = Counter()
    self_fn: Counter[str] = Counter()
    incl_fn: Counter[str] = Counter()
    total = idle = 0
    for line in text.splitlines():
        stack, _, count_text = line.rpartition(" ")
        if not stack or not count_text.isdigit():
            continue
        count = int(count_text)
        frames = [f for f in stack.split(";") if f]
        # py-spy puts the thread (and with --subprocesses the process) first.
        frames = [f for f in frames if not f.startswith(("process ", "thread "))]
        if not frames:
            continue
        if _idle(frames[-1]):
            idle += count
            continue
        total += count
        leaf = frames[-1]
        self_pkg[_package(leaf)] += count
        self_fn[_function(leaf)] += count
        for pkg in {_package(f) for f in frames}:
            incl_pkg[pkg] += count
        for fn in {_function(f) for f in frames}:
            incl_fn[fn] += count

    def share(counter: Counter[str], n: int) -> list[tuple[str, float]]:
        return [(k, v / total) for k, v in counter.most_common(n)] if total else []

    return Profile(name=name, samples=total, idle_samples=idle,
                   self_by_package=share(self_pkg, top), inclusive_by_package=share(incl_pkg, top),
                   top_self_functions=share(self_fn, top),
                   top_inclusive_functions=share(incl_fn, top * 2))


@dataclass
class ProfileRecorder:
    """Records one process for ``seconds`` with the bench venv's py-spy."""

    py_spy: Path
    out_dir: Path

    async def record(self, name: str, pid: int, seconds: float) -> Profile:
        raw = self.out_dir / "profiles" / f"{name}.collapsed.txt"
        raw.parent.mkdir(parents=True, exist_ok=True)
        proc = await asyncio.create_subprocess_exec(
            str(self.py_spy), "record", "--pid", str(pid), "--duration", str(int(seconds)),
            "--rate", "100", "--nonblocking", "--full-filenames", "--format", "raw",
            "--output", str(raw),
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT)
        out, _ = await proc.communicate()
        if proc.returncode != 0 or not raw.exists():
            return Profile(name=name, error=out.decode(errors="replace")[-500:])
        profile = summarise_collapsed(name, raw.read_text(errors="replace"))
        profile.raw_file = str(raw.relative_to(self.out_dir))
        return profile
