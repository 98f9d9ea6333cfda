"""Without an exporter, requests still carry their trace: continued, or started here."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
from fastapi import FastAPI

from gotong_platform.http import install_problem_handlers
from gotong_platform.telemetry.http import instrument_http
from gotong_platform.telemetry.tracing import current_trace_headers
from gotong_testing.api import asgi_client

pytestmark = pytest.mark.unit

TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736"


def an_app() -> FastAPI:
    app = FastAPI()
    install_problem_handlers(app)

    @app.get("/headers")
    async def headers() -> dict[str, str | None]:
        traceparent, _ = current_trace_headers()  # what a command stores with its events
        return {"traceparent": traceparent}

    @app.get("/bug")
    async def bug() -> None:
        raise RuntimeError("boom")

    instrument_http(app, exported=False)
    return app


@pytest.fixture
async def client() -> AsyncIterator[httpx.AsyncClient]:
    async with asgi_client(an_app()) as client:
        yield client


async def test_the_callers_trace_is_continued_with_a_span_of_its_own(
    client: httpx.AsyncClient,
) -> None:
    parent = f"00-{TRACE_ID}-00f067aa0ba902b7-01"
    stored = (await client.get("/headers", headers={"traceparent": parent})).json()
    version, trace_id, span_id, _ = stored["traceparent"].split("-")
    assert (version, trace_id) == ("00", TRACE_ID)
    assert span_id not in ("00f067aa0ba902b7", "0" * 16)


async def test_a_request_without_traceparent_starts_a_trace(client: httpx.AsyncClient) -> None:
    first = (await client.get("/headers")).json()["traceparent"]
    second = (await client.get("/headers")).json()["traceparent"]
    assert first is not None
    assert second is not None
    assert first.split("-")[1] != second.split("-")[1]
    assert int(first.split("-")[1], 16) != 0


async def test_a_500_answers_with_the_callers_trace_id(client: httpx.AsyncClient) -> None:
    parent = f"00-{TRACE_ID}-00f067aa0ba902b7-00"
    body = (await client.get("/bug", headers={"traceparent": parent})).json()
    assert body["trace_id"] == TRACE_ID
