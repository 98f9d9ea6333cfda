"""The probes of issue 9 against all four service APIs: each is refused at the edge with a
problem+json 4xx, and nothing of it is stored.

NUL characters in the URL and in JSON strings, integers beyond 64 bits, oversized
bodies and headers, a burst of 300 requests, a token living until 2100, and one clerk
in two spellings on both sides of maker-checker. Every service runs with its default
edge settings (``platform_support``). Each test probes the four services in turn: one
seeded platform per test keeps the run short.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any

import httpx
import jwt
import pytest
from e2e_support import JWT_KEY
from platform_support import Platform

from gotong_platform.auth import AUDIENCE, ISSUER, Role
from gotong_platform.settings import EdgeLimits

pytestmark = pytest.mark.e2e

PROBLEM = "application/problem+json"
LIMITS = EdgeLimits()  # what every service runs with here: the defaults


def assert_problem(response: httpx.Response, status: int, code: str) -> None:
    where = f"{response.request.method} {response.request.url}"
    assert response.status_code == status, f"{where}: {response.text}"
    assert response.headers["content-type"] == PROBLEM, where
    assert response.json()["code"] == code, where


def key() -> dict[str, str]:
    return {"Idempotency-Key": uuid.uuid4().hex}


# One read under the seeded cooperative per service; {q} is where a query goes.
READS = {
    "members": "/cooperatives/{cooperative_id}/members?after={q}",
    "inventory": "/cooperatives/{cooperative_id}/sales?after={q}",
    "payments": "/cooperatives/{cooperative_id}/loans?member_id={q}",
    "reporting": "/cooperatives/{cooperative_id}/reports/monthly?month={q}",
}


async def test_a_nul_in_a_path_or_query_parameter_is_a_400(platform: Platform) -> None:
    for name, read in READS.items():
        client = platform.services[name].client
        auth = platform.auth(Role.COOP_ADMIN, f"edge-nul-url-{name}")
        in_path = read.split("?")[0].format(cooperative_id="%00")
        assert_problem(await client.get(in_path, headers=auth), 400, "nul-character")
        in_query = read.format(cooperative_id=platform.ids["cooperative_id"], q="ab%00cd")
        assert_problem(await client.get(in_query, headers=auth), 400, "nul-character")


@dataclass(frozen=True)
class Probe:
    """A command with one field to spoil, and where to read back that nothing changed."""

    role: Role
    path: str
    body: dict[str, Any]
    field: str
    read_back: str


# A NUL inside a string the command stores; the issue's probes used full_name and reference.
NUL_PROBES = {
    "members": Probe(Role.COOP_ADMIN, "/cooperatives/{cooperative_id}/members", {
        "full_name": "Siti Rahayu", "nik": "5311014503900002", "gender": "P",
        "birth_date": "1990-03-05", "village_code": "5311012001", "applied_on": "2025-01-06"},
        "full_name", "/cooperatives/{cooperative_id}/members"),
    "inventory": Probe(Role.COOP_ADMIN, "/cooperatives/{cooperative_id}/products", {
        "sku": "KOPI-2", "name": "Kopi robusta", "category": "farm_produce", "base_unit": "g"},
        "name", "/cooperatives/{cooperative_id}/products"),
    "payments": Probe(
        Role.COOP_ADMIN,
        "/cooperatives/{cooperative_id}/members/{member_id}/savings/sukarela/deposits",
        {"amount_idr": 10_000, "channel": "cash", "reference": "KTM-1",
         "business_date": "2025-02-03"},
        "reference", "/cooperatives/{cooperative_id}/members/{member_id}/savings"),
    "reporting": Probe(Role.COOP_ADMIN, "/cooperatives/{cooperative_id}/shu/policies", {
        "effective_fiscal_year": 2025, "reserve_pool": "cadangan",
        "pools_bp": {"cadangan": 5000, "jasa_modal": 2500, "jasa_usaha": 2500}},
        "reserve_pool", "/cooperatives/{cooperative_id}/shu/policies"),
}
# An integer field of a command in each service.
INT_PROBES = {
    "members": Probe(Role.FEDERATION_ADMIN, "/cooperatives", {
        "name": "Koperasi Probe", "legal_registration_number": "AHU-PROBE",
        "coop_type": "consumer", "province_code": "53", "regency_code": "5311",
        "time_zone": "WITA", "registered_on": "2020-01-02"},
        "fiscal_year_start_month", "/cooperatives"),
    "inventory": Probe(Role.COOP_ADMIN, "/cooperatives/{cooperative_id}/warehouses",
                       {"name": "Gudang 2", "kind": "warehouse"}, "capacity_kg",
                       "/cooperatives/{cooperative_id}/warehouses"),
    "payments": replace(NUL_PROBES["payments"], field="amount_idr"),
    "reporting": replace(NUL_PROBES["reporting"], field="effective_fiscal_year"),
}


async def _refused_and_nothing_stored(platform: Platform, name: str, probe: Probe, bad: Any,
                                      code: str) -> None:
    client = platform.services[name].client
    auth = platform.auth(probe.role, f"edge-body-{name}")
    read_back = probe.read_back.format(**platform.ids)
    before = (await client.get(read_back, headers=auth)).json()
    response = await client.post(probe.path.format(**platform.ids), headers={**auth, **key()},
                                 json={**probe.body, probe.field: bad})
    assert_problem(response, 422, code)
    assert response.json()["errors"][0]["loc"] == ["body", probe.field]
    assert "Rahayu" not in response.text
    assert (await client.get(read_back, headers=auth)).json() == before


async def test_a_nul_in_a_json_string_is_a_422_and_nothing_is_stored(platform: Platform
                                                                     ) -> None:
    for name, probe in NUL_PROBES.items():
        await _refused_and_nothing_stored(platform, name, probe, "Siti\x00Rahayu",
                                          "nul-character")


async def test_an_integer_beyond_64_bits_is_a_422_and_nothing_is_stored(platform: Platform
                                                                        ) -> None:
    for name, probe in INT_PROBES.items():
        for bad in (2**63, -(2**63) - 1, 10**30):
            await _refused_and_nothing_stored(platform, name, probe, bad, "number-out-of-range")


async def test_a_10_mb_body_is_a_413(platform: Platform) -> None:
    padding = "x" * 10_000_000
    for name, probe in NUL_PROBES.items():
        response = await platform.services[name].client.post(
            probe.path.format(**platform.ids), json={**probe.body, "padding": padding},
            headers={**platform.auth(probe.role, f"edge-big-{name}"), **key()})
        assert_problem(response, 413, "body-too-large")


def a_batch(items: int, payload_bytes: int) -> dict[str, Any]:
    return {"device_id": "hp-03", "items": [
        {"client_id": f"c-{n}", "device_seq": 1, "type": "sale",  # seq not increasing: 422
         "occurred_at": "2025-02-03T09:00:00+08:00", "business_date": "2025-02-03",
         "payload": {"note": "x" * payload_bytes}} for n in range(items)]}


async def test_sync_takes_the_largest_legitimate_batch_but_not_13_mb(platform: Platform
                                                                     ) -> None:
    # 500 items of about 9 kB: the size of 500 sales of 50 lines at the longest ids.
    largest, too_large = a_batch(500, 9_000), a_batch(500, 26_000)
    for name in ("inventory", "payments"):
        client = platform.services[name].client
        path = f"/cooperatives/{platform.ids['cooperative_id']}/sync"
        auth = platform.auth(Role.COOP_CLERK, f"edge-sync-{name}")
        # Past the edge, then refused by the batch's own validation (its seqs repeat).
        assert_problem(await client.post(path, json=largest, headers=auth),
                       422, "invalid-request")
        assert_problem(await client.post(path, json=too_large, headers=auth),
                       413, "body-too-large")


async def test_an_8_mb_authorization_header_is_a_431(platform: Platform) -> None:
    huge = {"Authorization": "Bearer " + "a" * 8_000_000}
    for name, read in READS.items():
        response = await platform.services[name].client.get(
            read.format(q="x", **platform.ids), headers=huge)
        assert_problem(response, 431, "request-headers-too-large")


async def test_300_rapid_requests_of_one_caller_meet_429_with_retry_after(platform: Platform
                                                                        ) -> None:
    for name, read in READS.items():  # one service after the other: each burst alone
        client = platform.services[name].client
        auth = platform.auth(Role.COOP_ADMIN, f"edge-burst-{name}")
        url = read.format(q="2025-02", **platform.ids) if name == "reporting" else (
            read.split("?")[0].format(**platform.ids))
        started = time.monotonic()
        answers = await asyncio.gather(*(client.get(url, headers=auth) for _ in range(300)))
        elapsed = time.monotonic() - started
        allowed = [a for a in answers if a.status_code == 200]
        refused = [a for a in answers if a.status_code != 200]
        assert len(allowed) <= (LIMITS.rate_limit_burst + LIMITS.rate_limit_per_second * elapsed
                                + 1), name
        assert refused, name
        for answer in refused:
            assert_problem(answer, 429, "rate-limited")
            assert int(answer.headers["retry-after"]) >= 1
        other = await client.get(url, headers=platform.auth(Role.COOP_ADMIN,
                                                            f"edge-other-{name}"))
        assert other.status_code == 200, name  # another caller of the cooperative goes on


async def test_a_token_expiring_in_2100_is_a_401(platform: Platform) -> None:
    now = int(datetime.now(UTC).timestamp())  # a token is checked against the real clock
    token = jwt.encode({"sub": "edge-forever", "role": "federation_admin", "iss": ISSUER,
                        "aud": AUDIENCE, "iat": now,
                        "exp": int(datetime(2100, 1, 1, tzinfo=UTC).timestamp())},
                       JWT_KEY.encode(), algorithm="HS256")
    for name, read in READS.items():
        response = await platform.services[name].client.get(
            read.split("?")[0].format(**platform.ids),
            headers={"Authorization": f"Bearer {token}"})
        assert_problem(response, 401, "unauthorized")
        assert response.json()["detail"] == "token lifetime exceeds the maximum"


async def test_one_clerk_in_two_spellings_cannot_approve_its_own_loan(platform: Platform
                                                                      ) -> None:
    payments = platform.services["payments"].client
    cid, member_id = platform.ids["cooperative_id"], platform.ids["member_id"]
    maker = platform.auth(Role.COOP_CLERK, "probe-b-A-clerk")
    applied = await payments.post(f"/cooperatives/{cid}/loans", headers={**maker, **key()}, json={
        "member_id": member_id, "principal_idr": 1_000_000, "term_months": 5,
        "interest_rate_bp_per_month": 150, "method": "flat", "penalty_bp_per_month": 200,
        "first_due_date": "2025-03-10", "applied_on": "2025-02-01"})
    assert applied.status_code == 201, applied.text
    assert applied.json()["recorded_by"] == "probe-b-a-clerk"
    checker = platform.auth(Role.COOP_ADMIN, "PROBE-B-A-CLERK")
    approve = await payments.post(
        f"/cooperatives/{cid}/loans/{applied.json()['loan_id']}/approve",
        headers={**checker, **key()}, json={"approved_on": "2025-02-02"})
    assert_problem(approve, 409, "maker-checker-violation")
