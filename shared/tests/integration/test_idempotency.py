"""Idempotency keys against a REAL PostgreSQL: replay, reuse, rollback, concurrency.

The server comes from ``GOTONG_PG_ADMIN_DSN`` (default: the project's local
cluster). If it is not reachable within ``GOTONG_PG_WAIT_SECONDS`` the tests
FAIL: a skipped test would be a green run that tested nothing.
"""

from __future__ import annotations

import asyncio
import os
import secrets
import time
from collections.abc import AsyncIterator
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import asyncpg
import orjson
import pytest
import pytest_asyncio

from gotong_platform.commands import CONFLICT_RETRIES, execute_command
from gotong_platform.domain import ConcurrencyConflict, RuleViolated
from gotong_platform.http import (
    IDEMPOTENCY_DDL,
    REPLAYED_HEADER,
    IdempotencyKeyReused,
    IdempotencyRequest,
    StoredResponse,
    begin,
    complete,
    request_hash,
)

pytestmark = pytest.mark.integration

ADMIN_DSN = os.environ.get("GOTONG_PG_ADMIN_DSN", "postgresql://postgres@127.0.0.1:55432/postgres")
WAIT_SECONDS = float(os.environ.get("GOTONG_PG_WAIT_SECONDS", "60"))
PATH = "/cooperatives/kop-tani-makmur/applications"
EFFECTS_DDL = """
CREATE TABLE effects (id bigserial PRIMARY KEY, scope text NOT NULL, payload jsonb NOT NULL)
"""


async def connect_admin() -> asyncpg.Connection:
    # A colleague's start-up may still be bringing the cluster up: retry
    # until the deadline, then fail loudly (never skip).
    deadline = time.monotonic() + WAIT_SECONDS
    while True:
        try:
            return await asyncpg.connect(ADMIN_DSN, timeout=5)
        except (OSError, TimeoutError, asyncpg.CannotConnectNowError) as exc:
            if time.monotonic() >= deadline:
                where = urlsplit(ADMIN_DSN).hostname, urlsplit(ADMIN_DSN).port
                pytest.fail(f"PostgreSQL not reachable at {where} after {WAIT_SECONDS}s: {exc!r}")
            await asyncio.sleep(1)


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def database_dsn() -> AsyncIterator[str]:
    admin = await connect_admin()
    name = f"t_idempotency_{secrets.token_hex(6)}"
    await admin.execute(f'CREATE DATABASE "{name}"')
    try:
        dsn = urlunsplit(urlsplit(ADMIN_DSN)._replace(path=f"/{name}"))
        conn = await asyncpg.connect(dsn)
        try:
            await conn.execute(IDEMPOTENCY_DDL)
            await conn.execute(EFFECTS_DDL)
        finally:
            await conn.close()
        yield dsn
    finally:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.close()


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def pool(database_dsn: str) -> AsyncIterator[asyncpg.Pool]:
    async with asyncpg.create_pool(database_dsn, min_size=2, max_size=12) as pool:
        yield pool


@pytest.fixture
def scope() -> str:
    """A fresh key namespace per test, so tests never see each other's keys."""
    return f"test:{secrets.token_hex(6)}"


async def submit_application(
    conn: Any, scope: str, key: str, body: dict[str, Any], *, refuse: bool = False
) -> tuple[StoredResponse, bool]:
    """A command handler shaped like a route's: returns (response, executed here?)."""
    stored = await begin(conn, scope, key, request_hash("POST", PATH, orjson.dumps(body)))
    if stored is not None:
        return stored, False
    effect_id = await conn.fetchval(
        "INSERT INTO effects (scope, payload) VALUES ($1, $2::text::jsonb) RETURNING id",
        scope,
        orjson.dumps(body).decode(),
    )
    if refuse:
        raise RuleViolated("applicant is already a member")
    response = {"application_id": effect_id, "name": body["name"]}
    await complete(conn, scope, key, 201, response)
    return StoredResponse(status_code=201, body=response), True


async def run(pool: asyncpg.Pool, scope: str, key: str, body: dict[str, Any], **kw: Any) -> Any:
    async with pool.acquire() as conn, conn.transaction():
        return await submit_application(conn, scope, key, body, **kw)


async def effects(pool: asyncpg.Pool, scope: str) -> int:
    count: int = await pool.fetchval("SELECT count(*) FROM effects WHERE scope = $1", scope)
    return count


async def test_replay_returns_the_first_response(pool: asyncpg.Pool, scope: str) -> None:
    first, executed = await run(pool, scope, "k-1", {"name": "Siti"})
    replay, executed_again = await run(pool, scope, "k-1", {"name": "Siti"})
    assert (executed, executed_again) == (True, False)
    assert replay == first
    assert await effects(pool, scope) == 1


async def test_same_key_with_another_body_is_refused(pool: asyncpg.Pool, scope: str) -> None:
    await run(pool, scope, "k-1", {"name": "Siti"})
    with pytest.raises(IdempotencyKeyReused):
        await run(pool, scope, "k-1", {"name": "Budi"})
    assert await effects(pool, scope) == 1


async def test_keys_are_namespaced_by_scope(pool: asyncpg.Pool, scope: str) -> None:
    await run(pool, scope, "k-1", {"name": "Siti"})
    _, executed = await run(pool, scope + ":other-client", "k-1", {"name": "Siti"})
    assert executed


async def test_rolled_back_command_leaves_no_key_so_a_retry_executes(
    pool: asyncpg.Pool, scope: str
) -> None:
    with pytest.raises(RuleViolated):
        await run(pool, scope, "k-1", {"name": "Siti"}, refuse=True)
    left = await pool.fetchval("SELECT count(*) FROM idempotency_keys WHERE scope = $1", scope)
    assert (left, await effects(pool, scope)) == (0, 0)
    _, executed = await run(pool, scope, "k-1", {"name": "Siti"})
    assert executed
    assert await effects(pool, scope) == 1


async def wait_until_blocked(pool: asyncpg.Pool, pid: int) -> None:
    for _ in range(200):
        waiting = await pool.fetchval(
            "SELECT wait_event_type = 'Lock' FROM pg_stat_activity WHERE pid = $1", pid
        )
        if waiting:
            return
        await asyncio.sleep(0.025)
    pytest.fail("the duplicate never waited for the first transaction's key")


async def test_concurrent_duplicate_waits_then_gets_the_stored_response(
    pool: asyncpg.Pool, scope: str
) -> None:
    body = {"name": "Siti"}
    async with pool.acquire() as first, pool.acquire() as second:
        first_tx = first.transaction()
        await first_tx.start()
        response, executed = await submit_application(first, scope, "k-1", body)
        assert executed  # ... but not committed yet

        async def duplicate() -> tuple[StoredResponse, bool]:
            async with second.transaction():
                return await submit_application(second, scope, "k-1", body)

        duplicate_task = asyncio.create_task(duplicate())
        await wait_until_blocked(pool, second.get_server_pid())
        await first_tx.commit()
        assert await duplicate_task == (response, False)
    assert await effects(pool, scope) == 1


async def test_duplicate_waiting_on_a_rolled_back_first_executes_itself(
    pool: asyncpg.Pool, scope: str
) -> None:
    body = {"name": "Siti"}
    async with pool.acquire() as first, pool.acquire() as second:
        first_tx = first.transaction()
        await first_tx.start()
        await submit_application(first, scope, "k-1", body)

        async def duplicate() -> tuple[StoredResponse, bool]:
            async with second.transaction():
                return await submit_application(second, scope, "k-1", body)

        duplicate_task = asyncio.create_task(duplicate())
        await wait_until_blocked(pool, second.get_server_pid())
        await first_tx.rollback()
        _, executed = await duplicate_task
    assert executed
    assert await effects(pool, scope) == 1


async def test_many_concurrent_duplicates_execute_exactly_once(
    pool: asyncpg.Pool, scope: str
) -> None:
    results = await asyncio.gather(*(run(pool, scope, "k-1", {"name": "Siti"}) for _ in range(8)))
    assert sum(executed for _, executed in results) == 1
    assert all(response == results[0][0] for response, _ in results)
    assert await effects(pool, scope) == 1


async def test_works_with_a_service_installed_jsonb_codec(database_dsn: str, scope: str) -> None:
    # Services often decode jsonb with orjson; begin/complete must not care.
    conn = await asyncpg.connect(database_dsn)
    try:
        await conn.set_type_codec(
            "jsonb",
            schema="pg_catalog",
            encoder=lambda v: orjson.dumps(v).decode(),
            decoder=orjson.loads,
            format="text",
        )
        async with conn.transaction():
            await begin(conn, scope, "k-1", "h")
            await complete(conn, scope, "k-1", 201, {"nested": {"ok": [1, 2]}})
        async with conn.transaction():
            stored = await begin(conn, scope, "k-1", "h")
        assert stored == StoredResponse(status_code=201, body={"nested": {"ok": [1, 2]}})
    finally:
        await conn.close()


async def test_complete_without_begin_is_a_programming_error(
    pool: asyncpg.Pool, scope: str
) -> None:
    async with pool.acquire() as conn, conn.transaction():
        with pytest.raises(RuntimeError, match="without a matching begin"):
            await complete(conn, scope, "never-begun", 201, {})


# --- execute_command: claim and response in one statement at the end -------------------


def command(scope: str, body: dict[str, Any], *, refuse_if_done: bool = False,
            hold: float = 0.0) -> Any:
    """A route's work: one effect, answered 201; ``refuse_if_done``: a second run is
    refused (as a sale of stock the first run took would be)."""

    async def work(conn: Any) -> tuple[int, Any]:
        if refuse_if_done and await effects_in(conn, scope):
            raise RuleViolated("nothing left to sell")
        effect_id = await conn.fetchval(
            "INSERT INTO effects (scope, payload) VALUES ($1, $2::text::jsonb) RETURNING id",
            scope, orjson.dumps(body).decode())
        await asyncio.sleep(hold)  # keep the transaction open: real overlap
        return 201, {"id": effect_id, "name": body["name"]}

    return work


async def effects_in(conn: Any, scope: str) -> int:
    count: int = await conn.fetchval("SELECT count(*) FROM effects WHERE scope = $1", scope)
    return count


def idem(key: str, body: dict[str, Any]) -> IdempotencyRequest:
    return IdempotencyRequest(key=key, request_hash=request_hash("POST", PATH,
                                                                 orjson.dumps(body)))


async def test_execute_command_replays_the_first_answer_and_executes_once(
    pool: asyncpg.Pool, scope: str
) -> None:
    body = {"name": "Siti"}
    first = await execute_command(pool, scope=scope, idempotency=idem("k", body),
                                  work=command(scope, body))
    again = await execute_command(pool, scope=scope, idempotency=idem("k", body),
                                  work=command(scope, body))
    assert (first.status_code, again.status_code) == (201, 201)
    assert orjson.loads(again.body) == orjson.loads(first.body)
    assert again.headers[REPLAYED_HEADER] == "true"
    assert await effects(pool, scope) == 1


async def test_execute_command_a_replay_that_would_fail_answers_the_first_answer(
    pool: asyncpg.Pool, scope: str
) -> None:
    body = {"name": "Siti"}
    first = await execute_command(pool, scope=scope, idempotency=idem("k", body),
                                  work=command(scope, body, refuse_if_done=True))
    again = await execute_command(pool, scope=scope, idempotency=idem("k", body),
                                  work=command(scope, body, refuse_if_done=True))
    assert orjson.loads(again.body) == orjson.loads(first.body)
    with pytest.raises(RuleViolated):  # a new key is a new command: refused
        await execute_command(pool, scope=scope, idempotency=idem("k2", body),
                              work=command(scope, body, refuse_if_done=True))
    assert await effects(pool, scope) == 1


async def test_execute_command_refuses_a_key_reused_for_another_request(
    pool: asyncpg.Pool, scope: str
) -> None:
    await execute_command(pool, scope=scope, idempotency=idem("k", {"name": "Siti"}),
                          work=command(scope, {"name": "Siti"}))
    for refuse in (False, True):
        with pytest.raises(IdempotencyKeyReused):
            await execute_command(pool, scope=scope, idempotency=idem("k", {"name": "Ani"}),
                                  work=command(scope, {"name": "Ani"}, refuse_if_done=refuse))
    assert await effects(pool, scope) == 1


async def test_execute_command_failure_leaves_no_key_so_a_retry_executes(
    pool: asyncpg.Pool, scope: str
) -> None:
    body = {"name": "Siti"}

    async def broken(conn: Any) -> tuple[int, Any]:
        await command(scope, body)(conn)
        raise RuleViolated("refused after writing")

    with pytest.raises(RuleViolated):
        await execute_command(pool, scope=scope, idempotency=idem("k", body), work=broken)
    assert await effects(pool, scope) == 0
    answer = await execute_command(pool, scope=scope, idempotency=idem("k", body),
                                   work=command(scope, body))
    assert answer.status_code == 201
    assert REPLAYED_HEADER not in answer.headers
    assert await effects(pool, scope) == 1


async def test_execute_command_concurrent_duplicates_execute_exactly_once(
    pool: asyncpg.Pool, scope: str
) -> None:
    body = {"name": "Siti"}
    answers = await asyncio.gather(*(
        execute_command(pool, scope=scope, idempotency=idem("k", body),
                        work=command(scope, body, hold=0.02))
        for _ in range(8)))
    assert len({a.body for a in answers}) == 1
    assert sum(REPLAYED_HEADER not in a.headers for a in answers) == 1
    assert await effects(pool, scope) == 1


def losing(scope: str, body: dict[str, Any], losses: int, runs: list[int]) -> Any:
    """A route's work that loses ``losses`` concurrency races (after writing) first."""

    async def work(conn: Any) -> tuple[int, Any]:
        runs.append(1)
        answer = await command(scope, body)(conn)
        if len(runs) <= losses:
            raise ConcurrencyConflict(f"stream-of-{scope} was changed by someone else")
        return answer

    return work


async def test_execute_command_decides_again_after_a_lost_race_and_writes_once(
    pool: asyncpg.Pool, scope: str
) -> None:
    body = {"name": "Siti"}
    runs: list[int] = []
    answer = await execute_command(pool, scope=scope, idempotency=idem("k", body),
                                   work=losing(scope, body, CONFLICT_RETRIES, runs))
    assert answer.status_code == 201
    assert len(runs) == CONFLICT_RETRIES + 1
    assert await effects(pool, scope) == 1  # the lost runs left nothing


async def test_execute_command_answers_the_conflict_when_every_retry_loses(
    pool: asyncpg.Pool, scope: str
) -> None:
    body = {"name": "Siti"}
    runs: list[int] = []
    with pytest.raises(ConcurrencyConflict):
        await execute_command(pool, scope=scope, idempotency=idem("k", body),
                              work=losing(scope, body, 1_000, runs))
    assert len(runs) == CONFLICT_RETRIES + 1  # bounded: a client hears 409 in the end
    assert await effects(pool, scope) == 0
    answer = await execute_command(pool, scope=scope, idempotency=idem("k", body),
                                   work=command(scope, body))
    assert answer.status_code == 201  # the key stayed free for the client's retry
