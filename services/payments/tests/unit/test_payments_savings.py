"""Simpanan accounts: pokok once at the fixed amount, capital not withdrawable, never below 0."""

from __future__ import annotations

from datetime import date

import pytest
from payments_builders import (
    CHAIR,
    CLERK,
    COOPERATIVE,
    OPENED_ON,
    POKOK_IDR,
    a_deposit,
    an_account,
    deposited,
    fold_savings,
    new_id,
)

from gotong_testing.deciders import refused
from payments.domain import (
    AccountAlreadyOpened,
    AmountNotPositive,
    DateOutOfOrder,
    DepositChannel,
    EventSequenceError,
    InsufficientSavingsBalance,
    MakerCheckerViolation,
    OpenSavingsAccount,
    PokokAlreadyPaid,
    PokokAmountMismatch,
    PokokAmountRequired,
    RefundBeforeExitRefused,
    RefundSavings,
    RequiredFieldMissing,
    SavingsAccountNotFound,
    SavingsDeposited,
    SavingsNotWithdrawable,
    SavingsRefunded,
    SavingsType,
    SavingsWithdrawn,
    WithdrawSavings,
    deposit_savings,
    evolve_savings,
    open_savings_account,
    refund_savings,
    replay_savings,
    withdraw_savings,
)

pytestmark = pytest.mark.unit

LATER = date(2025, 3, 1)


def a_refund(amount_idr: int, **overrides: object) -> RefundSavings:
    fields: dict[str, object] = {
        "amount_idr": amount_idr,
        "business_date": LATER,
        "reason": "Keluar dari keanggotaan",
        "requested_by": CLERK,
        "approved_by": CHAIR,
    }
    return RefundSavings(**(fields | overrides))  # type: ignore[arg-type]


# --- opening --------------------------------------------------------------------------


def test_a_pokok_account_fixes_the_cooperatives_pokok_amount() -> None:
    account = an_account(SavingsType.POKOK)

    assert (account.pokok_amount_idr, account.balance_idr, account.pokok_paid) == (
        POKOK_IDR,
        0,
        False,
    )


def test_other_accounts_carry_no_pokok_amount() -> None:
    assert an_account(SavingsType.SUKARELA, pokok_amount_idr=50_000).pokok_amount_idr is None


@pytest.mark.parametrize("amount", [None, 0, -50_000])
def test_a_pokok_account_needs_a_positive_pokok_amount(amount: int | None) -> None:
    command = OpenSavingsAccount(
        member_id=new_id("member"), savings_type=SavingsType.POKOK, opened_on=OPENED_ON
    )
    refused(
        PokokAmountRequired,
        open_savings_account,
        None,
        command,
        account_id=new_id("savings"),
        cooperative_id=COOPERATIVE,
        pokok_amount_idr=amount,
    )


def test_an_account_is_opened_once() -> None:
    account = an_account()
    command = OpenSavingsAccount(
        member_id=account.member_id, savings_type=SavingsType.SUKARELA, opened_on=OPENED_ON
    )
    refused(
        AccountAlreadyOpened,
        open_savings_account,
        account,
        command,
        account_id=account.account_id,
        cooperative_id=COOPERATIVE,
    )


# --- deposits -------------------------------------------------------------------------


def test_a_deposit_raises_the_balance_and_names_account_member_and_cooperative() -> None:
    account = an_account()
    (event,) = deposit_savings(
        account,
        a_deposit(25_000, channel=DepositChannel.QRIS, reference=" QR-1 ", recorded_offline=True),
    )

    assert event == SavingsDeposited(
        cooperative_id=COOPERATIVE,
        account_id=account.account_id,
        member_id=account.member_id,
        amount_idr=25_000,
        channel=DepositChannel.QRIS,
        business_date=date(2025, 1, 15),
        reference="QR-1",
        recorded_offline=True,
    )
    assert evolve_savings(account, event).balance_idr == 25_000


def test_pokok_is_paid_once_in_the_fixed_amount() -> None:
    account = deposited(an_account(SavingsType.POKOK), POKOK_IDR)

    assert (account.balance_idr, account.pokok_paid) == (POKOK_IDR, True)


def test_a_second_pokok_payment_is_refused() -> None:
    account = deposited(an_account(SavingsType.POKOK), POKOK_IDR)
    refused(PokokAlreadyPaid, deposit_savings, account, a_deposit(POKOK_IDR))


@pytest.mark.parametrize("amount", [POKOK_IDR - 1, POKOK_IDR + 1, 10_000])
def test_pokok_in_another_amount_is_refused(amount: int) -> None:
    refused(PokokAmountMismatch, deposit_savings, an_account(SavingsType.POKOK), a_deposit(amount))


@pytest.mark.parametrize("amount", [0, -1])
def test_a_deposit_must_be_at_least_one_rupiah(amount: int) -> None:
    refused(AmountNotPositive, deposit_savings, an_account(), a_deposit(amount))


def test_a_deposit_dated_before_the_account_was_opened_is_refused() -> None:
    refused(
        DateOutOfOrder,
        deposit_savings,
        an_account(),
        a_deposit(1_000, business_date=date(2024, 12, 31)),
    )


def test_a_deposit_to_an_account_never_opened_is_refused() -> None:
    refused(SavingsAccountNotFound, deposit_savings, None, a_deposit(1_000))


# --- withdrawals ----------------------------------------------------------------------


def test_sukarela_is_withdrawn_down_to_zero() -> None:
    account = deposited(an_account(), 30_000)
    events = withdraw_savings(account, WithdrawSavings(amount_idr=30_000, business_date=LATER))

    assert isinstance(events[0], SavingsWithdrawn)
    assert fold_savings(account, events).balance_idr == 0


def test_sukarela_never_goes_below_zero() -> None:
    account = deposited(an_account(), 30_000)
    refused(
        InsufficientSavingsBalance,
        withdraw_savings,
        account,
        WithdrawSavings(amount_idr=30_001, business_date=LATER),
    )


@pytest.mark.parametrize("savings_type", [SavingsType.POKOK, SavingsType.WAJIB])
def test_pokok_and_wajib_are_not_withdrawn(savings_type: SavingsType) -> None:
    account = deposited(an_account(savings_type), POKOK_IDR)
    refused(
        SavingsNotWithdrawable,
        withdraw_savings,
        account,
        WithdrawSavings(amount_idr=1_000, business_date=LATER),
    )


def test_a_withdrawal_must_be_at_least_one_rupiah() -> None:
    account = deposited(an_account(), 30_000)
    refused(
        AmountNotPositive,
        withdraw_savings,
        account,
        WithdrawSavings(amount_idr=0, business_date=LATER),
    )


# --- refunds on exit ------------------------------------------------------------------


def test_capital_is_refunded_after_the_member_exits() -> None:
    account = deposited(an_account(SavingsType.POKOK), POKOK_IDR)
    events = refund_savings(account, a_refund(POKOK_IDR), member_has_exited=True)

    assert isinstance(events[0], SavingsRefunded)
    assert events[0].approved_by == CHAIR
    after = fold_savings(account, events)
    assert (after.balance_idr, after.refunded_idr, after.pokok_paid) == (0, POKOK_IDR, True)


def test_no_refund_while_still_a_member() -> None:
    account = deposited(an_account(SavingsType.POKOK), POKOK_IDR)
    refused(
        RefundBeforeExitRefused,
        refund_savings,
        account,
        a_refund(POKOK_IDR),
        member_has_exited=False,
    )


def test_a_refund_is_approved_by_someone_who_did_not_prepare_it() -> None:
    account = deposited(an_account(SavingsType.POKOK), POKOK_IDR)
    refused(
        MakerCheckerViolation,
        refund_savings,
        account,
        a_refund(POKOK_IDR, approved_by=CLERK),
        member_has_exited=True,
    )


def test_no_more_is_refunded_than_the_balance() -> None:
    account = deposited(an_account(SavingsType.POKOK), POKOK_IDR)
    refused(
        InsufficientSavingsBalance,
        refund_savings,
        account,
        a_refund(POKOK_IDR + 1),
        member_has_exited=True,
    )


def test_a_refund_needs_a_reason() -> None:
    account = deposited(an_account(SavingsType.POKOK), POKOK_IDR)
    refused(
        RequiredFieldMissing,
        refund_savings,
        account,
        a_refund(POKOK_IDR, reason="  "),
        member_has_exited=True,
    )


# --- folding --------------------------------------------------------------------------


def test_replaying_the_stream_gives_the_same_state() -> None:
    account = an_account()
    events = [
        *open_savings_account(
            None,
            OpenSavingsAccount(
                member_id=account.member_id, savings_type=SavingsType.SUKARELA, opened_on=OPENED_ON
            ),
            account_id=account.account_id,
            cooperative_id=COOPERATIVE,
        ),
        *deposit_savings(account, a_deposit(5_000)),
    ]

    assert replay_savings(events) == deposited(account, 5_000)
    assert replay_savings([]) is None


def test_a_stream_must_start_with_the_opening() -> None:
    (event,) = deposit_savings(an_account(), a_deposit(5_000))
    with pytest.raises(EventSequenceError):
        evolve_savings(None, event)
