"""What the members use cases need from storage and from the NIK's protection.

Small Protocols: the composition root (``members.main``) plugs in the PostgreSQL
repositories and the AES/HMAC protector from ``members.adapters``; a unit test plugs in
hand-written in-memory fakes. ``version`` is always the number of events in the stream:
the expected version of the next append.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from gotong_platform.db import DbConnection
from gotong_platform.provenance import Provenance
from members.domain import Cooperative, CooperativeEvent, Member, MemberEvent

__all__ = ["CooperativeRepository", "MemberRepository", "NikProtection"]


class CooperativeRepository(Protocol):
    """The cooperatives' streams, and the one fact that spans them all (legal numbers)."""

    async def load(self, conn: DbConnection, cooperative_id: str
                   ) -> tuple[Cooperative | None, int]:
        """The cooperative and its version; ``(None, 0)`` when there is none."""
        ...

    async def save(
        self, conn: DbConnection, before: Cooperative | None, version: int,
        events: Sequence[CooperativeEvent], provenance: Provenance,
    ) -> tuple[Cooperative, int]:
        """Append ``events`` after ``version``: the state after them, and the new version.

        Raises ``DuplicateLegalRegistration`` when another cooperative holds the legal
        registration number, ``ConcurrencyConflict`` when the stream moved on.
        """
        ...

    async def legal_number_taken(self, conn: DbConnection, number: str) -> bool:
        """Whether a cooperative is registered under the legal registration ``number``."""
        ...


class MemberRepository(Protocol):
    """The members' streams, their numbers, and the register of their NIKs."""

    async def load(self, conn: DbConnection, member_id: str) -> tuple[Member | None, int]:
        """The member and its version; ``(None, 0)`` when there is none."""
        ...

    async def save(
        self, conn: DbConnection, before: Member | None, version: int,
        events: Sequence[MemberEvent], provenance: Provenance,
    ) -> tuple[Member, int]:
        """Append ``events`` after ``version``: the state after them, and the new version.

        A membership that ends (rejected, exited) frees its NIK for a new application.
        """
        ...

    async def next_member_no(self, conn: DbConnection, cooperative_id: str) -> str:
        """The cooperative's next member number ("00001", ...), taken for good."""
        ...

    async def store_nik(
        self, conn: DbConnection, member_id: str, cooperative_id: str, nik_hash: str,
        cipher: bytes,
    ) -> bool:
        """Keep the member's NIK; False when an open membership of the cooperative has it."""
        ...


class NikProtection(Protocol):
    """The NIK is personal data: kept as a keyed hash (duplicates) and encrypted."""

    def hash(self, nik: str) -> str:
        """A keyed hash of the NIK: equal NIKs, equal hashes; not reversible."""
        ...

    def encrypt(self, nik: str, *, associated: str) -> bytes:
        """The NIK encrypted and bound to ``associated`` (the member id)."""
        ...
