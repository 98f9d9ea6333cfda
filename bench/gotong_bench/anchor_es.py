"""The anchor: the Python ``eventsourcing`` library on the same PostgreSQL.

Runs in the bench venv (``.tools/bench-venv``, where ``eventsourcing[postgres]`` is
installed), never in the workspace: ``python -m gotong_bench.anchor_es spec.json``.
Each save creates a new aggregate whose one event carries what a savings deposit
carries; ``concurrency`` threads save for ``duration_s`` after ``warmup_s``, through one
application (the library's own psycopg connection pool, sized to the threads).
Only the standard library and ``eventsourcing`` are imported here.
"""

from __future__ import annotations

import json
import os
import resource
import sys
import threading
import time
from datetime import date
from pathlib import Path
from typing import Any

from eventsourcing.application import Application  # type: ignore[import-not-found,unused-ignore]
from eventsourcing.domain import Aggregate, event  # type: ignore[import-not-found,unused-ignore]


class Deposit(Aggregate):  # type: ignore[misc,unused-ignore]
    """One savings deposit: one event, as in the bench's HTTP deposit."""

    @event("Deposited")  # type: ignore[untyped-decorator,misc,unused-ignore]
    def __init__(self, cooperative_id: str, member_id: str, account_id: str, amount_idr: int,
                 channel: str, business_date: str, balance_idr: int) -> None:
        self.cooperative_id = cooperative_id
        self.member_id = member_id
        self.account_id = account_id
        self.amount_idr = amount_idr
        self.channel = channel
        self.business_date = business_date
        self.balance_idr = balance_idr


def _percentile(values: list[float], q: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    rank = (len(ordered) - 1) * q / 100.0
    low = int(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def run(spec: dict[str, Any]) -> dict[str, Any]:
    concurrency = int(spec["concurrency"])
    warmup, duration = float(spec["warmup_s"]), float(spec["duration_s"])
    env = {
        "PERSISTENCE_MODULE": "eventsourcing.postgres",
        "POSTGRES_DBNAME": spec["dbname"], "POSTGRES_HOST": spec["host"],
        "POSTGRES_PORT": str(spec["port"]), "POSTGRES_USER": spec["user"],
        "POSTGRES_PASSWORD": spec.get("password", ""),
        "POSTGRES_POOL_SIZE": str(concurrency), "POSTGRES_MAX_OVERFLOW": "0",
    }
    app = Application(env=env)
    today = date.today().isoformat()
    latencies: list[list[float]] = [[] for _ in range(concurrency)]
    print("READY", flush=True)
    sys.stdin.readline()
    start = time.perf_counter()
    t0, t1 = start + warmup, start + warmup + duration

    def worker(w: int) -> None:
        n = 0
        while time.perf_counter() < t1:
            n += 1
            aggregate = Deposit(cooperative_id="cooperative-anchor", member_id=f"m-{w}-{n}",
                                account_id=f"savings-m-{w}-{n}-sukarela", amount_idr=1000 + n,
                                channel="cash", business_date=today, balance_idr=1000 + n)
            sent = time.perf_counter()
            app.save(aggregate)
            done = time.perf_counter()
            if t0 <= done <= t1:
                latencies[w].append(done - sent)

    threads = [threading.Thread(target=worker, args=(w,)) for w in range(concurrency)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    app.close()
    flat = [x for per in latencies for x in per]
    p50, p99 = _percentile(flat, 50), _percentile(flat, 99)
    from importlib.metadata import version

    return {"concurrency": concurrency, "ok": len(flat), "throughput": len(flat) / duration,
            "p50_ms": None if p50 is None else p50 * 1000,
            "p99_ms": None if p99 is None else p99 * 1000,
            "eventsourcing_version": version("eventsourcing")}


def main() -> None:
    spec: dict[str, Any] = json.loads(Path(sys.argv[1]).read_text("utf-8"))
    cpu0 = time.process_time()
    result = run(spec)
    result["worker_cpu_s"] = time.process_time() - cpu0
    # VmHWM, not getrusage: ru_maxrss survives execve (it would be the parent's peak).
    hwm = [line for line in Path("/proc/self/status").read_text().splitlines()
           if line.startswith("VmHWM:")]
    result["peak_rss_mb"] = (int(hwm[0].split()[1]) / 1024.0 if hwm else
                             resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0)
    print("RESULT " + json.dumps(result), flush=True)
    os._exit(0)


if __name__ == "__main__":
    main()
