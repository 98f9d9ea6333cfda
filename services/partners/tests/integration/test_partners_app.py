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
