"""``make bench-ab OTHER=<checkout>``: this checkout's command path against another's.

Two full ``make bench`` runs of two commits, even back to back, differ by more than the
5 % a change may cost: the machine's speed drifts between them, and each figure is a
ratio to a raw baseline that drifts too. Here both versions run at once instead, on the
same stack and databases, and the load alternates between them in short windows (A B,
then B A, ...), so drift falls on both alike. The figure that decides is the API
process's CPU milliseconds per command (from /proc, only that process), with commands/s
beside it; each is the median over the rounds.

The other checkout needs its own ``.venv`` (``make setup`` there) and must accept this
checkout's schema: its migrations folders must know every revision this one applies
(an older commit needs empty stand-ins for the newer revisions, ``upgrade`` doing
nothing), because each API applies its migrations when it starts.

    PYTHONPATH=bench .venv/bin/python -m gotong_bench.ab --other ../gotong-7e8f588
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import subprocess
import time
from datetime import UTC, datetime
from pathlib import Path

import httpx

from gotong_bench.scenarios import SETUP, Bench, Scale
from gotong_bench.scenarios.bench import INVENTORY_PORT, PAYMENTS_PORT, PidSource
from gotong_bench.stack import REPO

_OFFSET = 100  # the other checkout's APIs listen 100 ports above this one's
_KINDS = (("deposit", "payments"), ("sale", "inventory"))


def _only(pid: int) -> PidSource:
    """One API's process, for its CPU window."""
    return lambda: [pid]


async def _start_other(bench: Bench, other: Path, out: Path) -> dict[str, subprocess.Popen[bytes]]:
    procs: dict[str, subprocess.Popen[bytes]] = {}
    for service, port, env in (("payments", PAYMENTS_PORT, bench.payments_env()),
                               ("inventory", INVENTORY_PORT, bench.inventory_env())):
        with (out / f"other-{service}.log").open("ab") as log:
            procs[service] = subprocess.Popen(  # noqa: S603, ASYNC220 - fixed argv, at start-up
                [str(other / ".venv" / "bin" / "python"), "-m", service, "api", "--port",
                 str(port + _OFFSET)], cwd=other, env=env, stdout=log,
                stderr=subprocess.STDOUT, start_new_session=True)
    async with httpx.AsyncClient() as client:
        for service, port in (("payments", PAYMENTS_PORT), ("inventory", INVENTORY_PORT)):
            deadline = time.monotonic() + 60
            while True:
                if procs[service].poll() is not None:
                    raise RuntimeError(f"the other {service} API exited; see {out}")
                try:
                    if (await client.get(f"http://127.0.0.1:{port + _OFFSET}/health")).is_success:
                        break
                except httpx.HTTPError:
                    pass
                if time.monotonic() > deadline:
                    raise RuntimeError(f"the other {service} API did not answer; see {out}")
                await asyncio.sleep(0.3)
    return procs


async def run(args: argparse.Namespace) -> None:
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    out = (REPO / "bench-results" / f"ab-{stamp}").resolve()
    out.mkdir(parents=True)
    bench = Bench(Scale(), out, run_id=f"ab{stamp.lower()}",
                  bench_python=REPO / ".tools" / "bench-venv" / "bin" / "python")
    await SETUP.run(bench)
    other = await _start_other(bench, args.other.resolve(), out)
    pids = {("this", "payments"): bench.stack.services["payments-api"].pid,
            ("this", "inventory"): bench.stack.services["inventory-api"].pid,
            ("other", "payments"): other["payments"].pid,
            ("other", "inventory"): other["inventory"].pid}
    urls = {("this", "payments"): bench.payments_url, ("this", "inventory"): bench.inventory_url,
            ("other", "payments"): f"http://127.0.0.1:{PAYMENTS_PORT + _OFFSET}",
            ("other", "inventory"): f"http://127.0.0.1:{INVENTORY_PORT + _OFFSET}"}
    runs: dict[str, list[dict[str, float]]] = {}
    try:
        for round_ in range(args.rounds + 1):  # round 0 warms both up and is not counted
            order = ("this", "other") if round_ % 2 == 0 else ("other", "this")
            for concurrency in args.concurrency:
                for kind, service in _KINDS:
                    for side in order:
                        targets = (bench.deposit_targets(bench.pop, 0) if kind == "deposit"
                                   else bench.sale_targets(0))
                        spec = {"mode": "closed", "concurrency": concurrency, "warmup_s": 0.5,
                                "duration_s": args.seconds, "kind": kind,
                                "base_url": urls[(side, service)], "targets": targets}
                        pid = pids[(side, service)]
                        result, cpu = await bench.windowed(
                            f"ab-{side}-{kind}-c{concurrency}-r{round_}", "loadgen", spec,
                            {"api": _only(pid)}, 0.5, args.seconds)
                        if round_ == 0:
                            continue
                        if result.get("errors") or not result["ok"]:
                            raise RuntimeError(f"{side} {kind}: {result.get('errors')}")
                        runs.setdefault(f"{kind} c{concurrency} {side}", []).append({
                            "per_s": result["throughput"],
                            "api_cpu_ms": 1000 * cpu.used["api"] / result["ok"]})
            print(f"round {round_} of {args.rounds} done", flush=True)
    finally:
        for proc in other.values():
            proc.terminate()
        await bench.teardown(keep=False)
    lines = _table(runs, args.concurrency)
    (out / "ab.json").write_text(json.dumps(runs, indent=1))
    (out / "ab.md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))
    print(f"\nresults: {out}")


def _table(runs: dict[str, list[dict[str, float]]], concurrencies: list[int]) -> list[str]:
    lines = ["| command | this: commands/s, API CPU ms | other: commands/s, API CPU ms "
             "| CPU this/other | commands/s this/other |", "|---|---|---|---|---|"]
    for kind, _ in _KINDS:
        for c in concurrencies:
            this, other = ({k: statistics.median(r[k] for r in runs[f"{kind} c{c} {side}"])
                            for k in ("per_s", "api_cpu_ms")} for side in ("this", "other"))
            lines.append(
                f"| {kind}, concurrency {c} | {this['per_s']:.0f}, {this['api_cpu_ms']:.2f} "
                f"| {other['per_s']:.0f}, {other['api_cpu_ms']:.2f} "
                f"| {this['api_cpu_ms'] / other['api_cpu_ms']:.3f} "
                f"| {this['per_s'] / other['per_s']:.3f} |")
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m gotong_bench.ab")
    parser.add_argument("--other", type=Path, required=True,
                        help="the other checkout (with its .venv)")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--concurrency", type=int, nargs="+", default=[16, 64])
    parser.add_argument("--seconds", type=float, default=3.0)
    asyncio.run(run(parser.parse_args()))


if __name__ == "__main__":
    main()
