"""What the use cases need from storage and the outside, as small Protocols.

The adapters implement them (``payments.adapters``: PostgreSQL streams, query tables and
the local members directory) and ``payments.main`` wires them in; a unit test can hand a
use case an in-memory fake instead. Each port takes the caller's connection: a use case
runs inside one transaction (the command's, the consumer's or the offline batch's) and
everything it stores commits or rolls back with it.

The values a port answers with are Protocols too where the adapter has its own class
(``LoadedAccount``, ``Cooperative``, ``Member``): the application names what it reads,
the adapter's class needs no import from here.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from typing import Any, Protocol

from gotong_platform.db import DbConnection
from gotong_platform.provenance import Provenance
from payments.domain import (
    ExitRefundPrepared,
    Loan,
    LoanEvent,
    MemberExitRefunded,
    ProducePayoutMade,
    SaleEvent,
    SavingsAccount,
    SavingsEvent,
    SavingsPolicy,
    SavingsPolicySet,
    SavingsType,
)

__all__ = [
    "Cooperative",
    "ExitRefundRecords",
    "LoadedAccount",
    "Loans",
    "Member",
    "MembersDirectory",
    "PayoutRecords",
    "SalePaymentRecords",
    "SavingsAccounts",
    "SavingsPolicies",
    "SavingsWrites",
]


# --- savings accounts -----------------------------------------------------------------


class LoadedAccount(Protocol):
    """An account's state after ``version`` events; from the local directory, when asked
    for, the member's status and the cooperative's time zone (None: not known here)."""

    @property
    def state(self) -> SavingsAccount: ...
    @property
    def version(self) -> int: ...
    @property
    def member_status(self) -> str | None: ...
    @property
    def time_zone(self) -> str | None: ...


class SavingsWrites(Protocol):
    """Changes of several accounts, collected in decision order and stored together."""

    def add(self, state: SavingsAccount, expected_version: int,
            events: Sequence[SavingsEvent], origin: Provenance) -> None:
        """``events`` appended after ``expected_version``; ``state`` is the state after them."""
        ...

    async def write(self, conn: DbConnection) -> None:
        """Store every change added (raises ``ConcurrencyConflict`` when another writer
        appended to one of the accounts meanwhile: then nothing is stored)."""
        ...


class SavingsAccounts(Protocol):
    """Savings account streams (``savings-<member_id>-<type>``) and their query rows."""

    async def load(self, conn: DbConnection, account_id: str
                   ) -> tuple[SavingsAccount | None, int]:
        """The account and its version; (None, 0) when there is no such account."""
        ...

    async def load_for_member(self, conn: DbConnection, cooperative_id: str, member_id: str,
                              kind: SavingsType) -> LoadedAccount | None:
        """The member's account of ``kind`` here, with her status and the time zone."""
        ...

    async def load_many(self, conn: DbConnection, cooperative_id: str,
                        keys: Iterable[tuple[str, SavingsType]]
                        ) -> Mapping[tuple[str, SavingsType], LoadedAccount]:
        """The accounts of (member, type) pairs of one cooperative (absent: not opened)."""
        ...

    async def save(self, conn: DbConnection, before: SavingsAccount | None, version: int,
                   events: Sequence[SavingsEvent], origin: Provenance
                   ) -> tuple[SavingsAccount, int]:
        """Append ``events`` after ``version``: the state and version after them."""
        ...

    async def create(self, conn: DbConnection, events: Sequence[SavingsEvent],
                     origin: Provenance) -> SavingsAccount | None:
        """Open an account; None when it is already open (the caller's transaction goes on)."""
        ...

    def writes(self) -> SavingsWrites:
        """An empty set of changes, to store many accounts' events at once."""
        ...

    async def wajib_accounts_of_active_members(self, conn: DbConnection, cooperative_id: str
                                               ) -> list[str]:
        """The wajib account ids of the cooperative's admitted members."""
        ...


# --- loans ----------------------------------------------------------------------------


class Loans(Protocol):
    """Loan streams (``loan-<uuid>``) and the ``loans`` query table."""

    async def load(self, conn: DbConnection, loan_id: str) -> tuple[Loan | None, int]:
        """The loan and its version; (None, 0) when there is no such loan."""
        ...

    async def save(self, conn: DbConnection, before: Loan | None, version: int,
                   events: Sequence[LoanEvent], origin: Provenance) -> tuple[Loan, int]:
        """Append ``events`` after ``version``: the loan and version after them."""
        ...

    async def active_loans_of(self, conn: DbConnection, cooperative_id: str, member_id: str
                              ) -> list[str]:
        """The member's disbursed loans with money outstanding, oldest disbursement first."""
        ...


# --- records: the savings policy, and what other services' events cause ---------------


class SavingsPolicies(Protocol):
    """Each cooperative's savings policy (``savings-policy-<cooperative_id>``)."""

    async def policy(self, conn: DbConnection, cooperative_id: str
                     ) -> tuple[SavingsPolicy | None, int]:
        """The policy set and its version; (None, 0) until one is set."""
        ...

    async def save_policy(self, conn: DbConnection, event: SavingsPolicySet, version: int,
                          origin: Provenance) -> int:
        """Append the new policy after ``version``; the version after it."""
        ...


class SalePaymentRecords(Protocol):
    async def save_sale_payment(self, conn: DbConnection, event: SaleEvent, *, total_idr: int,
                                business_date: date, origin: Provenance) -> bool:
        """Record a sale's payment or refusal once; False when the sale already has one."""
        ...


class PayoutRecords(Protocol):
    async def save_payout(self, conn: DbConnection, event: ProducePayoutMade,
                          origin: Provenance) -> bool:
        """Record a produce payout once; False when the receipt was already paid."""
        ...


class ExitRefundRecords(Protocol):
    """A member's exit refund (``refund-<member_id>``): prepared, then approved."""

    async def save_exit_refund_prepared(self, conn: DbConnection, event: ExitRefundPrepared,
                                        origin: Provenance) -> bool:
        """Start the refund once; False when the member's refund already exists."""
        ...

    async def exit_refund_for_update(self, conn: DbConnection, cooperative_id: str,
                                     member_id: str) -> dict[str, Any] | None:
        """The refund's row (what the API answers), locked until the transaction ends."""
        ...

    async def save_exit_refund_approved(self, conn: DbConnection, event: MemberExitRefunded,
                                        origin: Provenance) -> dict[str, Any]:
        """Record the approval after the prepared refund; the refund's row after it."""
        ...


# --- the local copy of the members directory ------------------------------------------


class Cooperative(Protocol):
    @property
    def time_zone(self) -> str | None: ...
    @property
    def closed_loop(self) -> bool: ...


class Member(Protocol):
    @property
    def cooperative_id(self) -> str: ...
    @property
    def status(self) -> str: ...
    @property
    def is_active(self) -> bool: ...


class MembersDirectory(Protocol):
    """What payments knows of cooperatives and members (fed by the members events)."""

    async def cooperative(self, conn: DbConnection, cooperative_id: str) -> Cooperative | None:
        ...

    async def member(self, conn: DbConnection, member_id: str) -> Member | None:
        ...
