"""Produce payouts: deductions in order, capped so the member is never paid a negative net."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gotong_testing.deciders import refused
from payments.domain import (
    AmountNotPositive,
    AppliedDeduction,
    DeductionRequest,
    DeductionType,
    plan_payout,
)

pytestmark = pytest.mark.unit

LOAN = DeductionRequest(
    deduction_type=DeductionType.LOAN_INSTALMENT, ref="loan-1", amount_idr=118_000
)
WAJIB = DeductionRequest(
    deduction_type=DeductionType.SIMPANAN_WAJIB, ref="savings-1", amount_idr=10_000
)
ADVANCE = DeductionRequest(deduction_type=DeductionType.ADVANCE, ref="advance-1", amount_idr=50_000)

requests = st.builds(
    DeductionRequest,
    deduction_type=st.sampled_from(DeductionType),
    ref=st.text(min_size=1, max_size=8),
    amount_idr=st.integers(1, 10_000_000),
)


def test_everything_is_deducted_when_the_harvest_covers_it() -> None:
    plan = plan_payout(500_000, [LOAN, WAJIB, ADVANCE])

    assert [d.applied_idr for d in plan.deductions_applied] == [118_000, 10_000, 50_000]
    assert (plan.deducted_idr, plan.net_paid_idr) == (178_000, 322_000)


def test_deductions_apply_in_the_order_given_and_the_last_ones_get_what_is_left() -> None:
    plan = plan_payout(125_000, [LOAN, WAJIB, ADVANCE])

    assert plan.deductions_applied == (
        AppliedDeduction(
            deduction_type=DeductionType.LOAN_INSTALMENT,
            ref="loan-1",
            requested_idr=118_000,
            applied_idr=118_000,
        ),
        AppliedDeduction(
            deduction_type=DeductionType.SIMPANAN_WAJIB,
            ref="savings-1",
            requested_idr=10_000,
            applied_idr=7_000,
        ),
        AppliedDeduction(
            deduction_type=DeductionType.ADVANCE,
            ref="advance-1",
            requested_idr=50_000,
            applied_idr=0,
        ),
    )
    assert [d.shortfall_idr for d in plan.deductions_applied] == [0, 3_000, 50_000]
    assert plan.net_paid_idr == 0


def test_no_deductions_pays_the_gross() -> None:
    assert plan_payout(80_000, []).net_paid_idr == 80_000


@pytest.mark.parametrize("gross", [0, -1])
def test_the_gross_payout_is_at_least_one_rupiah(gross: int) -> None:
    refused(AmountNotPositive, plan_payout, gross, [LOAN])


def test_a_deduction_is_at_least_one_rupiah() -> None:
    zero = DeductionRequest(deduction_type=DeductionType.ADVANCE, ref="advance-1", amount_idr=0)
    refused(AmountNotPositive, plan_payout, 100_000, [LOAN, zero])


@given(st.integers(1, 50_000_000), st.lists(requests, max_size=8))
def test_applied_deductions_and_the_net_always_add_up_to_the_gross(
    gross: int, deductions: list[DeductionRequest]
) -> None:
    plan = plan_payout(gross, deductions)

    assert plan.deducted_idr + plan.net_paid_idr == gross
    assert plan.net_paid_idr >= 0
    assert [d.ref for d in plan.deductions_applied] == [d.ref for d in deductions]
    assert all(0 <= d.applied_idr <= d.requested_idr for d in plan.deductions_applied)
    # a deduction falls short only when nothing is left after it
    for i, d in enumerate(plan.deductions_applied):
        if d.shortfall_idr:
            assert sum(x.applied_idr for x in plan.deductions_applied[i + 1 :]) == 0
            assert plan.net_paid_idr == 0
