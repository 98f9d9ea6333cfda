"""A loan from application to disbursement, write-off and closing: who may do what, when."""

from __future__ import annotations

from datetime import date

import pytest
from payments_builders import (
    APPLIED_ON,
    APPROVED_ON,
    CHAIR,
    CLERK,
    COOPERATIVE,
    DISBURSED_ON,
    FIRST_DUE,
    MANAGER,
    a_loan,
    a_loan_application,
    apply,
    fold,
)

from gotong_testing.deciders import refused
from payments.domain import (
    DEFAULT_LOAN_LIMITS,
    AmountNotPositive,
    ApproveLoan,
    CloseLoan,
    DateOutOfOrder,
    DisburseLoan,
    EventSequenceError,
    LendingToNonMemberRefused,
    LoanAlreadyClosed,
    LoanAlreadyExists,
    LoanApplicationSubmitted,
    LoanApproved,
    LoanClosed,
    LoanDisbursed,
    LoanLimits,
    LoanNotActive,
    LoanNotApproved,
    LoanNotFound,
    LoanNotFullyRepaid,
    LoanNotPendingApproval,
    LoanRejected,
    LoanStatus,
    LoanWrittenOff,
    MakerCheckerViolation,
    RateOutOfRange,
    RejectLoan,
    RequiredFieldMissing,
    TermOutOfRange,
    WriteOffLoan,
    apply_for_loan,
    approve_loan,
    build_schedule,
    close_loan,
    disburse_loan,
    evolve_loan,
    reject_loan,
    replay_loan,
    write_off_loan,
)

pytestmark = pytest.mark.unit

APPROVE = ApproveLoan(approved_by=MANAGER, approved_on=APPROVED_ON)
DISBURSE = DisburseLoan(disbursed_by=MANAGER, disbursed_on=DISBURSED_ON)
WRITE_OFF = WriteOffLoan(written_off_by=CHAIR, written_off_on=date(2025, 12, 31), reason="Macet")


# --- application ----------------------------------------------------------------------


def test_an_application_records_the_terms_and_who_entered_it() -> None:
    command = a_loan_application(purpose="  modal tani ")
    (event,) = apply(command, loan_id="loan-1")

    assert isinstance(event, LoanApplicationSubmitted)
    assert (event.loan_id, event.cooperative_id, event.member_id) == (
        "loan-1",
        COOPERATIVE,
        command.member_id,
    )
    assert (event.principal_idr, event.recorded_by, event.purpose) == (
        1_200_000,
        CLERK,
        "modal tani",
    )
    assert event.borrower_is_member is True
    assert fold(None, [event]).status is LoanStatus.APPLIED


def test_a_closed_loop_cooperative_does_not_lend_to_non_members() -> None:
    refused(
        LendingToNonMemberRefused,
        apply_for_loan,
        None,
        a_loan_application(),
        loan_id="loan-1",
        cooperative_id=COOPERATIVE,
        borrower_is_member=False,
        cooperative_is_closed_loop=True,
    )


def test_an_open_loop_cooperative_may_lend_to_a_non_member_and_the_event_says_so() -> None:
    (event,) = apply(borrower_is_member=False, cooperative_is_closed_loop=False)

    assert isinstance(event, LoanApplicationSubmitted)
    assert event.borrower_is_member is False


def test_a_loan_is_applied_for_once() -> None:
    loan = a_loan(LoanStatus.APPLIED)
    refused(
        LoanAlreadyExists,
        apply_for_loan,
        loan,
        a_loan_application(),
        loan_id=loan.loan_id,
        cooperative_id=COOPERATIVE,
        borrower_is_member=True,
        cooperative_is_closed_loop=True,
    )


@pytest.mark.parametrize("principal", [0, -1])
def test_the_principal_is_at_least_one_rupiah(principal: int) -> None:
    refused(AmountNotPositive, apply, a_loan_application(principal_idr=principal))


@pytest.mark.parametrize("term", [0, -3, DEFAULT_LOAN_LIMITS.max_term_months + 1])
def test_the_term_is_within_the_limits(term: int) -> None:
    refused(TermOutOfRange, apply, a_loan_application(term_months=term))


@pytest.mark.parametrize(
    "overrides",
    [
        {"interest_rate_bp_per_month": -1},
        {"interest_rate_bp_per_month": 1001},
        {"penalty_bp_per_month": -1},
        {"penalty_bp_per_month": 1001},
    ],
)
def test_rates_are_within_the_limits(overrides: dict[str, int]) -> None:
    refused(RateOutOfRange, apply, a_loan_application(**overrides))


def test_limits_are_the_cooperatives_to_set() -> None:
    generous = LoanLimits(max_term_months=120)
    (event,) = apply(a_loan_application(term_months=120), limits=generous)

    assert isinstance(event, LoanApplicationSubmitted)


def test_the_first_instalment_falls_due_after_the_application() -> None:
    refused(DateOutOfOrder, apply, a_loan_application(first_due_date=APPLIED_ON))


def test_the_application_names_the_clerk_who_recorded_it() -> None:
    refused(RequiredFieldMissing, apply, a_loan_application(recorded_by=" "))


# --- approval and rejection -----------------------------------------------------------


def test_approval_by_someone_else_than_the_recording_clerk() -> None:
    loan = a_loan(LoanStatus.APPLIED)
    (event,) = approve_loan(loan, APPROVE)

    assert isinstance(event, LoanApproved)
    approved = evolve_loan(loan, event)
    assert (approved.status, approved.approved_by, approved.status_since) == (
        LoanStatus.APPROVED,
        MANAGER,
        APPROVED_ON,
    )


def test_the_clerk_who_recorded_the_application_cannot_approve_it() -> None:
    refused(
        MakerCheckerViolation,
        approve_loan,
        a_loan(LoanStatus.APPLIED),
        ApproveLoan(approved_by=CLERK, approved_on=APPROVED_ON),
    )


def test_a_loan_is_approved_once() -> None:
    refused(LoanNotPendingApproval, approve_loan, a_loan(LoanStatus.APPROVED), APPROVE)


def test_approval_cannot_precede_the_application() -> None:
    refused(
        DateOutOfOrder,
        approve_loan,
        a_loan(LoanStatus.APPLIED),
        ApproveLoan(approved_by=MANAGER, approved_on=date(2025, 1, 5)),
    )


def test_a_pending_application_can_be_rejected_and_then_not_approved() -> None:
    loan = a_loan(LoanStatus.APPLIED)
    events = reject_loan(
        loan, RejectLoan(rejected_by=MANAGER, rejected_on=APPROVED_ON, reason="Usaha belum jalan")
    )
    assert isinstance(events[0], LoanRejected)

    refused(LoanNotPendingApproval, approve_loan, fold(loan, events), APPROVE)


def test_a_rejection_gives_a_reason() -> None:
    refused(
        RequiredFieldMissing,
        reject_loan,
        a_loan(LoanStatus.APPLIED),
        RejectLoan(rejected_by=MANAGER, rejected_on=APPROVED_ON, reason=""),
    )


# --- disbursement ---------------------------------------------------------------------


def test_disbursement_carries_the_full_schedule() -> None:
    loan = a_loan(LoanStatus.APPROVED)
    (event,) = disburse_loan(loan, DISBURSE)

    assert isinstance(event, LoanDisbursed)
    assert event.schedule == build_schedule(1_200_000, 12, 150, loan.method, FIRST_DUE)
    active = evolve_loan(loan, event)
    assert (active.status, active.outstanding_principal_idr, active.outstanding_interest_idr) == (
        LoanStatus.ACTIVE,
        1_200_000,
        12 * 18_000,
    )
    assert active.outstanding_penalty_idr == 0


@pytest.mark.parametrize("status", [LoanStatus.APPLIED, LoanStatus.ACTIVE])
def test_only_an_approved_loan_is_disbursed(status: LoanStatus) -> None:
    refused(LoanNotApproved, disburse_loan, a_loan(status), DISBURSE)


def test_disbursement_must_come_before_the_first_due_date() -> None:
    late = DisburseLoan(disbursed_by=MANAGER, disbursed_on=FIRST_DUE)
    refused(DateOutOfOrder, disburse_loan, a_loan(LoanStatus.APPROVED), late)


def test_nothing_happens_to_a_loan_never_applied_for() -> None:
    refused(LoanNotFound, disburse_loan, None, DISBURSE)


# --- write-off and closing ------------------------------------------------------------


def test_a_write_off_records_what_was_still_owed() -> None:
    loan = a_loan()
    (event,) = write_off_loan(loan, WRITE_OFF)

    assert isinstance(event, LoanWrittenOff)
    assert (event.principal_idr, event.interest_idr, event.penalty_idr) == (1_200_000, 216_000, 0)
    assert evolve_loan(loan, event).status is LoanStatus.WRITTEN_OFF


def test_whoever_disbursed_cannot_write_off() -> None:
    command = WriteOffLoan(written_off_by=MANAGER, written_off_on=date(2025, 12, 31), reason="x")
    refused(MakerCheckerViolation, write_off_loan, a_loan(), command)


@pytest.mark.parametrize("status", [LoanStatus.APPROVED, LoanStatus.REPAID, LoanStatus.WRITTEN_OFF])
def test_only_an_active_loan_is_written_off(status: LoanStatus) -> None:
    refused(LoanNotActive, write_off_loan, a_loan(status), WRITE_OFF)


def test_a_repaid_loan_is_closed_once() -> None:
    loan = a_loan(LoanStatus.REPAID)
    (event,) = close_loan(loan, CloseLoan(closed_on=date(2025, 2, 1)))

    assert isinstance(event, LoanClosed)
    closed = evolve_loan(loan, event)
    assert closed.status is LoanStatus.CLOSED
    refused(LoanAlreadyClosed, close_loan, closed, CloseLoan(closed_on=date(2025, 2, 2)))


@pytest.mark.parametrize("status", [LoanStatus.ACTIVE, LoanStatus.WRITTEN_OFF])
def test_a_loan_with_money_outstanding_is_not_closed(status: LoanStatus) -> None:
    refused(LoanNotFullyRepaid, close_loan, a_loan(status), CloseLoan(closed_on=date(2026, 1, 1)))


def test_a_loan_never_disbursed_is_not_closed() -> None:
    refused(
        LoanNotActive, close_loan, a_loan(LoanStatus.APPROVED), CloseLoan(closed_on=APPROVED_ON)
    )


def test_closing_cannot_precede_the_last_repayment() -> None:
    loan = a_loan(LoanStatus.REPAID)
    refused(DateOutOfOrder, close_loan, loan, CloseLoan(closed_on=date(2025, 1, 9)))


# --- folding --------------------------------------------------------------------------


def test_replaying_the_stream_gives_the_same_state() -> None:
    events = apply()
    loan = fold(None, events)
    events += approve_loan(loan, APPROVE)
    loan = fold(None, events)
    events += disburse_loan(loan, DISBURSE)
    loan = fold(None, events)

    assert replay_loan(events) == loan
    assert replay_loan([]) is None


def test_a_stream_must_start_with_the_application() -> None:
    (event,) = approve_loan(a_loan(LoanStatus.APPLIED), APPROVE)
    with pytest.raises(EventSequenceError):
        evolve_loan(None, event)
