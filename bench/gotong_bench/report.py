"""``report.md`` and ``report.json`` of one run."""

from __future__ import annotations

import dataclasses
import json
import math
from pathlib import Path
from typing import Any

from gotong_bench.common import summary
from gotong_bench.figures import Figure
from gotong_bench.profiles import Profile

__all__ = ["write_report"]


def _num(value: float | None, unit: str = "") -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "-"
    if unit == "ratio":
        return f"{value:.2f}x" if value >= 2 else f"{value * 100:.0f} %"
    if abs(value) >= 100:
        text = f"{value:,.0f}"
    elif abs(value) >= 10:
        text = f"{value:.1f}"
    else:
        text = f"{value:.2f}"
    return text


def _spread(values: list[float], unit: str = "") -> str:
    s = summary(values)
    if s["median"] is None:
        return "-"
    if len(s["runs"]) == 1:
        return _num(s["median"], unit)
    return f"{_num(s['median'], unit)} ({_num(s['min'], unit)}-{_num(s['max'], unit)})"


def _met(fig: Figure) -> str:
    if fig.met is None:
        return ""
    return "yes" if fig.met else "**no**"


def figure_table(figures: list[Figure]) -> list[str]:
    lines = ["| figure | unit | median (min-max) | baseline | baseline median (min-max) | "
             "ratio median (min-max) | target | met |",
             "|---|---|---|---|---|---|---|---|"]
    for fig in figures:
        lines.append(
            f"| {fig.name} | {fig.unit} | {_spread(fig.runs)} | {fig.baseline or ''} | "
            f"{_spread(fig.baseline_runs) if fig.baseline else ''} | "
            f"{_spread(fig.ratio_runs, 'ratio') if fig.baseline else ''} | "
            f"{fig.target or ''} | {_met(fig)} |")
    return lines


def _latency_table(details: dict[str, Any]) -> list[str]:
    runs = details.get("commands")
    if not runs:
        return []
    lines = ["", "Latency of the commands (median over repetitions of each run's p50 / p99, ms):",
             "", "| concurrency | deposit p50 | deposit p99 | sale p50 | sale p99 | "
             "raw p50 | raw p99 |", "|---|---|---|---|---|---|---|"]
    for c in sorted(runs["deposit"]):
        cells = []
        for kind in ("deposit", "sale", "raw"):
            for q in ("p50_ms", "p99_ms"):
                cells.append(_spread([r[q] for r in runs[kind][c] if r.get(q) is not None]))
        lines.append(f"| {c} | " + " | ".join(cells) + " |")
    return lines


def _cpu_table(cpu: dict[str, Any]) -> list[str]:
    lines = ["| run | process group: cores busy (CPU ms per command/event) |", "|---|---|"]
    for key, runs in cpu.items():
        last = runs[-1]
        parts = []
        for group, v in sorted(last.items(), key=lambda kv: -kv[1]["cores"]):
            per = v["ms_per_unit"]
            parts.append(f"{group} {v['cores']:.2f}" + ("" if per is None else f" ({per:.2f})"))
        lines.append(f"| {key} | {'; '.join(parts)} |")
    return lines


def _waits_table(waits: dict[str, list[dict[str, float]]]) -> list[str]:
    lines = ["| run | busy PostgreSQL sessions on average, by state (last repetition) |",
             "|---|---|"]
    for key, runs in waits.items():
        if runs:
            lines.append(f"| {key} | " + "; ".join(f"{k} {v:.2f}" for k, v in runs[-1].items())
                         + " |")
    return lines


def _profile_lines(profiles: list[Profile]) -> list[str]:
    lines: list[str] = []
    for p in profiles:
        lines += ["", f"#### {p.name}", ""]
        if p.error:
            lines.append(f"py-spy failed: `{p.error.strip()[:300]}`")
            continue
        lines.append(f"{p.samples} busy samples at 100 Hz ({p.idle_samples} idle ones left out; "
                     f"raw stacks: `{p.raw_file}`).")
        lines.append("")
        lines.append("Where the CPU burns (innermost frame's package): " + ", ".join(
            f"{name} {share * 100:.0f} %" for name, share in p.self_by_package[:8]))
        lines.append("")
        lines.append("On the stack (inclusive): " + ", ".join(
            f"{name} {share * 100:.0f} %" for name, share in p.inclusive_by_package[:10]))
        lines.append("")
        lines.append("Hottest functions (self): " + "; ".join(
            f"`{name}` {share * 100:.1f} %" for name, share in p.top_self_functions[:6]))
    return lines


def write_report(out_dir: Path, *, machine: dict[str, Any], scale: Any, figures: list[Figure],
                 details: dict[str, Any], cpu: dict[str, Any], profiles: list[Profile],
                 timings: dict[str, float], failures: dict[str, str]) -> Path:
    data = {
        "machine": machine, "scale": dataclasses.asdict(scale), "timings_s": timings,
        "failures": failures, "figures": [f.as_json() for f in figures],
        "cpu": cpu, "profiles": [dataclasses.asdict(p) for p in profiles], "details": details,
    }
    (out_dir / "report.json").write_text(json.dumps(data, indent=1, default=str), "utf-8")
    m = machine
    lines = [
        f"# Gotong benchmark report ({out_dir.name})", "",
        f"Machine: {m['cores']} cores ({m['cpu']}), {m['memory_gib']} GiB, Linux {m['kernel']}; "
        f"Python {m['python']}; PostgreSQL {m['postgresql']} "
        f"(fsync {m['postgresql_settings']['fsync']}, synchronous_commit "
        f"{m['postgresql_settings']['synchronous_commit']}, shared_buffers "
        f"{m['postgresql_settings']['shared_buffers']}); Kafka {m['kafka']} (one KRaft node); "
        f"aiokafka {m['aiokafka']}, asyncpg {m['asyncpg']}, FastAPI {m['fastapi']}, uvicorn "
        f"{m['uvicorn']}, pydantic {m['pydantic']}, httpx {m['httpx']} (the /sync load; "
        "commands use the bench's minimal HTTP/1.1 client); "
        f"eventsourcing {m['eventsourcing']} with psycopg {m['psycopg']}; py-spy {m['py-spy']}.",
        "",
        f"Code measured: commit {m['code']['commit']}"
        + (f", with uncommitted changes in {len(m['code']['uncommitted'])} files under "
           f"services/, shared/ or tools/ ({', '.join(x[3:] for x in m['code']['uncommitted'])})"
           if m["code"]["uncommitted"] else " (clean)") + ".",
        "",
        f"Scale: {scale.reps} repetitions of every scenario; each figure is the median with min "
        f"and max, and every ratio is taken within one repetition. Command runs: "
        f"{scale.warmup_s:.0f} s warm-up + {scale.duration_s:.0f} s measured. Total run time "
        f"{timings.get('total_s', 0):.0f} s.",
        "",
    ]
    if failures:
        lines += ["**Scenarios that failed:**", ""]
        lines += [f"- {name}: `{error[:400]}`" for name, error in failures.items()]
        lines.append("")
    lines += ["## Targets", ""]
    lines += figure_table([f for f in figures if f.target])
    scenarios: dict[str, list[Figure]] = {}
    for fig in figures:
        scenarios.setdefault(fig.scenario, []).append(fig)
    lines += ["", "## Every figure", ""]
    for name in sorted(scenarios):
        lines += ["", f"### {name}", ""]
        lines += figure_table(scenarios[name])
        notes = list(dict.fromkeys(f.note for f in scenarios[name] if f.note))
        lines += ["", *[f"- {n}" for n in notes]] if notes else []
        if name.startswith("1 "):
            lines += _latency_table(details)
    if "catch_up" in details:
        c = details["catch_up"]
        lines += ["", f"Before the freshness runs the relay and the reporting consumer drained a "
                      f"real backlog of {c['backlog_events']:,} events in {c['seconds']:.1f} s "
                      f"(both started cold)."]
    lines += ["", "## Where the CPU goes (last repetition of each run)", "",
              "Cores busy per process group during the measured window (2.00 = both cores), "
              "and CPU milliseconds per command or event. `client` is the load generator.", ""]
    lines += _cpu_table(cpu)
    if details.get("pg_waits"):
        lines += ["", "## What the PostgreSQL sessions wait for", "",
                  "`pg_stat_activity` of the bench database every 50 ms: `running (CPU)` executes, "
                  "`idle in transaction` waits for the client inside an open transaction, "
                  "`Lock:*` waits for another transaction's lock, `IO:WALSync`/`LWLock:WALWrite` "
                  "is the commit's flush.", ""]
        lines += _waits_table(details["pg_waits"])
    if profiles:
        lines += ["", "## Profiles (py-spy, runs of their own)"]
        lines += _profile_lines(profiles)
    lines += ["", "## Set-up times", ""]
    lines += [f"- {k}: {v:.1f} s" for k, v in timings.items()]
    path = out_dir / "report.md"
    path.write_text("\n".join(lines) + "\n", "utf-8")
    return path
