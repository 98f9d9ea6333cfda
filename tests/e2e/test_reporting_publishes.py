"""End to end: what reporting publishes reaches Kafka through its own relay process.

members API -> relay -> Kafka -> reporting consumer -> read model -> reporting's SHU
API -> reporting's event store and outbox -> ``python -m reporting relay`` -> Kafka.
The relay is the real process entry point (``make run`` and the reporting-relay
Deployment run the same command), started as a child process with the settings
from its environment and stopped with SIGTERM; everything else runs in this
process on real PostgreSQL and Kafka, wired as the entry points wire it.
"""

from __future__ import annotations

import base64
import os
import signal
import subprocess
import sys
import uuid
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import httpx
import orjson
import pytest
import pytest_asyncio
from e2e_support import eventually, members_running, records_on, reporting_running

from gotong_platform.auth import Principal, Role, TokenIssuer
from gotong_platform.contracts import parse
from gotong_platform.contracts.reporting import ShuPolicyAdoptedV1
from gotong_platform.db import create_pool
from gotong_platform.envelope import decode_kafka_headers
from members.main import create_app as create_members_app
from members.settings import MembersSettings
from reporting.main import create_app as create_reporting_app
from reporting.settings import ReportingSettings

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(180)]

JWT_KEY = "r" * 48
RELAY_STOP_TIMEOUT = 30.0


@dataclass
class Stack:
    members: httpx.AsyncClient
    reporting: httpx.AsyncClient
    settings: ReportingSettings  # reporting's, publishing to a topic of this test
    issuer: TokenIssuer

    def auth(self, role: str, subject: str, **claims: Any) -> dict[str, str]:
        principal = Principal(subject=subject, role=Role(role), **claims)
        return {"Authorization": f"Bearer {self.issuer.issue(principal)}"}


@pytest_asyncio.fixture
async def publishing(database_factory: Any, topic_factory: Any, kafka_bootstrap: str
                ) -> AsyncIterator[Stack]:
    members_topic = await topic_factory("members")
    members = MembersSettings(
        database_url=await database_factory("rp_members"), kafka_bootstrap=kafka_bootstrap,
        topic=members_topic, nik_key=base64.b64encode(os.urandom(32)).decode(),
        jwt_key=JWT_KEY)
    reporting = ReportingSettings(
        database_url=await database_factory("rp_reporting"), kafka_bootstrap=kafka_bootstrap,
        topics=(members_topic,), topic=await topic_factory("reporting"), jwt_key=JWT_KEY)
    members_app, reporting_app = create_members_app(members), create_reporting_app(reporting)
    async with members_running(members_app, members, relay_client_id="rp-relay") as m, \
            reporting_running(reporting_app, reporting, client_id="rp-reporting") as r:
        yield Stack(m, r, reporting, TokenIssuer(JWT_KEY.encode()))


@contextmanager
def reporting_relay(settings: ReportingSettings) -> Iterator[subprocess.Popen[bytes]]:
    """``python -m reporting relay`` with the settings in its environment, as make run
    starts it; stopped with SIGTERM (it finishes its batch and exits 0)."""
    env = {**os.environ,
           "GOTONG_REPORTING_DATABASE_URL": settings.database_url,
           "GOTONG_REPORTING_KAFKA_BOOTSTRAP": settings.kafka_bootstrap,
           "GOTONG_REPORTING_TOPIC": settings.topic}
    child = subprocess.Popen(
        [sys.executable, "-m", "reporting", "relay"], env=env, stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        yield child
    finally:
        if child.poll() is None:
            child.send_signal(signal.SIGTERM)
        try:
            child.wait(timeout=RELAY_STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait()


async def test_an_shu_policy_reaches_kafka_through_the_reporting_relay_process(
    publishing: Stack,
) -> None:
    stack = publishing
    office = stack.auth("federation_admin", "federation-office")
    registered = await stack.members.post("/cooperatives", json={
        "name": "Koperasi Produsen Kopi Wewewa", "coop_type": "producer",
        "legal_registration_number": f"AHU-{uuid.uuid4().hex[:12]}", "province_code": "53",
        "regency_code": "5318", "time_zone": "WITA", "registered_on": "2019-08-05"},
        headers={**office, "Idempotency-Key": uuid.uuid4().hex})
    assert registered.status_code == 201, registered.text
    cid = registered.json()["cooperative_id"]
    treasurer = stack.auth("coop_admin", "bendahara", cooperative_id=cid)
    policy = {"effective_fiscal_year": 2026, "pools_bp": {
        "cadangan": 4000, "jasa_modal": 2000, "jasa_usaha": 2500, "pengurus_pengawas": 500,
        "karyawan": 500, "pendidikan": 250, "sosial": 250}}

    async def adopted() -> dict[str, Any] | None:
        # reporting knows the cooperative (and its type) once its consumer read it
        response = await stack.reporting.post(
            f"/cooperatives/{cid}/shu/policies", json=policy,
            headers={**treasurer, "Idempotency-Key": uuid.uuid4().hex})
        if response.status_code != 201:
            return None
        body: dict[str, Any] = response.json()
        return body
    await eventually(adopted)

    async def outbox_rows() -> int:
        return int(await pool.fetchval("SELECT count(*) FROM outbox"))

    async def outbox_drained() -> bool:
        return await outbox_rows() == 0

    pool = await create_pool(stack.settings.database_url, max_size=2)
    try:
        assert await outbox_rows() == 1  # written; nothing publishes it yet
        assert await records_on(stack.settings.kafka_bootstrap, stack.settings.topic) == []
        with reporting_relay(stack.settings) as relay:

            async def published() -> list[Any]:
                assert relay.poll() is None, (relay.stdout.read() if relay.stdout else b"")
                return await records_on(stack.settings.kafka_bootstrap, stack.settings.topic)
            records = await eventually(published, timeout_s=60)
            await eventually(outbox_drained)  # and recorded as sent
        assert relay.returncode == 0, relay.stdout.read() if relay.stdout else b""
    finally:
        await pool.close()

    (record,) = records
    envelope = decode_kafka_headers(list(record.headers))
    assert (envelope.source, envelope.event_type) == ("reporting", "ShuPolicyAdopted")
    assert envelope.cooperative_id == cid
    assert record.key == envelope.stream_id.encode()
    event = parse("reporting", envelope.event_type, envelope.schema_version,
                  orjson.loads(record.value))
    assert isinstance(event, ShuPolicyAdoptedV1)
    assert event.cooperative_id == cid
    # the producer cooperative's default basis: the read model's profile was used
    assert list(event.policy.transaction_basis) == ["produce_sold"]
    assert dict(record.headers)["traceparent"]
