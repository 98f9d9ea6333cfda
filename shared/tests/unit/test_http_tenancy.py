"""Central tenancy enforcement through a tiny app: 401, 404 that leaks nothing, 403."""

from __future__ import annotations

import secrets
from collections.abc import AsyncIterator
from typing import Annotated, Any

import httpx
import pytest
from fastapi import APIRouter, Depends, FastAPI

from gotong_platform.auth import Action, Principal, Role, TokenIssuer, TokenVerifier
from gotong_platform.http import (
    CooperativeScopeDep,
    cooperative_scope,
    install_problem_handlers,
    require_action,
)

pytestmark = pytest.mark.unit

KEY = secrets.token_bytes(32)
OWN, OTHER, UNKNOWN = "kop-tani-makmur", "kop-nelayan-sejahtera", "kop-tidak-ada"


class FakeDirectory:
    def __init__(self, regencies: dict[str, str]) -> None:
        self.regencies = regencies
        self.lookups = 0

    async def regency_of(self, cooperative_id: str) -> str | None:
        self.lookups += 1
        return self.regencies.get(cooperative_id)


def an_app(directory: FakeDirectory) -> FastAPI:
    app = FastAPI()
    app.state.token_verifier = TokenVerifier(KEY)
    app.state.cooperative_directory = directory
    install_problem_handlers(app)
    router = APIRouter(
        prefix="/cooperatives/{cooperative_id}", dependencies=[Depends(cooperative_scope)]
    )

    @router.get("/members")
    async def list_members(scope: CooperativeScopeDep) -> dict[str, Any]:
        return {"cooperative": scope.cooperative_id, "caller": scope.principal.subject}

    @router.post("/members")
    async def add_member(scope: CooperativeScopeDep) -> dict[str, Any]:
        return {"cooperative": scope.cooperative_id}

    @router.post("/members/m-1/admission")
    async def admit_member(
        scope: CooperativeScopeDep,
        _: Annotated[Principal, Depends(require_action(Action.DECIDE_MEMBERSHIP))],
    ) -> dict[str, Any]:
        return {"admitted_in": scope.cooperative_id}

    app.include_router(router)
    return app


@pytest.fixture
def directory() -> FakeDirectory:
    # Bogor (Jawa Barat, 32) and Cilacap (Jawa Tengah, 33).
    return FakeDirectory({OWN: "3201", OTHER: "3301"})


@pytest.fixture
async def client(directory: FakeDirectory) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=an_app(directory))
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        yield client


def bearer(**fields: Any) -> dict[str, str]:
    principal = Principal(subject=f"u-{secrets.token_hex(3)}", **fields)
    return {"Authorization": f"Bearer {TokenIssuer(KEY).issue(principal)}"}


CLERK: dict[str, Any] = {"role": Role.COOP_CLERK, "cooperative_id": OWN}
ADMIN: dict[str, Any] = {"role": Role.COOP_ADMIN, "cooperative_id": OWN}
OFFICER: dict[str, Any] = {"role": Role.REGIONAL_OFFICER, "region": "32"}
PARTNER: dict[str, Any] = {"role": Role.PARTNER, "cooperatives": frozenset({OWN})}
FEDERATION: dict[str, Any] = {"role": Role.FEDERATION_ADMIN}


async def test_own_cooperative_is_readable(client: httpx.AsyncClient) -> None:
    response = await client.get(f"/cooperatives/{OWN}/members", headers=bearer(**CLERK))
    assert response.status_code == 200
    assert response.json()["cooperative"] == OWN


@pytest.mark.parametrize(
    "caller", [CLERK, ADMIN, OFFICER, PARTNER], ids=["clerk", "admin", "officer", "partner"]
)
async def test_unreadable_cooperative_looks_exactly_like_an_unknown_one(
    client: httpx.AsyncClient, caller: dict[str, Any]
) -> None:
    headers = bearer(**caller)
    other = await client.get(f"/cooperatives/{OTHER}/members", headers=headers)
    unknown = await client.get(f"/cooperatives/{UNKNOWN}/members", headers=headers)
    assert other.status_code == unknown.status_code == 404
    assert other.content == unknown.content
    assert other.headers["content-type"] == "application/problem+json"
    assert other.json()["detail"] == "cooperative not found"


async def test_writing_elsewhere_is_404_not_403(client: httpx.AsyncClient) -> None:
    response = await client.post(f"/cooperatives/{OTHER}/members", headers=bearer(**ADMIN))
    assert response.status_code == 404


async def test_regional_officer_reads_its_region_but_never_writes(
    client: httpx.AsyncClient,
) -> None:
    headers = bearer(**OFFICER)
    assert (await client.get(f"/cooperatives/{OWN}/members", headers=headers)).status_code == 200
    response = await client.post(f"/cooperatives/{OWN}/members", headers=headers)
    assert response.status_code == 403
    assert response.json()["code"] == "forbidden"


async def test_partner_reads_its_subscription_but_never_writes(client: httpx.AsyncClient) -> None:
    headers = bearer(**PARTNER)
    assert (await client.get(f"/cooperatives/{OWN}/members", headers=headers)).status_code == 200
    assert (await client.post(f"/cooperatives/{OWN}/members", headers=headers)).status_code == 403


@pytest.mark.parametrize(("caller", "status"), [(CLERK, 200), (ADMIN, 200), (FEDERATION, 200)])
async def test_writers_write(
    client: httpx.AsyncClient, caller: dict[str, Any], status: int
) -> None:
    response = await client.post(f"/cooperatives/{OWN}/members", headers=bearer(**caller))
    assert response.status_code == status


async def test_action_check_refuses_a_clerk_deciding_membership(client: httpx.AsyncClient) -> None:
    url = f"/cooperatives/{OWN}/members/m-1/admission"
    refused = await client.post(url, headers=bearer(**CLERK))
    assert refused.status_code == 403
    assert refused.json()["detail"] == "your role may not decide membership"
    assert (await client.post(url, headers=bearer(**ADMIN))).status_code == 200


async def test_tenancy_is_checked_before_the_action(client: httpx.AsyncClient) -> None:
    # A clerk of another cooperative must not learn, from a 403, that it exists.
    clerk_elsewhere = bearer(role=Role.COOP_CLERK, cooperative_id="kop-lain")
    url = f"/cooperatives/{OWN}/members/m-1/admission"
    assert (await client.post(url, headers=clerk_elsewhere)).status_code == 404


@pytest.mark.parametrize(
    ("headers", "challenge"),
    [
        ({}, 'Bearer realm="gotong"'),
        ({"Authorization": "Basic dXNlcjpwYXNz"}, 'Bearer realm="gotong"'),
        ({"Authorization": "Bearer not-a-token"}, 'Bearer realm="gotong", error="invalid_token"'),
    ],
    ids=["no header", "wrong scheme", "bad token"],
)
async def test_missing_or_invalid_token_is_401(
    client: httpx.AsyncClient, directory: FakeDirectory, headers: dict[str, str], challenge: str
) -> None:
    response = await client.get(f"/cooperatives/{OWN}/members", headers=headers)
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == challenge
    assert response.json()["code"] == "unauthorized"
    assert directory.lookups == 0  # nothing about cooperatives is consulted before auth


async def test_scope_is_resolved_once_per_request(
    client: httpx.AsyncClient, directory: FakeDirectory
) -> None:
    await client.get(f"/cooperatives/{OWN}/members", headers=bearer(**CLERK))
    assert directory.lookups == 1


def test_openapi_documents_the_path_parameter_and_bearer_scheme(directory: FakeDirectory) -> None:
    schema = an_app(directory).openapi()
    parameters = schema["paths"]["/cooperatives/{cooperative_id}/members"]["get"]["parameters"]
    assert {"name": "cooperative_id", "in": "path"}.items() <= parameters[0].items()
    assert schema["components"]["securitySchemes"]["HTTPBearer"]["scheme"] == "bearer"
