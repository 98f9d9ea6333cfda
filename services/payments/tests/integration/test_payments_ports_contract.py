"""The savings and loan ports behave alike in PostgreSQL and in the unit tests' fakes.

One set of checks (``PortsContract``) runs against the real adapters on a fresh database
and against the in-memory fakes the use-case unit tests run on, so a fake cannot drift
from what the adapter it stands for does: versions, conflicts, all-or-nothing writes,
what the directory adds to a loaded account.
"""

from __future__ import annotations

import dataclasses
import importlib.util
import sys
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import date
from pathlib import Path
from types import ModuleType
from typing import Any

import asyncpg
import pytest
import pytest_asyncio
from payments_harness import consumed

from gotong_platform.calendar import FixedClock
from gotong_platform.contracts import EventContract
from gotong_platform.contracts import members as mem
from gotong_platform.db import create_pool
from gotong_platform.directory import apply_members_event
from gotong_platform.domain import ConcurrencyConflict
from gotong_platform.eventstore import PostgresEventStore
from gotong_platform.ids import new_id
from gotong_platform.migrations import upgrade
from gotong_platform.provenance import CommandMeta, Provenance
from gotong_testing.fixtures import DatabaseFactory
from payments.adapters.loan_repository import LoanRepository
from payments.adapters.savings_repository import SavingsRepository
from payments.application.ports import Loans, SavingsAccounts
from payments.application.savings_service import account_id_for
from payments.domain import (
    ApplyForLoan,
    ApproveLoan,
    DepositChannel,
    DepositSavings,
    DisburseLoan,
    InterestMethod,
    Loan,
    LoanEvent,
    OpenSavingsAccount,
    SavingsAccount,
    SavingsEvent,
    SavingsType,
    apply_for_loan,
    approve_loan,
    deposit_savings,
    disburse_loan,
    evolve_loan,
    evolve_savings,
    open_savings_account,
)
from payments.settings import PaymentsSettings

pytestmark = pytest.mark.integration

OPENED_ON = date(2026, 1, 2)
ORIGIN = Provenance(meta=CommandMeta.current(actor="user-test", command_id="contract",
                                             correlation=None))


def _unit_fakes() -> ModuleType:
    """``tests/unit/payments_fakes.py`` (that folder is on the import path only when the
    unit tests are collected in the same run)."""
    loaded = sys.modules.get("payments_fakes")
    if loaded is not None:
        return loaded
    path = Path(__file__).parents[1] / "unit" / "payments_fakes.py"
    spec = importlib.util.spec_from_file_location("payments_fakes", path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["payments_fakes"] = module
    spec.loader.exec_module(module)
    return module


@dataclasses.dataclass
class Ports:
    accounts: SavingsAccounts
    loans: Loans
    conn: Any
    # Puts a member into the directory: (cooperative, member, status) in a WIT cooperative.
    member: Callable[[str, str, str], Awaitable[None]]


# --- what the checks build --------------------------------------------------------------


def opened(cooperative_id: str, member_id: str, kind: SavingsType) -> list[SavingsEvent]:
    return open_savings_account(
        None, OpenSavingsAccount(member_id=member_id, savings_type=kind, opened_on=OPENED_ON),
        account_id=account_id_for(member_id, kind), cooperative_id=cooperative_id,
        pokok_amount_idr=50_000)


def fold(state: SavingsAccount | None, events: list[SavingsEvent]) -> SavingsAccount:
    for event in events:
        state = evolve_savings(state, event)
    assert state is not None
    return state


def deposit(state: SavingsAccount, amount_idr: int) -> list[SavingsEvent]:
    return deposit_savings(state, DepositSavings(amount_idr=amount_idr,
                                                 channel=DepositChannel.CASH,
                                                 business_date=date(2026, 1, 5)))


def a_loan(cooperative_id: str, member_id: str, *, disbursed: bool) -> list[LoanEvent]:
    events = apply_for_loan(None, ApplyForLoan(
        member_id=member_id, principal_idr=1_000_000, term_months=4,
        interest_rate_bp_per_month=200, method=InterestMethod.FLAT, penalty_bp_per_month=100,
        first_due_date=date(2026, 2, 6), applied_on=date(2026, 1, 5), recorded_by="user-a"),
        loan_id=new_id("loan"), cooperative_id=cooperative_id, borrower_is_member=True,
        cooperative_is_closed_loop=True)
    if disbursed:
        loan = _fold_loan(events)
        events += approve_loan(loan, ApproveLoan(approved_by="user-b",
                                                 approved_on=date(2026, 1, 6)))
        events += disburse_loan(_fold_loan(events), DisburseLoan(
            disbursed_by="user-b", disbursed_on=date(2026, 1, 7)))
    return events


def _fold_loan(events: list[LoanEvent]) -> Loan:
    state: Loan | None = None
    for event in events:
        state = evolve_loan(state, event)
    assert state is not None
    return state


# --- the contract -----------------------------------------------------------------------


class PortsContract:
    """The checks; a subclass provides ``ports`` (the real adapters or the fakes)."""

    async def test_an_opened_account_loads_with_its_members_status_and_zone(
        self, ports: Ports,
    ) -> None:
        coop, member = new_id("cooperative"), new_id("member")
        await ports.member(coop, member, "admitted")

        state = await ports.accounts.create(ports.conn, opened(coop, member, SavingsType.WAJIB),
                                            ORIGIN)
        again = await ports.accounts.create(ports.conn, opened(coop, member, SavingsType.WAJIB),
                                            ORIGIN)

        assert state is not None
        assert again is None  # already open: a repeated reaction changes nothing
        assert await ports.accounts.load(ports.conn, state.account_id) == (state, 1)
        loaded = await ports.accounts.load_for_member(ports.conn, coop, member,
                                                      SavingsType.WAJIB)
        assert loaded is not None
        assert (loaded.state, loaded.version, loaded.member_status, loaded.time_zone) == (
            state, 1, "admitted", "WIT")
        assert await ports.accounts.load_for_member(ports.conn, coop, member,
                                                    SavingsType.POKOK) is None
        assert await ports.accounts.load(ports.conn, "savings-nobody-wajib") == (None, 0)

    async def test_a_save_after_a_stale_version_conflicts_and_stores_nothing(
        self, ports: Ports,
    ) -> None:
        coop, member = new_id("cooperative"), new_id("member")
        await ports.member(coop, member, "admitted")
        state = await ports.accounts.create(
            ports.conn, opened(coop, member, SavingsType.SUKARELA), ORIGIN)
        assert state is not None

        after, version = await ports.accounts.save(ports.conn, state, 1, deposit(state, 7_000),
                                                   ORIGIN)
        with pytest.raises(ConcurrencyConflict):
            await ports.accounts.save(ports.conn, state, 1, deposit(state, 9_000), ORIGIN)

        assert (after.balance_idr, version) == (7_000, 2)
        assert await ports.accounts.load(ports.conn, state.account_id) == (after, 2)

    async def test_writes_chain_each_accounts_changes_and_store_all_or_nothing(
        self, ports: Ports,
    ) -> None:
        coop, member = new_id("cooperative"), new_id("member")
        await ports.member(coop, member, "admitted")
        sukarela = await ports.accounts.create(
            ports.conn, opened(coop, member, SavingsType.SUKARELA), ORIGIN)
        pokok = await ports.accounts.create(
            ports.conn, opened(coop, member, SavingsType.POKOK), ORIGIN)
        assert sukarela is not None
        assert pokok is not None
        one_thousand = deposit(sukarela, 1_000)
        first = fold(sukarela, one_thousand)
        two_thousand = deposit(first, 2_000)
        second = fold(first, two_thousand)
        pokok_paid = deposit(pokok, 50_000)
        late = deposit(sukarela, 4_000)  # decided on the state before the two above

        writes = ports.accounts.writes()
        writes.add(first, 1, one_thousand, ORIGIN)
        writes.add(second, 2, two_thousand, ORIGIN)
        await writes.write(ports.conn)
        stale = ports.accounts.writes()
        stale.add(fold(pokok, pokok_paid), 1, pokok_paid, ORIGIN)
        stale.add(fold(sukarela, late), 1, late, ORIGIN)
        with pytest.raises(ConcurrencyConflict):
            await stale.write(ports.conn)

        assert await ports.accounts.load(ports.conn, sukarela.account_id) == (second, 3)
        assert await ports.accounts.load(ports.conn, pokok.account_id) == (pokok, 1)
        many = await ports.accounts.load_many(
            ports.conn, coop, [(member, SavingsType.SUKARELA), (member, SavingsType.WAJIB)])
        assert {key: (a.state.balance_idr, a.version) for key, a in many.items()} == {
            (member, SavingsType.SUKARELA): (3_000, 3)}

    async def test_wajib_accounts_of_the_admitted_members_only(self, ports: Ports) -> None:
        coop, admitted, suspended = (new_id("cooperative"), new_id("member"),
                                     new_id("member"))
        await ports.member(coop, admitted, "admitted")
        await ports.member(coop, suspended, "suspended")
        for member in (admitted, suspended):
            for kind in SavingsType:
                await ports.accounts.create(ports.conn, opened(coop, member, kind), ORIGIN)

        assert await ports.accounts.wajib_accounts_of_active_members(ports.conn, coop) == [
            account_id_for(admitted, SavingsType.WAJIB)]

    async def test_loans_load_as_saved_and_only_active_ones_are_listed(
        self, ports: Ports,
    ) -> None:
        coop, member = new_id("cooperative"), new_id("member")
        active_events = a_loan(coop, member, disbursed=True)
        applied_events = a_loan(coop, member, disbursed=False)

        active, version = await ports.loans.save(ports.conn, None, 0, active_events, ORIGIN)
        applied, _ = await ports.loans.save(ports.conn, None, 0, applied_events, ORIGIN)
        with pytest.raises(ConcurrencyConflict):
            await ports.loans.save(ports.conn, None, 0, applied_events, ORIGIN)

        assert version == len(active_events)
        assert await ports.loans.load(ports.conn, active.loan_id) == (active, version)
        assert await ports.loans.load(ports.conn, applied.loan_id) == (applied, 1)
        assert await ports.loans.active_loans_of(ports.conn, coop, member) == [active.loan_id]
        assert await ports.loans.load(ports.conn, "loan-unknown") == (None, 0)


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def payments_pool(database_factory: DatabaseFactory) -> AsyncIterator[asyncpg.Pool]:
    """One migrated database for the module: every check uses ids of its own."""
    dsn = await database_factory("ports_contract")
    await upgrade(dsn, PaymentsSettings(database_url=dsn).migrations_dir)
    pool = await create_pool(dsn, max_size=2)
    yield pool
    await pool.close()


class TestPostgresPorts(PortsContract):
    @pytest.fixture
    async def ports(self, payments_pool: asyncpg.Pool, clock: FixedClock
                    ) -> AsyncIterator[Ports]:
        store = PostgresEventStore(source="payments", topic="gotong.payments.events",
                                   clock=clock)
        async with payments_pool.acquire() as conn:

            async def directory(facts: EventContract, stream_id: str, version: int) -> None:
                await apply_members_event(conn, consumed(facts, stream_id=stream_id,
                                                         version=version))

            async def member(coop: str, member_id: str, status: str) -> None:
                await directory(mem.CooperativeRegisteredV1(
                    cooperative_id=coop, name="Koperasi", legal_registration_number=coop,
                    coop_type="producer", province_code="94", regency_code="9471",
                    time_zone="WIT", fiscal_year_start_month=1, loop="closed",
                    registered_on=date(2020, 1, 15)), coop, 1)
                await directory(mem.MemberAdmittedV1(
                    cooperative_id=coop, member_id=member_id, member_no="00001", gender="P",
                    village_code="9471010001", admitted_on=OPENED_ON), member_id, 2)
                if status == "suspended":
                    await directory(mem.MemberSuspendedV1(
                        cooperative_id=coop, member_id=member_id,
                        suspended_on=date(2026, 2, 1)), member_id, 3)

            yield Ports(SavingsRepository(store), LoanRepository(store), conn, member)


class TestFakePorts(PortsContract):
    @pytest.fixture
    def ports(self) -> Ports:
        fakes = _unit_fakes()
        directory = fakes.FakeDirectory()

        async def member(coop: str, member_id: str, status: str) -> None:
            directory.cooperatives[coop] = fakes.FakeCooperative(time_zone="WIT")
            directory.members[member_id] = fakes.FakeMember(coop, status)

        return Ports(fakes.FakeSavingsAccounts(directory), fakes.FakeLoans(), fakes.CONN,
                     member)
