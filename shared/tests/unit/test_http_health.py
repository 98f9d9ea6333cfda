"""Liveness always answers; readiness reports each check and fails with a 503 problem."""

from __future__ import annotations

import asyncio

import httpx
import pytest
from fastapi import FastAPI

from gotong_platform.http import ReadinessCheck, health_router

pytestmark = pytest.mark.unit


async def healthy() -> None:
    return None


async def refusing() -> None:
    raise ConnectionRefusedError("postgresql://app:s3cret@db:5432 refused")


async def hanging() -> None:
    await asyncio.sleep(10)


async def get(checks: dict[str, ReadinessCheck], path: str) -> httpx.Response:
    app = FastAPI()
    app.include_router(health_router(checks, timeout_seconds=0.05))
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://test"
    ) as client:
        return await client.get(path)


async def test_health_is_ok_even_when_dependencies_are_down() -> None:
    response = await get({"postgres": refusing}, "/health")
    assert (response.status_code, response.json()) == (200, {"status": "ok"})


async def test_ready_reports_every_check() -> None:
    response = await get({"postgres": healthy, "kafka": healthy}, "/ready")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "checks": {"postgres": "ok", "kafka": "ok"}}


async def test_ready_without_checks_is_ready() -> None:
    assert (await get({}, "/ready")).status_code == 200


async def test_failing_and_hanging_checks_make_a_503_problem() -> None:
    response = await get({"postgres": refusing, "kafka": hanging, "cache": healthy}, "/ready")
    assert response.status_code == 503
    assert response.headers["content-type"] == "application/problem+json"
    body = response.json()
    assert body["failing"] == ["kafka", "postgres"]
    assert body["checks"] == {
        "postgres": "failed: ConnectionRefusedError",
        "kafka": "timed out",
        "cache": "ok",
    }
    assert "s3cret" not in response.text
