"""Every ``interval`` seconds: the RSS of every platform process (from /proc), each relay's
outbox backlog and each consumer's lag (from their ``/metrics``).

The processes are the ones `make run` started, named by its pid files
(``<stack>/run/<process>.pid``). RSS is ``VmRSS`` of ``/proc/<pid>/status``: what the
process holds in memory now, the figure a container's memory limit is checked against.
"""

from __future__ import annotations

import asyncio
import contextlib
import re
import time
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from gotong_soak.analysis import Point

__all__ = ["Endpoints", "Samples", "parse_metric", "read_pids", "rss_mb", "sample_forever"]

_SAMPLE = re.compile(r"^(?P<name>[a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(?P<labels>[^}]*)\})?\s+"
                     r"(?P<value>\S+)")
_LABEL = re.compile(r'(\w+)="((?:[^"\\]|\\.)*)"')


def parse_metric(text: str, name: str, by: str) -> dict[str, float]:
    """The samples of metric ``name`` in Prometheus text ``text``, summed per value of the
    label ``by`` (a consumer's lag over its partitions; a relay's backlog per service)."""
    sums: dict[str, float] = defaultdict(float)
    for line in text.splitlines():
        match = _SAMPLE.match(line)
        if match is None or match["name"] != name:
            continue
        labels = dict(_LABEL.findall(match["labels"] or ""))
        sums[labels.get(by, "")] += float(match["value"])
    return dict(sums)


def read_pids(run_dir: Path) -> dict[str, int]:
    """Process name -> pid, from `make run`'s pid files."""
    pids = {}
    for pid_file in sorted(run_dir.glob("*.pid")):
        text = pid_file.read_text("ascii").strip()
        if text.isdigit():
            pids[pid_file.stem] = int(text)
    return pids


def rss_mb(pid: int, proc: Path = Path("/proc")) -> float | None:
    """``VmRSS`` of a live process in MB (10^6 bytes); None when it is gone."""
    try:
        status = (proc / str(pid) / "status").read_text("ascii")
    except (FileNotFoundError, ProcessLookupError):
        return None
    for line in status.splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024 / 1e6  # the kernel's "kB" is KiB
    return None


@dataclass(frozen=True)
class Endpoints:
    """The metrics endpoints to scrape: relay name -> URL, consumer process -> URL."""

    relays: Mapping[str, str]
    consumers: Mapping[str, str]


@dataclass
class Samples:
    """Everything sampled, as series of (seconds since the load started, value)."""

    rss_mb: dict[str, list[Point]] = field(default_factory=lambda: defaultdict(list))
    backlog: dict[str, list[Point]] = field(default_factory=lambda: defaultdict(list))
    lag: dict[str, list[Point]] = field(default_factory=lambda: defaultdict(list))
    # Processes found dead at a sample, and scrapes that failed: both are findings.
    gone: dict[str, float] = field(default_factory=dict)
    scrape_errors: list[str] = field(default_factory=list)


async def _scrape(client: httpx.AsyncClient, url: str, samples: Samples) -> str | None:
    try:
        reply = await client.get(url)
        reply.raise_for_status()
    except httpx.HTTPError as exc:
        if len(samples.scrape_errors) < 50:
            samples.scrape_errors.append(f"{url}: {type(exc).__name__}: {exc}")
        return None
    return reply.text


async def sample_once(t: float, pids: Mapping[str, int], endpoints: Endpoints,
                      client: httpx.AsyncClient, samples: Samples) -> None:
    for name, pid in pids.items():
        rss = rss_mb(pid)
        if rss is None:
            samples.gone.setdefault(name, t)
        else:
            samples.rss_mb[name].append((t, rss))
    for name, url in endpoints.relays.items():
        text = await _scrape(client, url, samples)
        if text is not None:
            backlog = sum(parse_metric(text, "gotong_outbox_backlog_events", "service").values())
            samples.backlog[name].append((t, backlog))
    for name, url in endpoints.consumers.items():
        text = await _scrape(client, url, samples)
        if text is not None:
            for consumer, lag in parse_metric(text, "gotong_consumer_lag_events",
                                              "consumer").items():
                samples.lag[consumer or name].append((t, lag))


async def sample_forever(origin: float, interval: float, pids: Mapping[str, int],
                         endpoints: Endpoints, samples: Samples,
                         stop: asyncio.Event) -> None:
    """Sample at ``origin`` + k * ``interval`` (monotonic) until ``stop`` is set; one last
    sample when it is."""
    async with httpx.AsyncClient(timeout=5.0) as client:
        k = 0
        while True:
            due = origin + k * interval
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), max(0.0, due - time.monotonic()))
            now = time.monotonic()
            await sample_once(now - origin, pids, endpoints, client, samples)
            if stop.is_set():
                return
            k = int((now - origin) // interval) + 1
