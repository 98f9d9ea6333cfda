"""``report.md`` and ``report.json`` of a chaos run."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from gotong_chaos.checker import Checks

__all__ = ["write_report"]


def _cell(value: Any) -> str:
    if isinstance(value, dict):
        return ", ".join(f"{k}: {v}" for k, v in value.items()) or "none"
    if value is None:
        return "n/a"
    return str(value)


def write_report(out: Path, args: argparse.Namespace, checks: Checks,
                 faults: list[dict[str, Any]]) -> None:
    verdict = "FAILED" if checks.failures else "passed"
    lines = [
        f"# make chaos: {verdict}",
        "",
        f"Load {args.rate:g} commands/s for {args.duration:g} s, faults: {args.faults}.",
        "",
        "| figure | value |",
        "|---|---|",
        *(f"| {name} | {_cell(value)} |" for name, value in checks.figures.items()),
        "",
        "## Faults",
        "",
        "| # | fault | target | lasted s | recovered s after heal | attempts | 503 | 500 "
        "| other 5xx | connection errors | timeouts | 409 |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for n, f in enumerate(faults, 1):
        recovery = "never" if f["recovery_s"] is None else f"{f['recovery_s']:.1f}"
        lines.append(f"| {n} | {f['kind']} | {f['target']} | {f['healed'] - f['started']:.1f} "
                     f"| {recovery} | {f['attempts']} | {f['503']} | {f['500']} "
                     f"| {f['other_5xx']} | {f['connection']} | {f['timeout']} | {f['409']} |")
    lines += ["", "## Failed checks", ""]
    lines += [f"- {failure}" for failure in checks.failures] or ["none"]
    (out / "report.md").write_text("\n".join(lines) + "\n")
    (out / "report.json").write_text(json.dumps(
        {"passed": not checks.failures, "failures": checks.failures,
         "figures": checks.figures, "faults": faults, "details": checks.details,
         "options": {k: str(v) for k, v in vars(args).items()}}, indent=2, default=str))
