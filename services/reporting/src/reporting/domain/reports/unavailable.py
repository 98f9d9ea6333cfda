"""A cooperative whose figures could not be computed: left out of a report, and why.

How such a cooperative is found (its queries retried by halves) is the read model's
(``reporting.adapters.reports.isolation``); a report only names it in ``unavailable``.
"""

from __future__ import annotations

import dataclasses

__all__ = ["Unavailable", "Unavailables"]


@dataclasses.dataclass(frozen=True, slots=True)
class Unavailable:
    """A cooperative whose figures could not be computed, and where to look why."""

    cooperative_id: str
    step: str  # the part of the report that failed, e.g. "figures of 2026-01"
    error: str  # the error's class name (its message may quote personal data)
    trace_id: str | None

    def as_dict(self) -> dict[str, str | None]:
        return {"cooperative_id": self.cooperative_id, "reason": "figures-not-computable",
                "step": self.step, "error": self.error, "trace_id": self.trace_id}


Unavailables = dict[str, Unavailable]
