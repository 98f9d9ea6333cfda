"""End to end: an HTTP command on members reaches the federation view, in one trace.

members API -> event store + outbox -> relay -> Kafka -> reporting consumer ->
read model -> reporting API, all real (PostgreSQL and Kafka started by the
project), each piece wired exactly as its process entry point wires it.
"""

from __future__ import annotations

import base64
import os
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
import pytest_asyncio
from e2e_support import eventually, members_running, records_on, reporting_running
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from gotong_platform.auth import Principal, Role, TokenIssuer
from gotong_platform.kafka import create_topics
from gotong_platform.telemetry import configure_tracing
from members.main import create_app as create_members_app
from members.settings import MembersSettings
from reporting.main import create_app as create_reporting_app
from reporting.main import rebuild
from reporting.settings import ReportingSettings

pytestmark = pytest.mark.e2e

JWT_KEY = "e" * 48
SPANS = InMemorySpanExporter()


@dataclass
class Federation:
    members: httpx.AsyncClient
    reporting: httpx.AsyncClient
    issuer: TokenIssuer
    topic: str
    bootstrap: str
    reporting_settings: ReportingSettings

    def auth(self, role: str, **claims: Any) -> dict[str, str]:
        principal = Principal(subject=claims.pop("subject", "e2e-user"), role=Role(role),
                              **claims)
        return {"Authorization": f"Bearer {self.issuer.issue(principal)}"}

    async def post(self, path: str, body: dict[str, Any], headers: dict[str, str]
                   ) -> dict[str, Any]:
        response = await self.members.post(
            path, json=body, headers={**headers, "Idempotency-Key": uuid.uuid4().hex})
        assert response.status_code in (200, 201), response.text
        result: dict[str, Any] = response.json()
        return result


@pytest_asyncio.fixture
async def federation(database_factory, topic_factory, kafka_bootstrap,  # type: ignore[no-untyped-def]
                     clock) -> AsyncIterator[Federation]:
    configure_tracing("e2e", extra_processors=[SimpleSpanProcessor(SPANS)])
    topic = await topic_factory("members")
    await create_topics(kafka_bootstrap, [topic])
    members_settings = MembersSettings(
        database_url=await database_factory("e2e_members"), kafka_bootstrap=kafka_bootstrap,
        topic=topic, nik_key=base64.b64encode(os.urandom(32)).decode(), jwt_key=JWT_KEY)
    reporting_settings = ReportingSettings(
        database_url=await database_factory("e2e_reporting"), kafka_bootstrap=kafka_bootstrap,
        topics=(topic,), jwt_key=JWT_KEY)
    members_app = create_members_app(members_settings, clock=clock)
    reporting_app = create_reporting_app(reporting_settings, clock=clock)
    async with members_running(members_app, members_settings) as m, \
            reporting_running(reporting_app, reporting_settings) as r:
        yield Federation(m, r, TokenIssuer(JWT_KEY.encode()), topic, kafka_bootstrap,
                         reporting_settings)


async def test_admitted_member_reaches_the_federation_view_in_one_trace(
    federation: Federation,
) -> None:
    admin = federation.auth("federation_admin")
    coop = await federation.post("/cooperatives", {
        "name": "Koperasi Kopi Arabika Sumba", "legal_registration_number": f"AHU-{uuid.uuid4()}",
        "coop_type": "producer", "province_code": "53", "regency_code": "5302",
        "time_zone": "WITA", "registered_on": "2021-05-01"}, admin)
    coop_id = coop["cooperative_id"]
    await federation.post(f"/cooperatives/{coop_id}/join-federation",
                          {"effective_date": "2021-06-01"}, admin)
    boss = federation.auth("coop_admin", cooperative_id=coop_id, subject="pengurus")
    nik = "5302015506880003"
    applicant = await federation.post(f"/cooperatives/{coop_id}/members", {
        "full_name": "Rambu Ana", "nik": nik, "gender": "P", "birth_date": "1988-06-15",
        "village_code": "5302012001", "applied_on": "2026-01-05"}, boss)
    SPANS.clear()
    await federation.post(f"/cooperatives/{coop_id}/members/{applicant['member_id']}/admit",
                          {"admitted_on": "2026-01-12"}, boss)

    async def admitted() -> Any:
        response = await federation.reporting.get("/federation/summary", headers=admin)
        body = response.json()
        return body if body["members"]["by_status"]["admitted"] == 1 else None

    summary = await eventually(admitted)
    assert summary["cooperatives"] == 1
    assert summary["members"]["active"] == {"total": 1, "L": 0, "P": 1}
    officer = federation.auth("regional_officer", region="53")
    region = (await federation.reporting.get("/regions/53/summary", headers=officer)).json()
    assert region["per_cooperative"][0]["members"]["total"] == 1
    assert (await federation.reporting.get("/regions/81/summary", headers=officer)
            ).status_code == 404

    # On Kafka: CloudEvents binary-mode headers, key = stream id, and no clear NIK.
    records = await records_on(federation.bootstrap, federation.topic)
    admitted_record = next(r for r in records
                           if dict(r.headers)["ce_type"] == b"gotong.members.MemberAdmitted.v1")
    headers = dict(admitted_record.headers)
    assert headers["ce_specversion"] == b"1.0"
    assert headers["ce_source"] == b"/gotong/members"
    assert headers["ce_cooperativeid"] == coop_id.encode()
    assert admitted_record.key == applicant["member_id"].encode()
    assert all(nik.encode() not in (r.value or b"") for r in records)
    assert all(nik.encode() not in v for r in records for _, v in r.headers)

    # One trace: HTTP request -> publish -> consume.
    async def consumed() -> Any:
        return [s for s in SPANS.get_finished_spans() if s.name == "consume MemberAdmitted"]

    consume_spans = await eventually(consumed)
    spans = SPANS.get_finished_spans()
    http = [s for s in spans if s.name.startswith("POST /cooperatives/{cooperative_id}/members/"
                                                  "{member_id}/admit") and s.parent is None]
    publish = [s for s in spans if s.name == "publish MemberAdmitted"]
    assert http
    assert publish
    assert consume_spans
    trace_ids = {s.context.trace_id for s in http + publish + consume_spans}
    assert len(trace_ids) == 1
    assert headers["traceparent"].decode().split("-")[1] == format(trace_ids.pop(), "032x")

    # Rebuild from offset 0 into a fresh version gives the same reports.
    result = await rebuild(federation.reporting_settings)
    assert result.identical_to_live is True
    assert result.events >= 4
