"""Readable test data for the payments domain: valid by default, override what matters.

States are built by running the real deciders, so every state a test starts from is
one the domain can actually reach.

No ``__init__.py`` in this folder (see ``members_builders``): modules are imported by
file name, so names must be unique across the repo, hence the ``payments`` prefix.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable
from datetime import date
from typing import Any

from payments.domain import (
    ApplyForLoan,
    ApproveLoan,
    DepositChannel,
    DepositSavings,
    DisburseLoan,
    InterestMethod,
    Loan,
    LoanEvent,
    LoanStatus,
    OpenSavingsAccount,
    ReceiveRepayment,
    RepaymentChannel,
    SavingsAccount,
    SavingsEvent,
    SavingsType,
    WriteOffLoan,
    apply_for_loan,
    approve_loan,
    deposit_savings,
    disburse_loan,
    evolve_loan,
    evolve_savings,
    open_savings_account,
    receive_repayment,
    write_off_loan,
)

COOPERATIVE = "cooperative-test"
POKOK_IDR = 50_000  # a 2025 KDKMP's simpanan pokok (handbook §1.2)
WAJIB_IDR = 10_000

OPENED_ON = date(2025, 1, 2)
APPLIED_ON = date(2025, 1, 6)
APPROVED_ON = date(2025, 1, 8)
DISBURSED_ON = date(2025, 1, 10)
FIRST_DUE = date(2025, 2, 10)

CLERK = "user-clerk"  # records applications (the maker)
MANAGER = "user-manager"  # approves and disburses
CHAIR = "user-chair"  # the pengurus who approves write-offs and refunds



def new_id(kind: str) -> str:
    """A unique stream id per test, shaped like ``gotong_platform.ids.new_id``."""
    return f"{kind}-{uuid.uuid4()}"


# --- savings --------------------------------------------------------------------------


def fold_savings(state: SavingsAccount | None, events: Iterable[SavingsEvent]) -> SavingsAccount:
    for event in events:
        state = evolve_savings(state, event)
    assert state is not None
    return state


def an_account(
    savings_type: SavingsType = SavingsType.SUKARELA, *, pokok_amount_idr: int = POKOK_IDR,
    opened_on: date = OPENED_ON,
) -> SavingsAccount:
    """A freshly opened account of ``savings_type`` (pokok accounts fix ``pokok_amount_idr``),
    opened on the member's admission date ``opened_on``."""
    command = OpenSavingsAccount(
        member_id=new_id("member"), savings_type=savings_type, opened_on=opened_on
    )
    events = open_savings_account(
        None,
        command,
        account_id=new_id("savings"),
        cooperative_id=COOPERATIVE,
        pokok_amount_idr=pokok_amount_idr,
    )
    return fold_savings(None, events)


def a_deposit(amount_idr: int, **overrides: Any) -> DepositSavings:
    fields: dict[str, Any] = {
        "amount_idr": amount_idr,
        "channel": DepositChannel.CASH,
        "business_date": date(2025, 1, 15),
    }
    return DepositSavings(**(fields | overrides))


def deposited(account: SavingsAccount, amount_idr: int, **overrides: Any) -> SavingsAccount:
    return fold_savings(account, deposit_savings(account, a_deposit(amount_idr, **overrides)))


# --- loans ----------------------------------------------------------------------------


def a_loan_application(**overrides: Any) -> ApplyForLoan:
    fields: dict[str, Any] = {
        "member_id": new_id("member"),
        "principal_idr": 1_200_000,
        "term_months": 12,
        "interest_rate_bp_per_month": 150,  # 1.5 % a month, flat
        "method": InterestMethod.FLAT,
        "penalty_bp_per_month": 100,  # 1 % a month on overdue amounts
        "first_due_date": FIRST_DUE,
        "applied_on": APPLIED_ON,
        "recorded_by": CLERK,
    }
    return ApplyForLoan(**(fields | overrides))


def apply(command: ApplyForLoan | None = None, **kwargs: Any) -> list[LoanEvent]:
    """Run ``apply_for_loan`` for a member of a closed-loop cooperative unless overridden."""
    options: dict[str, Any] = {
        "loan_id": new_id("loan"),
        "cooperative_id": COOPERATIVE,
        "borrower_is_member": True,
        "cooperative_is_closed_loop": True,
    } | kwargs
    return apply_for_loan(None, command or a_loan_application(), **options)


def fold(state: Loan | None, events: Iterable[LoanEvent]) -> Loan:
    for event in events:
        state = evolve_loan(state, event)
    assert state is not None
    return state


def a_loan(status: LoanStatus = LoanStatus.ACTIVE, **application: Any) -> Loan:
    """A loan in ``status``, reached through the real commands on the default dates."""
    loan = fold(None, apply(a_loan_application(**application)))
    steps: dict[LoanStatus, list[Callable[[Loan], list[LoanEvent]]]] = {
        LoanStatus.APPLIED: [],
        LoanStatus.APPROVED: [_approve],
        LoanStatus.ACTIVE: [_approve, _disburse],
        LoanStatus.REPAID: [_approve, _disburse, _repay_all],
        LoanStatus.WRITTEN_OFF: [_approve, _disburse, _write_off],
    }
    for step in steps[status]:
        loan = fold(loan, step(loan))
    assert loan.status is status
    return loan


def a_repayment(amount_idr: int, paid_on: date = FIRST_DUE, **overrides: Any) -> ReceiveRepayment:
    fields: dict[str, Any] = {
        "amount_idr": amount_idr,
        "paid_on": paid_on,
        "channel": RepaymentChannel.CASH,
    }
    return ReceiveRepayment(**(fields | overrides))


def repaid(loan: Loan, amount_idr: int, paid_on: date = FIRST_DUE, **overrides: Any) -> Loan:
    return fold(loan, receive_repayment(loan, a_repayment(amount_idr, paid_on, **overrides)))


def _approve(loan: Loan) -> list[LoanEvent]:
    return approve_loan(loan, ApproveLoan(approved_by=MANAGER, approved_on=APPROVED_ON))


def _disburse(loan: Loan) -> list[LoanEvent]:
    return disburse_loan(loan, DisburseLoan(disbursed_by=MANAGER, disbursed_on=DISBURSED_ON))


def _repay_all(loan: Loan) -> list[LoanEvent]:
    return receive_repayment(loan, a_repayment(loan.outstanding_idr, DISBURSED_ON))


def _write_off(loan: Loan) -> list[LoanEvent]:
    command = WriteOffLoan(
        written_off_by=CHAIR, written_off_on=date(2025, 12, 31), reason="Peminjam meninggal dunia"
    )
    return write_off_loan(loan, command)
