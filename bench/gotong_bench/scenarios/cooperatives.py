"""Scenario 8b: deposits spread over 10 against over 1,000 cooperatives."""

from __future__ import annotations

from typing import Any

from gotong_bench.scenarios.bench import Bench


async def run(bench: Bench) -> None:
    s = bench.scale
    top = max(s.concurrencies)
    per: dict[str, list[dict[str, Any]]] = {"few": [], "many": []}
    for rep in range(s.reps):
        for label, pop in (("few", bench.few), ("many", bench.big)):
            result, cpu = await bench.windowed(
                f"s8-coops-{label}-r{rep}", "loadgen",
                {"mode": "closed", "kind": "deposit", "base_url": bench.payments_url,
                 "concurrency": top, "warmup_s": s.warmup_s, "duration_s": s.duration_s,
                 "targets": bench.deposit_targets(pop, rep)},
                bench.groups("payments-api"), s.warmup_s, s.duration_s, rss_as="loadgen")
            bench.check_errors(f"cooperatives {label}", result)
            bench.record_cpu(f"s8 deposits over {len(pop.coops)} cooperatives", cpu,
                             result["ok"])
            per[label].append(result)
        bench.say(f"  rep {rep + 1}: {len(bench.few.coops)} cooperatives "
                  f"{per['few'][-1]['throughput']:.0f}/s, {len(bench.big.coops)} cooperatives "
                  f"{per['many'][-1]['throughput']:.0f}/s")
    bench.details["cooperatives"] = per
    fig = bench.figure(
        key="s8.coops", scenario="8 how cost grows",
        name=f"savings deposits at concurrency {top} spread over {len(bench.big.coops)} "
             "cooperatives", unit="commands/s",
        runs=[r["throughput"] for r in per["many"]],
        baseline=f"the same over {len(bench.few.coops)} cooperatives (same number of "
                 "fresh accounts)",
        baseline_runs=[r["throughput"] for r in per["few"]],
        target="flat (≥ 90 % of the baseline)")
    fig.met = bool(fig.ratio_median and fig.ratio_median >= 0.9)
