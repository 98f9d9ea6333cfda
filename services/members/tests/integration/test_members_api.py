"""The members API on real PostgreSQL: lifecycle, idempotency, tenancy, bad input."""

from __future__ import annotations

import asyncio
import uuid

import asyncpg
import pytest

from .conftest import Api, a_cooperative, an_application

pytestmark = pytest.mark.integration


async def federation_with_coop(api: Api, **coop: str) -> tuple[str, dict[str, str]]:
    admin = api.token("federation_admin")
    created = await api.post("/cooperatives", a_cooperative(**coop), admin)
    assert created.status_code == 201, created.text
    coop_id = created.json()["cooperative_id"]
    joined = await api.post(f"/cooperatives/{coop_id}/join-federation",
                            {"effective_date": "2020-02-01"}, admin)
    assert joined.status_code == 200, joined.text
    return coop_id, admin


async def test_member_lifecycle_assigns_numbers_and_never_returns_the_nik(api: Api) -> None:
    coop, _ = await federation_with_coop(api)
    clerk = api.token("coop_clerk", cooperative_id=coop)
    boss = api.token("coop_admin", cooperative_id=coop)
    application = an_application()
    applied = await api.post(f"/cooperatives/{coop}/members", application, clerk)
    assert applied.status_code == 201, applied.text
    assert application["nik"] not in applied.text
    member = applied.json()["member_id"]
    admitted = await api.post(f"/cooperatives/{coop}/members/{member}/admit",
                              {"admitted_on": "2026-01-20"}, boss)
    assert admitted.status_code == 200, admitted.text
    assert admitted.json()["member_no"] == "00001"
    assert admitted.json()["status"] == "admitted"
    suspended = await api.post(f"/cooperatives/{coop}/members/{member}/suspend",
                               {"reason": "wajib unpaid", "suspended_on": "2026-02-01"}, boss)
    assert suspended.json()["status"] == "suspended"
    exited = await api.post(f"/cooperatives/{coop}/members/{member}/exit",
                            {"reason": "moved_away", "exited_on": "2026-03-01"}, boss)
    assert exited.json()["status"] == "exited"
    listed = await api.client.get(f"/cooperatives/{coop}/members", headers=clerk)
    assert [m["status"] for m in listed.json()["items"]] == ["exited"]


async def test_events_and_outbox_hold_no_clear_nik_or_name(api: Api) -> None:
    coop, _ = await federation_with_coop(api)
    clerk = api.token("coop_clerk", cooperative_id=coop)
    application = an_application()
    await api.post(f"/cooperatives/{coop}/members", application, clerk)
    conn = await asyncpg.connect(api.settings.database_url)
    try:
        outbox = await conn.fetch("SELECT payload::text AS p FROM outbox")
        events = await conn.fetch("SELECT payload::text AS p FROM events")
        cipher = await conn.fetchval("SELECT nik_cipher FROM member_nik")
    finally:
        await conn.close()
    published = " ".join(r["p"] for r in outbox)
    assert application["nik"] not in published
    assert "nik_hash" not in published
    assert "Maria" not in published
    assert application["nik"] not in " ".join(r["p"] for r in events)
    assert application["nik"].encode() not in cipher


async def test_replayed_idempotency_key_returns_first_result_without_new_effects(api: Api) -> None:
    coop, _ = await federation_with_coop(api)
    clerk = api.token("coop_clerk", cooperative_id=coop)
    key = uuid.uuid4().hex
    first = await api.post(f"/cooperatives/{coop}/members", an_application(), clerk, key=key)
    again = await api.post(f"/cooperatives/{coop}/members", an_application(), clerk, key=key)
    assert again.status_code == first.status_code == 201
    assert again.json() == first.json()
    assert again.headers["Idempotency-Replayed"] == "true"
    other = await api.post(f"/cooperatives/{coop}/members",
                           an_application(full_name="Someone Else"), clerk, key=key)
    assert other.status_code == 422
    assert other.json()["code"] == "idempotency-key-reused"
    listed = await api.client.get(f"/cooperatives/{coop}/members", headers=clerk)
    assert len(listed.json()["items"]) == 1


async def test_concurrent_retries_with_one_key_apply_once(api: Api) -> None:
    coop, _ = await federation_with_coop(api)
    clerk = api.token("coop_clerk", cooperative_id=coop)
    key = uuid.uuid4().hex
    answers = await asyncio.gather(*(
        api.post(f"/cooperatives/{coop}/members", an_application(), clerk, key=key)
        for _ in range(5)))
    assert {a.status_code for a in answers} == {201}
    assert len({a.json()["member_id"] for a in answers}) == 1


async def test_post_without_idempotency_key_is_refused(api: Api) -> None:
    admin = api.token("federation_admin")
    response = await api.client.post("/cooperatives", json=a_cooperative(), headers=admin)
    assert response.status_code == 400
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.json()["code"] == "idempotency-key-required"


async def test_other_cooperatives_are_invisible_and_roles_are_enforced(api: Api) -> None:
    coop_a, _ = await federation_with_coop(api)
    coop_b, _ = await federation_with_coop(api, regency_code="8105", province_code="81",
                                           time_zone="WIT")
    clerk_a = api.token("coop_clerk", cooperative_id=coop_a)
    clerk_b = api.token("coop_clerk", cooperative_id=coop_b)
    b_member = (await api.post(f"/cooperatives/{coop_b}/members",
                               an_application(village_code="8105010001",
                                              nik="8105014503900001"), clerk_b)).json()
    assert "member_id" in b_member, b_member
    unknown = await api.client.get("/cooperatives/cooperative-nope/members", headers=clerk_a)
    foreign = await api.client.get(f"/cooperatives/{coop_b}/members", headers=clerk_a)
    assert foreign.status_code == unknown.status_code == 404
    assert foreign.json() == unknown.json()  # no existence leak
    foreign_member = await api.client.get(
        f"/cooperatives/{coop_b}/members/{b_member['member_id']}", headers=clerk_a)
    assert foreign_member.status_code == 404
    via_own = await api.client.get(f"/cooperatives/{coop_a}/members/{b_member['member_id']}",
                                   headers=clerk_a)
    assert via_own.status_code == 404
    admit = await api.post(f"/cooperatives/{coop_b}/members/{b_member['member_id']}/admit",
                           {}, clerk_b)
    assert admit.status_code == 403  # clerks record, the pengurus (coop_admin) decide
    officer = api.token("regional_officer", region="53")
    assert (await api.client.get(f"/cooperatives/{coop_a}", headers=officer)).status_code == 200
    assert (await api.client.get(f"/cooperatives/{coop_b}", headers=officer)).status_code == 404
    write = await api.post(f"/cooperatives/{coop_a}/members", an_application(), officer)
    assert write.status_code == 403
    visible = await api.client.get("/cooperatives", headers=officer)
    assert [c["cooperative_id"] for c in visible.json()] == [coop_a]
    assert (await api.client.get("/cooperatives")).status_code == 401


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"nik": "12345"}, "invalid-nik"),
        ({"gender": "L", "nik": "5312014503900001"}, "nik-gender-mismatch"),
        ({"birth_date": "1991-03-05", "nik": "5312014503900001"}, "nik-birth-date-mismatch"),
        ({"village_code": "8105010001"}, "village-outside-regency"),
        ({"birth_date": "2015-03-05"}, "applicant-too-young"),
        ({"applied_on": "2099-01-01"}, "business-date-out-of-range"),
    ],
)
async def test_bad_applications_get_a_clear_4xx_and_change_nothing(
    api: Api, change: dict[str, str], code: str
) -> None:
    coop, _ = await federation_with_coop(api)
    clerk = api.token("coop_clerk", cooperative_id=coop)
    body = an_application(**change)
    response = await api.post(f"/cooperatives/{coop}/members", body, clerk)
    assert response.status_code in (409, 422), response.text
    assert response.json()["code"] == code, response.json()
    assert body["nik"] not in response.text
    listed = await api.client.get(f"/cooperatives/{coop}/members", headers=clerk)
    assert listed.json()["items"] == []


async def test_duplicate_nik_in_one_cooperative_is_refused(api: Api) -> None:
    coop, _ = await federation_with_coop(api)
    clerk = api.token("coop_clerk", cooperative_id=coop)
    assert (await api.post(f"/cooperatives/{coop}/members", an_application(), clerk)
            ).status_code == 201
    again = await api.post(f"/cooperatives/{coop}/members", an_application(), clerk)
    assert again.status_code == 409
    assert again.json()["code"] == "duplicate-nik"


async def test_state_rules_answer_409(api: Api) -> None:
    coop, admin = await federation_with_coop(api)
    boss = api.token("coop_admin", cooperative_id=coop)
    member = (await api.post(f"/cooperatives/{coop}/members", an_application(), boss)).json()
    path = f"/cooperatives/{coop}/members/{member['member_id']}"
    reinstate = await api.post(f"{path}/reinstate", {}, boss)
    assert reinstate.status_code == 409
    assert (await api.post(f"{path}/admit", {"admitted_on": "2026-01-20"}, boss)
            ).status_code == 200
    twice = await api.post(f"{path}/admit", {"admitted_on": "2026-01-21"}, boss)
    assert twice.status_code == 409
    assert twice.json()["code"] == "application-not-pending"
    joined_again = await api.post(f"/cooperatives/{coop}/join-federation", {}, admin)
    assert joined_again.status_code == 409
    duplicate = await api.post("/cooperatives", a_cooperative(
        legal_registration_number="AHU-SAME"), admin)
    assert duplicate.status_code == 201
    again = await api.post("/cooperatives", a_cooperative(legal_registration_number="AHU-SAME"),
                           admin)
    assert again.status_code == 409


async def test_unknown_fields_are_refused(api: Api) -> None:
    coop, _ = await federation_with_coop(api)
    clerk = api.token("coop_clerk", cooperative_id=coop)
    response = await api.post(f"/cooperatives/{coop}/members",
                              an_application(status="admitted", member_no="00009"), clerk)
    assert response.status_code == 422


async def test_ids_of_other_stream_kinds_are_not_found_not_errors(api: Api) -> None:
    coop, _ = await federation_with_coop(api)
    boss = api.token("coop_admin", cooperative_id=coop)
    response = await api.post(f"/cooperatives/{coop}/members/{coop}/admit", {}, boss)
    assert response.status_code == 404
    assert response.json()["code"] == "member-not-found"


async def test_racing_registrations_of_one_legal_number_give_one_201_and_409s(api: Api) -> None:
    admin = api.token("federation_admin")
    answers = await asyncio.gather(*(
        api.post("/cooperatives", a_cooperative(legal_registration_number="AHU-RACE"), admin)
        for _ in range(5)))
    assert sorted(a.status_code for a in answers) == [201, 409, 409, 409, 409]


async def test_regional_officers_see_members_without_names(api: Api) -> None:
    coop, _ = await federation_with_coop(api)
    clerk = api.token("coop_clerk", cooperative_id=coop)
    await api.post(f"/cooperatives/{coop}/members", an_application(), clerk)
    own = await api.client.get(f"/cooperatives/{coop}/members", headers=clerk)
    officer = api.token("regional_officer", region="53")
    theirs = await api.client.get(f"/cooperatives/{coop}/members", headers=officer)
    assert own.json()["items"][0]["full_name"] == "Maria Ndapa"
    assert theirs.json()["items"][0]["full_name"] is None


async def test_metrics_report_the_outbox_backlog_from_the_apps_pool(api: Api) -> None:
    await federation_with_coop(api)  # two events wait in the outbox: no relay runs here
    response = await api.client.get("/metrics")
    assert response.status_code == 200
    line = next(x for x in response.text.splitlines()
                if x.startswith('gotong_outbox_backlog_events{service="members"}'))
    assert float(line.split()[-1]) == 2.0
