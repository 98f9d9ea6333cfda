"""Events of a savings (simpanan) account stream: ``savings-<uuid>``, one per member and type.

Every event names the cooperative (the tenant), the account and the member, so a
consumer can file it without loading the account.
"""

from __future__ import annotations

import dataclasses
from datetime import date

from gotong_platform.domain import DomainEvent
from payments.domain.values import DepositChannel, SavingsType

__all__ = [
    "SavingsAccountOpened",
    "SavingsDeposited",
    "SavingsEvent",
    "SavingsRefunded",
    "SavingsWithdrawn",
    "WajibBilled",
]


@dataclasses.dataclass(frozen=True, kw_only=True)
class SavingsAccountOpened(DomainEvent):
    """A member's account of one simpanan type was opened.

    ``pokok_amount_idr`` is the cooperative's fixed simpanan pokok at opening (pokok
    accounts only): the one amount this account will accept.
    """

    event_type = "SavingsAccountOpened"
    schema_version = 1

    cooperative_id: str
    account_id: str
    member_id: str
    savings_type: SavingsType
    opened_on: date
    pokok_amount_idr: int | None


@dataclasses.dataclass(frozen=True, kw_only=True)
class SavingsDeposited(DomainEvent):
    """Money was paid into the account (on a wajib account it settles the oldest bills)."""

    event_type = "SavingsDeposited"
    schema_version = 1

    cooperative_id: str
    account_id: str
    member_id: str
    amount_idr: int
    channel: DepositChannel
    business_date: date
    reference: str | None  # receipt number, transfer or QRIS reference
    recorded_offline: bool


@dataclasses.dataclass(frozen=True, kw_only=True)
class SavingsWithdrawn(DomainEvent):
    """Money was taken out of a simpanan sukarela account."""

    event_type = "SavingsWithdrawn"
    schema_version = 1

    cooperative_id: str
    account_id: str
    member_id: str
    amount_idr: int
    business_date: date


@dataclasses.dataclass(frozen=True, kw_only=True)
class WajibBilled(DomainEvent):
    """A month's simpanan wajib fell to the member (the amount may differ between members)."""

    event_type = "WajibBilled"
    schema_version = 1

    cooperative_id: str
    account_id: str
    member_id: str
    period: str  # YYYY-MM
    amount_idr: int
    due_date: date
    # The day the bill was issued: the event's business date. Bills stored before it was
    # kept have None and count on their due date.
    billed_on: date | None = None


@dataclasses.dataclass(frozen=True, kw_only=True)
class SavingsRefunded(DomainEvent):
    """Savings left the account on the member's exit (paid out, or offset against debts).

    ``approved_by`` is the pengurus who approved the refund (four eyes, handbook §2 row 19).
    """

    event_type = "SavingsRefunded"
    schema_version = 1

    cooperative_id: str
    account_id: str
    member_id: str
    amount_idr: int
    business_date: date
    reason: str
    approved_by: str


SavingsEvent = (
    SavingsAccountOpened | SavingsDeposited | SavingsWithdrawn | WajibBilled | SavingsRefunded
)
