"""The OpenAPI document of an app built by ``install_platform`` says what its edge does."""

from __future__ import annotations

import secrets
from typing import Annotated, Any

import asyncpg
import httpx
import pytest
from fastapi import APIRouter, Depends, FastAPI
from pydantic import BaseModel

from gotong_platform.auth import TokenVerifier
from gotong_platform.http import IdempotencyRequest, PrincipalDep, idempotency_key
from gotong_platform.http.service import install_platform
from gotong_platform.telemetry import PlatformMetrics

pytestmark = pytest.mark.unit

PROBLEM = "application/problem+json"
PROBLEM_CONTENT = {PROBLEM: {"schema": {"$ref": "#/components/schemas/Problem"}}}


class DepositIn(BaseModel):
    amount_idr: int


def an_app() -> FastAPI:
    router = APIRouter()

    @router.post("/cooperatives/{cooperative_id}/deposits", status_code=201,
                 responses={404: {"description": "not found or not visible"}})
    async def deposit(cooperative_id: str, body: DepositIn, principal: PrincipalDep,
                      idem: Annotated[IdempotencyRequest, Depends(idempotency_key)]
                      ) -> dict[str, int]:
        return {"amount_idr": body.amount_idr}

    @router.get("/federation/summary")
    async def summary(principal: PrincipalDep) -> dict[str, int]:
        return {"cooperatives": 0}

    def no_pool() -> asyncpg.Pool:
        raise AssertionError("not read")

    return install_platform(FastAPI(), source="test",
                            verifier=TokenVerifier(secrets.token_bytes(32)),
                            metrics=PlatformMetrics(), pool=no_pool, routers=[router])


@pytest.fixture(scope="module")
def document() -> dict[str, Any]:
    return an_app().openapi()


def operation(document: dict[str, Any], path: str, method: str) -> dict[str, Any]:
    found: dict[str, Any] = document["paths"][path][method]
    return found


def test_idempotency_key_is_declared_required_with_its_shape(document: dict[str, Any]) -> None:
    command = operation(document, "/cooperatives/{cooperative_id}/deposits", "post")
    [key] = [p for p in command["parameters"] if p["name"] == "Idempotency-Key"]
    assert key["in"] == "header"
    assert key["required"] is True
    assert key["schema"]["minLength"] == 1
    assert key["schema"]["maxLength"] == 255


def test_a_command_declares_every_status_the_edge_can_answer(document: dict[str, Any]) -> None:
    command = operation(document, "/cooperatives/{cooperative_id}/deposits", "post")
    assert set(command["responses"]) == {"201", "400", "401", "403", "404", "409", "413", "422",
                                         "429", "431", "503"}
    assert command["responses"]["503"]["headers"]["Retry-After"]["schema"]["type"] == "integer"
    assert command["responses"]["404"]["description"] == "not found or not visible"
    assert command["responses"]["429"]["headers"]["Retry-After"]["schema"]["type"] == "integer"
    assert "WWW-Authenticate" in command["responses"]["401"]["headers"]


def test_a_read_without_path_parameters_declares_no_404_or_409(document: dict[str, Any]) -> None:
    read = operation(document, "/federation/summary", "get")
    assert set(read["responses"]) == {"200", "400", "401", "403", "413", "422", "429", "431",
                                      "503"}


def test_health_and_readiness_need_no_token(document: dict[str, Any]) -> None:
    assert set(operation(document, "/health", "get")["responses"]) == {
        "200", "400", "413", "422", "431"}
    assert "503" in operation(document, "/ready", "get")["responses"]


def test_every_error_is_declared_as_a_problem(document: dict[str, Any]) -> None:
    for item in document["paths"].values():
        for op in item.values():
            for status, response in op["responses"].items():
                if int(status) >= 400:
                    assert response["content"] == PROBLEM_CONTENT, (status, op["operationId"])
    schemas = document["components"]["schemas"]
    assert "HTTPValidationError" not in schemas
    assert set(schemas["Problem"]["required"]) == {"type", "title", "status", "detail", "code"}


async def test_the_served_document_is_the_completed_one() -> None:
    app = an_app()
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app),
                                 base_url="http://test") as client:
        served = (await client.get("/openapi.json")).json()
    assert served == app.openapi()
    assert "Problem" in served["components"]["schemas"]
