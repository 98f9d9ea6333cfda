"""Stored payload (``gotong_platform.domain.event_payload``) → SHU domain events.

Written out per type rather than derived from annotations: the events nest a
policy and a result, and an explicit decoder reads more plainly than a generic one.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from reporting.shu.domain.allocation import MemberAllocation, ShuResult
from reporting.shu.domain.events import (
    CalculationEvent,
    MemberShuAllocated,
    ShuCalculationApproved,
    ShuCalculationDrafted,
    ShuPolicyAdopted,
)
from reporting.shu.domain.policy import ShuPolicy
from reporting.shu.domain.values import CapitalMeasure, SavingsType, Structure, TransactionKind

__all__ = [
    "UnknownEventType",
    "calculation_event_from_payload",
    "policy_event_from_payload",
    "policy_from_payload",
]


class UnknownEventType(ValueError):
    """The stream holds an event type or schema version this code does not know."""


def policy_from_payload(p: Mapping[str, Any]) -> ShuPolicy:
    return ShuPolicy(
        cooperative_id=p["cooperative_id"], policy_version=p["policy_version"],
        effective_fiscal_year=p["effective_fiscal_year"], structure=Structure(p["structure"]),
        pools_bp=dict(p["pools_bp"]), reserve_pool=p["reserve_pool"],
        member_share_bp=p["member_share_bp"], jasa_modal_split_bp=p["jasa_modal_split_bp"],
        jasa_usaha_split_bp=p["jasa_usaha_split_bp"],
        capital_savings_types=tuple(SavingsType(t) for t in p["capital_savings_types"]),
        capital_measure=CapitalMeasure(p["capital_measure"]),
        transaction_basis=tuple(TransactionKind(k) for k in p["transaction_basis"]),
        member_sourced_only=p["member_sourced_only"],
        include_exited_members=p["include_exited_members"],
        adopted_on=date.fromisoformat(p["adopted_on"]),
    )


def _result(p: Mapping[str, Any]) -> ShuResult:
    return ShuResult(
        shu_total_idr=p["shu_total_idr"], shu_member_sourced_idr=p["shu_member_sourced_idr"],
        member_gross_idr=p["member_gross_idr"], total_gross_idr=p["total_gross_idr"],
        pools_idr=dict(p["pools_idr"]), capital_basis_total_idr=p["capital_basis_total_idr"],
        transaction_basis_total_idr=p["transaction_basis_total_idr"],
        allocations=tuple(MemberAllocation(**a) for a in p["allocations"]),
    )


def policy_event_from_payload(event_type: str, payload: Mapping[str, Any], *,
                              schema_version: int = 1) -> ShuPolicyAdopted:
    if (event_type, schema_version) != ("ShuPolicyAdopted", 1):
        raise UnknownEventType(f"unknown event {event_type!r} version {schema_version}")
    return ShuPolicyAdopted(policy=policy_from_payload(payload["policy"]))


def calculation_event_from_payload(event_type: str, payload: Mapping[str, Any], *,
                                   schema_version: int = 1) -> CalculationEvent:
    if schema_version != 1:
        raise UnknownEventType(f"unknown event {event_type!r} version {schema_version}")
    p = payload
    match event_type:
        case "ShuCalculationDrafted":
            return ShuCalculationDrafted(
                calc_id=p["calc_id"], cooperative_id=p["cooperative_id"],
                fiscal_year=p["fiscal_year"], period_start=date.fromisoformat(p["period_start"]),
                period_end=date.fromisoformat(p["period_end"]), calc_version=p["calc_version"],
                policy=policy_from_payload(p["policy"]), result=_result(p["result"]),
                drafted_by=p["drafted_by"], drafted_on=date.fromisoformat(p["drafted_on"]))
        case "ShuCalculationApproved":
            return ShuCalculationApproved(
                calc_id=p["calc_id"], cooperative_id=p["cooperative_id"],
                fiscal_year=p["fiscal_year"], calc_version=p["calc_version"],
                rat_date=date.fromisoformat(p["rat_date"]), approved_by=p["approved_by"],
                drafted_by=p["drafted_by"])
        case "MemberShuAllocated":
            return MemberShuAllocated(**{**p, "rat_date": date.fromisoformat(p["rat_date"])})
        case _:
            raise UnknownEventType(f"unknown event {event_type!r} version {schema_version}")
