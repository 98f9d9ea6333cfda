"""A member's statement (rekening koran anggota) for a period: what her own records say.

Pure: it takes her savings streams' events, her loans (state and events) and her
payouts, and says, for the period ``start``..``end`` (business dates, both included):
each savings type's balance before the period, its movements in it with the balance
after each, and the balance at its end; her wajib months, paid or not (FIFO: a deposit
pays the oldest bill first, as the account itself settles them); for each loan, the
schedule in force with what was paid of each instalment, the repayments of the period
and the next instalment still owed; the payouts of the period with their deductions.

Movements are ordered by business date, then by the order the account recorded them:
a deposit a collector's phone uploads a week late takes its place on its own day.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from datetime import date

from gotong_platform.domain import InvalidInput
from payments.domain.loan_events import LoanEvent, LoanRepaymentReceived
from payments.domain.loan_state import Loan
from payments.domain.repayment import InstalmentPosition
from payments.domain.savings import SavingsAccount
from payments.domain.savings_events import (
    SavingsDeposited,
    SavingsEvent,
    SavingsRefunded,
    SavingsWithdrawn,
)
from payments.domain.values import SavingsType

__all__ = [
    "InvalidStatementPeriod",
    "LoanLine",
    "SavingsLine",
    "SavingsMovement",
    "StatementPeriod",
    "WajibMonth",
    "loan_line",
    "next_instalment",
    "savings_line",
    "wajib_months",
]

MAX_PERIOD_DAYS = 732  # two years: a statement a cheap phone can still show and print


class InvalidStatementPeriod(InvalidInput):
    code = "invalid-statement-period"


@dataclasses.dataclass(frozen=True, kw_only=True)
class StatementPeriod:
    start: date
    end: date

    def __post_init__(self) -> None:
        if self.start > self.end:
            raise InvalidStatementPeriod("The period must start on or before its last day.")
        if (self.end - self.start).days >= MAX_PERIOD_DAYS:
            raise InvalidStatementPeriod(
                f"A statement covers at most {MAX_PERIOD_DAYS} days; choose a shorter period.")

    def holds(self, day: date) -> bool:
        return self.start <= day <= self.end


@dataclasses.dataclass(frozen=True, kw_only=True)
class SavingsMovement:
    business_date: date
    kind: str  # deposit | withdrawal | refund
    amount_idr: int  # signed: what it did to the balance
    channel: str | None
    reference: str | None
    balance_after_idr: int


@dataclasses.dataclass(frozen=True, kw_only=True)
class SavingsLine:
    savings_type: SavingsType
    opening_idr: int  # at the end of the day before the period
    closing_idr: int  # at the end of the period's last day
    movements: tuple[SavingsMovement, ...]


@dataclasses.dataclass(frozen=True, kw_only=True)
class WajibMonth:
    period: str  # YYYY-MM
    amount_idr: int
    due_date: date
    paid_idr: int
    settled_on: date | None
    paid_on_time: bool


@dataclasses.dataclass(frozen=True, kw_only=True)
class LoanLine:
    loan: Loan
    repayments: tuple[LoanRepaymentReceived, ...]  # those of the period
    next_due: InstalmentPosition | None  # the oldest instalment still owed


def _signed(event: SavingsEvent) -> tuple[str, int, str | None, str | None] | None:
    match event:
        case SavingsDeposited():
            return "deposit", event.amount_idr, event.channel.value, event.reference
        case SavingsWithdrawn():
            return "withdrawal", -event.amount_idr, None, None
        case SavingsRefunded():
            return "refund", -event.amount_idr, None, event.reason
        case _:
            return None  # opening and bills move no money


def savings_line(savings_type: SavingsType, events: Sequence[SavingsEvent],
                 period: StatementPeriod) -> SavingsLine:
    """The account's balance before, movements in and balance at the end of ``period``."""
    moves = []
    for order, event in enumerate(events):
        signed = _signed(event)
        if signed is not None:
            moves.append((event.business_date, order, *signed))  # type: ignore[union-attr]
    moves.sort(key=lambda m: (m[0], m[1]))
    balance = sum(m[3] for m in moves if m[0] < period.start)
    opening, movements = balance, []
    for day, _, kind, amount, channel, reference in moves:
        if period.holds(day):
            balance += amount
            movements.append(SavingsMovement(business_date=day, kind=kind, amount_idr=amount,
                                             channel=channel, reference=reference,
                                             balance_after_idr=balance))
    return SavingsLine(savings_type=savings_type, opening_idr=opening, closing_idr=balance,
                       movements=tuple(movements))


def wajib_months(account: SavingsAccount | None) -> tuple[WajibMonth, ...]:
    """Every wajib month billed to her, oldest first, with what her deposits paid of it."""
    if account is None:
        return ()
    return tuple(WajibMonth(period=b.period, amount_idr=b.amount_idr, due_date=b.due_date,
                            paid_idr=b.paid_idr, settled_on=b.settled_on,
                            paid_on_time=b.paid_on_time)
                 for b in account.bill_statuses)


def next_instalment(loan: Loan) -> InstalmentPosition | None:
    """The oldest instalment of the schedule in force with anything still owed on it."""
    return next((i for i in loan.instalments
                 if i.principal_due_idr + i.interest_due_idr + i.penalty_due_idr > 0), None)


def loan_line(loan: Loan, events: Sequence[LoanEvent], period: StatementPeriod) -> LoanLine:
    repayments = tuple(e for e in events
                       if isinstance(e, LoanRepaymentReceived) and period.holds(e.paid_on))
    return LoanLine(loan=loan, repayments=repayments, next_due=next_instalment(loan))
