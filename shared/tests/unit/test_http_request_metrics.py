"""Request metrics of an API (``install_platform``): counted and timed under the route's
template, the method and the status class, never the raw path."""

from __future__ import annotations

import secrets
from collections.abc import AsyncIterator

import asyncpg
import httpx
import pytest
from fastapi import APIRouter, FastAPI

from gotong_platform.auth import Principal, Role, TokenIssuer, TokenVerifier
from gotong_platform.http import HTTPProblem, PrincipalDep
from gotong_platform.http.request_metrics import UNMATCHED_ROUTE
from gotong_platform.http.service import install_platform
from gotong_platform.settings import EdgeLimits
from gotong_platform.telemetry import PlatformMetrics

pytestmark = pytest.mark.unit

KEY = secrets.token_bytes(32)
MEMBER = "/cooperatives/{cooperative_id}/members/{member_id}"


def an_app(metrics: PlatformMetrics) -> FastAPI:
    # The services' routers carry the cooperative prefix: the template is the full path.
    router = APIRouter(prefix="/cooperatives/{cooperative_id}")

    @router.get("/members/{member_id}")
    async def member(cooperative_id: str, member_id: str, principal: PrincipalDep
                     ) -> dict[str, str]:
        if member_id == "missing":
            raise HTTPProblem(404, "Member not found", "No such member", "member-not-found")
        if member_id == "broken":
            raise RuntimeError("a fault in the handler")
        return {"cooperative_id": cooperative_id, "member_id": member_id}

    @router.post("/notes")
    async def note(cooperative_id: str, principal: PrincipalDep) -> dict[str, str]:
        return {"cooperative_id": cooperative_id}

    def no_pool() -> asyncpg.Pool:
        raise AssertionError("no test here reads the database")

    return install_platform(FastAPI(), source="test", verifier=TokenVerifier(KEY),
                            metrics=metrics, pool=no_pool, routers=[router],
                            limits=EdgeLimits(max_body_bytes=2_000, rate_limit_per_second=0))


def bearer() -> dict[str, str]:
    principal = Principal(subject="kasir-1", role=Role.COOP_CLERK, cooperative_id="kop-a")
    return {"Authorization": f"Bearer {TokenIssuer(KEY).issue(principal)}"}


@pytest.fixture
def metrics() -> PlatformMetrics:
    return PlatformMetrics()


@pytest.fixture
async def client(metrics: PlatformMetrics) -> AsyncIterator[httpx.AsyncClient]:
    # The 500 is the client's answer, not an exception raised into the test.
    transport = httpx.ASGITransport(app=an_app(metrics), raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        yield client


def requests(metrics: PlatformMetrics, route: str, method: str, status: str) -> float:
    value = metrics.registry.get_sample_value(
        "gotong_http_requests_total", {"route": route, "method": method, "status": status})
    return value or 0.0


def latency_count(metrics: PlatformMetrics, route: str, method: str, status: str) -> float:
    value = metrics.registry.get_sample_value(
        "gotong_http_request_duration_seconds_count",
        {"route": route, "method": method, "status": status})
    return value or 0.0


def route_labels(metrics: PlatformMetrics) -> set[str]:
    return {sample.labels["route"] for family in metrics.registry.collect()
            if family.name == "gotong_http_requests" for sample in family.samples}


async def test_requests_to_a_templated_route_are_counted_under_its_template(
        client: httpx.AsyncClient, metrics: PlatformMetrics) -> None:
    for member_id in ("anggota-1", "anggota-2", "anggota-3"):
        response = await client.get(f"/cooperatives/kop-a/members/{member_id}",
                                    headers=bearer())
        assert response.status_code == 200
    assert requests(metrics, MEMBER, "GET", "2xx") == 3
    # Not one series per member: the raw paths appear nowhere.
    assert route_labels(metrics) == {MEMBER}


async def test_a_4xx_and_a_5xx_are_counted_by_class(
        client: httpx.AsyncClient, metrics: PlatformMetrics) -> None:
    missing = await client.get("/cooperatives/kop-a/members/missing", headers=bearer())
    broken = await client.get("/cooperatives/kop-a/members/broken", headers=bearer())
    unauthenticated = await client.get("/cooperatives/kop-a/members/anggota-1")
    assert (missing.status_code, broken.status_code, unauthenticated.status_code) == (
        404, 500, 401)
    assert requests(metrics, MEMBER, "GET", "4xx") == 2
    assert requests(metrics, MEMBER, "GET", "5xx") == 1
    assert requests(metrics, MEMBER, "GET", "2xx") == 0


async def test_latency_is_observed_for_every_request(
        client: httpx.AsyncClient, metrics: PlatformMetrics) -> None:
    await client.get("/cooperatives/kop-a/members/anggota-1", headers=bearer())
    await client.get("/cooperatives/kop-a/members/missing", headers=bearer())
    assert latency_count(metrics, MEMBER, "GET", "2xx") == 1
    assert latency_count(metrics, MEMBER, "GET", "4xx") == 1
    total = metrics.registry.get_sample_value(
        "gotong_http_request_duration_seconds_sum",
        {"route": MEMBER, "method": "GET", "status": "2xx"})
    assert total is not None
    assert total > 0
    # Every bucket series is there, so Prometheus can compute quantiles per route.
    inf = metrics.registry.get_sample_value(
        "gotong_http_request_duration_seconds_bucket",
        {"route": MEMBER, "method": "GET", "status": "2xx", "le": "+Inf"})
    assert inf == 1


async def test_a_request_refused_before_routing_keeps_its_route_template(
        client: httpx.AsyncClient, metrics: PlatformMetrics) -> None:
    # The request guard answers 413 before the router runs.
    response = await client.post("/cooperatives/kop-a/notes", headers=bearer(),
                                 content=b"x" * 5_000)
    assert response.status_code == 413
    assert requests(metrics, "/cooperatives/{cooperative_id}/notes", "POST", "4xx") == 1


async def test_unknown_paths_and_methods_share_bounded_labels(
        client: httpx.AsyncClient, metrics: PlatformMetrics) -> None:
    for n in range(5):
        assert (await client.get(f"/scan/{n}")).status_code == 404
    await client.request("PROPFIND", "/cooperatives/kop-a/members/anggota-1", headers=bearer())
    assert requests(metrics, UNMATCHED_ROUTE, "GET", "4xx") == 5
    assert requests(metrics, MEMBER, "other", "4xx") == 1
    assert route_labels(metrics) == {UNMATCHED_ROUTE, MEMBER}
