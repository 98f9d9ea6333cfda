"""Use cases of simpanan: the policy, accounts, deposits, withdrawals, wajib billing.

Each: load (the account's query row and snapshot, not a replay), decide (pure domain),
save (append with the loaded version as the expected version, row and snapshot in the
same statement). The API runs them inside its command's transaction (with the
Idempotency-Key, ``gotong_platform.http.runner``); the reactions and the offline sync
run them in their own. Storage is reached through ports (``application.ports``).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from datetime import date

from gotong_platform.calendar import Clock, check_business_date, today_in
from gotong_platform.db import DbConnection
from gotong_platform.domain import DomainError
from gotong_platform.provenance import Provenance
from payments.application.errors import MemberNotActive, SavingsAccountsNotOpened
from payments.application.ports import (
    LoadedAccount,
    SavingsAccounts,
    SavingsPolicies,
    SavingsWrites,
)
from payments.domain import (
    DEFAULT_SAVINGS_POLICY,
    BillWajib,
    DepositSavings,
    OpenSavingsAccount,
    SavingsAccount,
    SavingsPolicy,
    SavingsType,
    WajibAlreadyBilled,
    WajibBeforeAdmission,
    WithdrawSavings,
    bill_wajib,
    deposit_savings,
    evolve_savings,
    open_savings_account,
    set_savings_policy,
    wajib_due_date,
    withdraw_savings,
)

__all__ = ["DepositOnDay", "SavingsService", "WajibBilling", "account_id_for"]

# A deposit whose business date is "today" in the cooperative's time zone, which the
# account's load statement reads from the local directory (no extra round trip).
DepositOnDay = Callable[[date], DepositSavings]


def account_id_for(member_id: str, savings_type: SavingsType) -> str:
    """One account per member and type, so its id follows from them (reactions repeat safely)."""
    return f"savings-{member_id}-{savings_type.value}"


@dataclasses.dataclass(frozen=True, kw_only=True)
class WajibBilling:
    period: str
    amount_idr: int
    due_date: date
    billed: int
    skipped: int  # already billed for the period
    admitted_after_due_date: int  # members who do not owe this period: not billed


@dataclasses.dataclass(frozen=True)
class SavingsService:
    repo: SavingsAccounts
    policies: SavingsPolicies
    clock: Clock

    async def policy(self, conn: DbConnection, cooperative_id: str) -> SavingsPolicy:
        return (await self.current_policy(conn, cooperative_id))[0]

    async def current_policy(
        self, conn: DbConnection, cooperative_id: str
    ) -> tuple[SavingsPolicy, bool]:
        """The policy in force, and whether it is the default (none set yet)."""
        policy, _ = await self.policies.policy(conn, cooperative_id)
        return (DEFAULT_SAVINGS_POLICY, True) if policy is None else (policy, False)

    async def set_policy(
        self, conn: DbConnection, cooperative_id: str, policy: SavingsPolicy, today: date,
        origin: Provenance,
    ) -> SavingsPolicy:
        _, version = await self.policies.policy(conn, cooperative_id)
        event = set_savings_policy(policy, cooperative_id=cooperative_id, set_on=today,
                                   set_by=origin.meta.actor)
        await self.policies.save_policy(conn, event, version, origin)
        return policy

    async def open_accounts(
        self, conn: DbConnection, cooperative_id: str, member_id: str, opened_on: date,
        origin: Provenance,
    ) -> int:
        """Open the member's pokok, wajib and sukarela accounts; how many were new."""
        pokok_idr = (await self.policy(conn, cooperative_id)).pokok_idr
        opened = 0
        for kind in SavingsType:
            events = open_savings_account(
                None, OpenSavingsAccount(member_id=member_id, savings_type=kind,
                                         opened_on=opened_on),
                account_id=account_id_for(member_id, kind), cooperative_id=cooperative_id,
                pokok_amount_idr=pokok_idr)
            if await self.repo.create(conn, events, origin) is not None:
                opened += 1
        return opened

    async def deposit(
        self, conn: DbConnection, cooperative_id: str, member_id: str, kind: SavingsType,
        command: DepositSavings | DepositOnDay, origin: Provenance, *,
        require_active_member: bool = False,
    ) -> tuple[SavingsAccount, int]:
        """Pay in. A clerk's online deposit (``require_active_member``) needs an admitted
        member; cash recorded offline and payout deductions are facts, taken as they come.
        ``command`` may be a ``DepositOnDay``: dated today in the cooperative's time zone.
        """
        loaded = await self.loaded(conn, cooperative_id, member_id, kind)
        if require_active_member and loaded.member_status != "admitted":
            raise MemberNotActive(
                "Deposits are taken from admitted members only; this member is "
                f"{loaded.member_status or 'unknown here'}.")
        today = today_in(self.clock, loaded.time_zone)
        if not isinstance(command, DepositSavings):
            command = command(today)
        elif require_active_member:  # a clerk's date (facts from elsewhere were checked there)
            check_business_date(command.business_date, today=today,
                                what="The deposit's business date")
        events = deposit_savings(loaded.state, command)
        return await self.repo.save(conn, loaded.state, loaded.version, events, origin)

    async def decide_deposits(
        self, conn: DbConnection, cooperative_id: str,
        deposits: Sequence[tuple[str, SavingsType, DepositSavings, Provenance]],
    ) -> tuple[list[tuple[SavingsAccount, int] | DomainError], SavingsWrites]:
        """Decide many deposits (member, type, command, origin) set-wise, in their order,
        without writing: the answer to each, and the writes that record the accepted.

        Each touched account is loaded once (one statement for all) and every deposit
        is decided in memory against the state its predecessors left; the writes (one
        per account, ``SavingsWrites.write``: one statement) store the same events and
        states as ``deposit`` one by one. A refused deposit is answered with its
        ``DomainError`` and is in no write. Facts, so no member-status check.
        """
        loaded = await self.repo.load_many(
            conn, cooperative_id, ((member, kind) for member, kind, _, _ in deposits))
        current = {key: (a.state, a.version) for key, a in loaded.items()}
        writes = self.repo.writes()
        answers: list[tuple[SavingsAccount, int] | DomainError] = []
        for member_id, kind, command, origin in deposits:
            key = (member_id, kind)
            if key not in current:
                answers.append(_not_opened())
                continue
            state, version = current[key]
            try:
                events = deposit_savings(state, command)
            except DomainError as exc:
                answers.append(exc)
                continue
            after = state
            for event in events:
                after = evolve_savings(after, event)
            writes.add(after, version, events, origin)
            current[key] = (after, version + len(events))
            answers.append(current[key])
        return answers, writes

    async def withdraw(
        self, conn: DbConnection, cooperative_id: str, member_id: str,
        command: WithdrawSavings, origin: Provenance,
    ) -> tuple[SavingsAccount, int]:
        """Take sukarela out: a member who left may still withdraw it (it is not capital)."""
        state, version = await self.account(conn, cooperative_id, member_id,
                                            SavingsType.SUKARELA)
        events = withdraw_savings(state, command)
        return await self.repo.save(conn, state, version, events, origin)

    async def bill_wajib(
        self, conn: DbConnection, cooperative_id: str, period: str, today: date,
        origin: Provenance,
    ) -> WajibBilling:
        """Bill the period's wajib to every admitted member who owes it (admitted by its
        due date), each account once per period; the bills are dated ``today``."""
        policy = await self.policy(conn, cooperative_id)
        due = wajib_due_date(period, policy)
        billed = skipped = not_owed = 0
        for account_id in await self.repo.wajib_accounts_of_active_members(conn, cooperative_id):
            state, version = await self.repo.load(conn, account_id)
            try:
                events = bill_wajib(state, BillWajib(period=period, amount_idr=policy.wajib_idr,
                                                     due_date=due, billed_on=today))
            except WajibAlreadyBilled:
                skipped += 1
                continue
            except WajibBeforeAdmission:
                not_owed += 1
                continue
            await self.repo.save(conn, state, version, events, origin)
            billed += 1
        return WajibBilling(period=period, amount_idr=policy.wajib_idr, due_date=due,
                            billed=billed, skipped=skipped, admitted_after_due_date=not_owed)

    async def account(
        self, conn: DbConnection, cooperative_id: str, member_id: str, kind: SavingsType
    ) -> tuple[SavingsAccount, int]:
        loaded = await self.loaded(conn, cooperative_id, member_id, kind)
        return loaded.state, loaded.version

    async def loaded(
        self, conn: DbConnection, cooperative_id: str, member_id: str, kind: SavingsType
    ) -> LoadedAccount:
        """The member's account (one statement: row, snapshot, member status)."""
        loaded = await self.repo.load_for_member(conn, cooperative_id, member_id, kind)
        if loaded is None:
            raise _not_opened()
        return loaded


def _not_opened() -> SavingsAccountsNotOpened:
    return SavingsAccountsNotOpened(
        "This member has no savings accounts here; they open when the member is admitted.")
