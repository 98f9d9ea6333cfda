"""The Idempotency-Key dependency, the request hash and the replay response (no database)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated, Any

import httpx
import pytest
from fastapi import Depends, FastAPI

from gotong_platform.http import (
    IdempotencyKeyReused,
    IdempotencyRequest,
    StoredResponse,
    idempotency_key,
    install_problem_handlers,
    replay_response,
    request_hash,
)
from gotong_testing.api import asgi_client

pytestmark = pytest.mark.unit


def an_app() -> FastAPI:
    app = FastAPI()
    install_problem_handlers(app)

    @app.post("/cooperatives/{cooperative_id}/applications")
    async def submit(
        cooperative_id: str,
        body: dict[str, Any],
        idempotency: Annotated[IdempotencyRequest, Depends(idempotency_key)],
    ) -> dict[str, str]:
        return {"key": idempotency.key, "hash": idempotency.request_hash}

    @app.post("/reused")
    async def reused() -> None:
        raise IdempotencyKeyReused("this Idempotency-Key was already used for another request")

    return app


@pytest.fixture
async def client() -> AsyncIterator[httpx.AsyncClient]:
    async with asgi_client(an_app()) as client:
        yield client


URL = "/cooperatives/kop-a/applications"


async def test_key_and_hash_of_the_raw_body_are_returned(client: httpx.AsyncClient) -> None:
    content = b'{"name":  "Siti"}'  # odd spacing on purpose: the RAW bytes are hashed
    response = await client.post(
        URL,
        content=content,
        headers={"Idempotency-Key": "k-1", "Content-Type": "application/json"},
    )
    assert response.status_code == 200
    assert response.json() == {"key": "k-1", "hash": request_hash("POST", URL, content)}


async def test_missing_key_is_400(client: httpx.AsyncClient) -> None:
    response = await client.post(URL, json={})
    assert response.status_code == 400
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["code"] == "idempotency-key-required"


@pytest.mark.parametrize(
    "key",
    [b"x" * 256, b"caf\xe9", b"tab\there", b"del\x7f"],
    ids=["too long", "latin-1", "tab", "DEL"],
)
async def test_unusable_key_is_400(client: httpx.AsyncClient, key: bytes) -> None:
    response = await client.post(URL, json={}, headers=[(b"Idempotency-Key", key)])
    assert response.status_code == 400
    assert response.json()["code"] == "idempotency-key-invalid"


async def test_longest_allowed_key_is_accepted(client: httpx.AsyncClient) -> None:
    response = await client.post(URL, json={}, headers={"Idempotency-Key": "x" * 255})
    assert response.status_code == 200


async def test_reused_key_maps_to_422(client: httpx.AsyncClient) -> None:
    response = await client.post("/reused")
    assert response.status_code == 422
    assert response.json()["code"] == "idempotency-key-reused"


def test_request_hash_separates_method_path_and_body() -> None:
    base = request_hash("POST", "/a", b"{}")
    assert base == request_hash("post", "/a", b"{}")
    assert len({base, request_hash("PUT", "/a", b"{}"), request_hash("POST", "/b", b"{}")}) == 3
    assert base != request_hash("POST", "/a", b"{ }")
    # Moving bytes across the path/body boundary must change the hash.
    assert request_hash("POST", "/a", b"b{}") != request_hash("POST", "/ab", b"{}")


def test_replay_response_repeats_the_stored_response_marked_as_replayed() -> None:
    response = replay_response(StoredResponse(status_code=201, body={"member_id": "m-1"}))
    assert response.status_code == 201
    assert response.headers["idempotency-replayed"] == "true"
    assert response.media_type == "application/json"
    assert response.body == b'{"member_id":"m-1"}'
