"""`make soak`: an hour of open-loop commands through the public APIs, the whole platform
running on a stack of its own; is anything growing?

    python -m gotong_soak [--minutes 60] [--rate 100] [--results soak-results] ...

1. Start a stack of its own (PostgreSQL on 57432, Kafka on 61092/61093 by default, state in
   ``<results>/stack``, wiped first) and every API, relay and consumer with their ports
   moved by 200 (``python -m gotong_devstack.run``, which seeds the demo federation).
2. Through the APIs: a shop and a produce warehouse per cooperative, stock, prices,
   sukarela balances and loans (``fixtures``).
3. ``--rate`` commands a second for ``--minutes`` (``load``); every ``--sample-s`` the RSS
   of every process, each relay's outbox backlog and each consumer's lag (``sampler``).
4. After the load, wait (at most ``--drain-s``) for every backlog and lag to reach 0.
5. ``<results>/<UTC time>/report.md``, ``report.json``, ``chart.svg``; stop the platform
   and the stack (``--keep`` leaves them running to look around).

Exit status: 0 passed; 1 failed (an RSS slope of 1 MB per 10 minutes or more after the
warm-up, any 5xx or unanswered request, a backlog or lag left at the end); 2 the stack or
the setup did not start.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import subprocess
import sys
import time
from collections.abc import Sequence
from datetime import UTC, date, datetime
from pathlib import Path

from gotong_soak.analysis import judge
from gotong_soak.fixtures import Coop, SetupError, prepare
from gotong_soak.load import LoadResult, run_load
from gotong_soak.report import Run, write_report
from gotong_soak.sampler import Samples, read_pids, sample_forever
from gotong_soak.stack import Platform, StackError

__all__ = ["main"]


def _env_float(name: str, default: float) -> float:
    raw = os.environ.get(name)
    return float(raw) if raw else default


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m gotong_soak", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--minutes", type=float, default=_env_float("SOAK_MINUTES", 60.0),
                   help="how long the load runs (SOAK_MINUTES; default 60)")
    p.add_argument("--rate", type=float, default=100.0, help="commands a second (100)")
    p.add_argument("--warmup-minutes", type=float, default=None,
                   help="left out of the RSS slope (default: a sixth of the run, 10 of 60)")
    p.add_argument("--sample-s", type=float, default=10.0, help="sampling interval (10 s)")
    p.add_argument("--drain-s", type=float, default=300.0,
                   help="how long to wait for backlogs and lags to reach 0 (300 s)")
    p.add_argument("--results", type=Path, default=Path("soak-results"),
                   help="where the stack and the reports go (soak-results/)")
    p.add_argument("--pg-port", type=int, default=57432)
    p.add_argument("--kafka-port", type=int, default=61092)
    p.add_argument("--kafka-controller-port", type=int, default=61093)
    p.add_argument("--port-offset", type=int, default=200,
                   help="added to every API and metrics port of the platform (200)")
    p.add_argument("--keep", action="store_true",
                   help="leave the platform and the stack running afterwards")
    return p


def _commit() -> str:
    result = subprocess.run(["git", "rev-parse", "--short", "HEAD"],  # noqa: S607
                            capture_output=True, text=True, check=False)
    return result.stdout.strip() or "unknown"


def _caught_up(samples: Samples) -> bool:
    series = [*samples.backlog.values(), *samples.lag.values()]
    return bool(series) and all(pts and pts[-1][1] == 0 for pts in series)


async def _soak(platform: Platform, coops: Sequence[Coop], args: argparse.Namespace,
                samples: Samples) -> tuple[LoadResult, float]:
    """The load with the sampler beside it, then the drain; the load's answers and the
    seconds the drain took."""
    duration = args.minutes * 60
    pids = read_pids(platform.run_dir)
    stop = asyncio.Event()
    origin = time.monotonic() + 1.0
    sampler = asyncio.create_task(sample_forever(origin, args.sample_s, pids,
                                                 platform.endpoints, samples, stop))
    print(f"load: {args.rate:g}/s for {args.minutes:g} min over {len(coops)} cooperatives; "
          f"sampling {len(pids)} processes every {args.sample_s:g} s", flush=True)
    load = await run_load(platform.urls, coops, args.rate, duration, origin,
                          today=date.today())
    ended = time.monotonic()
    print(f"load done: {load.sent:,} sent; waiting for backlogs and lags to drain", flush=True)
    # The sampler's own samples say when it has caught up: two in a row at 0 everywhere
    # (one could be taken between a commit and its outbox row's scrape).
    zero_streak, seen = 0, 0
    while time.monotonic() - ended < args.drain_s:
        await asyncio.sleep(1.0)
        count = sum(len(p) for p in samples.backlog.values())
        if count != seen:
            seen = count
            zero_streak = zero_streak + 1 if _caught_up(samples) else 0
            if zero_streak >= 2:
                break
    drain_s = time.monotonic() - ended
    stop.set()
    await sampler
    return load, drain_s


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    results = args.results.resolve()
    started = datetime.now(UTC)
    out = results / started.strftime("%Y%m%dT%H%M%SZ")
    out.mkdir(parents=True, exist_ok=True)
    log = out / "stack.log"
    platform = Platform(stack_dir=results / "stack", pg_port=args.pg_port,
                        kafka_port=args.kafka_port,
                        kafka_controller_port=args.kafka_controller_port,
                        port_offset=args.port_offset)
    warmup = (args.minutes / 6 if args.warmup_minutes is None else args.warmup_minutes) * 60
    try:
        print(f"soak: starting a stack of its own in {platform.stack_dir} (log {log})",
              flush=True)
        platform.start(log)
        coops = prepare(platform.urls, platform.key_file, date.today())
    except (StackError, SetupError, subprocess.TimeoutExpired) as exc:
        print(f"soak: {exc}", file=sys.stderr)
        if not args.keep:
            platform.stop(log)
        return 2
    samples = Samples()
    try:
        load, drain_s = asyncio.run(_soak(platform, coops, args, samples))
    finally:
        if not args.keep:
            platform.stop(log)
    run = Run(started_utc=started.strftime("%Y-%m-%d %H:%M UTC"), commit=_commit(),
              rate=args.rate, duration_s=args.minutes * 60, warmup_s=warmup, drain_s=drain_s,
              sample_s=args.sample_s)
    failures = judge(
        [s for s in write_report(out, samples, load, run, []).rss], samples.backlog,
        samples.lag, load.status_totals())
    failures += [f"{name} died at {t / 60:.1f} min" for name, t in sorted(samples.gone.items())]
    if load.status_totals().get("client-overloaded"):
        failures.append("the client could not hold the rate (commands dropped)")
    write_report(out, samples, load, run, failures)
    print((out / "report.md").read_text("utf-8"))
    print(f"soak: {'passed' if not failures else 'FAILED'}; report in {out}", flush=True)
    return 0 if not failures else 1


if __name__ == "__main__":
    sys.exit(main())
