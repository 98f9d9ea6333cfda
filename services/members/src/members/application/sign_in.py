"""Use cases of a member's sign-in: her phone, a one-time code, and her memberships.

A clerk records the member's phone (``set_phone``). The member asks for a code
(``request_code``): the answer is the same whether the phone is known or not, so the
form tells nobody who is a member; a code is made and kept (as a keyed digest) only for
a known phone, and the caller sends it after the transaction committed. She sends it
back (``exchange``): the result says whether it was accepted, and the memberships it
opens (a household may share one phone). A wrong guess is counted in the same
transaction as the answer, so the caller commits it even though the answer is a refusal.
"""

from __future__ import annotations

import dataclasses
import secrets
from datetime import datetime
from typing import Protocol

from gotong_platform.calendar import Clock
from gotong_platform.db import DbConnection
from gotong_platform.ids import new_id
from gotong_platform.provenance import Provenance
from members.domain.errors import MemberNotFound
from members.domain.phone import normalise_phone
from members.domain.sign_in import (
    CodeCheck,
    Membership,
    SignInRules,
    StoredCode,
    check_code,
    check_send_allowed,
)

__all__ = [
    "CodeProtection",
    "CodeSender",
    "PendingCode",
    "PhoneProtection",
    "SignInResult",
    "SignInService",
    "SignInStore",
]

@dataclasses.dataclass(frozen=True, kw_only=True)
class PendingCode:
    """A code to send once the transaction that recorded its digest has committed."""

    phone: str
    code: str


@dataclasses.dataclass(frozen=True, kw_only=True)
class SignInResult:
    check: CodeCheck
    memberships: tuple[Membership, ...] = ()


class SignInStore(Protocol):
    async def requested_since(self, conn: DbConnection, phone_hash: str, client_hash: str,
                              since: datetime) -> tuple[list[datetime], list[datetime]]:
        """When codes were asked for this phone, and from this client, after ``since``."""
        ...

    async def record_request(self, conn: DbConnection, phone_hash: str, client_hash: str,
                             at: datetime) -> None: ...

    async def memberships(self, conn: DbConnection, phone_hash: str) -> list[Membership]:
        """The memberships of ``SIGN_IN_STATUSES`` with this phone, oldest first."""
        ...

    async def save_code(self, conn: DbConnection, challenge_id: str, phone_hash: str,
                        digest: bytes, at: datetime) -> None: ...

    async def latest_code(self, conn: DbConnection, phone_hash: str) -> StoredCode | None:
        """The phone's latest code, locked until the transaction ends."""
        ...

    async def count_attempt(self, conn: DbConnection, challenge_id: str) -> None: ...

    async def consume(self, conn: DbConnection, challenge_id: str, at: datetime) -> None: ...

    async def set_phone(self, conn: DbConnection, member_id: str, cooperative_id: str,
                        phone_hash: str, cipher: bytes, set_by: str, at: datetime) -> None: ...

    async def member_of(self, conn: DbConnection, cooperative_id: str, member_id: str
                        ) -> bool: ...


class PhoneProtection(Protocol):
    def hash(self, phone: str) -> str: ...

    def encrypt(self, phone: str, *, associated: str) -> bytes: ...


class CodeProtection(Protocol):
    def digest(self, challenge_id: str, code: str) -> bytes: ...

    def matches(self, challenge_id: str, code: str, stored: bytes) -> bool: ...

    def client_hash(self, client: str) -> str: ...


class CodeSender(Protocol):
    """Sends the code to the phone (an SMS or WhatsApp gateway; in development the log)."""

    async def send(self, phone: str, code: str) -> None: ...


@dataclasses.dataclass(frozen=True)
class SignInService:
    store: SignInStore
    phones: PhoneProtection
    codes: CodeProtection
    clock: Clock
    rules: SignInRules = dataclasses.field(default_factory=SignInRules)

    def phone_hash(self, phone_text: str) -> str:
        """The keyed hash of the phone as typed (raises ``InvalidPhoneNumber``)."""
        return self.phones.hash(normalise_phone(phone_text))

    async def set_phone(self, conn: DbConnection, cooperative_id: str, member_id: str,
                        phone_text: str, provenance: Provenance) -> str:
        """Record the member's phone; the number in its one form."""
        phone = normalise_phone(phone_text)
        if not await self.store.member_of(conn, cooperative_id, member_id):
            raise MemberNotFound("No member with this id in this cooperative.")
        await self.store.set_phone(
            conn, member_id, cooperative_id, self.phones.hash(phone),
            self.phones.encrypt(phone, associated=member_id), provenance.meta.actor,
            self.clock.now())
        return phone

    async def request_code(self, conn: DbConnection, phone_text: str, client: str
                           ) -> PendingCode | None:
        """A new code for a known phone (None for an unknown one); raises
        ``SignInRateLimited`` past the limits, known phone or not."""
        phone = normalise_phone(phone_text)
        phone_hash, client_hash = self.phones.hash(phone), self.codes.client_hash(client)
        now = self.clock.now()
        since = now - max(self.rules.phone_window, self.rules.client_window)
        by_phone, by_client = await self.store.requested_since(conn, phone_hash, client_hash,
                                                               since)
        check_send_allowed(by_phone, by_client, now=now, rules=self.rules)
        await self.store.record_request(conn, phone_hash, client_hash, now)
        if not await self.store.memberships(conn, phone_hash):
            return None
        code = f"{secrets.randbelow(10 ** self.rules.code_digits):0{self.rules.code_digits}d}"
        challenge_id = new_id("signin")
        await self.store.save_code(conn, challenge_id, phone_hash,
                                   self.codes.digest(challenge_id, code), now)
        return PendingCode(phone=phone, code=code)

    async def exchange(self, conn: DbConnection, phone_text: str, code: str) -> SignInResult:
        """Check ``code`` against the phone's latest one; the memberships when accepted."""
        phone_hash = self.phone_hash(phone_text)
        stored = await self.store.latest_code(conn, phone_hash)
        if stored is None:
            return SignInResult(check=CodeCheck.EXPIRED)
        check = check_code(
            matches=self.codes.matches(stored.challenge_id, code, stored.code_digest),
            created_at=stored.created_at, attempts=stored.attempts, consumed=stored.consumed,
            now=self.clock.now(), rules=self.rules)
        if check is CodeCheck.WRONG:
            await self.store.count_attempt(conn, stored.challenge_id)
        if check is not CodeCheck.ACCEPTED:
            return SignInResult(check=check)
        await self.store.consume(conn, stored.challenge_id, self.clock.now())
        return SignInResult(check=check,
                            memberships=tuple(await self.store.memberships(conn, phone_hash)))
