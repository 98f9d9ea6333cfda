"""A member's savings (simpanan) account of one type, as a decider.

Indonesian cooperatives know three simpanan (handbook §1.2):

- *pokok*: the same fixed amount for every member, paid once on joining;
- *wajib*: a monthly amount (it may differ between members), billed every month from
  the first due date on or after the member's admission (``payments.domain.wajib``);
- *sukarela*: voluntary savings, withdrawable at any time.

Pokok and wajib are the member's capital: never withdrawn while a member, only
refunded on exit. No balance ever goes below zero, nor reaches Rp 10^12 (the
platform's limit of one fact: refunding a whole balance stays one fact). Command
functions take the current state (``None`` before opening) and the command, and
return the new events or raise the error that names the broken rule;
``evolve_savings`` applies one event.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from datetime import date
from typing import assert_never

from gotong_platform.domain import replay
from gotong_platform.money import MAX_AMOUNT_IDR
from payments.domain import checks
from payments.domain.commands import (
    BillWajib,
    DepositSavings,
    OpenSavingsAccount,
    RefundSavings,
    WithdrawSavings,
)
from payments.domain.dates import period_start
from payments.domain.errors import (
    AccountAlreadyOpened,
    DueDateBeforePeriod,
    EventSequenceError,
    InsufficientSavingsBalance,
    InvalidPeriod,
    MakerCheckerViolation,
    NotAWajibAccount,
    PokokAlreadyPaid,
    PokokAmountMismatch,
    PokokAmountRequired,
    RefundBeforeExitRefused,
    SavingsAccountNotFound,
    SavingsBalanceLimitReached,
    SavingsNotWithdrawable,
    WajibAlreadyBilled,
    WajibBeforeAdmission,
)
from payments.domain.savings_events import (
    SavingsAccountOpened,
    SavingsDeposited,
    SavingsEvent,
    SavingsRefunded,
    SavingsWithdrawn,
    WajibBilled,
)
from payments.domain.values import SavingsType
from payments.domain.wajib import (
    BillStatus,
    WajibBill,
    WajibDeposit,
    owes_wajib,
    settle_bills,
)

__all__ = [
    "SavingsAccount",
    "bill_wajib",
    "deposit_savings",
    "evolve_savings",
    "open_savings_account",
    "refund_savings",
    "replay_savings",
    "withdraw_savings",
]


@dataclasses.dataclass(frozen=True, kw_only=True)
class SavingsAccount:
    """The current state of one account; wajib accounts also keep their bills and deposits.

    ``opened_on`` is the member's admission date: the accounts open on ``MemberAdmitted``.
    """

    account_id: str
    cooperative_id: str
    member_id: str
    savings_type: SavingsType
    opened_on: date
    pokok_amount_idr: int | None = None
    balance_idr: int = 0
    pokok_paid: bool = False
    refunded_idr: int = 0
    bills: tuple[WajibBill, ...] = ()
    wajib_deposits: tuple[WajibDeposit, ...] = ()

    @property
    def billed_idr(self) -> int:
        return sum(bill.amount_idr for bill in self.bills)

    @property
    def arrears_idr(self) -> int:
        """Wajib billed but not yet paid (tunggakan); 0 when paid ahead."""
        paid = sum(deposit.amount_idr for deposit in self.wajib_deposits)
        return max(0, self.billed_idr - paid)

    @property
    def bill_statuses(self) -> tuple[BillStatus, ...]:
        """Every wajib bill, oldest first, with what deposits have paid of it."""
        return tuple(settle_bills(self.bills, self.wajib_deposits))

    @property
    def unpaid_periods(self) -> tuple[str, ...]:
        """The periods (YYYY-MM) whose wajib is not yet fully paid, oldest first."""
        return tuple(status.period for status in self.bill_statuses if status.unpaid_idr > 0)

    def paid_on_time(self, period: str) -> bool:
        """Whether ``period``'s bill was fully paid by deposits dated on or before its due date.

        Raises ``KeyError`` when the period was never billed on this account.
        """
        for status in self.bill_statuses:
            if status.period == period:
                return status.paid_on_time
        raise KeyError(period)


# --- deciders -------------------------------------------------------------------------


def open_savings_account(
    state: SavingsAccount | None,
    command: OpenSavingsAccount,
    *,
    account_id: str,
    cooperative_id: str,
    pokok_amount_idr: int | None = None,
) -> list[SavingsEvent]:
    """Open an account; a pokok account fixes the cooperative's pokok amount it will accept."""
    if state is not None:
        raise AccountAlreadyOpened("This savings account is already open.")
    if command.savings_type is SavingsType.POKOK:
        if pokok_amount_idr is None or pokok_amount_idr <= 0:
            raise PokokAmountRequired(
                "A simpanan pokok account needs the cooperative's pokok amount of at least Rp 1."
            )
    else:
        pokok_amount_idr = None
    return [
        SavingsAccountOpened(
            cooperative_id=cooperative_id,
            account_id=account_id,
            member_id=command.member_id,
            savings_type=command.savings_type,
            opened_on=command.opened_on,
            pokok_amount_idr=pokok_amount_idr,
        )
    ]


def deposit_savings(state: SavingsAccount | None, command: DepositSavings) -> list[SavingsEvent]:
    """Pay money in. Pokok: once, in exactly the fixed amount. Wajib: settles the oldest bills."""
    account = _existing(state)
    amount = checks.positive_amount(command.amount_idr, what="The deposit")
    _not_before_opening(account, command.business_date, what="The deposit date")
    if account.savings_type is SavingsType.POKOK:
        _check_pokok(account, amount)
    _below_balance_limit(account, amount)
    return [
        SavingsDeposited(
            **_ids(account),
            amount_idr=amount,
            channel=command.channel,
            business_date=command.business_date,
            reference=(command.reference or "").strip() or None,
            recorded_offline=command.recorded_offline,
        )
    ]


def withdraw_savings(state: SavingsAccount | None, command: WithdrawSavings) -> list[SavingsEvent]:
    """Take money out of a sukarela account, never below zero."""
    account = _existing(state)
    amount = checks.positive_amount(command.amount_idr, what="The withdrawal")
    if account.savings_type is not SavingsType.SUKARELA:
        raise SavingsNotWithdrawable(
            f"Simpanan {account.savings_type} cannot be withdrawn; it is refunded when the "
            "member leaves the cooperative."
        )
    _not_before_opening(account, command.business_date, what="The withdrawal date")
    _within_balance(account, amount, what="withdraw")
    return [
        SavingsWithdrawn(**_ids(account), amount_idr=amount, business_date=command.business_date)
    ]


def bill_wajib(state: SavingsAccount | None, command: BillWajib) -> list[SavingsEvent]:
    """Bill one month's simpanan wajib; each period once, and only to a member who was
    admitted by its due date (``owes_wajib``)."""
    account = _existing(state)
    start = period_start(command.period)
    if start is None:
        raise InvalidPeriod(f"The period must be written YYYY-MM; it is {command.period!r}.")
    amount = checks.positive_amount(command.amount_idr, what="The wajib amount")
    if command.due_date < start:
        raise DueDateBeforePeriod(
            f"The due date ({command.due_date.isoformat()}) is before the period "
            f"{command.period} starts."
        )
    if account.savings_type is not SavingsType.WAJIB:
        raise NotAWajibAccount(f"This is a simpanan {account.savings_type} account, not wajib.")
    if any(bill.period == command.period for bill in account.bills):
        raise WajibAlreadyBilled(f"Simpanan wajib for {command.period} is already billed.")
    if not owes_wajib(account.opened_on, command.due_date):
        raise WajibBeforeAdmission(
            f"Simpanan wajib for {command.period} fell due on {command.due_date.isoformat()}, "
            f"before the member was admitted on {account.opened_on.isoformat()}."
        )
    return [
        WajibBilled(
            **_ids(account), period=command.period, amount_idr=amount, due_date=command.due_date,
            billed_on=command.billed_on,
        )
    ]


def refund_savings(
    state: SavingsAccount | None, command: RefundSavings, *, member_has_exited: bool
) -> list[SavingsEvent]:
    """Refund savings to a member who has left; a second person approves (four eyes).

    ``member_has_exited`` comes from the members service. How much is paid out and how
    much offsets what the member still owes is ``payments.domain.refunds.exit_refund``.
    """
    account = _existing(state)
    amount = checks.positive_amount(command.amount_idr, what="The refund")
    reason = checks.required_text(command.reason, what="The reason for the refund")
    requested_by = checks.required_text(command.requested_by, what="Who prepared the refund")
    approved_by = checks.required_text(command.approved_by, what="Who approved the refund")
    if not member_has_exited:
        raise RefundBeforeExitRefused(
            "Savings are refunded only after the member has left the cooperative."
        )
    if approved_by == requested_by:
        raise MakerCheckerViolation(
            "The refund must be approved by someone who did not prepare it."
        )
    _not_before_opening(account, command.business_date, what="The refund date")
    _within_balance(account, amount, what="refund")
    return [
        SavingsRefunded(
            **_ids(account),
            amount_idr=amount,
            business_date=command.business_date,
            reason=reason,
            approved_by=approved_by,
        )
    ]


def _existing(state: SavingsAccount | None) -> SavingsAccount:
    if state is None:
        raise SavingsAccountNotFound("No savings account is open under this id.")
    return state


def _ids(account: SavingsAccount) -> dict[str, str]:
    return {
        "cooperative_id": account.cooperative_id,
        "account_id": account.account_id,
        "member_id": account.member_id,
    }


def _check_pokok(account: SavingsAccount, amount: int) -> None:
    if account.pokok_paid:
        raise PokokAlreadyPaid("Simpanan pokok is paid once, and this member has paid it.")
    if amount != account.pokok_amount_idr:
        raise PokokAmountMismatch(
            f"Simpanan pokok is Rp {account.pokok_amount_idr}; the deposit is Rp {amount}."
        )


def _below_balance_limit(account: SavingsAccount, amount: int) -> None:
    if account.balance_idr + amount > MAX_AMOUNT_IDR:
        raise SavingsBalanceLimitReached(
            f"A deposit of Rp {amount} would take the balance of Rp {account.balance_idr} "
            f"beyond Rp {MAX_AMOUNT_IDR}, the most one account may hold."
        )


def _within_balance(account: SavingsAccount, amount: int, *, what: str) -> None:
    if amount > account.balance_idr:
        raise InsufficientSavingsBalance(
            f"Cannot {what} Rp {amount}: the balance is Rp {account.balance_idr}."
        )


def _not_before_opening(account: SavingsAccount, day: date, *, what: str) -> None:
    checks.not_before(day, account.opened_on, what=what, earlier_step="the account was opened")


# --- evolution ------------------------------------------------------------------------


def evolve_savings(state: SavingsAccount | None, event: SavingsEvent) -> SavingsAccount:
    """The state after ``event``. Events are facts: nothing is checked but the stream order."""
    if isinstance(event, SavingsAccountOpened):
        if state is not None:
            raise EventSequenceError("SavingsAccountOpened in an existing stream")
        return SavingsAccount(
            account_id=event.account_id,
            cooperative_id=event.cooperative_id,
            member_id=event.member_id,
            savings_type=event.savings_type,
            opened_on=event.opened_on,
            pokok_amount_idr=event.pokok_amount_idr,
        )
    if state is None:
        raise EventSequenceError(f"{event.event_type} before SavingsAccountOpened")
    match event:
        case SavingsDeposited():
            return _deposited(state, event)
        case SavingsWithdrawn():
            return dataclasses.replace(state, balance_idr=state.balance_idr - event.amount_idr)
        case WajibBilled():
            bill = WajibBill(
                period=event.period, amount_idr=event.amount_idr, due_date=event.due_date
            )
            return dataclasses.replace(state, bills=(*state.bills, bill))
        case SavingsRefunded():
            return dataclasses.replace(
                state,
                balance_idr=state.balance_idr - event.amount_idr,
                refunded_idr=state.refunded_idr + event.amount_idr,
            )
        case _:
            assert_never(event)


def _deposited(state: SavingsAccount, event: SavingsDeposited) -> SavingsAccount:
    balance = state.balance_idr + event.amount_idr
    match state.savings_type:
        case SavingsType.POKOK:
            return _with(state, balance_idr=balance, pokok_paid=True)
        case SavingsType.WAJIB:
            deposit = WajibDeposit(business_date=event.business_date, amount_idr=event.amount_idr)
            return _with(state, balance_idr=balance,
                         wajib_deposits=(*state.wajib_deposits, deposit))
        case SavingsType.SUKARELA:
            return _with(state, balance_idr=balance)
        case _:
            assert_never(state.savings_type)


def _with(state: SavingsAccount, **changes: object) -> SavingsAccount:
    """``dataclasses.replace`` without its per-call field inspection (every deposit
    evolves the state; replace cost ~10 us of it)."""
    return SavingsAccount(**{**vars(state), **changes})


def replay_savings(events: Iterable[SavingsEvent]) -> SavingsAccount | None:
    """Fold a stream into its state; ``None`` for an empty stream."""
    return replay(evolve_savings, events)
