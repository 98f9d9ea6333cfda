"""A member signs in with her phone and a one-time code: the members API on real
PostgreSQL, with the development sender (the code in the log)."""

from __future__ import annotations

import base64
import logging
import os
import re
import uuid
from collections.abc import AsyncIterator, Iterator
from datetime import timedelta
from typing import Any

import asyncpg
import pytest
import pytest_asyncio

from gotong_platform.auth import Role, TokenIssuer, TokenVerifier
from gotong_platform.calendar import FixedClock
from gotong_testing.api import serving
from members.main import create_app
from members.settings import MembersSettings

from .conftest import JWT_KEY, Api, a_cooperative, an_application

pytestmark = pytest.mark.integration

PHONE = "0812-3456-7890"
CODE_LINE = re.compile(r"sign-in code for …(\d{4}): .*: (\d{6})")


class Codes(logging.Handler):
    """The codes the log sender wrote, by the phone's last 4 digits."""

    def __init__(self) -> None:
        super().__init__()
        self.sent: list[tuple[str, str]] = []

    def emit(self, record: logging.LogRecord) -> None:
        found = CODE_LINE.search(record.getMessage())
        if found:
            self.sent.append((found[1], found[2]))

    def last(self, phone: str = PHONE) -> str:
        return [code for end, code in self.sent if end == phone[-4:]][-1]


@pytest.fixture
def codes() -> Iterator[Codes]:
    handler = Codes()
    logger = logging.getLogger("members.sign_in.codes")
    logger.addHandler(handler)
    try:
        yield handler
    finally:
        logger.removeHandler(handler)


@pytest_asyncio.fixture
async def api(database_factory: Any, clock: FixedClock) -> AsyncIterator[Api]:
    settings = MembersSettings(database_url=await database_factory("members_sign_in"),
                               nik_key=base64.b64encode(os.urandom(32)).decode(),
                               jwt_key=JWT_KEY, sign_in_sender="log")
    async with serving(create_app(settings, clock=clock), "members") as client:
        yield Api(client, TokenIssuer(JWT_KEY.encode()), settings)


async def a_member_with_phone(api: Api, phone: str = PHONE, seq: int = 1
                              ) -> tuple[str, str, dict[str, str]]:
    """(cooperative, member, the clerk's headers): admitted, her phone recorded."""
    office = api.token("federation_admin")
    coop = (await api.post("/cooperatives", a_cooperative(), office)).json()["cooperative_id"]
    await api.post(f"/cooperatives/{coop}/join-federation", {"effective_date": "2020-02-01"},
                   office)
    clerk = api.token("coop_clerk", cooperative_id=coop)
    member = (await api.post(f"/cooperatives/{coop}/members", an_application(seq=seq),
                             clerk)).json()["member_id"]
    admin = api.token("coop_admin", cooperative_id=coop)
    await api.post(f"/cooperatives/{coop}/members/{member}/admit",
                   {"admitted_on": "2026-01-20"}, admin)
    answer = await api.post(f"/cooperatives/{coop}/members/{member}/phone", {"phone": phone},
                            clerk)
    assert answer.status_code == 200, answer.text
    assert answer.json() == {"member_id": member, "phone_ends_with": phone[-4:]}
    return coop, member, clerk


async def ask(api: Api, phone: str = PHONE, key: str | None = None) -> Any:
    return await api.client.post("/member-sign-in/codes", json={"phone": phone},
                                 headers={"Idempotency-Key": key or uuid.uuid4().hex})


async def exchange(api: Api, code: str, phone: str = PHONE, key: str | None = None) -> Any:
    return await api.client.post("/member-sign-in/tokens", json={"phone": phone, "code": code},
                                 headers={"Idempotency-Key": key or uuid.uuid4().hex})


async def test_a_member_signs_in_with_the_code_and_gets_a_member_token(
        api: Api, codes: Codes) -> None:
    coop, member, _ = await a_member_with_phone(api)
    asked = await ask(api, "+62 812 3456 7890")  # another way to write the same number
    assert asked.status_code == 202, asked.text
    assert asked.json() == {"expires_in_s": 300, "resend_after_s": 60}
    code = codes.last()
    key = uuid.uuid4().hex
    signed_in = await exchange(api, code, key=key)
    assert signed_in.status_code == 200, signed_in.text
    [membership] = signed_in.json()["memberships"]
    assert membership | {"token": "", "expires_at": 0} == {
        "member_id": member, "cooperative_id": coop, "cooperative_name": "Koperasi Tani Makmur",
        "member_no": "00001", "full_name": "Maria Ndapa", "status": "admitted", "token": "",
        "expires_at": 0}
    principal = TokenVerifier(JWT_KEY.encode()).verify(membership["token"])
    assert (principal.role, principal.subject, principal.cooperative_id) == (
        Role.MEMBER, member, coop)
    # A retry over a poor connection: the same answer, the very same token.
    again = await exchange(api, code, key=key)
    assert again.json() == signed_in.json()
    assert again.headers["Idempotency-Replayed"] == "true"
    # The code signs in once.
    assert (await exchange(api, code)).status_code == 401
    # Her token opens no route of her cooperative: she is no reader of the others.
    bearer = {"Authorization": f"Bearer {membership['token']}"}
    assert (await api.get(f"/cooperatives/{coop}/members", bearer)).status_code == 404
    assert (await api.get(f"/cooperatives/{coop}/members/{member}", bearer)).status_code == 404


async def test_the_code_is_kept_only_as_a_keyed_digest(api: Api, codes: Codes) -> None:
    await a_member_with_phone(api)
    await ask(api)
    code = codes.last()
    conn = await asyncpg.connect(api.settings.database_url)
    try:
        rows = await conn.fetch("SELECT * FROM sign_in_codes")
        phones = await conn.fetch("SELECT * FROM member_phone")
        idempotency = await conn.fetch("SELECT response::text AS r FROM idempotency_keys")
    finally:
        await conn.close()
    stored = " ".join(str(dict(r)) for r in [*rows, *phones, *idempotency])
    assert code not in stored
    assert "81234567890" not in stored
    assert code.encode() not in rows[0]["code_digest"]


async def test_an_unknown_phone_gets_the_same_answers_and_no_code(
        api: Api, codes: Codes) -> None:
    await a_member_with_phone(api)
    asked = await ask(api, "0813 0000 1111")
    assert (asked.status_code, asked.json()) == (202, {"expires_in_s": 300, "resend_after_s": 60})
    assert codes.sent == []
    refused = await exchange(api, "123456", phone="0813 0000 1111")
    await ask(api)
    wrong = await exchange(api, f"{(int(codes.last()) + 1) % 1_000_000:06d}")
    assert refused.status_code == wrong.status_code == 401
    assert refused.json() == wrong.json()
    assert refused.headers["content-type"] == "application/problem+json"
    assert refused.json()["code"] == "sign-in-code-invalid"


async def test_a_code_expires_after_five_minutes(api: Api, codes: Codes,
                                                 clock: FixedClock) -> None:
    await a_member_with_phone(api)
    await ask(api)
    clock.advance(timedelta(minutes=5))
    assert (await exchange(api, codes.last())).status_code == 401


async def test_five_wrong_guesses_burn_the_code(api: Api, codes: Codes) -> None:
    await a_member_with_phone(api)
    await ask(api)
    code = codes.last()
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"
    for _ in range(5):  # each its own key: five guesses, each counted and committed
        assert (await exchange(api, wrong)).status_code == 401
    assert (await exchange(api, code)).status_code == 401


async def test_a_new_code_replaces_the_previous_one(api: Api, codes: Codes,
                                                    clock: FixedClock) -> None:
    await a_member_with_phone(api)
    await ask(api)
    first = codes.last()
    clock.advance(timedelta(seconds=61))
    await ask(api)
    second = codes.last()
    if first != second:  # one chance in a million that they are equal
        assert (await exchange(api, first)).status_code == 401
    assert (await exchange(api, second)).status_code == 200


async def test_codes_are_rate_limited_per_phone_and_a_retry_sends_none(
        api: Api, codes: Codes, clock: FixedClock) -> None:
    await a_member_with_phone(api)
    key = uuid.uuid4().hex
    assert (await ask(api, key=key)).status_code == 202
    replay = await ask(api, key=key)
    assert (replay.status_code, replay.headers["Idempotency-Replayed"]) == (202, "true")
    assert len(codes.sent) == 1
    too_soon = await ask(api)
    assert too_soon.status_code == 429
    assert too_soon.headers["Retry-After"] == "60"
    assert too_soon.json()["code"] == "sign-in-rate-limited"
    for _ in range(2):
        clock.advance(timedelta(seconds=61))
        assert (await ask(api)).status_code == 202
    clock.advance(timedelta(seconds=61))
    fourth = await ask(api)
    assert fourth.status_code == 429
    assert int(fourth.headers["Retry-After"]) == 15 * 60 - 3 * 61
    assert len(codes.sent) == 3


async def test_an_exited_member_still_signs_in_to_her_history(api: Api, codes: Codes) -> None:
    coop, member, _ = await a_member_with_phone(api)
    admin = api.token("coop_admin", cooperative_id=coop)
    exited = await api.post(f"/cooperatives/{coop}/members/{member}/exit",
                            {"reason": "moved_away", "exited_on": "2026-03-01"}, admin)
    assert exited.status_code == 200, exited.text
    await ask(api)
    signed_in = await exchange(api, codes.last())
    assert [m["status"] for m in signed_in.json()["memberships"]] == ["exited"]


async def test_bad_input_is_a_problem_and_changes_nothing(api: Api, codes: Codes) -> None:
    coop, member, clerk = await a_member_with_phone(api)
    for body in ({"phone": "12345"}, {"phone": "0812 3456 7890", "extra": 1}, {}):
        answer = await api.client.post("/member-sign-in/codes", json=body,
                                       headers={"Idempotency-Key": uuid.uuid4().hex})
        assert answer.status_code == 422, answer.text
    for code in ("12345", "abcdef", "1234567"):
        assert (await exchange(api, code)).status_code == 422
    no_key = await api.client.post("/member-sign-in/codes", json={"phone": PHONE})
    assert no_key.status_code == 400
    assert codes.sent == []
    other_coop = api.token("coop_clerk", cooperative_id="cooperative-elsewhere")
    moved = await api.post(f"/cooperatives/{coop}/members/{member}/phone", {"phone": PHONE},
                           other_coop)
    assert moved.status_code == 404
    not_a_member = await api.post(f"/cooperatives/{coop}/members/member-nobody/phone",
                                  {"phone": PHONE}, clerk)
    assert not_a_member.status_code == 404


async def test_without_a_code_sender_there_is_no_sign_in(database_factory: Any,
                                                         clock: FixedClock) -> None:
    settings = MembersSettings(database_url=await database_factory("members_no_sign_in"),
                               nik_key=base64.b64encode(os.urandom(32)).decode(),
                               jwt_key=JWT_KEY)
    async with serving(create_app(settings, clock=clock), "members") as client:
        asked = await client.post("/member-sign-in/codes", json={"phone": PHONE},
                                  headers={"Idempotency-Key": uuid.uuid4().hex})
        assert asked.status_code == 404
        assert "/member-sign-in/codes" not in (await client.get("/openapi.json")).text
