"""The application layer's own rules: what a payout deducts, what an exit offsets, the
savings policy, and that every published payments event has its contract.
"""

from __future__ import annotations

from datetime import date

import pytest
from payments_builders import a_loan, a_repayment, fold

from gotong_platform.contracts import contract_for
from payments.adapters.events import domain_type, stored_type
from payments.application.exit_refunds import owed_on
from payments.domain import (
    LOAN_EVENTS,
    SALE_EVENTS,
    SAVINGS_EVENTS,
    InstalmentHorizon,
    InvalidPeriod,
    InvalidSavingsPolicy,
    LoanStatus,
    SavingsPolicy,
    instalments_due,
    receive_repayment,
    set_savings_policy,
    wajib_due_date,
)

pytestmark = pytest.mark.unit

ON = date(2025, 3, 5)  # instalment 1 (due 02-10) a month late; instalment 2 due 03-10


def test_a_payout_deducts_what_is_due_by_the_receipt_date_with_its_denda() -> None:
    loan = a_loan()  # 1.200.000 over 12 months, 1.5 % flat: 118.000 a month, denda 1 %
    # On 5 March only February's instalment is due (overdue, with its denda); March's
    # falls due on the 10th and is not taken weeks early.
    assert instalments_due(loan, ON, InstalmentHorizon.DUE_BY_RECEIPT_DATE) == 118_000 + 1_180
    # On the 10th itself March's is due too.
    assert instalments_due(loan, date(2025, 3, 10),
                           InstalmentHorizon.DUE_BY_RECEIPT_DATE) == 2 * 118_000 + 1_180


def test_a_cooperative_may_deduct_this_months_instalment_and_the_overdue_ones() -> None:
    loan = a_loan()
    due = instalments_due(loan, ON, InstalmentHorizon.DUE_THIS_MONTH)
    assert due == 2 * 118_000 + 1_180
    paid = fold(loan, receive_repayment(loan, a_repayment(due, paid_on=ON)))
    assert [i.overdue_basis_idr for i in paid.instalments[:3]] == [0, 0, 118_000]
    assert paid.overpaid_idr == 0


def test_an_exit_offsets_everything_owed_including_the_denda_due_that_day() -> None:
    loan = a_loan()
    owed = owed_on(loan, ON)
    assert owed == 1_200_000 + 12 * 18_000 + 1_180
    settled = fold(loan, receive_repayment(loan, a_repayment(owed, paid_on=ON)))
    assert (settled.status, settled.outstanding_idr, settled.overpaid_idr) == (
        LoanStatus.REPAID, 0, 0)


@pytest.mark.parametrize(
    "policy",
    [SavingsPolicy(pokok_idr=0, wajib_idr=10_000, wajib_due_day=10),
     SavingsPolicy(pokok_idr=50_000, wajib_idr=-1, wajib_due_day=10),
     SavingsPolicy(pokok_idr=50_000, wajib_idr=10_000, wajib_due_day=29)],
)
def test_a_savings_policy_needs_amounts_and_a_due_day_every_month_has(
    policy: SavingsPolicy,
) -> None:
    with pytest.raises(InvalidSavingsPolicy):
        set_savings_policy(policy, cooperative_id="cooperative-x", set_on=ON, set_by="user-a")


def test_wajib_falls_due_on_the_policy_day_of_the_period() -> None:
    policy = SavingsPolicy(pokok_idr=50_000, wajib_idr=10_000, wajib_due_day=28)
    assert wajib_due_date("2026-02", policy) == date(2026, 2, 28)
    with pytest.raises(InvalidPeriod):
        wajib_due_date("2026-2", policy)


@pytest.mark.parametrize("period", ["0000-01", "\u0662\u0660\u0662\u0666-03"],
                         ids=["year zero", "arabic-indic digits"])
def test_a_period_without_a_calendar_date_is_refused_not_a_crash(period: str) -> None:
    # Found by schemathesis: POST /wajib-billing {"period": "0000-01"} answered 500.
    policy = SavingsPolicy(pokok_idr=50_000, wajib_idr=10_000, wajib_due_day=10)
    with pytest.raises(InvalidPeriod):
        wajib_due_date(period, policy)


UNPUBLISHED = {"LoanPenaltyCharged"}


@pytest.mark.parametrize("event_type", sorted({*SAVINGS_EVENTS, *LOAN_EVENTS, *SALE_EVENTS}))
def test_every_published_domain_event_is_stored_under_its_contracts_name(
    event_type: str,
) -> None:
    stored = stored_type(event_type)
    assert domain_type(stored) == event_type
    contract = contract_for("payments", stored, 1)
    assert (contract is None) == (event_type in UNPUBLISHED)
