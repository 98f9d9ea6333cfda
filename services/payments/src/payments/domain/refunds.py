"""What a leaving member gets back: simpanan pokok and wajib, after what they still owe.

On exit the member's capital is refunded after lawful deductions (handbook §1.2):
outstanding loans and wajib arrears are offset first, and only the rest is paid out.
Sukarela is not part of it: the member withdraws it like any other day.

The refund is a money decision, so it takes four eyes like a loan (handbook §2 row 19,
``SimpananRefundApproved``): the exit prepares it, and it is paid only once a pengurus
who did not record the exit approves it (``approve_refund``).

A refund decides over several savings accounts and loans, so its events are no one
aggregate's: they go to the member's own stream, ``refund-<member_id>``, created at
version 0 once, so a second delivery of the exit finds it taken and does nothing. It
holds ``ExitRefundPrepared`` when the exit arrives (internal: nothing is paid yet) and
``MemberExitRefunded`` when a pengurus approves it (published). Streams written before
the approval step existed hold the second alone, approved by the system.
"""

from __future__ import annotations

import dataclasses
from datetime import date

from gotong_platform.domain import DomainEvent
from payments.domain import checks
from payments.domain.errors import MakerCheckerViolation

__all__ = [
    "LEGACY_REFUND_APPROVER",
    "ExitRefundPrepared",
    "MemberExitRefunded",
    "PreparedRefund",
    "RefundPlan",
    "approve_refund",
    "exit_refund",
]

# Who "approved" the refunds recorded before a pengurus had to (events without approved_by).
LEGACY_REFUND_APPROVER = "system:exit-refund-auto-approval"


@dataclasses.dataclass(frozen=True, kw_only=True)
class RefundPlan:
    """``refund_idr`` is paid out; ``offset_idr`` settles debts; ``unrecovered_idr`` stays owed."""

    refund_idr: int
    offset_idr: int
    unrecovered_idr: int


def exit_refund(pokok_balance_idr: int, wajib_balance_idr: int, owed_idr: int) -> RefundPlan:
    """Split the member's pokok and wajib between debts owed (first) and a cash refund.

    ``owed_idr`` is everything the member still owes the cooperative (loan outstanding
    plus wajib arrears). The refund is never negative: a debt larger than the savings
    leaves ``unrecovered_idr`` for the cooperative to collect or write off.
    Negative inputs are a programming error (balances and debts are never below zero).
    """
    if min(pokok_balance_idr, wajib_balance_idr, owed_idr) < 0:
        raise ValueError("balances and the amount owed must not be negative")
    capital = pokok_balance_idr + wajib_balance_idr
    offset = min(capital, owed_idr)
    return RefundPlan(
        refund_idr=capital - offset, offset_idr=offset, unrecovered_idr=owed_idr - offset
    )


@dataclasses.dataclass(frozen=True, kw_only=True)
class PreparedRefund:
    """An exit refund waiting for (or past) its approval.

    ``prepared_by`` is who recorded the member's exit (the maker); ``approved_by`` is
    None until a pengurus approves it.
    """

    exited_on: date
    prepared_by: str
    approved_by: str | None = None


def approve_refund(refund: PreparedRefund, *, approved_by: str, approved_on: date) -> bool:
    """Decide an approval: True to pay the refund now, False when it is already approved.

    The approver is never the person who recorded the exit (checked first, so the maker
    cannot "approve" even an approved refund). Approving an approved refund again is
    not an error: it changes nothing, whoever asks. The approval is not dated before
    the exit.
    """
    approver = checks.required_text(approved_by, what="Who approved the refund")
    if approver == refund.prepared_by:
        raise MakerCheckerViolation(
            "The exit refund must be approved by a pengurus other than the one who "
            "recorded the member's exit."
        )
    if refund.approved_by is not None:
        return False
    checks.not_before(approved_on, refund.exited_on, what="The approval date",
                      earlier_step="the member's exit")
    return True


@dataclasses.dataclass(frozen=True, kw_only=True)
class ExitRefundPrepared(DomainEvent):
    """A leaving member's refund, computed on her exit and waiting for a pengurus' approval.

    The figures are those of ``MemberExitRefunded`` as of the exit date; nothing has
    moved yet. ``prepared_by`` is who recorded the exit in the members service (the
    maker), who may not approve it.
    """

    event_type = "ExitRefundPrepared"
    schema_version = 1

    cooperative_id: str
    member_id: str
    pokok_idr: int
    wajib_idr: int
    offset_idr: int
    refund_idr: int
    unrecovered_idr: int
    business_date: date  # the exit date
    prepared_by: str


@dataclasses.dataclass(frozen=True, kw_only=True)
class MemberExitRefunded(DomainEvent):
    """A leaving member's pokok and wajib: ``offset`` paid their debts, ``refund`` is paid out.

    ``unrecovered_idr`` is debt the savings could not cover (for staff to collect).
    Recorded when the refund is approved: ``approved_by`` (not the exit's recorder) on
    ``approved_on``; the figures are as of the exit date (``business_date``).
    """

    event_type = "MemberExitRefunded"
    schema_version = 1

    cooperative_id: str
    member_id: str
    pokok_idr: int
    wajib_idr: int
    offset_idr: int
    refund_idr: int
    unrecovered_idr: int
    business_date: date
    approved_by: str = LEGACY_REFUND_APPROVER
    approved_on: date | None = None  # None: approved by the system, on the exit
