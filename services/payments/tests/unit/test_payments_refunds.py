"""Exit refunds: debts are offset first; the refund is never negative; four eyes approve."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st
from payments_builders import CHAIR, CLERK, MANAGER

from gotong_testing.deciders import refused
from payments.domain import (
    DateOutOfOrder,
    MakerCheckerViolation,
    PreparedRefund,
    RefundPlan,
    RequiredFieldMissing,
    approve_refund,
    exit_refund,
)

pytestmark = pytest.mark.unit

amounts = st.integers(0, 10**12)


def test_a_member_who_owes_nothing_gets_all_capital_back() -> None:
    assert exit_refund(50_000, 240_000, 0) == RefundPlan(
        refund_idr=290_000, offset_idr=0, unrecovered_idr=0
    )


def test_what_is_owed_is_offset_before_the_refund() -> None:
    assert exit_refund(50_000, 240_000, 100_000) == RefundPlan(
        refund_idr=190_000, offset_idr=100_000, unrecovered_idr=0
    )


def test_a_debt_larger_than_the_capital_refunds_nothing_and_leaves_the_rest_owed() -> None:
    assert exit_refund(50_000, 240_000, 400_000) == RefundPlan(
        refund_idr=0, offset_idr=290_000, unrecovered_idr=110_000
    )


@pytest.mark.parametrize("args", [(-1, 0, 0), (0, -1, 0), (0, 0, -1)])
def test_negative_figures_are_a_programming_error(args: tuple[int, int, int]) -> None:
    with pytest.raises(ValueError, match="negative"):
        exit_refund(*args)


@given(amounts, amounts, amounts)
def test_refund_and_offset_share_the_capital_and_the_offset_never_exceeds_the_debt(
    pokok: int, wajib: int, owed: int
) -> None:
    plan = exit_refund(pokok, wajib, owed)

    assert plan.refund_idr + plan.offset_idr == pokok + wajib
    assert plan.offset_idr + plan.unrecovered_idr == owed
    assert min(plan.refund_idr, plan.offset_idr, plan.unrecovered_idr) >= 0
    assert plan.refund_idr == 0 or plan.unrecovered_idr == 0


# --- approval (maker-checker) ---------------------------------------------------------

EXITED_ON = date(2025, 6, 30)
PENDING = PreparedRefund(exited_on=EXITED_ON, prepared_by=CHAIR)


def test_a_pengurus_other_than_the_exits_recorder_approves_a_pending_refund() -> None:
    assert approve_refund(PENDING, approved_by=MANAGER, approved_on=EXITED_ON) is True


def test_the_recorder_of_the_exit_never_approves_its_refund() -> None:
    refused(MakerCheckerViolation, approve_refund, PENDING, approved_by=CHAIR,
            approved_on=EXITED_ON)
    approved = PreparedRefund(exited_on=EXITED_ON, prepared_by=CHAIR, approved_by=MANAGER)
    refused(MakerCheckerViolation, approve_refund, approved, approved_by=f" {CHAIR} ",
            approved_on=EXITED_ON)


def test_approving_an_approved_refund_again_asks_for_nothing_to_be_done() -> None:
    approved = PreparedRefund(exited_on=EXITED_ON, prepared_by=CHAIR, approved_by=MANAGER)
    assert approve_refund(approved, approved_by=MANAGER, approved_on=date(2025, 7, 1)) is False
    assert approve_refund(approved, approved_by=CLERK, approved_on=date(2025, 7, 1)) is False


def test_an_approval_names_its_approver_and_is_not_dated_before_the_exit() -> None:
    refused(RequiredFieldMissing, approve_refund, PENDING, approved_by="  ",
            approved_on=EXITED_ON)
    refused(DateOutOfOrder, approve_refund, PENDING, approved_by=MANAGER,
            approved_on=date(2025, 6, 29))
