"""The Runner dependency on a real PostgreSQL: a route's command runs once per key."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import asyncpg
import httpx
import pytest
import pytest_asyncio
from fastapi import APIRouter, FastAPI

from gotong_platform.auth import Principal, Role, TokenIssuer, TokenVerifier
from gotong_platform.db import DbConnection, create_pool
from gotong_platform.http import IDEMPOTENCY_DDL
from gotong_platform.http.runner import Runner
from gotong_platform.http.service import install_platform
from gotong_platform.provenance import Provenance
from gotong_platform.telemetry import PlatformMetrics

pytestmark = pytest.mark.integration

KEY = b"r" * 48
router = APIRouter()


@router.post("/things", status_code=201)
async def record_thing(body: dict[str, Any], run: Runner) -> Any:
    async def work(conn: DbConnection, provenance: Provenance) -> tuple[int, Any]:
        thing_id = await conn.fetchval(
            "INSERT INTO things (name, actor, command_id) VALUES ($1, $2, $3) RETURNING id",
            body["name"], provenance.meta.actor, provenance.meta.command_id)
        return 201, {"id": thing_id}
    return await run(work)


@pytest_asyncio.fixture
async def client(database_factory: Any) -> AsyncIterator[tuple[httpx.AsyncClient,
                                                                 asyncpg.Pool]]:
    pool = await create_pool(await database_factory("runner"), max_size=4)
    await pool.execute(IDEMPOTENCY_DDL + "; CREATE TABLE things (id serial PRIMARY KEY, "
                       "name text, actor text, command_id text)")
    app = install_platform(FastAPI(), source="test", verifier=TokenVerifier(KEY),
                           metrics=PlatformMetrics(), pool=lambda: pool, routers=[router])
    try:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app),
                                     base_url="http://test") as c:
            yield c, pool
    finally:
        await pool.close()


async def test_a_command_runs_once_per_key_with_the_callers_provenance(
    client: tuple[httpx.AsyncClient, asyncpg.Pool],
) -> None:
    c, pool = client
    token = TokenIssuer(KEY).issue(Principal(subject="Kasir-1", role=Role.FEDERATION_ADMIN))
    headers = {"Authorization": f"Bearer {token}", "Idempotency-Key": "key-1"}
    first = await c.post("/things", json={"name": "kopi"}, headers=headers)
    again = await c.post("/things", json={"name": "kopi"}, headers=headers)
    assert (first.status_code, again.status_code) == (201, 201)
    assert first.json() == again.json()
    other = await c.post("/things", json={"name": "kopi"},
                         headers={**headers, "Idempotency-Key": "key-2"})
    assert other.json() != first.json()
    rows = await pool.fetch("SELECT actor, command_id FROM things ORDER BY id")
    assert [tuple(r) for r in rows] == [("kasir-1", "key-1"), ("kasir-1", "key-2")]
    missing = await c.post("/things", json={"name": "kopi"},
                           headers={"Authorization": headers["Authorization"]})
    assert missing.status_code == 400
    assert await pool.fetchval("SELECT count(*) FROM things") == 2
