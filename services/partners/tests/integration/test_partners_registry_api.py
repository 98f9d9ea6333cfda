"""Partners and consents over the API on real PostgreSQL: who may do what, idempotency,
who did it, and bad input that changes nothing."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from partners_support import Api

from gotong_platform.ids import new_id

pytestmark = pytest.mark.integration

BANK: dict[str, Any] = {"name": "Bank Pembangunan Daerah NTT", "kind": "bank",
                        "contacts": [{"name": "Dewi", "email": "dewi@bank.example"}]}


async def a_partner(api: Api, **overrides: Any) -> str:
    office = api.token("federation_admin", subject="federation-office")
    created = await api.post("/partners", {**BANK, **overrides}, office)
    assert created.status_code == 201, created.text
    partner_id: str = created.json()["partner_id"]
    return partner_id


async def a_cooperative(api: Api) -> tuple[str, dict[str, str]]:
    coop = new_id("cooperative")
    await api.known_cooperative(coop)
    return coop, api.token("coop_admin", cooperative_id=coop, subject=f"pengurus-{coop[-4:]}")


def a_consent(partner: str, **overrides: Any) -> dict[str, Any]:
    return {"partner_id": partner, "categories": ["savings", "loans"],
            "from_date": "2026-01-01", **overrides}


async def counts(api: Api) -> tuple[int, int, int]:
    (row,) = await api.rows("SELECT (SELECT count(*) FROM events) AS e, "
                            "(SELECT count(*) FROM consents) AS c, "
                            "(SELECT count(*) FROM partners) AS p")
    return row["e"], row["c"], row["p"]


async def test_a_cooperative_grants_and_revokes_and_the_events_say_who(api: Api) -> None:
    partner = await a_partner(api)
    coop, pengurus = await a_cooperative(api)

    granted = await api.post(f"/cooperatives/{coop}/consents", a_consent(partner), pengurus)
    assert granted.status_code == 201, granted.text
    consent = granted.json()
    assert consent["categories"] == ["savings", "loans"]
    assert consent["granted_by"] == f"pengurus-{coop[-4:]}"
    listed = await api.get(f"/cooperatives/{coop}/consents", pengurus)
    assert [c["consent_id"] for c in listed.json()] == [consent["consent_id"]]

    revoked = await api.post(f"/cooperatives/{coop}/consents/{consent['consent_id']}/revoke",
                             {"reason": "loan repaid"}, pengurus)
    assert revoked.status_code == 200, revoked.text
    assert revoked.json()["revoked_by"] == f"pengurus-{coop[-4:]}"
    again = await api.post(f"/cooperatives/{coop}/consents/{consent['consent_id']}/revoke",
                           {}, pengurus)
    assert again.status_code == 409
    assert again.json()["code"] == "consent-already-revoked"

    events = await api.rows("SELECT event_type, actor, payload FROM events ORDER BY "
                            "global_position")
    assert [(e["event_type"], e["actor"]) for e in events] == [
        ("PartnerRegistered", "federation-office"),
        ("ConsentGranted", f"pengurus-{coop[-4:]}"),
        ("ConsentRevoked", f"pengurus-{coop[-4:]}")]
    assert events[0]["payload"]["registered_by"] == "federation-office"
    assert events[1]["payload"]["granted_by"] == events[2]["payload"]["revoked_by"]


async def test_a_replayed_key_answers_the_first_result_and_grants_once(api: Api) -> None:
    partner = await a_partner(api)
    coop, pengurus = await a_cooperative(api)
    key = uuid.uuid4().hex
    first = await api.post(f"/cooperatives/{coop}/consents", a_consent(partner), pengurus, key=key)
    again = await api.post(f"/cooperatives/{coop}/consents", a_consent(partner), pengurus, key=key)

    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    assert again.headers["Idempotency-Replayed"] == "true"
    assert len(await api.rows("SELECT 1 FROM consents")) == 1
    missing = await api.client.post(f"/cooperatives/{coop}/consents", json=a_consent(partner),
                                    headers=pengurus)
    assert missing.status_code == 400


@pytest.mark.parametrize(("body", "status", "code"), [
    ({"categories": ["savings", "salaries"]}, 422, "unknown-category"),
    ({"categories": []}, 422, "no-categories"),
    ({"until_date": "2025-12-31"}, 422, "consent-window-reversed"),
    ({"partner_id": "partner-00000000-0000-7000-8000-000000000000"}, 422, "unknown-partner"),
    ({"granted_by": "someone-else"}, 422, None),
])
async def test_bad_grants_are_refused_as_problems_and_change_nothing(
    api: Api, body: dict[str, Any], status: int, code: str | None,
) -> None:
    partner = await a_partner(api)
    coop, pengurus = await a_cooperative(api)
    before = await counts(api)

    answer = await api.post(f"/cooperatives/{coop}/consents", a_consent(partner, **body),
                            pengurus)

    assert answer.status_code == status, answer.text
    assert answer.headers["content-type"].startswith("application/problem+json")
    if code is not None:
        assert answer.json()["code"] == code
    assert await counts(api) == before


async def test_another_cooperatives_consent_is_not_found_and_stays_in_force(api: Api) -> None:
    partner = await a_partner(api)
    coop_a, pengurus_a = await a_cooperative(api)
    coop_b, pengurus_b = await a_cooperative(api)
    consent = (await api.post(f"/cooperatives/{coop_a}/consents", a_consent(partner),
                              pengurus_a)).json()["consent_id"]

    through_b = await api.post(f"/cooperatives/{coop_b}/consents/{consent}/revoke", {},
                               pengurus_b)
    into_a = await api.post(f"/cooperatives/{coop_a}/consents/{consent}/revoke", {}, pengurus_b)
    read_by_b = await api.get(f"/cooperatives/{coop_b}/consents/{consent}", pengurus_b)

    assert (through_b.status_code, through_b.json()["code"]) == (404, "consent-not-found")
    assert into_a.status_code == 404  # not even told that cooperative A exists
    assert read_by_b.status_code == 404
    (row,) = await api.rows("SELECT revoked_at FROM consents WHERE consent_id = $1", consent)
    assert row["revoked_at"] is None


async def test_only_the_cooperatives_admin_grants_and_only_the_office_registers(api: Api
                                                                                ) -> None:
    partner = await a_partner(api)
    coop, _ = await a_cooperative(api)
    clerk = api.token("coop_clerk", cooperative_id=coop)
    office = api.token("federation_admin")
    bank = api.token("partner", subject=partner, cooperatives=frozenset({coop}))
    before = await counts(api)

    by_clerk = await api.post(f"/cooperatives/{coop}/consents", a_consent(partner), clerk)
    by_office = await api.post(f"/cooperatives/{coop}/consents", a_consent(partner), office)
    by_bank = await api.post(f"/cooperatives/{coop}/consents", a_consent(partner), bank)
    registered_by_clerk = await api.post("/partners", BANK, clerk)

    assert [by_clerk.status_code, by_office.status_code, by_bank.status_code,
            registered_by_clerk.status_code] == [403, 403, 403, 403]
    assert await counts(api) == before


async def test_contacts_are_shown_to_the_federation_office_only(api: Api) -> None:
    partner = await a_partner(api)
    _coop, pengurus = await a_cooperative(api)
    office = api.token("federation_admin")
    bank = api.token("partner", subject=partner)

    seen_by_office = (await api.get(f"/partners/{partner}", office)).json()
    seen_by_pengurus = (await api.get(f"/partners/{partner}", pengurus)).json()
    seen_by_bank = await api.get("/partners", bank)

    assert seen_by_office["contacts"] == [{"name": "Dewi", "email": "dewi@bank.example",
                                           "phone": None, "role": None}]
    assert seen_by_pengurus["contacts"] is None
    assert seen_by_pengurus["name"] == BANK["name"]
    assert seen_by_bank.status_code == 404
    refused = await api.post("/partners", {**BANK, "contacts": [{"name": "X"}]}, office)
    assert (refused.status_code, refused.json()["code"]) == (422, "invalid-contact")
