"""Savings account streams (``savings-<member_id>-<type>``) and their query table.

The write path does not replay streams. ``savings_accounts`` holds, per account, the
balance, arrears, unpaid periods, the stream ``version`` and a snapshot of the domain
state after that version (``state``, see ``savings_snapshot``), all written in the same
statement as the events they follow. Loading an account is ONE statement: the row, the
member's status from the local directory, and any events after the snapshot's version
(none, unless a stream was written without its row, or the snapshot is missing or of an
older format: then the account is replayed from its first event). A save appends with
the loaded version as the expected version, so a concurrent writer still fails on the
unique (stream_id, stream_version) index: ``ConcurrencyConflict``, HTTP 409.

The events stay the truth: ``rebuild`` replays a stream and rewrites its row and
snapshot (``python -m payments rebuild-savings`` does it for every account).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Sequence

import asyncpg

from gotong_platform.db import DbConnection, json_dumps
from gotong_platform.domain import ConcurrencyConflict
from gotong_platform.eventstore import AlsoWrite, NewEvent, PostgresEventStore, StreamAppend
from gotong_platform.provenance import Provenance, new_event
from payments.adapters.events import from_stored, stored_type
from payments.adapters.publishing import business_date_of, savings_contract
from payments.adapters.savings_snapshot import (
    SNAPSHOT_FORMAT,
    snapshot_of,
    state_from_snapshot,
)
from payments.domain import (
    EventSequenceError,
    SavingsAccount,
    SavingsEvent,
    SavingsType,
    event_to_payload,
    evolve_savings,
    replay_savings,
    savings_event_from_payload,
)

__all__ = ["AccountWrite", "AccountWrites", "LoadedAccount", "SavingsRepository"]

_DECODE = from_stored(savings_event_from_payload)  # its stored events, under their domain names

# The row, and the events after the snapshot (all of them without a usable snapshot).
_LOADED = """
SELECT a.account_id, a.cooperative_id, a.member_id, a.savings_type, a.opened_on, a.version,
       a.state, {member_status} AS member_status, {time_zone} AS time_zone,
       e.stream_version, e.event_type, e.schema_version, e.payload
FROM savings_accounts a
{member_join}
LEFT JOIN LATERAL (
    SELECT stream_version, event_type, schema_version, payload FROM events
    WHERE stream_id = a.account_id
      AND stream_version > CASE WHEN (a.state->>'format')::int = {snapshot_format}
                                THEN a.version ELSE 0 END
) e ON true
WHERE {where}
ORDER BY a.account_id, e.stream_version
"""


def _loaded_sql(where: str, *, member_status: bool) -> str:
    return _LOADED.format(
        member_status="m.status" if member_status else "NULL::text",
        time_zone="c.time_zone" if member_status else "NULL::text",
        member_join=("LEFT JOIN directory_members m ON m.member_id = a.member_id "
                     "LEFT JOIN directory_cooperatives c ON c.cooperative_id = a.cooperative_id"
                     if member_status else ""),
        snapshot_format=SNAPSHOT_FORMAT, where=where)


_LOAD_BY_ID = _loaded_sql("a.account_id = $1", member_status=False)
_LOAD_FOR_MEMBER = _loaded_sql(
    "a.cooperative_id = $1 AND a.member_id = $2 AND a.savings_type = $3", member_status=True)
_LOAD_MANY = _loaded_sql(
    "a.cooperative_id = $1 AND (a.member_id, a.savings_type) IN "
    "(SELECT * FROM unnest($2::text[], $3::text[]))", member_status=False)

# The accounts' query rows and snapshots, written in the append's own statement (one
# round trip for the events, their outbox rows and the rows: ``AlsoWrite``). The events
# are inserted first, so a concurrent writer of a stream gets ``ConcurrencyConflict``
# before any row is touched.
_ACCOUNTS = (("accounts", """
    INSERT INTO savings_accounts (account_id, cooperative_id, member_id, savings_type,
        balance_idr, arrears_idr, unpaid_periods, opened_on, version, state)
    SELECT r.account_id, r.cooperative_id, r.member_id, r.savings_type, r.balance_idr,
        r.arrears_idr, r.unpaid_periods::text[],
        r.opened_on, r.version, r.state
    FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::bigint[],
                $6::bigint[], $7::text[], $8::date[], $9::int[], $10::jsonb[])
        AS r(account_id, cooperative_id, member_id, savings_type, balance_idr, arrears_idr,
             unpaid_periods, opened_on, version, state)
    ORDER BY r.account_id
    ON CONFLICT (account_id) DO UPDATE SET balance_idr = EXCLUDED.balance_idr,
        arrears_idr = EXCLUDED.arrears_idr, unpaid_periods = EXCLUDED.unpaid_periods,
        version = EXCLUDED.version, state = EXCLUDED.state"""),)


@dataclasses.dataclass(frozen=True, slots=True)
class LoadedAccount:
    """An account's state after ``version`` events; from the local directory, when asked
    for, the member's status and the cooperative's time zone (None: not known here)."""

    state: SavingsAccount
    version: int
    member_status: str | None = None
    time_zone: str | None = None


@dataclasses.dataclass(frozen=True, slots=True)
class AccountWrite:
    """New events of one account, appended after ``expected_version``; ``state`` after them."""

    state: SavingsAccount
    expected_version: int
    events: Sequence[NewEvent]

    @property
    def version(self) -> int:
        return self.expected_version + len(self.events)


@dataclasses.dataclass(slots=True)
class _Pending:
    state: SavingsAccount
    expected_version: int
    events: list[NewEvent]


class AccountWrites:
    """Changes of several accounts, in decision order, stored in one statement (``write``).

    The changes of one account chain: each is appended after the one before, and the
    account's write keeps the first expected version and the last state.
    """

    def __init__(self, repo: SavingsRepository) -> None:
        self._repo = repo
        self._pending: dict[str, _Pending] = {}

    def add(self, state: SavingsAccount, expected_version: int,
            events: Sequence[SavingsEvent], origin: Provenance) -> None:
        """``events`` appended after ``expected_version``; ``state`` is the state after them."""
        new = self._repo.new_events(state, events, origin)
        pending = self._pending.get(state.account_id)
        if pending is None:
            self._pending[state.account_id] = _Pending(state, expected_version, new)
            return
        if pending.expected_version + len(pending.events) != expected_version:
            raise ValueError(f"{state.account_id}: a change expecting version "
                             f"{expected_version} does not follow the one before")
        pending.state = state
        pending.events.extend(new)

    async def write(self, conn: DbConnection) -> None:
        await self._repo.write(conn, [AccountWrite(p.state, p.expected_version, p.events)
                                      for p in self._pending.values()])


class SavingsRepository:
    def __init__(self, store: PostgresEventStore) -> None:
        self.store = store

    # --- loading ----------------------------------------------------------------------

    async def load(
        self, conn: DbConnection, account_id: str
    ) -> tuple[SavingsAccount | None, int]:
        if not account_id.startswith("savings-"):
            return None, 0  # another kind of stream: "not found", not a decoding error
        loaded = _fold(await conn.fetch(_LOAD_BY_ID, account_id)).get(account_id)
        if loaded is None:
            # No query row: only a stream written outside this repository (or none).
            return await self.replay(conn, account_id)
        return loaded.state, loaded.version

    async def load_for_member(
        self, conn: DbConnection, cooperative_id: str, member_id: str, kind: SavingsType
    ) -> LoadedAccount | None:
        """The member's account of ``kind`` here, with her status and the cooperative's
        time zone from the local directory."""
        rows = await conn.fetch(_LOAD_FOR_MEMBER, cooperative_id, member_id, kind.value)
        return next(iter(_fold(rows).values()), None)

    async def load_many(
        self, conn: DbConnection, cooperative_id: str,
        keys: Iterable[tuple[str, SavingsType]],
    ) -> dict[tuple[str, SavingsType], LoadedAccount]:
        """The accounts of (member, type) pairs of one cooperative, in one statement."""
        wanted = sorted(set(keys))
        if not wanted:
            return {}
        rows = await conn.fetch(_LOAD_MANY, cooperative_id, [m for m, _ in wanted],
                                [k.value for _, k in wanted])
        return {(a.state.member_id, a.state.savings_type): a for a in _fold(rows).values()}

    async def replay(
        self, conn: DbConnection, account_id: str
    ) -> tuple[SavingsAccount | None, int]:
        """The state from the stream alone, ignoring the row (rebuilds and checks)."""
        return await self.store.replay(conn, account_id, _DECODE, replay_savings)

    # --- saving -----------------------------------------------------------------------

    async def save(
        self, conn: DbConnection, before: SavingsAccount | None, version: int,
        events: Sequence[SavingsEvent], origin: Provenance,
    ) -> tuple[SavingsAccount, int]:
        write = self.stage(before, version, events, origin)
        await self.write(conn, [write])
        return write.state, write.version

    async def create(
        self, conn: DbConnection, events: Sequence[SavingsEvent], origin: Provenance
    ) -> SavingsAccount | None:
        """Open an account stream; None when it is already open (a repeated reaction)."""
        write = self.stage(None, 0, events, origin)
        try:
            async with conn.transaction():  # a savepoint: the caller's transaction goes on
                await self.write(conn, [write])
        except ConcurrencyConflict:
            return None
        return write.state

    def stage(
        self, before: SavingsAccount | None, version: int, events: Sequence[SavingsEvent],
        origin: Provenance,
    ) -> AccountWrite:
        """``events`` as stored events after ``version``, and the state they lead to."""
        state = before
        new: list[NewEvent] = []
        for e in events:
            state = evolve_savings(state, e)
            new.append(self._new_event(e, state, origin))
        if state is None:
            raise ValueError("saving an account needs at least one event")
        return AccountWrite(state=state, expected_version=version, events=new)

    def new_events(self, state: SavingsAccount, events: Sequence[SavingsEvent],
                   origin: Provenance) -> list[NewEvent]:
        """``events`` of ``state``'s account as stored events (``state`` only lends its
        savings type to the published payload, and that never changes)."""
        return [self._new_event(e, state, origin) for e in events]

    def _new_event(self, e: SavingsEvent, state: SavingsAccount, origin: Provenance
                   ) -> NewEvent:
        return new_event(e, event_to_payload(e), savings_contract(e, state),
                         cooperative_id=e.cooperative_id, business_date=business_date_of(e),
                         provenance=origin, now=self.store.clock.now(),
                         event_type=stored_type(e.event_type))

    def writes(self) -> AccountWrites:
        """An empty set of changes, for ``AccountWrites.add`` and then one ``write``."""
        return AccountWrites(self)

    async def write(self, conn: DbConnection, writes: Sequence[AccountWrite]) -> None:
        """Append every write's events and upsert its row and snapshot, in one statement.

        Raises ``ConcurrencyConflict`` when another writer appended to one of the streams
        after it was loaded (nothing of ``writes`` is then stored).
        """
        writes = sorted((w for w in writes if w.events), key=lambda w: w.state.account_id)
        if not writes:
            return
        rows = [w.state for w in writes]  # one lock order: by account
        await self.store.write_streams(
            conn, [StreamAppend(w.state.account_id, w.expected_version, w.events)
                   for w in writes],
            [AlsoWrite(_ACCOUNTS, (
                [a.account_id for a in rows], [a.cooperative_id for a in rows],
                [a.member_id for a in rows], [a.savings_type.value for a in rows],
                [a.balance_idr for a in rows], [a.arrears_idr for a in rows],
                [_text_array(a.unpaid_periods) for a in rows],
                [a.opened_on for a in rows], [w.version for w in writes],
                [json_dumps(snapshot_of(a)) for a in rows]))])

    async def rebuild(self, conn: DbConnection, account_id: str) -> SavingsAccount | None:
        """Rewrite the account's row and snapshot from its events (no events: no row)."""
        state, version = await self.replay(conn, account_id)
        if state is None:
            return None
        await conn.execute(
            """INSERT INTO savings_accounts (account_id, cooperative_id, member_id,
                   savings_type, balance_idr, arrears_idr, unpaid_periods, opened_on, version,
                   state)
               VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10::text::jsonb)
               ON CONFLICT (account_id) DO UPDATE SET balance_idr = EXCLUDED.balance_idr,
                   arrears_idr = EXCLUDED.arrears_idr, unpaid_periods = EXCLUDED.unpaid_periods,
                   version = EXCLUDED.version, state = EXCLUDED.state""",
            state.account_id, state.cooperative_id, state.member_id, state.savings_type.value,
            state.balance_idr, state.arrears_idr, list(state.unpaid_periods), state.opened_on,
            version, json_dumps(snapshot_of(state)))
        return state

    async def account_ids(self, conn: DbConnection) -> list[str]:
        """Every savings stream in the store (what ``rebuild`` can be run over)."""
        rows = await conn.fetch(
            "SELECT DISTINCT stream_id FROM events WHERE stream_id LIKE 'savings-%' "
            "ORDER BY stream_id")
        return [r["stream_id"] for r in rows]

    # --- queries ----------------------------------------------------------------------

    async def account_id_of(
        self, conn: DbConnection, cooperative_id: str, member_id: str, savings_type: SavingsType
    ) -> str | None:
        account_id: str | None = await conn.fetchval(
            "SELECT account_id FROM savings_accounts WHERE cooperative_id = $1 "
            "AND member_id = $2 AND savings_type = $3",
            cooperative_id, member_id, savings_type.value)
        return account_id

    async def wajib_accounts_of_active_members(
        self, conn: DbConnection, cooperative_id: str
    ) -> list[str]:
        """Wajib accounts of the cooperative's admitted members (per the local directory)."""
        rows = await conn.fetch(
            """SELECT a.account_id FROM savings_accounts a
               JOIN directory_members m ON m.member_id = a.member_id
               WHERE a.cooperative_id = $1 AND m.cooperative_id = $1
                 AND a.savings_type = 'wajib' AND m.status = 'admitted'
               ORDER BY a.account_id""",
            cooperative_id)
        return [r["account_id"] for r in rows]


def _text_array(values: Iterable[str]) -> str:
    """A text[] literal (periods are YYYY-MM; quoted anyway), cheaper than a JSON array."""
    return "{" + ",".join('"' + v.replace("\\", "\\\\").replace('"', '\\"') + '"'
                          for v in values) + "}"


def _fold(rows: Sequence[asyncpg.Record]) -> dict[str, LoadedAccount]:
    """Rows of ``_LOADED`` (ordered by account, then version) into one state per account."""
    out: dict[str, LoadedAccount] = {}
    state: SavingsAccount | None = None
    version = 0
    current: asyncpg.Record | None = None

    def finish() -> None:
        if current is not None and state is not None:
            out[current["account_id"]] = LoadedAccount(
                state, version, current["member_status"], current["time_zone"])

    for row in rows:
        if current is None or row["account_id"] != current["account_id"]:
            finish()
            current = row
            snapshot = row["state"]
            if snapshot is not None and snapshot.get("format") == SNAPSHOT_FORMAT:
                state = state_from_snapshot(
                    snapshot, account_id=row["account_id"], cooperative_id=row["cooperative_id"],
                    member_id=row["member_id"], savings_type=row["savings_type"],
                    opened_on=row["opened_on"])
                version = row["version"]
            else:
                state, version = None, 0
        if row["stream_version"] is None:
            continue
        if row["stream_version"] != version + 1:
            raise EventSequenceError(
                f"{row['account_id']}: event {row['stream_version']} follows {version}")
        state = evolve_savings(state, _DECODE(row["event_type"], row["payload"],
                                              schema_version=row["schema_version"]))
        version = row["stream_version"]
    finish()
    return out
