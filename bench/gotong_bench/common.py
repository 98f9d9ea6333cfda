"""Small shared pieces: statistics, the worker protocol, JSON helpers.

Every worker process (load generator, baselines, relay, consumers) is started by the
orchestrator as ``python -m gotong_bench.<worker> <spec.json>`` and prints exactly one
line ``RESULT {json}`` on stdout when it is done. Workers that must start together
print ``READY`` and wait for a line on stdin before their measured part.
"""

from __future__ import annotations

import json
import math
import resource
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

__all__ = [
    "RESULT_PREFIX",
    "load_spec",
    "peak_rss_mb",
    "percentile",
    "print_result",
    "ratio",
    "summary",
    "wait_for_go",
]

RESULT_PREFIX = "RESULT "


def percentile(values: Sequence[float], q: float) -> float:
    """The q-th percentile (0..100) by linear interpolation; NaN for no values."""
    if not values:
        return math.nan
    ordered = sorted(values)
    if len(ordered) == 1:
        return ordered[0]
    rank = (len(ordered) - 1) * q / 100.0
    low = math.floor(rank)
    high = math.ceil(rank)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def summary(runs: Iterable[float]) -> dict[str, Any]:
    """Median with min and max over repeated runs (NaN-free: missing runs are dropped)."""
    values = [v for v in runs if v is not None and not math.isnan(v)]
    if not values:
        return {"median": None, "min": None, "max": None, "runs": []}
    return {"median": percentile(values, 50), "min": min(values), "max": max(values),
            "runs": values}


def ratio(numerator: float | None, denominator: float | None) -> float | None:
    if numerator is None or denominator is None or denominator == 0:
        return None
    return numerator / denominator


def load_spec() -> dict[str, Any]:
    """The worker's spec: the JSON file named by the first argument."""
    if len(sys.argv) != 2:
        raise SystemExit(f"usage: python -m {sys.argv[0]} SPEC.json")
    spec: dict[str, Any] = json.loads(Path(sys.argv[1]).read_text("utf-8"))
    return spec


def peak_rss_mb() -> float:
    """This process's peak resident set size (VmHWM).

    Not ``getrusage``: Linux carries ``ru_maxrss`` across ``execve``, so a worker would
    report its parent's peak if that was higher.
    """
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024.0
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def print_result(result: dict[str, Any]) -> None:
    result.setdefault("peak_rss_mb", peak_rss_mb())
    print(RESULT_PREFIX + json.dumps(result, default=str), flush=True)


def wait_for_go() -> None:
    """Tell the orchestrator this worker is ready, then block until it says go."""
    print("READY", flush=True)
    sys.stdin.readline()
