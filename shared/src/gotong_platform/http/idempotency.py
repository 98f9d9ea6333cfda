"""Idempotency-Key handling, stored in the service's own PostgreSQL database.

Field devices retry POSTs over poor connections, so every POST carries an
``Idempotency-Key``. The key is recorded INSIDE the command's transaction.

``gotong_platform.commands.execute_command`` (what the services use) claims the key and
stores the response in one statement at the end (``record_response``), and answers a
replay from ``stored_response``. The two-step form below (``begin`` before the command,
``complete`` after) does the same in two statements::

    async with pool.acquire() as conn, conn.transaction():
        stored = await begin(conn, scope, request.key, request.request_hash)
        if stored is not None:
            return replay_response(stored)
        body = await handle_command(conn, ...)
        await complete(conn, scope, request.key, 201, body)
    return JSONResponse(body, status_code=201)

The stored response and the command's effects therefore commit together or
not at all: a command that fails (rolls back) leaves no key behind, so the
client's retry executes it afresh. ``scope`` namespaces keys; make it include
the caller (e.g. ``f"members:{principal.subject}"``) so one client can never
receive another client's stored response.
"""

from __future__ import annotations

import dataclasses
import hashlib
from typing import TYPE_CHECKING, Annotated, Any, TypeAlias

import orjson
from fastapi import Header, Request
from fastapi.responses import JSONResponse

from gotong_platform.domain import InvalidInput
from gotong_platform.http.responses import PROBLEM_MEDIA_TYPE, HTTPProblem

if TYPE_CHECKING:
    from asyncpg import Connection
    from asyncpg.pool import PoolConnectionProxy

    Executor: TypeAlias = Connection[Any] | PoolConnectionProxy[Any]

__all__ = [
    "IDEMPOTENCY_DDL",
    "IDEMPOTENCY_KEY_HEADER",
    "REPLAYED_HEADER",
    "IdempotencyKeyReused",
    "IdempotencyRequest",
    "StoredResponse",
    "begin",
    "complete",
    "idempotency_key",
    "record_response",
    "replay_response",
    "request_hash",
    "stored_response",
]

IDEMPOTENCY_KEY_HEADER = "Idempotency-Key"
REPLAYED_HEADER = "Idempotency-Replayed"
_MAX_KEY_LENGTH = 255

IDEMPOTENCY_DDL = """
CREATE TABLE IF NOT EXISTS idempotency_keys (
    scope        text        NOT NULL,
    key          text        NOT NULL,
    request_hash text        NOT NULL,
    status_code  int,
    response     jsonb,
    created_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (scope, key)
)
"""

# ``status_code IS NULL`` marks a key begun in a transaction not yet completed.
# Another transaction never sees such a row: it is either still uncommitted
# (and then invisible) or committed together with ``complete``.
_CLAIM = """
INSERT INTO idempotency_keys (scope, key, request_hash) VALUES ($1, $2, $3)
ON CONFLICT (scope, key) DO NOTHING
RETURNING true
"""
# Text in, text out (``::text`` both ways): correct whatever jsonb codec the
# service installed on its connections.
_READ = """
SELECT request_hash, status_code, response::text AS response
FROM idempotency_keys WHERE scope = $1 AND key = $2
"""
# Claim and completion in one statement, at the END of the command's transaction
# (``record_response``): see ``gotong_platform.commands.execute_command``.
_RECORD = """
INSERT INTO idempotency_keys (scope, key, request_hash, status_code, response)
VALUES ($1, $2, $3, $4, $5::text::jsonb)
ON CONFLICT (scope, key) DO NOTHING
RETURNING true
"""
_COMPLETE = """
UPDATE idempotency_keys SET status_code = $3, response = $4::text::jsonb
WHERE scope = $1 AND key = $2 AND status_code IS NULL
"""


class IdempotencyKeyReused(InvalidInput):
    """The key was already used for a different request (HTTP 422)."""

    code = "idempotency-key-reused"


@dataclasses.dataclass(frozen=True, slots=True)
class StoredResponse:
    """The response first given for a key, returned again on every replay.

    Equal as JSON to the first; jsonb does not keep the order of object keys.
    """

    status_code: int
    body: Any


async def begin(conn: Executor, scope: str, key: str, request_hash: str) -> StoredResponse | None:
    """Claim ``key`` in the current transaction; the stored response if it was done before.

    None means: run the command, then call ``complete`` in the same transaction.
    Raises ``IdempotencyKeyReused`` when the key came with another request.
    """
    # A concurrent duplicate's INSERT blocks on the primary-key index entry of
    # the first, still uncommitted, transaction until that one ends. If it
    # commits, ON CONFLICT DO NOTHING inserts nothing, and the SELECT below (a
    # new snapshot under READ COMMITTED) sees the stored response; if it rolls
    # back, this INSERT succeeds and this transaction runs the command. Under
    # REPEATABLE READ or SERIALIZABLE PostgreSQL raises a serialization failure
    # instead, which the caller retries like any other.
    if await conn.fetchval(_CLAIM, scope, key, request_hash):
        return None
    row = await conn.fetchrow(_READ, scope, key)
    if row is None:  # only if the row was deleted in between (key expiry)
        raise RuntimeError("idempotency key vanished while claiming it; retry the request")
    if row["request_hash"] != request_hash:
        raise IdempotencyKeyReused("this Idempotency-Key was already used for another request")
    if row["status_code"] is None:
        raise RuntimeError("idempotency key was begun twice in one transaction")
    return StoredResponse(status_code=row["status_code"], body=orjson.loads(row["response"]))


async def record_response(conn: Executor, scope: str, key: str, request_hash: str,
                          status_code: int, body: Any) -> bool:
    """Claim ``key`` and store its response in one statement, at the end of the command's
    transaction; False when the key was used already (nothing written: roll back, then
    answer ``stored_response``).

    A concurrent duplicate's INSERT waits on the first transaction's index entry: if that
    one commits, ON CONFLICT DO NOTHING makes this False; if it rolls back, this one
    stores its own response. Either way the effects commit once.
    """
    stored: bool | None = await conn.fetchval(
        _RECORD, scope, key, request_hash, status_code, orjson.dumps(body).decode())
    return bool(stored)


async def stored_response(conn: Executor, scope: str, key: str,
                          request_hash: str) -> StoredResponse | None:
    """The committed response for ``key`` (None if there is none); raises
    ``IdempotencyKeyReused`` when the key came with another request."""
    row = await conn.fetchrow(_READ, scope, key)
    if row is None:
        return None
    if row["request_hash"] != request_hash:
        raise IdempotencyKeyReused("this Idempotency-Key was already used for another request")
    if row["status_code"] is None:
        return None  # begun by ``begin`` in a transaction that has not completed it
    return StoredResponse(status_code=row["status_code"], body=orjson.loads(row["response"]))


async def complete(conn: Executor, scope: str, key: str, status_code: int, body: Any) -> None:
    """Store the response for ``key``; commits with the command's effects."""
    result = await conn.execute(_COMPLETE, scope, key, status_code, orjson.dumps(body).decode())
    if result != "UPDATE 1":
        raise RuntimeError("complete() without a matching begin() in this transaction")


@dataclasses.dataclass(frozen=True, slots=True)
class IdempotencyRequest:
    key: str
    request_hash: str


async def idempotency_key(
    request: Request,
    key: Annotated[
        str | None,
        Header(alias=IDEMPOTENCY_KEY_HEADER, description="unique per command, reused on retry"),
    ] = None,
) -> IdempotencyRequest:
    """Dependency for POST routes: the validated key and the request's hash (400 if bad)."""
    if not key:
        raise _bad_key("an Idempotency-Key header is required", "idempotency-key-required")
    if len(key) > _MAX_KEY_LENGTH or not all(" " <= char <= "~" for char in key):
        raise _bad_key(
            f"Idempotency-Key must be 1 to {_MAX_KEY_LENGTH} printable ASCII characters",
            "idempotency-key-invalid",
        )
    # FastAPI has already read (and cached) the body for the route's own
    # parameters, so this costs no second read of the stream.
    body = await request.body()
    return IdempotencyRequest(
        key=key, request_hash=request_hash(request.method, request.url.path, body)
    )


def request_hash(method: str, path: str, body: bytes) -> str:
    """sha256 over method, path and the raw body bytes (not re-serialised JSON)."""
    digest = hashlib.sha256()
    # Length prefixes keep the parts apart: no (path, body) pair can collide
    # with another pair that merely moves bytes across the boundary.
    for part in (method.upper().encode(), path.encode()):
        digest.update(len(part).to_bytes(8, "big") + part)
    digest.update(body)
    return digest.hexdigest()


def replay_response(stored: StoredResponse) -> JSONResponse:
    """The stored response again, marked ``Idempotency-Replayed: true``."""
    media_type = PROBLEM_MEDIA_TYPE if stored.status_code >= 400 else "application/json"
    return JSONResponse(
        stored.body,
        status_code=stored.status_code,
        headers={REPLAYED_HEADER: "true"},
        media_type=media_type,
    )


def _bad_key(detail: str, code: str) -> HTTPProblem:
    return HTTPProblem(400, "Bad Request", detail, code)
