"""Scenario 7: the peak RSS of every service and bench tool, once the others have run."""

from __future__ import annotations

from gotong_bench.scenarios.bench import Bench


def record_memory(bench: Bench) -> None:
    for name, proc in bench.stack.services.items():
        bench.note_rss(name, proc.stop())
    tools = {"loadgen", "raw-asyncpg", "raw-copy", "raw-producer", "raw-consumer",
             "eventsourcing-anchor", "replay_bench"}
    for name, mb in sorted(bench.peak_rss.items(), key=lambda kv: (kv[0] in tools, kv[0])):
        if name in tools:
            bench.figure(key=f"s7.{name}", scenario="7 memory",
                         name=f"peak RSS (VmHWM): {name} (bench tool, for context)",
                         unit="MB", runs=[mb], higher_is_better=False)
            continue
        fig = bench.figure(key=f"s7.{name}", scenario="7 memory",
                           name=f"peak RSS (VmHWM): {name}", unit="MB", runs=[mb],
                           target="≤ 200 MB", higher_is_better=False)
        fig.met = mb <= 200
