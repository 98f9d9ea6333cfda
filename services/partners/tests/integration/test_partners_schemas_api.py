"""The partner contracts' schemas are served, without credentials, at their own ``$id``."""

from __future__ import annotations

import jsonschema
import pytest
from partners_support import Api

from gotong_platform.contracts.partner_feed import PARTNER_CONTRACTS

pytestmark = pytest.mark.integration


async def test_every_schema_resolves_at_its_id_and_is_a_valid_schema(api: Api) -> None:
    index = await api.client.get("/schemas/partner")
    assert index.status_code == 200, index.text
    listed = index.json()
    assert {entry["category"] for entry in listed} == set(PARTNER_CONTRACTS)
    for entry in listed:
        url = entry["schema"]
        assert url.startswith("https://partners.gotong.example/schemas/partner/")
        answer = await api.client.get(url.removeprefix("https://partners.gotong.example"))
        assert answer.status_code == 200
        assert answer.headers["content-type"].startswith("application/schema+json")
        schema = answer.json()
        assert schema["$id"] == url
        jsonschema.Draft202012Validator.check_schema(schema)


async def test_an_unknown_schema_is_a_problem(api: Api) -> None:
    answer = await api.client.get("/schemas/partner/partner.salaries.Salary.v1.json")
    assert answer.status_code == 404
    assert answer.json()["code"] == "schema-not-found"
