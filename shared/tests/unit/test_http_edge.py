"""The edge every service gets from ``install_platform``: what it refuses before a route
runs (431, 400, 413, 422), the per-principal rate limit (429), and what it lets through
unchanged."""

from __future__ import annotations

import json
import secrets
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import asyncpg
import httpx
import pytest
from fastapi import APIRouter, FastAPI, Request
from pydantic import BaseModel

from gotong_platform.auth import Principal, Role, TokenIssuer, TokenVerifier
from gotong_platform.http import PrincipalDep
from gotong_platform.http.service import install_platform
from gotong_platform.settings import EdgeLimits, EdgeSettings
from gotong_platform.telemetry import PlatformMetrics

pytestmark = pytest.mark.unit

KEY = secrets.token_bytes(32)
PROBLEM = "application/problem+json"
SMALL = EdgeLimits(max_body_bytes=2_000, max_sync_body_bytes=20_000, max_header_bytes=4_000,
                   rate_limit_per_second=0.01, rate_limit_burst=5)  # no refill in a test


class NoteIn(BaseModel):
    text: str
    amount: int


@dataclass
class Seen:
    bodies: list[bytes] = field(default_factory=list)


def an_app(limits: EdgeLimits, seen: Seen) -> FastAPI:
    router = APIRouter()

    @router.post("/cooperatives/{cooperative_id}/notes", status_code=201)
    async def add_note(cooperative_id: str, note: NoteIn, principal: PrincipalDep,
                       request: Request) -> dict[str, Any]:
        seen.bodies.append(await request.body())
        return {"cooperative_id": cooperative_id, "text": note.text, "by": principal.subject}

    @router.post("/cooperatives/{cooperative_id}/sync")
    async def sync(cooperative_id: str, request: Request, principal: PrincipalDep
                   ) -> dict[str, int]:
        seen.bodies.append(await request.body())
        return {"size": len(seen.bodies[-1])}

    @router.get("/cooperatives/{cooperative_id}/items")
    async def items(cooperative_id: str, principal: PrincipalDep, q: str | None = None
                    ) -> dict[str, str | None]:
        return {"cooperative_id": cooperative_id, "q": q}

    def no_pool() -> asyncpg.Pool:
        raise AssertionError("no test here reads the database")

    return install_platform(FastAPI(), source="test", verifier=TokenVerifier(KEY),
                            metrics=PlatformMetrics(), pool=no_pool, routers=[router],
                            limits=limits)


def bearer(subject: str = "kasir-1") -> dict[str, str]:
    principal = Principal(subject=subject, role=Role.COOP_CLERK, cooperative_id="kop-a")
    return {"Authorization": f"Bearer {TokenIssuer(KEY).issue(principal)}"}


@pytest.fixture
def seen() -> Seen:
    return Seen()


@pytest.fixture
async def client(seen: Seen) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=an_app(SMALL, seen))
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        yield client


def assert_problem(response: httpx.Response, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == PROBLEM
    body: dict[str, Any] = response.json()
    assert (body["status"], body["code"]) == (status, code)
    return body


# --- NUL characters and 64-bit numbers -----------------------------------------------


@pytest.mark.parametrize("url", [
    "/cooperatives/%00/items",
    "/cooperatives/kop-a%00/items",
    "/cooperatives/kop-a/items?q=%00",
    "/cooperatives/kop-a/items?q=ab%00cd",
    "/cooperatives/kop-a/items?%00=x",
], ids=["path parameter", "inside a path parameter", "query value", "inside a query value",
        "query name"])
async def test_a_nul_in_the_url_is_a_400_before_any_route(client: httpx.AsyncClient,
                                                           url: str) -> None:
    assert_problem(await client.get(url, headers=bearer()), 400, "nul-character")


async def test_a_nul_in_a_json_string_is_a_422_and_the_route_never_runs(
    client: httpx.AsyncClient, seen: Seen,
) -> None:
    response = await client.post("/cooperatives/kop-a/notes",
                                 json={"text": "Siti\x00Rahayu", "amount": 1}, headers=bearer())
    body = assert_problem(response, 422, "nul-character")
    assert body["errors"][0]["loc"] == ["body", "text"]
    assert "Rahayu" not in response.text
    assert seen.bodies == []


@pytest.mark.parametrize("amount", [2**63, -(2**63) - 1, 10**40])
async def test_an_integer_beyond_64_bits_is_a_422_and_the_route_never_runs(
    client: httpx.AsyncClient, seen: Seen, amount: int,
) -> None:
    response = await client.post("/cooperatives/kop-a/notes",
                                 json={"text": "iuran", "amount": amount}, headers=bearer())
    body = assert_problem(response, 422, "number-out-of-range")
    assert body["errors"][0]["loc"] == ["body", "amount"]
    assert seen.bodies == []


async def test_a_body_without_content_type_is_screened_as_json_like_fastapi_parses_it(
    client: httpx.AsyncClient, seen: Seen,
) -> None:
    response = await client.post("/cooperatives/kop-a/notes", headers=bearer(),
                                 content=json.dumps({"text": "x", "amount": 2**64}))
    assert_problem(response, 422, "number-out-of-range")
    assert seen.bodies == []


async def test_a_good_body_reaches_the_route_byte_for_byte(
    client: httpx.AsyncClient, seen: Seen,
) -> None:
    # Odd spacing and an in-range 19-digit number: the route (and the Idempotency-Key
    # hash) must see exactly the bytes sent, not a re-serialisation.
    raw = b'{ "text" : "Ni Luh \\u00e9 \\\\u0000",   "amount": 9223372036854775807 }'
    response = await client.post("/cooperatives/kop-a/notes", content=raw,
                                 headers={**bearer(), "Content-Type": "application/json"})
    assert response.status_code == 201, response.text
    assert seen.bodies == [raw]


# --- sizes -----------------------------------------------------------------------------


async def test_headers_beyond_the_limit_are_a_431(client: httpx.AsyncClient) -> None:
    response = await client.get("/cooperatives/kop-a/items",
                                headers={"Authorization": "Bearer " + "a" * 5_000})
    assert_problem(response, 431, "request-headers-too-large")


async def test_a_body_beyond_the_limit_is_a_413_and_the_route_never_runs(
    client: httpx.AsyncClient, seen: Seen,
) -> None:
    response = await client.post("/cooperatives/kop-a/notes", headers=bearer(),
                                 json={"text": "x" * 2_500, "amount": 1})
    body = assert_problem(response, 413, "body-too-large")
    assert "2000 bytes" in body["detail"]
    assert seen.bodies == []


async def test_a_streamed_body_without_length_is_counted_and_cut_at_the_limit(
    client: httpx.AsyncClient, seen: Seen,
) -> None:
    async def chunks() -> AsyncIterator[bytes]:
        for _ in range(30):
            yield b" " * 100

    response = await client.post("/cooperatives/kop-a/notes", content=chunks(),
                                 headers={**bearer(), "Content-Type": "application/json"})
    assert_problem(response, 413, "body-too-large")
    assert seen.bodies == []


async def test_sync_uploads_get_the_larger_limit_and_no_more(
    client: httpx.AsyncClient, seen: Seen,
) -> None:
    batch = {"items": ["x" * 100] * 100}  # about 10 kB: over the plain limit
    accepted = await client.post("/cooperatives/kop-a/sync", json=batch, headers=bearer())
    assert accepted.status_code == 200, accepted.text
    assert_problem(await client.post("/cooperatives/kop-a/notes", json=batch, headers=bearer()),
                   413, "body-too-large")
    too_big = await client.post("/cooperatives/kop-a/sync", headers=bearer(),
                                json={"items": ["x" * 100] * 250})
    assert_problem(too_big, 413, "body-too-large")
    assert len(seen.bodies) == 1


# --- the rate limit --------------------------------------------------------------------


async def test_a_principal_past_its_burst_gets_429_with_retry_after(
    client: httpx.AsyncClient,
) -> None:
    answers = [await client.get("/cooperatives/kop-a/items", headers=bearer("kasir-2"))
               for _ in range(SMALL.rate_limit_burst + 3)]
    assert [a.status_code for a in answers[:SMALL.rate_limit_burst]] == [200] * 5
    for refused in answers[SMALL.rate_limit_burst:]:
        assert_problem(refused, 429, "rate-limited")
        assert int(refused.headers["retry-after"]) >= 1
    other = await client.get("/cooperatives/kop-a/items", headers=bearer("kasir-3"))
    assert other.status_code == 200  # per principal: another caller is not held up


async def test_one_principal_in_two_spellings_shares_one_bucket(
    client: httpx.AsyncClient,
) -> None:
    for spelling in ("PROBE-B-A-CLERK", "probe-b-A-clerk") * 2 + ("Probe-B-A-Clerk",):
        assert (await client.get("/cooperatives/kop-a/items", headers=bearer(spelling))
                ).status_code == 200
    refused = await client.get("/cooperatives/kop-a/items", headers=bearer("probe-B-a-CLERK"))
    assert_problem(refused, 429, "rate-limited")


async def test_no_rate_limit_when_turned_off(seen: Seen) -> None:
    limits = EdgeLimits(rate_limit_per_second=0, rate_limit_burst=1)
    transport = httpx.ASGITransport(app=an_app(limits, seen))
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        for _ in range(5):
            response = await client.get("/cooperatives/kop-a/items", headers=bearer())
            assert response.status_code == 200


def test_settings_carry_the_documented_defaults_and_the_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    defaults = EdgeSettings()
    assert defaults.edge_limits() == EdgeLimits()
    assert (defaults.max_body_bytes, defaults.max_sync_body_bytes, defaults.max_header_bytes,
            defaults.rate_limit_per_second, defaults.rate_limit_burst,
            defaults.max_token_lifetime_s) == (1_048_576, 8_388_608, 65_536, 20.0, 120, 86_400)
    monkeypatch.setenv("MAX_BODY_BYTES", "4096")
    monkeypatch.setenv("RATE_LIMIT_PER_SECOND", "0")
    monkeypatch.setenv("MAX_TOKEN_LIFETIME_S", "3600")
    configured = EdgeSettings()
    assert configured.edge_limits().max_body_bytes == 4096
    assert configured.edge_limits().rate_limit_per_second == 0
    assert configured.max_token_lifetime().total_seconds() == 3600
