"""The sign-in's tables on PostgreSQL: phones, codes (as digests) and code requests."""

from __future__ import annotations

from datetime import datetime

from gotong_platform.db import DbConnection
from members.domain.sign_in import SIGN_IN_STATUSES, Membership, StoredCode

__all__ = ["PostgresSignInStore"]


class PostgresSignInStore:
    """``SignInStore`` on the members database (every call in the caller's transaction)."""

    async def requested_since(self, conn: DbConnection, phone_hash: str, client_hash: str,
                              since: datetime) -> tuple[list[datetime], list[datetime]]:
        # Two requests for one phone (or from one client) at once would both pass a count
        # read before either wrote: transaction-scoped advisory locks on the phone and the
        # client, taken before the read and in one order, make them take turns.
        for key in sorted((f"sign-in:{phone_hash}", f"sign-in-client:{client_hash}")):
            await conn.execute("SELECT pg_advisory_xact_lock(hashtextextended($1, 0))", key)
        rows = await conn.fetch(
            """SELECT requested_at, phone_hash = $1 AS by_phone, client_hash = $2 AS by_client
               FROM sign_in_requests WHERE (phone_hash = $1 OR client_hash = $2)
               AND requested_at > $3""",
            phone_hash, client_hash, since)
        return ([r["requested_at"] for r in rows if r["by_phone"]],
                [r["requested_at"] for r in rows if r["by_client"]])

    async def record_request(self, conn: DbConnection, phone_hash: str, client_hash: str,
                             at: datetime) -> None:
        """Recorded in the transaction that holds ``requested_since``'s locks."""
        await conn.execute(
            "INSERT INTO sign_in_requests (phone_hash, client_hash, requested_at) "
            "VALUES ($1, $2, $3)", phone_hash, client_hash, at)

    async def memberships(self, conn: DbConnection, phone_hash: str) -> list[Membership]:
        rows = await conn.fetch(
            """SELECT m.member_id, m.cooperative_id, c.name AS cooperative_name, m.member_no,
                      m.full_name, m.status
               FROM member_phone p JOIN members m USING (member_id)
               JOIN cooperatives c ON c.cooperative_id = m.cooperative_id
               WHERE p.phone_hash = $1 AND m.status = ANY($2::text[])
               ORDER BY m.applied_on, m.member_id""",
            phone_hash, list(SIGN_IN_STATUSES))
        return [Membership(**dict(r)) for r in rows]

    async def save_code(self, conn: DbConnection, challenge_id: str, phone_hash: str,
                        digest: bytes, at: datetime) -> None:
        await conn.execute(
            "INSERT INTO sign_in_codes (challenge_id, phone_hash, code_digest, created_at) "
            "VALUES ($1, $2, $3, $4)", challenge_id, phone_hash, digest, at)

    async def latest_code(self, conn: DbConnection, phone_hash: str) -> StoredCode | None:
        # FOR UPDATE: two guesses at once are counted one after the other, never both
        # against the same attempt count (which would let a guesser exceed the limit).
        row = await conn.fetchrow(
            """SELECT challenge_id, code_digest, created_at, attempts,
                      consumed_at IS NOT NULL AS consumed
               FROM sign_in_codes WHERE phone_hash = $1
               ORDER BY created_at DESC, challenge_id DESC LIMIT 1 FOR UPDATE""",
            phone_hash)
        return None if row is None else StoredCode(**dict(row))

    async def count_attempt(self, conn: DbConnection, challenge_id: str) -> None:
        await conn.execute(
            "UPDATE sign_in_codes SET attempts = attempts + 1 WHERE challenge_id = $1",
            challenge_id)

    async def consume(self, conn: DbConnection, challenge_id: str, at: datetime) -> None:
        await conn.execute(
            "UPDATE sign_in_codes SET consumed_at = $2 WHERE challenge_id = $1",
            challenge_id, at)

    async def set_phone(self, conn: DbConnection, member_id: str, cooperative_id: str,
                        phone_hash: str, cipher: bytes, set_by: str, at: datetime) -> None:
        await conn.execute(
            """INSERT INTO member_phone (member_id, cooperative_id, phone_hash, phone_cipher,
                                         set_by, set_at)
               VALUES ($1, $2, $3, $4, $5, $6)
               ON CONFLICT (member_id) DO UPDATE SET phone_hash = EXCLUDED.phone_hash,
                   phone_cipher = EXCLUDED.phone_cipher, set_by = EXCLUDED.set_by,
                   set_at = EXCLUDED.set_at""",
            member_id, cooperative_id, phone_hash, cipher, set_by, at)

    async def member_of(self, conn: DbConnection, cooperative_id: str, member_id: str
                        ) -> bool:
        found: bool = await conn.fetchval(
            "SELECT EXISTS (SELECT 1 FROM members WHERE cooperative_id = $1 AND member_id = $2)",
            cooperative_id, member_id)
        return found
