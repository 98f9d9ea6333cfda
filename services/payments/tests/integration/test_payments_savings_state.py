"""Properties of how savings state is stored and loaded, on a real PostgreSQL.

1. The query row and snapshot equal a full replay of the stream after any sequence of
   commands (also when a snapshot is missing, of an unknown format, or lags its stream),
   and ``rebuild`` restores them from the events.
2. Offline deposits recorded set-wise answer and store exactly what recording them one
   by one does (duplicates, rejections, unknown types, seq gaps), and a re-upload of the
   same batch answers ``duplicate`` with the first answers and changes nothing.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
from datetime import date, timedelta
from typing import Any

import asyncpg
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from payments_harness import consumed

from gotong_platform.calendar import FixedClock
from gotong_platform.commands import CommandMeta
from gotong_platform.contracts import members as mem
from gotong_platform.db import DbConnection, create_pool
from gotong_platform.directory import apply_members_event
from gotong_platform.domain import DomainError
from gotong_platform.migrations import upgrade
from gotong_platform.provenance import Provenance
from gotong_platform.sync import (
    BatchItemHandler,
    HandlerOutcome,
    ItemHandler,
    SyncBatch,
    SyncBatchResult,
    SyncContext,
    SyncItem,
    process_batch,
)
from gotong_testing import business_now
from payments.adapters.savings_snapshot import snapshot_of
from payments.application.savings_service import account_id_for
from payments.domain import (
    DepositChannel,
    DepositSavings,
    RefundSavings,
    SavingsType,
    WithdrawSavings,
    refund_savings,
)
from payments.main import Services, build_services
from payments.settings import PaymentsSettings

pytestmark = pytest.mark.integration

OPENED = date(2026, 1, 2)
NOW = business_now()  # both runs of an example upload the same facts
_names = itertools.count()


def run(coroutine: Any) -> Any:
    """Run on a private loop (asyncio.run would unset the session's current loop)."""
    loop = asyncio.new_event_loop()
    try:
        return loop.run_until_complete(coroutine)
    finally:
        loop.close()


@pytest.fixture(scope="module")
def payments_dsn(database_factory: Any) -> str:  # type: ignore[misc]
    dsn: str = run(database_factory("savings_state"))  # a loop of its own, as below
    run(upgrade(dsn, PaymentsSettings(database_url=dsn).migrations_dir))
    return dsn


def services(dsn: str) -> Services:
    return build_services(PaymentsSettings(database_url=dsn, jwt_key="k" * 48),
                          FixedClock(NOW))


def origin() -> Provenance:
    return Provenance(meta=CommandMeta.current(actor="user-test", command_id=f"c-{next(_names)}",
                                           correlation=None))


async def admit(pool: asyncpg.Pool, svc: Services, coop: str, members: list[str]) -> None:
    async with pool.acquire() as conn, conn.transaction():
        await apply_members_event(conn, consumed(mem.CooperativeRegisteredV1(
            cooperative_id=coop, name="Koperasi", legal_registration_number=coop,
            coop_type="producer", province_code="53", regency_code="5312", time_zone="WITA",
            fiscal_year_start_month=1, loop="closed", registered_on=date(2020, 1, 15)),
            stream_id=coop, version=1))
        for member in members:
            await svc.reactions.handler()(conn, consumed(mem.MemberAdmittedV1(
                cooperative_id=coop, member_id=member, member_no="00001", gender="P",
                village_code="5312010001", admitted_on=OPENED), stream_id=member, version=2))


# --- 1. query row and snapshot = full replay ------------------------------------------

kinds = st.sampled_from(list(SavingsType))
days = st.integers(min_value=-3, max_value=120).map(lambda d: OPENED + timedelta(days=d))
commands = st.one_of(
    st.tuples(st.just("deposit"), kinds, st.integers(min_value=-5, max_value=60_000), days),
    st.tuples(st.just("withdraw"), st.integers(min_value=1, max_value=80_000), days),
    st.tuples(st.just("bill"), st.sampled_from(["2026-01", "2026-02", "2026-03", "2026-13"])),
    st.tuples(st.just("refund"), kinds, st.integers(min_value=1, max_value=40_000), days),
    st.tuples(st.just("forget_snapshot"), kinds),  # a row written before snapshots existed
    st.tuples(st.just("old_format"), kinds),  # a snapshot of a format no longer read
    st.tuples(st.just("lagging_row"), kinds),  # a row one save behind its stream
)


async def apply_commands(dsn: str, script: list[tuple[Any, ...]]) -> None:
    svc = services(dsn)
    repo = svc.savings_accounts
    coop, member = f"coop-s{next(_names)}", f"member-s{next(_names)}"
    pool = await create_pool(dsn, min_size=1, max_size=2)
    try:
        await admit(pool, svc, coop, [member])
        lagging: dict[str, asyncpg.Record] = {}
        for command in script:
            with contextlib.suppress(DomainError):  # a refused command rolls back
                async with pool.acquire() as conn, conn.transaction():
                    await one_command(conn, svc, coop, member, command, lagging)
        async with pool.acquire() as conn:
            for account_id, row in lagging.items():  # put the stale rows back
                await conn.execute(
                    "UPDATE savings_accounts SET balance_idr = $2, version = $3, state = $4 "
                    "WHERE account_id = $1", account_id, row["balance_idr"], row["version"],
                    row["state"])
            for kind in SavingsType:
                account_id = account_id_for(member, kind)
                replayed = await repo.replay(conn, account_id)
                assert await repo.load(conn, account_id) == replayed
                loaded = await repo.load_for_member(conn, coop, member, kind)
                assert loaded is not None
                assert (loaded.state, loaded.version) == replayed
                assert loaded.member_status == "admitted"
                if account_id in lagging:
                    await repo.rebuild(conn, account_id)
                state, version = replayed
                assert state is not None
                row = await conn.fetchrow(
                    "SELECT * FROM savings_accounts WHERE account_id = $1", account_id)
                assert (row["balance_idr"], row["arrears_idr"], list(row["unpaid_periods"]),
                        row["version"]) == (state.balance_idr, state.arrears_idr,
                                            list(state.unpaid_periods), version)
                if row["state"] is not None and row["state"].get("format") == 1:
                    assert row["state"] == snapshot_of(state)
                # The rebuild from the events writes the same row and snapshot.
                await conn.execute("UPDATE savings_accounts SET balance_idr = 0, state = NULL, "
                                   "version = 0 WHERE account_id = $1", account_id)
                assert await repo.rebuild(conn, account_id) == state
                rebuilt = await conn.fetchrow(
                    "SELECT * FROM savings_accounts WHERE account_id = $1", account_id)
                assert (rebuilt["balance_idr"], rebuilt["version"], rebuilt["state"]) == (
                    state.balance_idr, version, snapshot_of(state))
    finally:
        await pool.close()


async def one_command(conn: DbConnection, svc: Services, coop: str, member: str,
                      command: tuple[Any, ...], lagging: dict[str, asyncpg.Record]) -> None:
    savings, repo = svc.savings, svc.savings_accounts
    match command:
        case ("deposit", kind, amount, day):
            await savings.deposit(conn, coop, member, kind, DepositSavings(
                amount_idr=amount, channel=DepositChannel.CASH, business_date=day), origin())
        case ("withdraw", amount, day):
            await savings.withdraw(conn, coop, member, WithdrawSavings(
                amount_idr=amount, business_date=day), origin())
        case ("bill", period):
            await savings.bill_wajib(conn, coop, period, date(2026, 12, 1), origin())
        case ("refund", kind, amount, day):
            state, version = await savings.account(conn, coop, member, kind)
            events = refund_savings(state, RefundSavings(
                amount_idr=amount, business_date=day, reason="keluar", requested_by="a",
                approved_by="b"), member_has_exited=True)
            await repo.save(conn, state, version, events, origin())
        case ("forget_snapshot", kind):
            await conn.execute("UPDATE savings_accounts SET state = NULL WHERE account_id = $1",
                               account_id_for(member, kind))
        case ("old_format", kind):
            await conn.execute(
                "UPDATE savings_accounts SET state = jsonb_set(state, '{format}', '0') "
                "WHERE account_id = $1 AND state IS NOT NULL", account_id_for(member, kind))
        case ("lagging_row", kind):
            account_id = account_id_for(member, kind)
            if account_id not in lagging:
                lagging[account_id] = await conn.fetchrow(
                    "SELECT balance_idr, version, state FROM savings_accounts "
                    "WHERE account_id = $1", account_id)


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(script=st.lists(commands, max_size=14))
def test_the_query_row_and_snapshot_equal_a_full_replay(
    payments_dsn: str, script: list[tuple[Any, ...]]
) -> None:
    run(apply_commands(payments_dsn, script))


# --- 2. set-wise sync = one by one ----------------------------------------------------

MEMBERS = 3
POKOK = 50_000  # the default policy's pokok


def fact_payloads(member: st.SearchStrategy[int]) -> st.SearchStrategy[dict[str, Any]]:
    deposit = st.fixed_dictionaries({
        "member_id": member.map(lambda m: f"<m{m}>"),
        "savings_type": st.sampled_from(["pokok", "wajib", "sukarela"]),
        "amount_idr": st.one_of(st.integers(min_value=1, max_value=90_000), st.just(POKOK)),
        "channel": st.sampled_from(["cash", "qris"]),
    })
    return st.one_of(
        deposit,
        deposit.map(lambda d: {**d, "member_id": "<nobody>"}),  # no account here
        deposit.map(lambda d: {**d, "amount_idr": 0}),  # invalid payload
    )


facts = st.tuples(
    st.sampled_from(["savings_deposit"] * 6 + ["savings_withdrawal", "loan_disbursement"]),
    fact_payloads(st.integers(min_value=0, max_value=MEMBERS - 1)),
    st.integers(min_value=-5, max_value=40),  # business date: before opening too
    st.integers(min_value=1, max_value=3),  # seq step: 2 or 3 leave gaps
)


def batch_of(tag: str, device: str, script: list[tuple[Any, ...]]) -> SyncBatch:
    items, seq = [], 0
    for n, (fact_type, payload, day, step) in enumerate(script):
        seq += step
        named = {k: (v.replace("<", f"{tag}-").replace(">", "") if isinstance(v, str) else v)
                 for k, v in payload.items()}
        items.append(SyncItem(
            client_id=f"{tag}-fact-{n}", device_seq=seq, type=fact_type,
            occurred_at=NOW - timedelta(hours=day), business_date=OPENED + timedelta(days=day),
            payload=named))
    return SyncBatch(device_id=device, items=items)


def one_by_one(handlers: dict[str, ItemHandler]) -> dict[str, ItemHandler]:
    """The same handlers without their set-wise side."""
    def plain(handler: ItemHandler) -> ItemHandler:
        async def item_only(conn: DbConnection, item: SyncItem,
                            context: SyncContext) -> HandlerOutcome:
            return await handler(conn, item, context)
        return item_only
    return {t: plain(h) for t, h in handlers.items()}


def normalised(value: Any, tag: str) -> Any:
    return str(value).replace(tag, "<tag>")


async def sync_twice(dsn: str, tag: str, script: list[tuple[Any, ...]], cut: int,
                     setwise: bool) -> dict[str, Any]:
    svc = services(dsn)
    coop = f"coop-{tag}"
    pool = await create_pool(dsn, min_size=1, max_size=2)
    handlers = dict(svc.offline.handlers())
    assert isinstance(handlers["savings_deposit"], BatchItemHandler)
    if not setwise:
        handlers = one_by_one(handlers)

    async def upload(batch: SyncBatch) -> SyncBatchResult:
        return await process_batch(pool, cooperative_id=coop, batch=batch, handlers=handlers,
                                   actor="user-collector", correlation=None,
                                   clock=FixedClock(NOW), time_zone="WITA")
    try:
        await admit(pool, svc, coop, [f"{tag}-m{m}" for m in range(MEMBERS)])
        batch = batch_of(tag, f"hp-{tag}", script)
        first_part = await upload(SyncBatch(device_id=batch.device_id,
                                            items=batch.items[:cut])) if cut else None
        whole = await upload(batch)
        count_before = await pool.fetchval("SELECT count(*) FROM events")
        again = await upload(batch)
        assert [r.status for r in again.results] == ["duplicate"] * len(batch.items)
        assert await pool.fetchval("SELECT count(*) FROM events") == count_before
        answers = [*(first_part.results if first_part else []), *whole.results]
        first = {r.device_seq: r for r in answers if r.status != "duplicate"}
        for r in again.results:
            before = first[r.device_seq]
            assert r.result == {"status": before.status, "code": before.code,
                                "result": before.result}
            assert (r.code, r.detail, r.flags) == (before.code, before.detail, before.flags)
        rows = await pool.fetch(
            "SELECT stream_id, stream_version, event_type, payload, business_date, "
            "CASE WHEN event_type = 'SavingsDeposited' THEN occurred_at END AS at, "
            "CASE WHEN event_type = 'SavingsDeposited' THEN command_id END AS command_id "
            "FROM events WHERE cooperative_id = $1 "
            "ORDER BY stream_id, stream_version", coop)
        outbox = await pool.fetchval(
            "SELECT count(*) FROM outbox o JOIN events e USING (event_id) "
            "WHERE e.cooperative_id = $1", coop)
        accounts = await pool.fetch(
            "SELECT account_id, balance_idr, arrears_idr, unpaid_periods, version, state "
            "FROM savings_accounts WHERE cooperative_id = $1 ORDER BY account_id", coop)
        facts_stored = await pool.fetch(
            "SELECT device_seq, client_id, status, code, detail, result, flags "
            "FROM device_facts WHERE cooperative_id = $1 ORDER BY device_seq", coop)
        return {
            "answers": [normalised(r.model_dump(), tag) for r in answers],
            "whole": normalised((whole.gaps, whole.highest_seq,
                                 [r.model_dump() for r in whole.results]), tag),
            "events": [normalised(dict(r), tag) for r in rows],
            "outbox": outbox,
            "accounts": [normalised(dict(r), tag) for r in accounts],
            "facts": [normalised(dict(r), tag) for r in facts_stored],
        }
    finally:
        await pool.close()


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(script=st.lists(facts, min_size=1, max_size=40), data=st.data())
def test_set_wise_sync_answers_and_stores_what_one_by_one_does(
    payments_dsn: str, script: list[tuple[Any, ...]], data: st.DataObject
) -> None:
    cut = data.draw(st.integers(min_value=0, max_value=len(script)))
    n = next(_names)
    setwise = run(sync_twice(payments_dsn, f"a{n}", script, cut, setwise=True))
    itemwise = run(sync_twice(payments_dsn, f"b{n}", script, cut, setwise=False))
    for key in setwise:
        for one, other in zip(setwise[key], itemwise[key], strict=True) \
                if isinstance(setwise[key], list) else [(setwise[key], itemwise[key])]:
            assert one == other, key
