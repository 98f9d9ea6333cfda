"""What a signed (SNAP) request is checked against on PostgreSQL: the partner's keys
valid now, and the X-EXTERNAL-IDs it already used.

An X-EXTERNAL-ID is claimed in the platform's Idempotency-Key store
(``idempotency_keys``), under the partner's own scope and the key
``snap:<day>:<external id>``: the same row a signed POST's ``Runner`` stores its answer
under, so one id serves a day once, whether a GET or a POST used it first.
"""

from __future__ import annotations

from datetime import datetime

import asyncpg

from gotong_platform.http.idempotency import record_response
from partners.domain import KeyAlgorithm, SigningKey

__all__ = ["PostgresSignedRequestStore"]


class PostgresSignedRequestStore:
    """The ``SignedRequestStore`` port, on the API's pool."""

    def __init__(self, pool: asyncpg.Pool) -> None:
        self._pool = pool

    async def keys_valid_at(self, partner_id: str, now: datetime) -> list[SigningKey]:
        rows = await self._pool.fetch(
            """SELECT key_id, algorithm, bits, public_key_pem, fingerprint, registered_at,
                      registered_by, valid_until
               FROM partner_signing_keys
               WHERE partner_id = $1 AND registered_at <= $2
                 AND (valid_until IS NULL OR valid_until > $2)
               ORDER BY ordinal DESC""", partner_id, now)
        return [SigningKey(key_id=r["key_id"], algorithm=KeyAlgorithm(r["algorithm"]),
                           bits=r["bits"], public_key_pem=r["public_key_pem"],
                           fingerprint=r["fingerprint"], registered_at=r["registered_at"],
                           registered_by=r["registered_by"], valid_until=r["valid_until"])
                for r in rows]

    async def claim(self, partner_id: str, key: str, request_hash: str) -> bool:
        # A read's answer is not kept (a replay is refused, not answered again): the row
        # holds the request's hash and no body.
        async with self._pool.acquire() as conn:
            return await record_response(conn, partner_id, key, request_hash, 200, None)
