"""Hand-written in-memory fakes of the members application's ports.

They keep what the PostgreSQL adapters keep (streams, member numbers, the NIK register)
in dicts and answer as those do: a stale version is a ``ConcurrencyConflict``, a legal
registration number registers one cooperative, an open membership holds its NIK until
it is rejected or ends. ``InMemoryDatabase.transaction`` undoes what a refused command
wrote, as the command's PostgreSQL transaction does.
"""

from __future__ import annotations

import copy
import dataclasses
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from gotong_platform.domain import ConcurrencyConflict
from gotong_platform.provenance import Provenance
from members.domain import (
    Cooperative,
    CooperativeEvent,
    DuplicateLegalRegistration,
    Member,
    MemberEvent,
    MemberStatus,
    evolve_cooperative,
    evolve_member,
    replay_cooperative,
    replay_member,
)

NO_CONNECTION: Any = None  # the fakes need none; the ports' signatures take one


@dataclasses.dataclass(frozen=True)
class NikRow:
    cooperative_id: str
    nik_hash: str
    cipher: bytes
    open: bool = True


@dataclasses.dataclass
class Tables:
    cooperatives: dict[str, list[CooperativeEvent]] = dataclasses.field(default_factory=dict)
    members: dict[str, list[MemberEvent]] = dataclasses.field(default_factory=dict)
    member_numbers: dict[str, int] = dataclasses.field(default_factory=dict)
    niks: dict[str, NikRow] = dataclasses.field(default_factory=dict)  # by member id


class InMemoryDatabase:
    def __init__(self) -> None:
        self.tables = Tables()

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """Everything written inside is undone when the block raises."""
        before = copy.deepcopy(self.tables)
        try:
            yield
        except BaseException:
            self.tables = before
            raise


def _append(streams: dict[str, list[Any]], stream_id: str, version: int,
            events: Sequence[Any]) -> int:
    stream = streams.setdefault(stream_id, [])
    if len(stream) != version:
        raise ConcurrencyConflict(f"{stream_id} is at version {len(stream)}, not {version}.")
    stream.extend(events)
    return len(stream)


class InMemoryCooperatives:
    """``CooperativeRepository`` in memory."""

    def __init__(self, db: InMemoryDatabase) -> None:
        self._db = db

    async def load(self, conn: Any, cooperative_id: str) -> tuple[Cooperative | None, int]:
        events = self._db.tables.cooperatives.get(cooperative_id, [])
        return replay_cooperative(events), len(events)

    async def save(
        self, conn: Any, before: Cooperative | None, version: int,
        events: Sequence[CooperativeEvent], provenance: Provenance,
    ) -> tuple[Cooperative, int]:
        state = before
        for event in events:
            state = evolve_cooperative(state, event)
        assert state is not None
        others = {cooperative_id for cooperative_id, stream in self._db.tables.cooperatives.items()
                  if cooperative_id != state.cooperative_id
                  and stream[0].legal_registration_number == state.legal_registration_number}
        if others:
            raise DuplicateLegalRegistration("Another cooperative holds this legal number.")
        return state, _append(self._db.tables.cooperatives, state.cooperative_id, version, events)

    async def legal_number_taken(self, conn: Any, number: str) -> bool:
        return any(stream[0].legal_registration_number == number
                   for stream in self._db.tables.cooperatives.values())


class InMemoryMembers:
    """``MemberRepository`` in memory."""

    def __init__(self, db: InMemoryDatabase) -> None:
        self._db = db

    async def load(self, conn: Any, member_id: str) -> tuple[Member | None, int]:
        events = self._db.tables.members.get(member_id, [])
        return replay_member(events), len(events)

    async def save(
        self, conn: Any, before: Member | None, version: int,
        events: Sequence[MemberEvent], provenance: Provenance,
    ) -> tuple[Member, int]:
        state = before
        for event in events:
            state = evolve_member(state, event)
        assert state is not None
        version = _append(self._db.tables.members, state.member_id, version, events)
        nik = self._db.tables.niks.get(state.member_id)
        if nik is not None and state.status in (MemberStatus.REJECTED, MemberStatus.EXITED):
            self._db.tables.niks[state.member_id] = dataclasses.replace(nik, open=False)
        return state, version

    async def next_member_no(self, conn: Any, cooperative_id: str) -> str:
        numbers = self._db.tables.member_numbers
        numbers[cooperative_id] = numbers.get(cooperative_id, 0) + 1
        return f"{numbers[cooperative_id]:05d}"

    async def store_nik(self, conn: Any, member_id: str, cooperative_id: str, nik_hash: str,
                        cipher: bytes) -> bool:
        niks = self._db.tables.niks
        if any(row.open and (row.cooperative_id, row.nik_hash) == (cooperative_id, nik_hash)
               for row in niks.values()):
            return False
        niks[member_id] = NikRow(cooperative_id, nik_hash, cipher)
        return True


class ReadableNik:
    """``NikProtection`` whose output a test can read back (no secrets in a unit test)."""

    def hash(self, nik: str) -> str:
        return f"hash-of-{nik}"

    def encrypt(self, nik: str, *, associated: str) -> bytes:
        return f"{associated}:{nik}".encode()
