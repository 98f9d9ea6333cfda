"""Events the application records for flows that span aggregates.

A produce payout and an exit refund each decide over several savings accounts and
loans (``payments.domain.plan_payout`` and ``exit_refund``), so neither is one
aggregate's event. Each gets its own stream, keyed by what caused it
(``payout-<receipt_id>``, ``refund-<member_id>``): the stream is created at
version 0 once, so a second delivery of the cause finds it taken and does nothing.
"""

from __future__ import annotations

import dataclasses
from datetime import date

from gotong_platform.domain import DomainEvent
from payments.domain import AppliedDeduction

__all__ = ["MemberExitRefunded", "ProducePayoutMade"]


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
class MemberExitRefunded(DomainEvent):
    """A leaving member's pokok and wajib: ``offset`` paid their debts, ``refund`` is paid out.

    ``unrecovered_idr`` is debt the savings could not cover (for staff to collect).
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
