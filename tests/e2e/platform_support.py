"""Every service API over one seeded cooperative, for tests of the shared HTTP edge.

``platform`` extends ``e2e_support.federation`` (members, inventory and payments with
their relays and consumers on real Kafka) with the reporting API and its read-model
consumer and the partner gateway's API and consumer, then seeds through the public APIs a
cooperative that every service knows, an admitted member, a warehouse, a product and a
loan application. Seeding uses fixed past dates only.
"""

from __future__ import annotations

import base64
import os
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

import httpx
import pytest_asyncio
from e2e_support import JWT_KEY, Consumer, Federation, eventually, reporting_running
from fastapi import FastAPI

from gotong_platform.auth import Principal, Role, TokenIssuer
from gotong_testing.api import serving
from partners.entrypoints.consumer import GATEWAY_CONSUMER
from partners.main import build_consumer
from partners.main import create_app as create_partners_app
from partners.settings import PartnersSettings
from reporting.main import create_app as create_reporting_app
from reporting.settings import ReportingSettings

__all__ = ["ISSUER", "SERVICES", "Platform", "Service", "platform"]

PROVINCE, REGENCY = "53", "5311"
ISSUER = TokenIssuer(JWT_KEY.encode())
SERVICES = ("members", "inventory", "payments", "reporting", "partners")


@dataclass
class Service:
    name: str
    client: httpx.AsyncClient
    document: dict[str, Any]


@dataclass
class Platform:
    """The APIs and what was seeded: ids by their path-parameter names."""

    federation: Federation
    services: dict[str, Service]
    ids: dict[str, str]

    def token(self, role: Role, subject: str) -> str:
        """A valid token: a cooperative role names the seeded cooperative."""
        cooperative = (self.ids["cooperative_id"]
                       if role in (Role.COOP_ADMIN, Role.COOP_CLERK) else None)
        return ISSUER.issue(Principal(subject=subject, role=role, cooperative_id=cooperative))

    def auth(self, role: Role, subject: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token(role, subject)}"}


@pytest_asyncio.fixture
async def platform(federation: Federation, database_factory: Any) -> AsyncIterator[Platform]:
    settings = ReportingSettings(
        database_url=await database_factory("edge_reporting"),
        kafka_bootstrap=federation.bootstrap, topics=tuple(federation.topics.values()),
        jwt_key=JWT_KEY)
    gateway = PartnersSettings(
        database_url=await database_factory("edge_partners"),
        kafka_bootstrap=federation.bootstrap, consumed_topics=tuple(federation.topics.values()),
        pseudonym_key=base64.b64encode(os.urandom(32)).decode(), jwt_key=JWT_KEY)
    app = create_reporting_app(settings, clock=federation.clock)
    partners_app = create_partners_app(gateway, clock=federation.clock)
    async with reporting_running(app, settings) as reporting, \
            partners_running(partners_app, gateway, federation) as partners:
        clients = {"members": federation.members, "inventory": federation.inventory,
                   "payments": federation.payments, "reporting": reporting,
                   "partners": partners}
        services = {name: Service(name, client, (await client.get("/openapi.json")).json())
                    for name, client in clients.items()}
        yield Platform(federation, services, await _seed(federation, reporting, partners))


@asynccontextmanager
async def partners_running(app: FastAPI, settings: PartnersSettings, f: Federation
                           ) -> AsyncIterator[httpx.AsyncClient]:
    """The gateway's API (its lifespan started) with its consumer running beside it."""
    async with serving(app, "partners") as client:
        consumer = Consumer(GATEWAY_CONSUMER, settings.database_url, f.bootstrap,
                            settings.consumed_topics,
                            build_consumer(settings, f.clock).handler())
        await consumer.start()
        try:
            yield client
        finally:
            await consumer.close()


async def _seed(f: Federation, reporting: httpx.AsyncClient, partners: httpx.AsyncClient
                ) -> dict[str, str]:
    office = f.auth("federation_admin", "edge-federation-office")
    coop = await f.post(f.members, "/cooperatives", {
        "name": "Koperasi Produsen Kopi Bajawa", "coop_type": "producer",
        "legal_registration_number": f"AHU-{uuid.uuid4().hex[:12]}",
        "province_code": PROVINCE, "regency_code": REGENCY, "time_zone": "WITA",
        "registered_on": "2019-03-01"}, office)
    cid = coop["cooperative_id"]
    await f.post(f.members, f"/cooperatives/{cid}/join-federation",
                 {"effective_date": "2019-04-01"}, office)
    admin = f.auth("coop_admin", "edge-pengurus", cooperative_id=cid)
    applied = await f.post(f.members, f"/cooperatives/{cid}/members", {
        "full_name": "Maria Goreti Lowa", "nik": "5311014503900001", "gender": "P",
        "birth_date": "1990-03-05", "village_code": "5311012001",
        "applied_on": "2025-01-06"}, admin)
    member_id = applied["member_id"]
    await f.post(f.members, f"/cooperatives/{cid}/members/{member_id}/admit",
                 {"admitted_on": "2025-01-07"}, admin)

    async def known_everywhere() -> bool:
        answers = [await f.get(f.payments, f"/cooperatives/{cid}/members/{member_id}/savings",
                               admin),
                   await f.get(f.inventory, f"/cooperatives/{cid}/warehouses", admin),
                   await reporting.get(f"/cooperatives/{cid}/summary", headers=admin),
                   await partners.get(f"/cooperatives/{cid}/consents", headers=admin)]
        return all(answer.status_code == 200 for answer in answers)

    await eventually(known_everywhere, timeout_s=60)
    warehouse = await f.post(f.inventory, f"/cooperatives/{cid}/warehouses",
                             {"name": "Gudang Kopi", "kind": "warehouse"}, admin)
    product = await f.post(f.inventory, f"/cooperatives/{cid}/products", {
        "sku": "KOPI-AR-GB", "name": "Kopi arabika green bean", "category": "farm_produce",
        "base_unit": "g"}, admin)
    loan = await f.post(f.payments, f"/cooperatives/{cid}/loans", {
        "member_id": member_id, "principal_idr": 3_000_000, "term_months": 10,
        "interest_rate_bp_per_month": 150, "method": "flat", "penalty_bp_per_month": 200,
        "first_due_date": "2025-03-10", "applied_on": "2025-02-01"}, admin, expect=201)
    partner = await f.post(partners, "/partners", {"name": "Bank NTT", "kind": "bank"}, office)
    consent = await f.post(partners, f"/cooperatives/{cid}/consents", {
        "partner_id": partner["partner_id"], "categories": ["savings"],
        "from_date": "2025-01-01"}, admin, expect=201)
    return {"cooperative_id": cid, "member_id": member_id, "loan_id": loan["loan_id"],
            "partner_id": partner["partner_id"], "consent_id": consent["consent_id"],
            "warehouse_id": warehouse["warehouse_id"], "product_id": product["product_id"],
            "region": PROVINCE, "region_code": REGENCY}
