"""The gateway's process on real PostgreSQL: migrations, health, its OpenAPI document."""

from __future__ import annotations

import base64
import os

import pytest

from gotong_testing.api import serving
from partners.main import create_app
from partners.settings import PartnersSettings

pytestmark = pytest.mark.integration


async def test_the_api_starts_on_a_fresh_database_and_is_ready(  # type: ignore[no-untyped-def]
    database_factory, clock,
) -> None:
    settings = PartnersSettings(database_url=await database_factory("partners_app"),
                                jwt_key="k" * 48,
                                pseudonym_key=base64.b64encode(os.urandom(32)).decode())
    async with serving(create_app(settings, clock=clock), "partners") as client:
        ready = await client.get("/ready")
        document = await client.get("/openapi.json")

    assert ready.status_code == 200, ready.text
    assert document.json()["info"]["title"] == "Gotong partner gateway"


@pytest.mark.parametrize("key", [None, "not base64!", base64.b64encode(b"short").decode()])
def test_the_api_refuses_to_start_without_a_pseudonym_key_of_32_bytes(key: str | None) -> None:
    settings = PartnersSettings(jwt_key="k" * 48, pseudonym_key=key)
    with pytest.raises(ValueError, match="GOTONG_PARTNERS_PSEUDONYM_KEY"):
        create_app(settings)


async def test_only_the_dashboards_origin_may_call_the_api_from_a_browser(  # type: ignore[no-untyped-def]
    database_factory, clock,
) -> None:
    dashboard, stranger = "http://reporting.gotong.example", "https://evil.example"
    settings = PartnersSettings(database_url=await database_factory("partners_cors"),
                                jwt_key="k" * 48, cors_origins=(dashboard,),
                                pseudonym_key=base64.b64encode(os.urandom(32)).decode())
    revoke = "/cooperatives/cooperative-x/consents/consent-y/revoke"
    asking = {"Access-Control-Request-Method": "POST",
              "Access-Control-Request-Headers": "authorization,content-type,idempotency-key"}
    async with serving(create_app(settings, clock=clock), "partners") as client:
        preflight = await client.options(revoke, headers={"Origin": dashboard, **asking})
        foreign = await client.options(revoke, headers={"Origin": stranger, **asking})
        refused = await client.get("/oversight/partners", headers={"Origin": dashboard})
        elsewhere = await client.get("/oversight/partners", headers={"Origin": stranger})
    without = settings.model_copy(update={"cors_origins": ()})
    async with serving(create_app(without, clock=clock), "partners") as client:
        closed = await client.get("/ready", headers={"Origin": dashboard})

    assert preflight.status_code == 200
    assert preflight.headers["access-control-allow-origin"] == dashboard
    assert "idempotency-key" in preflight.headers["access-control-allow-headers"].lower()
    assert foreign.status_code == 400
    assert "access-control-allow-origin" not in foreign.headers
    # a refusal is readable by the page too (the 401 tells it to sign in again)
    assert (refused.status_code, refused.headers["access-control-allow-origin"]) == (
        401, dashboard)
    assert "access-control-allow-origin" not in elsewhere.headers
    assert "access-control-allow-origin" not in closed.headers  # no origin by default
