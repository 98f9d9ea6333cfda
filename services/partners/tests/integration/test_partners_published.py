"""The gateway's own events on Kafka: a consent's grant and revocation go through the
outbox and the relay as the contracts ``partners.ConsentGranted.v1`` and
``partners.ConsentRevoked.v1`` (committed schemas), naming who did them; a partner's
registration and the subscriptions are kept, not published."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

import jsonschema
import orjson
import pytest
from aiokafka import ConsumerRecord
from partners_support import Gateway, consumed, grant, register, registered

from gotong_platform.ids import new_id
from gotong_platform.kafka import make_consumer, make_producer
from gotong_platform.outbox.relay import OutboxRelay, RelayConfig

pytestmark = pytest.mark.integration

SCHEMAS = Path(__file__).resolve().parents[4] / "shared" / "contracts" / "schemas"


async def _published(gateway: Gateway, topic: str, count: int
                     ) -> list[ConsumerRecord[bytes, bytes]]:
    """The outbox published by the relay, as ``python -m partners relay`` runs it."""
    relay = OutboxRelay(dsn=gateway.api.settings.database_url,
                        config=RelayConfig(source="partners"),
                        producer_factory=lambda: make_producer(gateway.bootstrap,
                                                               client_id="partners-relay-test"))
    task = asyncio.create_task(relay.run())
    consumer = make_consumer(gateway.bootstrap, group_id=None, client_id="partners-audit-test")
    await consumer.start()
    records: list[ConsumerRecord[bytes, bytes]] = []
    try:
        consumer.subscribe([topic])
        async with asyncio.timeout(30):
            while len(records) < count:
                batch = await consumer.getmany(timeout_ms=500)
                records += [r for rs in batch.values() for r in rs]
    finally:
        await consumer.stop()
        relay.stop()
        await task
    return sorted(records, key=lambda r: r.timestamp)


async def test_consent_grants_and_revocations_are_published_with_who_did_them(
    gateway: Gateway, topic_factory: Any,
) -> None:
    api = gateway.api
    coop = new_id("cooperative")
    await gateway.send(consumed(registered(coop), stream_id=coop))
    bank = await register(api, "Bank NTT", "bank")
    consent = await grant(api, coop, bank, ["savings", "loans"])
    revoked = await api.post(f"/cooperatives/{coop}/consents/{consent}/revoke",
                             {"reason": "kontrak selesai"},
                             api.token("coop_admin", cooperative_id=coop, subject="ketua-y"))
    assert revoked.status_code == 200, revoked.text
    outbox = await api.rows("SELECT DISTINCT topic FROM outbox")
    assert [r["topic"] for r in outbox] == ["gotong.partners.events"]
    # Only the consent's two events are published: neither the partner's registration
    # (its contacts are personal data) nor anything else.
    assert await api.pool.fetchval("SELECT count(*) FROM outbox") == 2
    # The test's own topic instead of the platform's (the shared stack's relay reads that).
    topic = await topic_factory("partners")
    await api.pool.execute("UPDATE outbox SET topic = $1", topic)

    records = await _published(gateway, topic, 2)
    headers = [{k: v.decode() for k, v in r.headers} for r in records]
    assert [h["ce_type"] for h in headers] == ["gotong.partners.ConsentGranted.v1",
                                               "gotong.partners.ConsentRevoked.v1"]
    assert {h["ce_cooperativeid"] for h in headers} == {coop}
    assert {h["ce_subject"] for h in headers} == {consent}
    granted, withdrawn = (orjson.loads(r.value) for r in records)
    assert granted["granted_by"] == "pengurus-x"
    assert (granted["partner_id"], granted["categories"]) == (bank, ["savings", "loans"])
    assert (withdrawn["revoked_by"], withdrawn["reason"]) == ("ketua-y", "kontrak selesai")
    for header, data in zip(headers, (granted, withdrawn), strict=True):
        name = header["ce_dataschema"].removeprefix("urn:gotong:schema:")
        schema = json.loads((SCHEMAS / f"{name}.json").read_text())
        jsonschema.validate(data, schema)
