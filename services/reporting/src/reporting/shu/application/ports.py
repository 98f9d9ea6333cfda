"""What the SHU use cases need from the read model, as a small Protocol."""

from __future__ import annotations

import dataclasses
from typing import Protocol

from reporting.shu.domain import FiscalPeriod, ShuFacts, ShuPolicy

__all__ = ["CooperativeProfile", "ShuReadModel"]


@dataclasses.dataclass(frozen=True, kw_only=True)
class CooperativeProfile:
    """What the read model knows of a cooperative that the SHU engine uses."""

    coop_type: str | None  # savings_and_loan, multi_purpose, consumer, producer, marketing
    time_zone: str | None  # WIB, WITA, WIT
    fiscal_year_start_month: int  # 1 (January) unless the read model says otherwise


class ShuReadModel(Protocol):
    async def cooperative(self, cooperative_id: str) -> CooperativeProfile | None:
        """The cooperative's profile; None when the read model does not know it."""
        ...

    async def shu_facts(self, cooperative_id: str, period: FiscalPeriod, policy: ShuPolicy
                        ) -> ShuFacts:
        """Every member's facts of ``period`` (the policy's simpanan types), and the totals."""
        ...
