"""Domain events of the SHU engine: facts, named in the past tense.

Two kinds of stream: ``shu-policy-<cooperative id>`` (version n = policy version
n) and ``shu-calculation-<uuid>`` (one per cooperative, fiscal year and policy
version: drafts, then the approval and one allocation per member). These are
internal events; the published contracts are ``gotong_platform.contracts.reporting``.
"""

from __future__ import annotations

import dataclasses
from datetime import date

from gotong_platform.domain import DomainEvent
from reporting.domain.shu.allocation import ShuResult
from reporting.domain.shu.policy import ShuPolicy

__all__ = [
    "CalculationEvent",
    "MemberShuAllocated",
    "ShuCalculationApproved",
    "ShuCalculationDrafted",
    "ShuPolicyAdopted",
]


@dataclasses.dataclass(frozen=True, kw_only=True)
class ShuPolicyAdopted(DomainEvent):
    """A version of the cooperative's SHU policy was adopted."""

    event_type = "ShuPolicyAdopted"
    schema_version = 1

    policy: ShuPolicy


@dataclasses.dataclass(frozen=True, kw_only=True)
class ShuCalculationDrafted(DomainEvent):
    """The SHU of a fiscal year was (re)computed under a policy version; still a draft."""

    event_type = "ShuCalculationDrafted"
    schema_version = 1

    calc_id: str
    cooperative_id: str
    fiscal_year: int
    period_start: date
    period_end: date
    calc_version: int  # 1 for the first draft, +1 for every redraft
    policy: ShuPolicy  # the snapshot it was computed with
    result: ShuResult
    drafted_by: str
    drafted_on: date


@dataclasses.dataclass(frozen=True, kw_only=True)
class ShuCalculationApproved(DomainEvent):
    """The RAT approved the draft: the calculation is frozen."""

    event_type = "ShuCalculationApproved"
    schema_version = 1

    calc_id: str
    cooperative_id: str
    fiscal_year: int
    calc_version: int
    rat_date: date
    approved_by: str
    drafted_by: str


@dataclasses.dataclass(frozen=True, kw_only=True)
class MemberShuAllocated(DomainEvent):
    """One member's SHU of an approved calculation (SHU_a = jasa modal + jasa usaha)."""

    event_type = "MemberShuAllocated"
    schema_version = 1

    calc_id: str
    cooperative_id: str
    fiscal_year: int
    member_id: str
    member_no: str | None
    capital_basis_idr: int
    transaction_basis_idr: int
    jasa_modal_idr: int
    jasa_usaha_idr: int
    total_idr: int
    rat_date: date


CalculationEvent = ShuCalculationDrafted | ShuCalculationApproved | MemberShuAllocated
