"""Events the application records for flows that span aggregates.

A produce payout and an exit refund each decide over several savings accounts and
loans (``payments.domain.plan_payout`` and ``exit_refund``), so neither is one
aggregate's event. Each gets its own stream, keyed by what caused it
(``payout-<receipt_id>``, ``refund-<member_id>``): the stream is created at
version 0 once, so a second delivery of the cause finds it taken and does nothing.

An exit refund's stream holds two events: ``ExitRefundPrepared`` when the exit
arrives (internal: nothing is paid yet) and ``MemberExitRefunded`` when a pengurus
approves it (published). Streams written before the approval step existed hold the
second alone, approved by the system.
"""

from __future__ import annotations

import dataclasses
from datetime import date

from gotong_platform.domain import DomainEvent
from payments.domain import AppliedDeduction

__all__ = [
    "LEGACY_REFUND_APPROVER",
    "ExitRefundPrepared",
    "MemberExitRefunded",
    "ProducePayoutMade",
]

# Who "approved" the refunds recorded before a pengurus had to (events without approved_by).
LEGACY_REFUND_APPROVER = "system:exit-refund-auto-approval"


@dataclasses.dataclass(frozen=True, kw_only=True)
class ProducePayoutMade(DomainEvent):
    """A member was paid for produce, after deductions: ``net + sum(applied) == gross``."""

    event_type = "ProducePayoutMade"
    schema_version = 1

    cooperative_id: str
    payout_id: str
    receipt_id: str
    member_id: str
    gross_idr: int
    deductions: tuple[AppliedDeduction, ...]
    net_paid_idr: int
    business_date: date


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
