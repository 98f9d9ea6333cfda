"""In-memory fakes of the payments ports (``payments.application.ports``), for running the
real use cases without a database.

Each keeps what a real adapter would store, as plain Python: the events appended to
each stream (with the provenance they were given) and the state after them. They
refuse what the real adapters refuse where a use case relies on it: appending after a
version that is not the stream's (``ConcurrencyConflict``), opening a stream twice.
``test_payments_ports_contract`` runs the same checks on these and on the PostgreSQL
adapters, so the fakes stay honest.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from typing import Any

from gotong_platform.calendar import Clock
from gotong_platform.domain import ConcurrencyConflict, DomainEvent
from gotong_platform.provenance import CommandMeta, Provenance
from payments.application.calendar import BusinessCalendar
from payments.application.exit_refunds import ExitRefunds
from payments.application.loan_service import LoanService
from payments.application.payouts import ProducePayouts
from payments.application.reactions import Reactions
from payments.application.savings_service import SavingsService
from payments.domain import (
    ExitRefundPrepared,
    Loan,
    LoanEvent,
    LoanStatus,
    MemberExitRefunded,
    ProducePayoutMade,
    SaleEvent,
    SavingsAccount,
    SavingsEvent,
    SavingsPolicy,
    SavingsPolicySet,
    SavingsType,
    evolve_loan,
    evolve_savings,
)

CONN: Any = object()  # the fakes keep no connection: any value stands for the caller's


def an_origin(actor: str = "user-test", command_id: str = "command-1") -> Provenance:
    return Provenance(meta=CommandMeta.current(actor=actor, command_id=command_id,
                                               correlation=None))


@dataclasses.dataclass
class Stream:
    """One stream's events, each with its provenance, in order."""

    events: list[tuple[DomainEvent, Provenance]] = dataclasses.field(default_factory=list)

    def append(self, expected_version: int, events: Iterable[DomainEvent],
               origin: Provenance) -> None:
        if expected_version != len(self.events):
            raise ConcurrencyConflict(f"expected version {expected_version}, "
                                      f"the stream is at {len(self.events)}")
        self.events.extend((e, origin) for e in events)


# --- the members directory ------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class FakeCooperative:
    time_zone: str | None = "WITA"
    closed_loop: bool = True


@dataclasses.dataclass(frozen=True)
class FakeMember:
    cooperative_id: str
    status: str = "admitted"

    @property
    def is_active(self) -> bool:
        return self.status == "admitted"


@dataclasses.dataclass
class FakeDirectory:
    cooperatives: dict[str, FakeCooperative] = dataclasses.field(default_factory=dict)
    members: dict[str, FakeMember] = dataclasses.field(default_factory=dict)

    async def cooperative(self, conn: Any, cooperative_id: str) -> FakeCooperative | None:
        return self.cooperatives.get(cooperative_id)

    async def member(self, conn: Any, member_id: str) -> FakeMember | None:
        return self.members.get(member_id)


# --- savings accounts -----------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class FakeLoadedAccount:
    state: SavingsAccount
    version: int
    member_status: str | None = None
    time_zone: str | None = None


class FakeSavingsWrites:
    def __init__(self, accounts: FakeSavingsAccounts) -> None:
        self._accounts = accounts
        self._changes: list[tuple[SavingsAccount, int, Sequence[SavingsEvent], Provenance]] = []

    def add(self, state: SavingsAccount, expected_version: int,
            events: Sequence[SavingsEvent], origin: Provenance) -> None:
        self._changes.append((state, expected_version, events, origin))

    async def write(self, conn: Any) -> None:
        # All or nothing, as the one statement of the real adapter.
        streams = {a: Stream(list(s.events)) for a, s in self._accounts.streams.items()}
        states = dict(self._accounts.states)
        for state, version, events, origin in self._changes:
            streams.setdefault(state.account_id, Stream()).append(version, events, origin)
            states[state.account_id] = state
        self._accounts.streams, self._accounts.states = streams, states


@dataclasses.dataclass
class FakeSavingsAccounts:
    directory: FakeDirectory
    streams: dict[str, Stream] = dataclasses.field(default_factory=dict)
    states: dict[str, SavingsAccount] = dataclasses.field(default_factory=dict)

    def events_of(self, account_id: str) -> list[SavingsEvent]:
        return [e for e, _ in self.streams[account_id].events]  # type: ignore[misc]

    async def load(self, conn: Any, account_id: str) -> tuple[SavingsAccount | None, int]:
        if account_id not in self.states:
            return None, 0
        return self.states[account_id], len(self.streams[account_id].events)

    async def load_for_member(self, conn: Any, cooperative_id: str, member_id: str,
                              kind: SavingsType) -> FakeLoadedAccount | None:
        for state in self.states.values():
            if (state.cooperative_id, state.member_id, state.savings_type) == (
                    cooperative_id, member_id, kind):
                return self._loaded(state)
        return None

    async def load_many(self, conn: Any, cooperative_id: str,
                        keys: Iterable[tuple[str, SavingsType]]
                        ) -> Mapping[tuple[str, SavingsType], FakeLoadedAccount]:
        wanted = set(keys)
        return {(s.member_id, s.savings_type): self._loaded(s) for s in self.states.values()
                if s.cooperative_id == cooperative_id
                and (s.member_id, s.savings_type) in wanted}

    async def save(self, conn: Any, before: SavingsAccount | None, version: int,
                   events: Sequence[SavingsEvent], origin: Provenance
                   ) -> tuple[SavingsAccount, int]:
        state = before
        for event in events:
            state = evolve_savings(state, event)
        assert state is not None
        self.streams.setdefault(state.account_id, Stream()).append(version, events, origin)
        self.states[state.account_id] = state
        return state, version + len(events)

    async def create(self, conn: Any, events: Sequence[SavingsEvent],
                     origin: Provenance) -> SavingsAccount | None:
        try:
            state, _ = await self.save(conn, None, 0, events, origin)
        except ConcurrencyConflict:
            return None
        return state

    def writes(self) -> FakeSavingsWrites:
        return FakeSavingsWrites(self)

    async def wajib_accounts_of_active_members(self, conn: Any, cooperative_id: str
                                               ) -> list[str]:
        return sorted(
            s.account_id for s in self.states.values()
            if s.cooperative_id == cooperative_id and s.savings_type is SavingsType.WAJIB
            and (m := self.directory.members.get(s.member_id)) is not None
            and m.cooperative_id == cooperative_id and m.status == "admitted")

    def _loaded(self, state: SavingsAccount) -> FakeLoadedAccount:
        member = self.directory.members.get(state.member_id)
        cooperative = self.directory.cooperatives.get(state.cooperative_id)
        return FakeLoadedAccount(state, len(self.streams[state.account_id].events),
                                 member.status if member else None,
                                 cooperative.time_zone if cooperative else None)


# --- loans ----------------------------------------------------------------------------


@dataclasses.dataclass
class FakeLoans:
    streams: dict[str, Stream] = dataclasses.field(default_factory=dict)
    states: dict[str, Loan] = dataclasses.field(default_factory=dict)

    async def load(self, conn: Any, loan_id: str) -> tuple[Loan | None, int]:
        if loan_id not in self.states:
            return None, 0
        return self.states[loan_id], len(self.streams[loan_id].events)

    async def save(self, conn: Any, before: Loan | None, version: int,
                   events: Sequence[LoanEvent], origin: Provenance) -> tuple[Loan, int]:
        state = before
        for event in events:
            state = evolve_loan(state, event)
        assert state is not None
        self.streams.setdefault(state.loan_id, Stream()).append(version, events, origin)
        self.states[state.loan_id] = state
        return state, version + len(events)

    async def active_loans_of(self, conn: Any, cooperative_id: str, member_id: str
                              ) -> list[str]:
        active = [loan for loan in self.states.values()
                  if (loan.cooperative_id, loan.member_id, loan.status) == (
                      cooperative_id, member_id, LoanStatus.ACTIVE)]
        return [loan.loan_id for loan in sorted(
            active, key=lambda loan: (loan.disbursed_on or date.min, loan.loan_id))]


# --- records --------------------------------------------------------------------------


@dataclasses.dataclass
class FakeRecords:
    """The savings policies and the streams recorded once per cause."""

    policies: dict[str, tuple[SavingsPolicy, int]] = dataclasses.field(default_factory=dict)
    sale_payments: dict[str, SaleEvent] = dataclasses.field(default_factory=dict)
    payouts: dict[str, ProducePayoutMade] = dataclasses.field(default_factory=dict)
    refunds: dict[tuple[str, str], dict[str, Any]] = dataclasses.field(default_factory=dict)

    async def policy(self, conn: Any, cooperative_id: str
                     ) -> tuple[SavingsPolicy | None, int]:
        return self.policies.get(cooperative_id, (None, 0))

    async def save_policy(self, conn: Any, event: SavingsPolicySet, version: int,
                          origin: Provenance) -> int:
        if self.policies.get(event.cooperative_id, (None, 0))[1] != version:
            raise ConcurrencyConflict("the policy changed meanwhile")
        policy = SavingsPolicy(pokok_idr=event.pokok_idr, wajib_idr=event.wajib_idr,
                               wajib_due_day=event.wajib_due_day,
                               payout_instalments=event.payout_instalments)
        self.policies[event.cooperative_id] = (policy, version + 1)
        return version + 1

    async def save_sale_payment(self, conn: Any, event: SaleEvent, *, total_idr: int,
                                business_date: date, origin: Provenance) -> bool:
        if event.sale_id in self.sale_payments:
            return False
        self.sale_payments[event.sale_id] = event
        return True

    async def save_payout(self, conn: Any, event: ProducePayoutMade,
                          origin: Provenance) -> bool:
        if event.payout_id in self.payouts:
            return False
        self.payouts[event.payout_id] = event
        return True

    async def save_exit_refund_prepared(self, conn: Any, event: ExitRefundPrepared,
                                        origin: Provenance) -> bool:
        key = (event.cooperative_id, event.member_id)
        if key in self.refunds:
            return False
        self.refunds[key] = {**dataclasses.asdict(event), "status": "pending",
                             "approved_by": None, "approved_on": None}
        return True

    async def exit_refund_for_update(self, conn: Any, cooperative_id: str, member_id: str
                                     ) -> dict[str, Any] | None:
        row = self.refunds.get((cooperative_id, member_id))
        return None if row is None else dict(row)

    async def save_exit_refund_approved(self, conn: Any, event: MemberExitRefunded,
                                        origin: Provenance) -> dict[str, Any]:
        row = self.refunds[(event.cooperative_id, event.member_id)]
        row.update(dataclasses.asdict(event), status="approved")
        return dict(row)


# --- the use cases, wired to the fakes ------------------------------------------------


@dataclasses.dataclass
class FakePayments:
    """The real use cases over the fakes: what ``payments.main.build_services`` wires."""

    directory: FakeDirectory
    accounts: FakeSavingsAccounts
    loans_store: FakeLoans
    records: FakeRecords
    savings: SavingsService
    loans: LoanService
    reactions: Reactions


def fake_payments(clock: Clock) -> FakePayments:
    directory = FakeDirectory()
    accounts, loans_store, records = FakeSavingsAccounts(directory), FakeLoans(), FakeRecords()
    savings = SavingsService(accounts, records, clock)
    loans = LoanService(loans_store, directory, BusinessCalendar(directory, clock))
    reactions = Reactions(savings=savings, sale_payments=records,
                          payouts=ProducePayouts(savings, loans, records),
                          refunds=ExitRefunds(savings, loans, records), directory=directory)
    return FakePayments(directory, accounts, loans_store, records, savings, loans, reactions)
