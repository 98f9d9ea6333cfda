"""The SHU engine end to end on a real database, driven over ASGI.

Facts are written straight into a live read-model version (as the consumer would
have), then a treasurer adopts a policy, drafts the fiscal year 2025, another
coop_admin approves it at the RAT, and the outbox holds what was published.

The cooperative (a consumer cooperative, WITA) in fiscal year 2025, by hand:

- eligible: m1 and m2 (admitted 2023; m2 suspended in August), m3 (admitted
  2025-06-15: 7 month ends active); not eligible: m4 (exited in May), m5 (only
  applied), m6 (admitted in 2026);
- simpanan pokok + wajib at year end: m1 2.000.000, m2 1.500.000, m3 500.000
  (sukarela and a January 2026 deposit do not count);
- member purchases: m1 30.000.000, m3 12.500.000, m2 5.000.000 voided in the
  year (0); a 2024 sale does not count; non-member sales 49.000.000;
- produce bought from m2 7.500.000; loan interest paid by m3 1.000.000;
- member numbers: m2 00001, m3 00002, m1 00003 (the order of the member table).

Member gross 51.000.000 of 100.000.000, so with SHU Rp 10.000.000 the
member-sourced SHU is 5.100.000. Jasa modal 20 % = 1.020.000 (510.000,
382.500, 127.500); jasa usaha 25 % = 1.275.000 (900.000, 0, 375.000).
"""

from __future__ import annotations

import csv
import io
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

import asyncpg
import httpx
import pytest
import pytest_asyncio

from gotong_platform.auth import Principal, Role, TokenIssuer
from gotong_platform.calendar import FixedClock
from gotong_platform.contracts import parse
from gotong_platform.contracts.reporting import MemberShuAllocatedV1
from gotong_platform.db import create_pool
from gotong_platform.migrations import upgrade
from gotong_testing import business_now, business_today
from reporting.adapters.read_model.versions import create_version
from reporting.main import create_app
from reporting.settings import ReportingSettings

pytestmark = pytest.mark.integration

JWT_KEY = "k" * 48
COOP = "cooperative-0190f3c2-7a1b-7c3d-8e4f-5a6b7c8d9e0f"
OTHER_COOP = "cooperative-0190f3c2-0000-7c3d-8e4f-5a6b7c8d9e0f"
HANDBOOK_POOLS = {"cadangan": 4000, "jasa_modal": 2000, "jasa_usaha": 2500,
                  "pengurus_pengawas": 500, "karyawan": 500, "pendidikan": 250, "sosial": 250}
BASE = f"/cooperatives/{COOP}/shu"


@dataclass
class Shu:
    client: httpx.AsyncClient
    pool: asyncpg.Pool
    issuer: TokenIssuer

    def as_(self, role: str = "coop_admin", subject: str = "bendahara",
            **claims: Any) -> dict[str, str]:
        if role in ("coop_admin", "coop_clerk"):
            claims.setdefault("cooperative_id", COOP)
        principal = Principal(subject=subject, role=Role(role), **claims)
        return {"Authorization": f"Bearer {self.issuer.issue(principal)}"}

    async def post(self, path: str, body: dict[str, Any], headers: dict[str, str],
                   key: str | None = None) -> httpx.Response:
        return await self.client.post(
            path, json=body, headers={**headers, "Idempotency-Key": key or uuid.uuid4().hex})


@pytest_asyncio.fixture
async def shu(database_factory: Any) -> AsyncIterator[Shu]:
    dsn = await database_factory("shu")
    settings = ReportingSettings(database_url=dsn, jwt_key=JWT_KEY)
    await upgrade(dsn, settings.migrations_dir)
    pool = await create_pool(dsn, max_size=4)
    try:
        schema = await create_version(pool, status="live")
        await seed(pool, schema)
        app = create_app(settings, clock=FixedClock(business_now()))
        async with app.router.lifespan_context(app):
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="http://reporting") as c:
                yield Shu(c, pool, TokenIssuer(JWT_KEY.encode()))
    finally:
        await pool.close()


# --- the read model's facts ------------------------------------------------------

AT = datetime(2026, 1, 20, tzinfo=UTC)


async def seed(pool: asyncpg.Pool, schema: str) -> None:
    async with pool.acquire() as conn, conn.transaction():
        await conn.execute(f"SET LOCAL search_path TO {schema}")
        for coop in (COOP, OTHER_COOP):
            await conn.execute(
                "INSERT INTO cooperatives (cooperative_id, name, coop_type, province_code, "
                "regency_code, time_zone) VALUES ($1, 'Koperasi Uji', 'consumer', '53', "
                "'5312', 'WITA')", coop)
        await conn.executemany(
            "INSERT INTO fact_member_status (member_id, version, cooperative_id, status, "
            "business_date, recorded_at) VALUES ($1, $2, $3, $4, $5, $6)",
            [(m, v, COOP, status, date.fromisoformat(day), AT) for m, v, status, day in STATUS])
        await conn.executemany(
            "INSERT INTO members (member_id, cooperative_id, status, status_since, version, "
            "member_no) VALUES ($1, $2, 'admitted', '2025-06-15', 2, $3)",
            [(m, COOP, f"{n:05d}") for n, m in ((3, "m1"), (1, "m2"), (2, "m3"))])
        await conn.executemany(
            "INSERT INTO fact_savings (event_id, cooperative_id, member_id, savings_type, kind, "
            "business_date, recorded_at, delta_idr) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
            [(uuid.uuid4(), COOP, m, t, "deposit" if d > 0 else "refund",
              date.fromisoformat(day), AT, d) for m, t, day, d in SAVINGS])
        await conn.executemany(
            "INSERT INTO fact_sale_lines (sale_id, line_no, cooperative_id, business_date, "
            "recorded_at, buyer_type, member_id, product_id, category, qty, amount_idr) "
            "VALUES ($1, $2, $3, $4, $5, $6, $7, 'product-1', 'staple_goods', 1, $8)",
            [(s, n, COOP, date.fromisoformat(day), AT, buyer, m, amount)
             for s, n, day, buyer, m, amount in SALES])
        await conn.execute(
            "INSERT INTO fact_sale_voids (sale_id, cooperative_id, business_date, recorded_at, "
            "reason_code) VALUES ('sale-3', $1, '2025-10-02', $2, 'wrong_item')", COOP, AT)
        await conn.execute(
            "INSERT INTO fact_produce (receipt_id, cooperative_id, business_date, recorded_at, "
            "member_id, product_id, net_qty_g, amount_idr) VALUES ('receipt-1', $1, "
            "'2025-07-01', $2, 'm2', 'product-2', 500000, 7500000)", COOP, AT)
        await conn.execute(
            "INSERT INTO fact_loan_events (event_id, loan_id, cooperative_id, member_id, kind, "
            "business_date, recorded_at, principal_idr, interest_idr) VALUES ($1, 'loan-1', $2, "
            "'m3', 'repayment', '2025-11-05', $3, 4000000, 1000000)", uuid.uuid4(), COOP, AT)


STATUS = [
    ("m1", 1, "applied", "2023-01-05"), ("m1", 2, "admitted", "2023-01-10"),
    ("m2", 1, "applied", "2023-02-01"), ("m2", 2, "admitted", "2023-02-01"),
    ("m2", 3, "suspended", "2025-08-01"),
    ("m3", 1, "applied", "2025-06-01"), ("m3", 2, "admitted", "2025-06-15"),
    ("m4", 1, "applied", "2023-01-05"), ("m4", 2, "admitted", "2023-01-06"),
    ("m4", 3, "exited", "2025-05-20"),
    ("m5", 1, "applied", "2025-03-01"),
    ("m6", 1, "applied", "2025-12-20"), ("m6", 2, "admitted", "2026-01-10"),
]
SAVINGS = [
    ("m1", "pokok", "2023-01-10", 100_000), ("m1", "wajib", "2025-03-01", 1_900_000),
    ("m1", "sukarela", "2025-03-01", 5_000_000), ("m1", "wajib", "2026-01-15", 999_999),
    ("m2", "pokok", "2023-02-01", 100_000), ("m2", "wajib", "2024-06-01", 1_400_000),
    ("m3", "pokok", "2025-06-15", 100_000), ("m3", "wajib", "2025-07-01", 400_000),
    ("m4", "pokok", "2023-01-06", 100_000), ("m4", "pokok", "2025-05-20", -100_000),
    ("m6", "pokok", "2026-01-10", 100_000),
]
SALES = [
    ("sale-1", 1, "2025-04-01", "member", "m1", 20_000_000),
    ("sale-1", 2, "2025-04-01", "member", "m1", 10_000_000),
    ("sale-2", 1, "2025-09-01", "member", "m3", 12_500_000),
    ("sale-3", 1, "2025-10-01", "member", "m2", 5_000_000),  # voided the next day
    ("sale-4", 1, "2024-12-30", "member", "m1", 7_000_000),  # the year before
    ("sale-5", 1, "2025-05-05", "non_member", None, 49_000_000),
]


# --- helpers -----------------------------------------------------------------------


def a_policy(**overrides: Any) -> dict[str, Any]:
    return {"effective_fiscal_year": 2025, "pools_bp": HANDBOOK_POOLS,
            "transaction_basis": ["member_purchases"], **overrides}


def by_member(calc: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {m["member_id"]: m for m in calc["members"]}


async def adopt(shu: Shu, **overrides: Any) -> dict[str, Any]:
    response = await shu.post(f"{BASE}/policies", a_policy(**overrides), shu.as_())
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


async def draft(shu: Shu, version: int = 1, subject: str = "bendahara") -> httpx.Response:
    return await shu.post(f"{BASE}/calculations", {
        "fiscal_year": 2025, "shu_total_idr": 10_000_000, "policy_version": version,
    }, shu.as_(subject=subject))


async def approve(shu: Shu, calc_id: str, subject: str) -> httpx.Response:
    return await shu.post(f"{BASE}/calculations/{calc_id}/approve",
                          {"rat_date": business_today("WITA").isoformat()},
                          shu.as_(subject=subject))


async def published(shu: Shu) -> list[tuple[str, dict[str, Any]]]:
    rows = await shu.pool.fetch(
        "SELECT e.event_type, e.schema_version, o.payload, o.topic FROM outbox o "
        "JOIN events e USING (event_id) ORDER BY o.position")
    assert {r["topic"] for r in rows} <= {"gotong.reporting.events"}
    return [(r["event_type"], r["payload"]) for r in rows]


# --- tests -------------------------------------------------------------------------


async def test_a_policy_is_adopted_in_versions_and_listed(shu: Shu) -> None:
    first = await adopt(shu)
    second = await adopt(shu, capital_measure="months_prorated", transaction_basis=None)
    assert (first["policy_version"], second["policy_version"]) == (1, 2)
    assert first["capital_savings_types"] == ["pokok", "wajib"]
    assert first["member_sourced_only"] is True
    # left out: the consumer cooperative's default basis (handbook §5.3)
    assert second["transaction_basis"] == ["member_purchases"]
    listed = (await shu.client.get(f"{BASE}/policies", headers=shu.as_("coop_clerk"))).json()
    assert [p["policy_version"] for p in listed] == [1, 2]


async def test_a_policy_breaking_a_rule_is_refused_by_name(shu: Shu) -> None:
    response = await shu.post(f"{BASE}/policies",
                              a_policy(pools_bp={**HANDBOOK_POOLS, "sosial": 300}), shu.as_())
    assert response.status_code == 422
    assert response.json()["code"] == "allocation-not-whole"
    clerk = await shu.post(f"{BASE}/policies", a_policy(), shu.as_("coop_clerk"))
    assert clerk.status_code == 403


async def test_the_draft_follows_the_read_models_facts(shu: Shu) -> None:
    await adopt(shu)
    response = await draft(shu)
    assert response.status_code == 201, response.text
    calc = response.json()
    assert calc["status"] == "draft"
    assert (calc["period_start"], calc["period_end"]) == ("2025-01-01", "2025-12-31")
    assert (calc["member_gross_idr"], calc["total_gross_idr"]) == (51_000_000, 100_000_000)
    assert (calc["shu_member_sourced_idr"], calc["shu_non_member_idr"]) == (5_100_000,
                                                                           4_900_000)
    assert calc["pools_idr"] == {"jasa_modal": 1_020_000, "jasa_usaha": 1_275_000,
                                 "pengurus_pengawas": 255_000, "karyawan": 255_000,
                                 "pendidikan": 127_500, "sosial": 127_500,
                                 "cadangan": 6_940_000}
    members = by_member(calc)
    assert set(members) == {"m1", "m2", "m3"}
    assert [(members[m]["capital_basis_idr"], members[m]["transaction_basis_idr"],
             members[m]["jasa_modal_idr"], members[m]["jasa_usaha_idr"],
             members[m]["total_idr"]) for m in ("m1", "m2", "m3")] == [
        (2_000_000, 30_000_000, 510_000, 900_000, 1_410_000),
        (1_500_000, 0, 382_500, 0, 382_500),
        (500_000, 12_500_000, 127_500, 375_000, 502_500)]
    assert (calc["capital_basis_total_idr"], calc["transaction_basis_total_idr"],
            calc["member_count"]) == (4_000_000, 42_500_000, 3)
    got = await shu.client.get(f"{BASE}/calculations/{calc['calc_id']}",
                               headers=shu.as_("regional_officer", region="53"))
    assert got.json() == calc


async def test_months_prorated_counts_the_month_ends_a_member_was_in(shu: Shu) -> None:
    await adopt(shu, capital_measure="months_prorated")
    members = by_member((await draft(shu)).json())
    assert members["m3"]["capital_basis_idr"] == 500_000 * 7 // 12
    assert members["m2"]["capital_basis_idr"] == 1_500_000  # suspended members count


async def test_approval_freezes_with_maker_checker_and_publishes(shu: Shu) -> None:
    await adopt(shu)
    await adopt(shu, capital_measure="average_monthly_balance")
    calc_id = (await draft(shu)).json()["calc_id"]
    redraft = await draft(shu, subject="sekretaris")
    assert (redraft.status_code, redraft.json()["calc_version"]) == (200, 2)

    refused = await approve(shu, calc_id, subject="sekretaris")  # the (re)drafter
    assert (refused.status_code, refused.json()["code"]) == (409, "approver-is-drafter")
    approved = await approve(shu, calc_id, subject="bendahara")
    assert approved.status_code == 200, approved.text
    assert (approved.json()["status"], approved.json()["approved_by"]) == ("approved",
                                                                           "bendahara")

    for response, code in [(await draft(shu), "calculation-already-approved"),
                           (await approve(shu, calc_id, "ketua"), "calculation-already-approved"),
                           (await draft(shu, version=2), "fiscal-year-already-approved")]:
        assert (response.status_code, response.json()["code"]) == (409, code)

    events = await published(shu)
    types = [t for t, _ in events]
    assert types.count("ShuPolicyAdopted") == 2
    assert types.count("ShuCalculationDrafted") == 2
    assert types.count("ShuCalculationApproved") == 1
    contracts = [parse("reporting", t, 1, p) for t, p in events]  # each parses as its contract
    assert all(getattr(c, "cooperative_id", None) == COOP for c in contracts)
    allocations = [c for c in contracts if isinstance(c, MemberShuAllocatedV1)]
    assert {a.member_id for a in allocations} == {"m1", "m2", "m3"}
    assert all(a.total_idr == a.jasa_modal_idr + a.jasa_usaha_idr for a in allocations)
    pools = approved.json()["pools_idr"]
    assert sum(a.jasa_modal_idr for a in allocations) == pools["jasa_modal"]
    assert sum(a.jasa_usaha_idr for a in allocations) == pools["jasa_usaha"]
    assert sum(pools.values()) == 10_000_000


async def test_the_member_table_as_csv_sums_to_the_pools(shu: Shu) -> None:
    await adopt(shu)
    calc = (await draft(shu)).json()
    for path in (f"{BASE}/calculations/{calc['calc_id']}?format=csv",
                 f"{BASE}/calculations/{calc['calc_id']}.csv"):
        response = await shu.client.get(path, headers=shu.as_("coop_clerk"))
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/csv")
        rows = list(csv.DictReader(io.StringIO(response.text)))
        assert [(r["member_no"], r["member_id"]) for r in rows] == [
            ("00001", "m2"), ("00002", "m3"), ("00003", "m1")]
        assert list(rows[0]) == ["member_no", "member_id", "capital_basis_idr",
                                 "transaction_basis_idr", "jasa_modal_idr", "jasa_usaha_idr",
                                 "total_idr"]
        assert sum(int(r["jasa_modal_idr"]) for r in rows) == calc["pools_idr"]["jasa_modal"]
        assert sum(int(r["jasa_usaha_idr"]) for r in rows) == calc["pools_idr"]["jasa_usaha"]
        assert sum(int(r["total_idr"]) for r in rows) == 1_020_000 + 1_275_000


async def test_tenancy_roles_and_idempotency(shu: Shu) -> None:
    await adopt(shu)
    outsider = shu.as_(cooperative_id=OTHER_COOP)
    assert (await shu.client.get(f"{BASE}/policies", headers=outsider)).status_code == 404
    clerk = await shu.post(f"{BASE}/calculations", {"fiscal_year": 2025, "shu_total_idr": 1,
                                                    "policy_version": 1}, shu.as_("coop_clerk"))
    assert clerk.status_code == 403
    body = {"fiscal_year": 2025, "shu_total_idr": 10_000_000, "policy_version": 1}
    first = await shu.post(f"{BASE}/calculations", body, shu.as_(), key="draft-1")
    again = await shu.post(f"{BASE}/calculations", body, shu.as_(), key="draft-1")
    assert again.headers.get("Idempotency-Replayed") == "true"
    assert again.json() == first.json()
    missing = await shu.client.get(f"{BASE}/calculations/shu-calculation-nope",
                                   headers=shu.as_())
    assert missing.status_code == 404
    unknown = await shu.post(f"{BASE}/calculations", {**body, "policy_version": 9}, shu.as_())
    assert (unknown.status_code, unknown.json()["code"]) == (404, "shu-policy-not-found")
