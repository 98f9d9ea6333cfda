"""The soak's report: ``report.md`` (the tables), ``report.json`` (every series) and
``chart.svg``, from the samples and the load's answers. Pure apart from writing the files.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from gotong_soak.analysis import (
    LIMIT_MB_PER_10_MIN,
    LatencyWindow,
    Point,
    SeriesSummary,
    latency_windows,
    summarise_rss,
    summarise_series,
)
from gotong_soak.chart import Panel, render_svg
from gotong_soak.load import LoadResult
from gotong_soak.sampler import Samples

__all__ = ["Run", "Summary", "summarise", "write_report"]


@dataclass(frozen=True)
class Run:
    """What was asked of the soak and when."""

    started_utc: str
    commit: str
    rate: float
    duration_s: float
    warmup_s: float
    drain_s: float  # how long the pipeline took to catch up after the load stopped
    sample_s: float


@dataclass(frozen=True)
class Summary:
    rss: list[SeriesSummary]
    windows: list[LatencyWindow]
    backlogs: list[SeriesSummary]
    lags: list[SeriesSummary]


def summarise(samples: Samples, load: LoadResult, run: Run) -> Summary:
    return Summary(
        rss=[summarise_rss(n, pts, run.warmup_s) for n, pts in sorted(samples.rss_mb.items())],
        windows=latency_windows(load.latencies, run.duration_s),
        backlogs=[summarise_series(n, p) for n, p in sorted(samples.backlog.items())],
        lags=[summarise_series(n, p) for n, p in sorted(samples.lag.items())])


def _f(value: float | None, digits: int = 1) -> str:
    return "-" if value is None else f"{value:,.{digits}f}"


def _relative(series: Mapping[str, Sequence[Point]]) -> dict[str, list[Point]]:
    """Each series minus its first value: growth is what the eye should compare."""
    return {n: [(t, v - pts[0][1]) for t, v in pts] for n, pts in series.items() if pts}


def markdown(summary: Summary, load: LoadResult, samples: Samples, run: Run,
             failures: Sequence[str]) -> str:
    totals = load.status_totals()
    lines = [
        f"# Soak {run.started_utc}", "",
        f"Commit `{run.commit}`. {run.rate:g} commands/s open loop for "
        f"{run.duration_s / 60:g} min ({load.sent:,} commands), samples every "
        f"{run.sample_s:g} s, RSS slope by least squares after a {run.warmup_s / 60:.3g}-min "
        f"warm-up (limit {LIMIT_MB_PER_10_MIN:g} MB per 10 min); the pipeline drained "
        f"{run.drain_s:.0f} s after the load stopped.", "",
        f"**{'PASSED' if not failures else 'FAILED'}**", ""]
    lines += [f"- {f}" for f in failures]
    lines += ["", "![RSS, backlog and lag](chart.svg)", "",
              "## Memory (RSS, MB)", "",
              "| process | start | end | max | slope MB/10 min |", "|---|---:|---:|---:|---:|"]
    lines += [f"| {s.name} | {_f(s.start)} | {_f(s.end)} | {_f(s.max)} | "
              f"{_f(s.slope_per_10_min, 2)} |" for s in summary.rss]
    if samples.gone:
        lines += ["", "Processes that died: " + ", ".join(
            f"{n} (at {t / 60:.1f} min)" for n, t in sorted(samples.gone.items()))]
    lines += ["", "## Latency per 10 minutes (ms, from when each command was due)", "",
              "| minutes | answered | p50 | p99 | max |", "|---|---:|---:|---:|---:|"]
    lines += [f"| {w.start_s / 60:.0f}-{w.end_s / 60:.0f} | {w.count:,} | {_f(w.p50_ms)} | "
              f"{_f(w.p99_ms)} | {_f(w.max_ms)} |" for w in summary.windows]
    lines += ["", "## Outbox backlog and consumer lag (events)", "",
              "| series | max | end |", "|---|---:|---:|"]
    lines += [f"| backlog {s.name} | {_f(s.max, 0)} | {_f(s.end, 0)} |" for s in summary.backlogs]
    lines += [f"| lag {s.name} | {_f(s.max, 0)} | {_f(s.end, 0)} |" for s in summary.lags]
    lines += ["", "## Answers", "", "| command | status | count |", "|---|---|---:|"]
    lines += [f"| {kind} | {status} | {n:,} |"
              for (kind, status), n in sorted(load.statuses.items())]
    lines += ["", "Totals: " + ", ".join(f"{s}: {n:,}" for s, n in sorted(totals.items()))]
    if load.problems:
        lines += ["", "Refusals by problem code: " + ", ".join(
            f"{k} {s} {c or '?'}: {n:,}" for (k, s, c), n in sorted(load.problems.items()))]
    if load.samples:
        lines += ["", "First errors:", ""] + [f"- `{s}`" for s in load.samples]
    if samples.scrape_errors:
        lines += ["", f"Scrapes that failed ({len(samples.scrape_errors)}, first 5):", ""]
        lines += [f"- `{e}`" for e in samples.scrape_errors[:5]]
    return "\n".join(lines) + "\n"


def _json(summary: Summary, load: LoadResult, samples: Samples, run: Run,
          failures: Sequence[str]) -> dict[str, Any]:
    return {
        "run": asdict(run), "passed": not failures, "failures": list(failures),
        "rss": [asdict(s) for s in summary.rss],
        "latency_windows": [asdict(w) for w in summary.windows],
        "backlogs": [asdict(s) for s in summary.backlogs],
        "lags": [asdict(s) for s in summary.lags],
        "statuses": [{"command": k, "status": s, "count": n}
                     for (k, s), n in sorted(load.statuses.items())],
        "problems": [{"command": k, "status": s, "code": c, "count": n}
                     for (k, s, c), n in sorted(load.problems.items())],
        "sent": load.sent, "error_samples": load.samples,
        "processes_gone": samples.gone, "scrape_errors": samples.scrape_errors,
        "series": {"rss_mb": samples.rss_mb, "outbox_backlog": samples.backlog,
                   "consumer_lag": samples.lag},
    }


def write_report(directory: Path, samples: Samples, load: LoadResult, run: Run,
                 failures: Sequence[str]) -> Summary:
    directory.mkdir(parents=True, exist_ok=True)
    summary = summarise(samples, load, run)
    (directory / "report.md").write_text(
        markdown(summary, load, samples, run, failures), "utf-8")
    (directory / "report.json").write_text(
        json.dumps(_json(summary, load, samples, run, failures), indent=1), "utf-8")
    backlog_and_lag = {f"backlog {n}": p for n, p in samples.backlog.items()}
    backlog_and_lag |= {f"lag {n}": p for n, p in samples.lag.items()}
    (directory / "chart.svg").write_text(render_svg([
        Panel("RSS growth since the first sample (MB)", "MB", _relative(samples.rss_mb)),
        Panel("Outbox backlog and consumer lag (events)", "events", backlog_and_lag),
    ]), "utf-8")
    return summary
