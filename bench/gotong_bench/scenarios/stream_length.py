"""Scenario 8c: loading and replaying an account as its stream grows."""

from __future__ import annotations

from typing import Any

from gotong_bench.scenarios.bench import Bench


async def run(bench: Bench) -> None:
    s = bench.scale
    lengths = [1, 10, 100, 1000]
    runs: list[dict[str, Any]] = []
    for rep in range(s.reps):
        worker = await bench.worker(f"s8-replay-r{rep}", "replay_bench", {
            "source_dsn": bench.stack.dsn("payments"), "dsn": bench.stack.dsn("raw"),
            "lengths": lengths, "min_seconds": 0.3})
        result = await worker.result(limit_s=300)
        runs.append(result)
        bench.say(f"  rep {rep + 1}: an account of " + ", ".join(
            f"{n} events: load {result['load'][str(n)]['ms_per_load']:.2f} ms, replay "
            f"{result['replay'][str(n)]['ms_per_load']:.2f} ms" for n in lengths))
    bench.details["stream_length"] = runs
    for mode, what in (("load", "`SavingsRepository.load` (snapshot on the query row, "
                                "every command's read)"),
                       ("replay", "full replay (`SavingsRepository.replay`, the read "
                                  "before snapshots; a rebuild's per account)")):
        for n in lengths[1:]:
            bench.figure(
                key=f"s8.{mode}.{n}", scenario="8 how cost grows",
                name=f"{what}, account of {n:,} events", unit="ms",
                runs=[r[mode][str(n)]["ms_per_load"] for r in runs],
                baseline="the same for an account of 1 event",
                baseline_runs=[r[mode]["1"]["ms_per_load"] for r in runs],
                higher_is_better=False)
