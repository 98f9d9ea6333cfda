"""From SHU domain events to published contracts, and each event's business date."""

from __future__ import annotations

from datetime import date
from typing import Any, assert_never

from gotong_platform.contracts import EventContract
from gotong_platform.contracts import reporting as c
from reporting.domain.shu import (
    CalculationEvent,
    MemberShuAllocated,
    ShuCalculation,
    ShuCalculationApproved,
    ShuCalculationDrafted,
    ShuPolicy,
    ShuPolicyAdopted,
)

__all__ = ["business_date_of", "calculation_contract", "policy_contract", "policy_terms"]


def policy_terms(policy: ShuPolicy) -> c.ShuPolicyTerms:
    return c.ShuPolicyTerms(
        policy_version=policy.policy_version, effective_fiscal_year=policy.effective_fiscal_year,
        structure=policy.structure.value, pools_bp=dict(policy.pools_bp),
        reserve_pool=policy.reserve_pool, member_share_bp=policy.member_share_bp,
        jasa_modal_split_bp=policy.jasa_modal_split_bp,
        jasa_usaha_split_bp=policy.jasa_usaha_split_bp,
        capital_savings_types=[t.value for t in policy.capital_savings_types],
        capital_measure=policy.capital_measure.value,
        transaction_basis=[k.value for k in policy.transaction_basis],
        member_sourced_only=policy.member_sourced_only,
        include_exited_members=policy.include_exited_members)


def policy_contract(event: ShuPolicyAdopted) -> dict[str, Any]:
    return _dump(c.ShuPolicyAdoptedV1(cooperative_id=event.policy.cooperative_id,
                                      policy=policy_terms(event.policy),
                                      adopted_on=event.policy.adopted_on))


def calculation_contract(event: CalculationEvent, calc: ShuCalculation) -> dict[str, Any]:
    """``calc`` is the state after ``event``."""
    contract: EventContract
    match event:
        case ShuCalculationDrafted():
            r = event.result
            contract = c.ShuCalculationDraftedV1(
                cooperative_id=event.cooperative_id, calc_id=event.calc_id,
                fiscal_year=event.fiscal_year, period_start=event.period_start,
                period_end=event.period_end, calc_version=event.calc_version,
                policy=policy_terms(event.policy), shu_total_idr=r.shu_total_idr,
                shu_member_sourced_idr=r.shu_member_sourced_idr,
                shu_non_member_idr=r.shu_non_member_idr, member_gross_idr=r.member_gross_idr,
                total_gross_idr=r.total_gross_idr, pools_idr=dict(r.pools_idr),
                capital_basis_total_idr=r.capital_basis_total_idr,
                transaction_basis_total_idr=r.transaction_basis_total_idr,
                member_count=r.member_count, drafted_on=event.drafted_on)
        case ShuCalculationApproved():
            contract = c.ShuCalculationApprovedV1(
                cooperative_id=event.cooperative_id, calc_id=event.calc_id,
                fiscal_year=event.fiscal_year, calc_version=event.calc_version,
                policy_version=calc.policy.policy_version, rat_date=event.rat_date,
                shu_total_idr=calc.result.shu_total_idr, pools_idr=dict(calc.result.pools_idr),
                member_count=calc.result.member_count)
        case MemberShuAllocated():
            contract = c.MemberShuAllocatedV1(
                cooperative_id=event.cooperative_id, calc_id=event.calc_id,
                fiscal_year=event.fiscal_year, member_id=event.member_id,
                capital_basis_idr=event.capital_basis_idr,
                transaction_basis_idr=event.transaction_basis_idr,
                jasa_modal_idr=event.jasa_modal_idr, jasa_usaha_idr=event.jasa_usaha_idr,
                total_idr=event.total_idr, rat_date=event.rat_date)
        case _:
            assert_never(event)
    return _dump(contract)


def _dump(contract: EventContract) -> dict[str, Any]:
    data: dict[str, Any] = contract.model_dump(mode="json")
    return data


def business_date_of(event: ShuPolicyAdopted | CalculationEvent) -> date:
    """Adoption and drafts: the day they were made; approval and allocations: the RAT."""
    match event:
        case ShuPolicyAdopted():
            return event.policy.adopted_on
        case ShuCalculationDrafted():
            return event.drafted_on
        case ShuCalculationApproved() | MemberShuAllocated():
            return event.rat_date
        case _:
            assert_never(event)
