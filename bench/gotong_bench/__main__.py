"""``make bench``: every scenario of issue 5 against the local stack, then the report.

    PYTHONPATH=bench .venv/bin/python -m gotong_bench [--quick] [--scale] [--partners] [--keep]
        [--only S ...]

The stack must be up (`make bench` runs `gotong-stack up` first) and the bench venv
installed (`.tools/bench-venv`, also made by `make bench`). Results go to
``bench-results/<UTC timestamp>/report.md`` and ``report.json``.
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import sys
import time
import traceback
from datetime import UTC, datetime

from gotong_bench.machine import describe
from gotong_bench.report import figure_table, write_report
from gotong_bench.scenarios import SCENARIOS, SETUP, Bench, Scale, record_memory
from gotong_bench.stack import REPO


async def run(args: argparse.Namespace) -> int:
    began = time.monotonic()
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    out_dir = (REPO / "bench-results" / stamp).resolve()
    out_dir.mkdir(parents=True, exist_ok=True)
    bench_python = REPO / ".tools" / "bench-venv" / "bin" / "python"
    if not bench_python.exists():
        print("the bench venv is missing: run `make bench`", file=sys.stderr)
        return 2
    scale = Scale.quick() if args.quick else Scale()
    if args.scale:
        scale = dataclasses.replace(scale, federation_sizes=(*scale.federation_sizes, 1_000))
    bench = Bench(scale, out_dir, run_id=stamp.lower(), bench_python=bench_python)
    machine = await describe(bench.stack.admin_dsn, bench_python)
    print(f"machine: {machine['cores']} cores ({machine['cpu']}), Python {machine['python']}, "
          f"PostgreSQL {machine['postgresql']}, Kafka {machine['kafka']}, aiokafka "
          f"{machine['aiokafka']}, asyncpg {machine['asyncpg']}, eventsourcing "
          f"{machine['eventsourcing']}", flush=True)
    print(f"results: {out_dir}", flush=True)
    failures: dict[str, str] = {}
    try:
        for scenario in (SETUP, *SCENARIOS):
            key = scenario.key
            if args.only and key not in (SETUP.key, *args.only):
                continue
            if scenario.opt_in and not (args.only or args.partners):  # --partners: the one
                continue
            t0 = time.monotonic()
            print(f"== {scenario.title}", flush=True)
            try:
                await scenario.run(bench)
            except Exception as exc:
                failures[scenario.title] = f"{type(exc).__name__}: {exc}"
                traceback.print_exc()
                if scenario is SETUP:
                    break
            bench.timings[f"{key}_s"] = time.monotonic() - t0
            print(f"   ({time.monotonic() - t0:.0f} s)", flush=True)
        record_memory(bench)
    finally:
        await bench.teardown(keep=args.keep)
    bench.timings["total_s"] = time.monotonic() - began
    bench.details["pg_waits"] = bench.pg_waits
    path = write_report(out_dir, machine=machine, scale=scale, figures=bench.figures,
                        details=bench.details, cpu=bench.cpu, profiles=bench.profiles,
                        timings=bench.timings, failures=failures)
    print()
    print("\n".join(figure_table([f for f in bench.figures if f.target])))
    print(f"\nreport: {path} ({bench.timings['total_s']:.0f} s)")
    return 1 if failures else 0


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m gotong_bench")
    parser.add_argument("--quick", action="store_true",
                        help="one short repetition of everything (developing the bench)")
    parser.add_argument("--keep", action="store_true",
                        help="keep the bench databases and topics afterwards")
    parser.add_argument("--scale", action="store_true",
                        help="scenario 10 also at 1,000 cooperatives (93 M fact rows, long)")
    parser.add_argument("--partners", action="store_true",
                        help="scenario 11 too: partner delivery, revocation, the gateway's "
                             "consumer (several minutes)")
    parser.add_argument("--only", nargs="+", choices=[s.key for s in SCENARIOS],
                        help="run only these scenarios (after the set-up)")
    sys.exit(asyncio.run(run(parser.parse_args())))


if __name__ == "__main__":
    main()
