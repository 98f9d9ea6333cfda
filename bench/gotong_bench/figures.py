"""One measured figure: its runs, its baseline's runs from the same repetitions, the ratio."""

from __future__ import annotations

import dataclasses
from typing import Any

from gotong_bench.common import ratio, summary

__all__ = ["Figure"]


@dataclasses.dataclass
class Figure:
    """``runs[i]`` and ``baseline_runs[i]`` were measured in the same repetition ``i``."""

    key: str
    scenario: str
    name: str
    unit: str
    runs: list[float] = dataclasses.field(default_factory=list)
    baseline: str | None = None
    baseline_runs: list[float] = dataclasses.field(default_factory=list)
    target: str | None = None
    met: bool | None = None
    higher_is_better: bool = True
    note: str = ""

    @property
    def ratio_runs(self) -> list[float]:
        return [r for r in (ratio(a, b) for a, b in zip(self.runs, self.baseline_runs,
                                                         strict=False)) if r is not None]

    @property
    def median(self) -> float | None:
        value = summary(self.runs)["median"]
        return None if value is None else float(value)

    @property
    def ratio_median(self) -> float | None:
        value = summary(self.ratio_runs)["median"]
        return None if value is None else float(value)

    def as_json(self) -> dict[str, Any]:
        return {
            "key": self.key, "scenario": self.scenario, "name": self.name, "unit": self.unit,
            "value": summary(self.runs),
            "baseline": None if self.baseline is None else {
                "name": self.baseline, "value": summary(self.baseline_runs)},
            "ratio": summary(self.ratio_runs) if self.baseline else None,
            "target": self.target, "met": self.met, "note": self.note,
        }
