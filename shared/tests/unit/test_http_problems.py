"""Every error becomes problem+json; nothing a client sends yields a 500 or echoes its data."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from typing import Annotated, Any

import asyncpg
import httpx
import pytest
from aiokafka import errors as kafka_errors
from fastapi import FastAPI, HTTPException
from pydantic import BaseModel, Field

from gotong_platform.domain import (
    ConcurrencyConflict,
    DomainError,
    InvalidInput,
    NotFound,
    RuleViolated,
)
from gotong_platform.http import install_problem_handlers, problem_response
from gotong_testing.api import asgi_client

pytestmark = pytest.mark.unit

NIK = "3201234567890123"
PROBLEM = "application/problem+json"


class SavingsNotWithdrawable(RuleViolated):
    code = "savings-not-withdrawable"


class Application(BaseModel):
    nik: Annotated[str, Field(pattern=r"^[0-9]{16}$")]
    name: str
    monthly_savings: int


ERRORS: dict[str, DomainError] = {
    "invalid": InvalidInput("name must not be empty"),
    "rule": RuleViolated("member is already admitted"),
    "missing": NotFound("no such member"),
    "conflict": ConcurrencyConflict("stream moved on"),
    "custom": SavingsNotWithdrawable("simpanan wajib is not withdrawable"),
    "bare": DomainError("refused"),
}


def an_app() -> FastAPI:
    app = FastAPI()
    install_problem_handlers(app)

    @app.post("/raise/{kind}")
    async def raise_domain_error(kind: str) -> None:
        raise ERRORS[kind]

    @app.post("/applications")
    async def submit(application: Application) -> dict[str, str]:
        return {"name": application.name}

    @app.get("/teapot")
    async def teapot() -> None:
        raise HTTPException(418, "short and stout", headers={"X-Pot": "yes"})

    @app.post("/store/{value}")
    async def store(value: int) -> None:
        # What asyncpg raises before sending a query whose argument does not fit.
        try:
            raise OverflowError("value out of int32 range")
        except OverflowError as exc:
            raise asyncpg.DataError(
                f"invalid input for query argument $1: {value} (value out of int32 range)"
            ) from exc

    @app.post("/wrong-type")
    async def wrong_type() -> None:
        try:
            raise TypeError("'str' object cannot be interpreted as an integer")
        except TypeError as exc:
            raise asyncpg.DataError("invalid input for query argument $1: 'x'") from exc

    @app.get("/bug")
    async def bug() -> None:
        raise RuntimeError(f"database password hunter2 leaked for {NIK}")

    return app


@pytest.fixture
async def client() -> AsyncIterator[httpx.AsyncClient]:
    async with asgi_client(an_app()) as client:
        yield client


@pytest.mark.parametrize(
    ("kind", "status", "code"),
    [
        ("invalid", 422, "invalid-input"),
        ("rule", 409, "rule-violated"),
        ("missing", 404, "not-found"),
        ("conflict", 409, "concurrency-conflict"),
        ("custom", 409, "savings-not-withdrawable"),
        ("bare", 400, "domain-error"),
    ],
)
async def test_domain_error_kinds_map_to_statuses(
    client: httpx.AsyncClient, kind: str, status: int, code: str
) -> None:
    response = await client.post(f"/raise/{kind}")
    assert response.status_code == status
    assert response.headers["content-type"] == PROBLEM
    body = response.json()
    assert body["code"] == code
    assert body["type"] == f"https://gotong.id/problems/{code}"
    assert body["status"] == status
    assert body["detail"] == ERRORS[kind].detail


async def test_invalid_body_names_fields_but_never_echoes_values(
    client: httpx.AsyncClient,
) -> None:
    bad_nik = NIK[:-1] + "X"
    response = await client.post(
        "/applications", json={"nik": bad_nik, "name": "Siti Rahayu", "monthly_savings": "banyak"}
    )
    assert response.status_code == 422
    assert response.headers["content-type"] == PROBLEM
    body = response.json()
    assert body["code"] == "invalid-request"
    assert {tuple(error["loc"]) for error in body["errors"]} == {
        ("body", "nik"),
        ("body", "monthly_savings"),
    }
    for value in (bad_nik, "Siti Rahayu", "banyak"):
        assert value not in response.text


async def test_missing_fields_are_listed(client: httpx.AsyncClient) -> None:
    response = await client.post("/applications", json={"nik": NIK})
    assert response.status_code == 422
    missing = {error["loc"][-1] for error in response.json()["errors"]}
    assert missing == {"name", "monthly_savings"}
    assert NIK not in response.text


@pytest.mark.parametrize(
    "content",
    [b'{"nik": "3201234567890123", "name": ', b"\xff\xfe not utf8", b"[1, 2", b""],
    ids=["truncated", "binary", "unclosed", "empty"],
)
async def test_malformed_json_is_a_client_error_not_a_500(
    client: httpx.AsyncClient, content: bytes
) -> None:
    response = await client.post(
        "/applications", content=content, headers={"Content-Type": "application/json"}
    )
    assert response.status_code in {400, 422}
    assert response.headers["content-type"] == PROBLEM
    assert NIK not in response.text


async def test_an_integer_too_large_for_its_column_is_a_422_that_never_quotes_it(
    client: httpx.AsyncClient,
) -> None:
    response = await client.post("/store/1099511627776")
    assert response.status_code == 422
    assert response.headers["content-type"] == PROBLEM
    assert response.json()["code"] == "number-out-of-range"
    assert "1099511627776" not in response.text


async def test_any_other_data_error_is_still_a_500(client: httpx.AsyncClient) -> None:
    response = await client.post("/wrong-type")
    assert response.status_code == 500
    assert response.json()["code"] == "internal-error"


async def test_unknown_route_and_method_are_problems(client: httpx.AsyncClient) -> None:
    missing = await client.get("/nowhere")
    assert (missing.status_code, missing.json()["code"]) == (404, "not-found")
    wrong_method = await client.delete("/applications")
    assert (wrong_method.status_code, wrong_method.json()["code"]) == (405, "method-not-allowed")
    assert wrong_method.headers["content-type"] == PROBLEM


async def test_http_exception_keeps_status_detail_and_headers(client: httpx.AsyncClient) -> None:
    response = await client.get("/teapot")
    assert response.status_code == 418
    assert response.headers["x-pot"] == "yes"
    assert response.json()["detail"] == "short and stout"


async def test_unexpected_error_is_a_generic_500_with_trace_id_and_a_logged_stack(
    client: httpx.AsyncClient, caplog: pytest.LogCaptureFixture
) -> None:
    trace_id = "4bf92f3577b34da6a3ce929d0e0e4736"
    with caplog.at_level(logging.ERROR):
        response = await client.get(
            "/bug", headers={"traceparent": f"00-{trace_id}-00f067aa0ba902b7-01"}
        )
    assert response.status_code == 500
    assert response.headers["content-type"] == PROBLEM
    body = response.json()
    assert body["trace_id"] == trace_id
    assert body["code"] == "internal-error"
    assert "hunter2" not in response.text
    assert NIK not in response.text
    [record] = [r for r in caplog.records if r.exc_info]
    assert trace_id in record.getMessage()
    assert isinstance(record.exc_info[1], RuntimeError)  # type: ignore[index]


async def test_unexpected_error_without_traceparent_still_gets_a_trace_id(
    client: httpx.AsyncClient,
) -> None:
    body = (await client.get("/bug")).json()
    assert len(body["trace_id"]) == 32
    assert int(body["trace_id"], 16) != 0


def test_extension_members_cannot_override_standard_ones() -> None:
    extra: dict[str, Any] = {"type": "x", "code": "other", "member": "kept"}
    response = problem_response(409, "Conflict", "taken", "taken", **extra)
    assert response.status_code == 409
    assert response.media_type == PROBLEM
    assert response.body == (
        b'{"type":"https://gotong.id/problems/taken","title":"Conflict",'
        b'"status":409,"detail":"taken","code":"taken","member":"kept"}'
    )


@pytest.mark.parametrize("error", [
    ConnectionRefusedError(111, "Connect call failed ('127.0.0.1', 5432)"),
    asyncpg.ConnectionDoesNotExistError("connection was closed in the middle of operation"),
    asyncpg.InterfaceError("pool is closing"),
    asyncpg.CannotConnectNowError("the database system is starting up"),
    asyncpg.TooManyConnectionsError("sorry, too many clients already"),
    TimeoutError(),
])
async def test_a_database_that_cannot_be_reached_is_a_503_with_retry_after(
    error: Exception,
) -> None:
    app = FastAPI()
    install_problem_handlers(app)

    @app.post("/deposits")
    async def deposit() -> None:
        try:
            raise error
        except Exception as exc:  # as a repository would wrap it
            raise RuntimeError("could not save the deposit") from exc

    async with asgi_client(app) as client:
        response = await client.post("/deposits")
    assert response.status_code == 503
    assert response.headers["content-type"] == PROBLEM
    assert response.headers["Retry-After"] == "5"
    assert response.json()["code"] == "database-unavailable"


@pytest.mark.parametrize("error", [
    kafka_errors.KafkaConnectionError("Unable to bootstrap from 127.0.0.1:59092"),
    kafka_errors.NoBrokersAvailable(),
    kafka_errors.RequestTimedOutError(),
])
async def test_a_broker_that_cannot_be_reached_is_a_503_with_retry_after(
    error: Exception,
) -> None:
    app = FastAPI()
    install_problem_handlers(app)

    @app.post("/partner/subscriptions")
    async def subscribe() -> None:
        raise error

    async with asgi_client(app) as client:
        response = await client.post("/partner/subscriptions")
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "5"
    assert response.json()["code"] == "broker-unavailable"
