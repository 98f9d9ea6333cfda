"""KAFKA subscriptions on the real broker, which authenticates with SASL/SCRAM and
authorizes with ACLs (the local stack's StandardAuthorizer, no ACL no access): each
partner reads its own topic with its own user and gets exactly what its consents allow,
in CloudEvents' binary mode; it can read no other partner's topic or group and no internal
topic; a revoked consent stops the delivery."""

from __future__ import annotations

import asyncio
import os
import shutil
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import jsonschema
import orjson
import pytest
import pytest_asyncio
from aiokafka import AIOKafkaConsumer, ConsumerRecord
from aiokafka.admin import AIOKafkaAdminClient
from aiokafka.errors import (
    GroupAuthorizationFailedError,
    KafkaConnectionError,
    TopicAuthorizationFailedError,
)
from partners_support import Api, Gateway, consumed, deposit, grant, register, registered, sale

from gotong_devstack.kafka_libs import libs_dir
from gotong_devstack.settings import load_settings
from gotong_platform.contracts.partner_feed import PARTNER_CONTRACTS, schema_url
from gotong_platform.ids import new_id
from gotong_platform.kafka import KafkaAuth, make_producer
from partners.adapters.webhooks import PostgresWebhookStore
from partners.application.webhooks import WebhookDispatch
from partners.main import build_dispatch

pytestmark = pytest.mark.integration


@pytest_asyncio.fixture
async def dispatch(gateway: Gateway) -> AsyncIterator[WebhookDispatch]:
    """The dispatcher as ``python -m partners webhooks`` runs it, with the gateway's user."""
    api = gateway.api
    producer = make_producer(gateway.bootstrap, client_id="partners-kafka-test",
                             auth=api.settings.kafka_auth())
    await producer.start()
    try:
        yield build_dispatch(api.settings, PostgresWebhookStore(api.pool), None,  # type: ignore[arg-type]
                             api.clock, producer=producer)
    finally:
        await producer.stop()


async def subscribe(api: Api, partner: str, **body: Any) -> dict[str, Any]:
    answer = await api.post("/partner/subscriptions", {"protocol": "KAFKA", **body},
                            api.token("partner", subject=partner))
    assert answer.status_code == 201, answer.text
    created: dict[str, Any] = answer.json()
    return created


def partner_client(bootstrap: str, kafka: dict[str, Any], *topics: str, group: str | None,
                   username: str | None = None) -> AIOKafkaConsumer:
    """A consumer logged in as the partner (or as ``username`` with its password)."""
    return AIOKafkaConsumer(
        *topics, bootstrap_servers=bootstrap, group_id=group, enable_auto_commit=False,
        auto_offset_reset="earliest", security_protocol=kafka["security_protocol"],
        sasl_mechanism=kafka["sasl_mechanism"],
        sasl_plain_username=username or kafka["username"],
        sasl_plain_password=kafka["password"])


async def read(consumer: AIOKafkaConsumer, count: int, *, quiet_s: float = 0.0
               ) -> list[ConsumerRecord[bytes, bytes]]:
    """``count`` records, then nothing more for ``quiet_s``."""
    records: list[ConsumerRecord[bytes, bytes]] = []
    async with asyncio.timeout(30):
        while len(records) < count:
            batch = await consumer.getmany(timeout_ms=500)
            records += [r for rs in batch.values() for r in rs]
    if quiet_s:
        extra = await consumer.getmany(timeout_ms=int(quiet_s * 1000))
        records += [r for rs in extra.values() for r in rs]
    return records


async def refused(consumer: AIOKafkaConsumer) -> BaseException:
    """What the broker answers a consumer that may not read: the error it raises."""
    try:
        await consumer.start()
        async with asyncio.timeout(30):
            while True:
                await consumer.getmany(timeout_ms=500)
    except (TopicAuthorizationFailedError, GroupAuthorizationFailedError,
            KafkaConnectionError) as exc:
        return exc
    finally:
        await consumer.stop()


async def test_each_partner_reads_only_its_own_topic_and_its_consented_events(
    gateway: Gateway, dispatch: WebhookDispatch,
) -> None:
    api = gateway.api
    coop, member, account = new_id("cooperative"), new_id("member"), new_id("account")
    await gateway.send(consumed(registered(coop), stream_id=coop))
    bank = await register(api, "Bank NTT", "bank")
    buyer = await register(api, "Pembeli Kopi", "buyer")
    bank_consent = await grant(api, coop, bank, ["savings"])
    await grant(api, coop, buyer, ["sales"])

    created = await subscribe(api, bank)
    kafka = created["kafka"]
    assert created["sink"] == kafka["topic"] == f"gotong.partner.{bank}.events"
    assert (kafka["username"], kafka["group_prefix"]) == (bank, f"{bank}.")
    assert kafka["password"]
    assert kafka["sasl_mechanism"] == "SCRAM-SHA-512"
    # Another KAFKA subscription uses the same topic and user: no new password. Naming
    # another partner's topic, or an internal one, is refused.
    again = await subscribe(api, bank, sink=kafka["topic"])
    assert again["kafka"]["password"] is None
    deleted = await api.client.delete(f"/partner/subscriptions/{again['id']}", headers={
        **api.token("partner", subject=bank), "Idempotency-Key": new_id("k")})
    assert deleted.status_code == 200, deleted.text
    for sink in (f"gotong.partner.{buyer}.events", "gotong.payments.events"):
        answer = await api.post("/partner/subscriptions", {"protocol": "KAFKA", "sink": sink},
                                api.token("partner", subject=bank))
        assert (answer.status_code, answer.json()["code"]) == (422, "sink-not-allowed")
    buyer_kafka = (await subscribe(api, buyer))["kafka"]
    # Disabled after persistent failures, a KAFKA delivery comes back when the partner
    # sets its subscription again (as an HTTP one does).
    await api.pool.execute("UPDATE webhook_endpoints SET enabled = false, failures = 9 "
                           "WHERE subscription_id = $1", created["id"])
    again = await api.client.put(f"/partner/subscriptions/{created['id']}", json={
        "protocol": "KAFKA", "sink": kafka["topic"]}, headers={
        **api.token("partner", subject=bank), "Idempotency-Key": new_id("k")})
    assert again.status_code == 200, again.text
    assert await api.pool.fetchval(
        "SELECT enabled AND failures = 0 FROM webhook_endpoints WHERE subscription_id = $1",
        created["id"]) is True

    await gateway.send(*(deposit(coop, member, amount=1_000 * n, account=account)
                         for n in (1, 2, 3)), sale(coop, member))
    assert await dispatch.run_once() == 4  # three deposits to the bank, the sale to the buyer

    feed = (await gateway.feed(bank))["items"]
    consumer = partner_client(gateway.bootstrap, kafka, kafka["topic"], group=f"{bank}.feed")
    await consumer.start()
    try:
        records = await read(consumer, 3, quiet_s=1.0)
        assert len(records) == 3
        # Binary mode: the partner contract as the value, the attributes as ce_ headers,
        # the same events (ids, order, data) as the pull feed; keyed by the cooperative.
        assert [orjson.loads(r.value) for r in records] == [item["data"] for item in feed]
        headers = [dict(r.headers) for r in records]
        assert [h["ce_id"].decode() for h in headers] == [item["id"] for item in feed]
        assert {h["ce_type"] for h in headers} == {b"gotong.partner.savings.SavingsMovement.v1"}
        assert {h["content-type"] for h in headers} == {b"application/json"}
        assert {h["ce_specversion"] for h in headers} == {b"1.0"}
        assert "ce_position" not in headers[0]  # Kafka has its own offsets
        assert {r.key for r in records} == {coop.encode()}
        assert "member_id" not in records[0].value.decode()  # pseudonymous, as pulled
        # The internal envelope's flow attributes stay inside: no actor (the clerk's token
        # subject, "user-kasir" in these events), command, correlation or causation.
        for record in records:
            names = {name for name, _ in record.headers}
            assert not names & {"ce_actorid", "ce_commandid", "ce_correlationid",
                                "ce_causationid", "ce_globalposition"}, names
            assert all(b"user-kasir" not in value for _, value in record.headers)
            assert b"user-kasir" not in record.value

        # The bank's consent is revoked: nothing more reaches its topic.
        revoked = await api.post(f"/cooperatives/{coop}/consents/{bank_consent}/revoke", {},
                                 api.token("coop_admin", cooperative_id=coop,
                                           subject="pengurus-x"))
        assert revoked.status_code == 200, revoked.text
        await gateway.send(deposit(coop, member, amount=9_000, account=account))
        assert await dispatch.run_once() == 0
        assert await read(consumer, 0, quiet_s=1.0) == []
    finally:
        await consumer.stop()

    # The buyer got its sale, and only that.
    buyer_consumer = partner_client(gateway.bootstrap, buyer_kafka, buyer_kafka["topic"],
                                    group=f"{buyer}.feed")
    await buyer_consumer.start()
    try:
        got = await read(buyer_consumer, 1, quiet_s=1.0)
        assert [dict(r.headers)["ce_type"] for r in got] == [
            b"gotong.partner.sales.Sale.v1"]
    finally:
        await buyer_consumer.stop()

    # What the bank's user may not read: the buyer's topic, the internal topics the
    # gateway consumes (the test's and the platform's names), another partner's group.
    for topic in (buyer_kafka["topic"], gateway.topics["payments"], "gotong.payments.events",
                  "gotong.partners.events", "__consumer_offsets"):
        error = await refused(partner_client(gateway.bootstrap, kafka, topic,
                                             group=f"{bank}.snoop"))
        assert isinstance(error, TopicAuthorizationFailedError), (topic, error)
    error = await refused(partner_client(gateway.bootstrap, kafka, kafka["topic"],
                                         group=f"{buyer}.feed"))
    assert isinstance(error, GroupAuthorizationFailedError), error
    # A group without the bank's prefix is refused too (the prefix ends with a dot).
    error = await refused(partner_client(gateway.bootstrap, kafka, kafka["topic"],
                                         group=f"{bank}-feed"))
    assert isinstance(error, GroupAuthorizationFailedError), error
    # The buyer's user with the bank's password does not log in.
    error = await refused(partner_client(gateway.bootstrap, kafka, kafka["topic"],
                                         group=f"{buyer}.feed", username=buyer))
    assert isinstance(error, KafkaConnectionError), error
    # The internal user still reads everything (the gateway's own consumer works above).
    assert KafkaAuth.from_env().username != bank


async def test_a_partners_kafka_password_is_rotated_and_the_old_one_is_refused(
    gateway: Gateway, dispatch: WebhookDispatch,
) -> None:
    api = gateway.api
    coop, member, account = new_id("cooperative"), new_id("member"), new_id("account")
    await gateway.send(consumed(registered(coop), stream_id=coop))
    bank = await register(api, "Bank Flores", "bank")
    await grant(api, coop, bank, ["savings"])
    office = api.token("federation_admin", subject="kantor-federasi")
    # No Kafka user before the first KAFKA subscription: nothing to rotate.
    early = await api.post("/partner/kafka/password", {}, api.token("partner", subject=bank))
    assert (early.status_code, early.json()["code"]) == (404, "kafka-user-not-found")
    first = (await subscribe(api, bank))["kafka"]
    # Its topic follows the domain topics' rule, with no dead-letter topic of its own.
    admin = AIOKafkaAdminClient(bootstrap_servers=gateway.bootstrap,
                                **KafkaAuth.from_env().client_kwargs())
    await admin.start()
    try:
        topics = set(await admin.list_topics())
    finally:
        await admin.close()
    assert first["topic"] in topics
    assert f"{first['topic']}.dlt" not in topics
    await gateway.send(deposit(coop, member, amount=1_000, account=account))
    assert await dispatch.run_once() == 1

    rotated = await api.post("/partner/kafka/password", {}, api.token("partner", subject=bank))
    assert rotated.status_code == 201, rotated.text
    second = rotated.json()
    assert second["password"]
    assert second["password"] != first["password"]
    assert (second["topic"], second["username"]) == (first["topic"], first["username"])
    # The old password no longer logs in; the new one reads the topic.
    error = await refused(partner_client(gateway.bootstrap, first, first["topic"],
                                         group=f"{bank}.feed"))
    assert isinstance(error, KafkaConnectionError), error
    consumer = partner_client(gateway.bootstrap, second, second["topic"], group=f"{bank}.feed")
    await consumer.start()
    try:
        assert len(await read(consumer, 1)) == 1
    finally:
        await consumer.stop()

    # The federation office rotates it too (a partner who lost it); a partner may not
    # rotate another's, and a clerk may not rotate any.
    for token in (api.token("partner", subject=bank),
                  api.token("coop_clerk", cooperative_id=coop)):
        refused_call = await api.post(f"/partners/{bank}/kafka/password", {}, token)
        assert refused_call.status_code == 403, refused_call.text
    third = await api.post(f"/partners/{bank}/kafka/password", {}, office)
    assert third.status_code == 201, third.text
    error = await refused(partner_client(gateway.bootstrap, second, second["topic"],
                                         group=f"{bank}.feed"))
    assert isinstance(error, KafkaConnectionError), error
    missing = await api.post(f"/partners/{new_id('partner')}/kafka/password", {}, office)
    assert (missing.status_code, missing.json()["code"]) == (404, "partner-not-found")
    # Each rotation is an event of the partner's stream naming who did it, never the
    # password.
    rows = await api.rows(
        """SELECT payload FROM events WHERE stream_id = $1
           AND event_type = 'KafkaPasswordRotated' ORDER BY stream_version""", bank)
    assert [r["payload"]["rotated_by"] for r in rows] == [bank, "kantor-federasi"]
    assert third.json()["password"] not in str([r["payload"] for r in rows])


ROOT = Path(__file__).resolve().parents[4]
PARTNER_JS = ROOT / ".tools" / "partner-js"


def _node_partner() -> list[str]:
    """The kafkajs partner's argv prefix; fails (never skips) when it is not installed."""
    node = shutil.which("node")
    if node is None:
        pytest.fail("node is missing: install Node.js 20 and npm")
    script = PARTNER_JS / "consume.mjs"
    if not (PARTNER_JS / "node_modules" / ".installed").exists() or (
            script.read_bytes() != (ROOT / "tools" / "partner-js" / "consume.mjs").read_bytes()):
        pytest.fail("the kafkajs partner is not installed or stale: make partner-tools "
                    "(make test installs it)")
    return [node, str(script)]


def _java_partner() -> list[str]:
    """The Java partner's argv prefix: a single source file on the broker's own client
    jars (the devstack's cached classpath, which ``make up`` fetched)."""
    java = shutil.which("java")
    if java is None:
        pytest.fail("java is missing: install Java 17")
    settings = load_settings()
    libs = libs_dir(settings.cache_dir, settings.kafka_version)
    if not any(libs.glob("kafka-clients-*.jar")):
        pytest.fail(f"no kafka-clients jar in {libs}: make up fetches the broker's classpath")
    return [java, "-cp", f"{libs}/*", str(ROOT / "tools" / "partner-java" / "PartnerConsumer.java")]


async def _run(argv: list[str], env: dict[str, str]) -> tuple[int, str, str]:
    process = await asyncio.create_subprocess_exec(
        *argv, env={**os.environ, **env}, stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE)
    async with asyncio.timeout(60):
        out, err = await process.communicate()
    return process.returncode or 0, out.decode(), err.decode()


async def test_partners_outside_python_read_their_topic_and_every_message_fits_its_schema(
    gateway: Gateway, dispatch: WebhookDispatch, tmp_path: Path,
) -> None:
    """A kafkajs and a Java consumer, as a partner's engineer would write them
    (docs/partners.md): each message read with the partner's own SCRAM user and checked
    (ajv in the kafkajs one; the Java one's records here) against the schema its
    ce_dataschema names, as the gateway serves it; another partner's topic refused."""
    api = gateway.api
    coop, member, account = new_id("cooperative"), new_id("member"), new_id("account")
    await gateway.send(consumed(registered(coop), stream_id=coop))
    bank, buyer = await register(api, "Bank NTT", "bank"), await register(api, "Kopi", "buyer")
    await grant(api, coop, bank, ["savings", "loans"])
    await grant(api, coop, buyer, ["sales"])
    kafka = (await subscribe(api, bank))["kafka"]
    buyer_topic = (await subscribe(api, buyer))["kafka"]["topic"]
    await gateway.send(*(deposit(coop, member, amount=1_500 * n, account=account)
                         for n in (1, 2, 3)), sale(coop, member))
    assert await dispatch.run_once() == 4
    feed_ids = [item["id"] for item in (await gateway.feed(bank))["items"]]
    assert len(feed_ids) == 3

    # The published schemas, as the gateway serves them at their $id.
    schemas = []
    for cls in PARTNER_CONTRACTS.values():
        url = schema_url(api.settings.public_base_url, cls)
        answer = await api.client.get(url.removeprefix(api.settings.public_base_url))
        assert answer.status_code == 200, url
        schemas.append(answer.json())
    schemas_file = tmp_path / "schemas.json"
    schemas_file.write_bytes(orjson.dumps(schemas))
    by_id = {schema["$id"]: schema for schema in schemas}

    env = {"KAFKA_BOOTSTRAP": gateway.bootstrap, "KAFKA_USERNAME": kafka["username"],
           "KAFKA_PASSWORD": kafka["password"], "KAFKA_TOPIC": kafka["topic"],
           "KAFKA_GROUP": f"{bank}.js", "KAFKA_SECURITY_PROTOCOL": kafka["security_protocol"],
           "KAFKA_SASL_MECHANISM": kafka["sasl_mechanism"]}
    status, out, err = await _run([*_node_partner(), str(schemas_file), "3"], env)
    assert status == 0, (out, err)
    lines = [orjson.loads(line) for line in out.splitlines()]
    assert [line["id"] for line in lines] == feed_ids
    assert all(line["valid"] and line["dataschema"] in by_id for line in lines), lines
    # The same consumer on the buyer's topic is refused by the broker.
    status, out, err = await _run([*_node_partner(), str(schemas_file), "1"],
                                  {**env, "KAFKA_TOPIC": buyer_topic})
    assert (status, "refused" in err) == (2, True), (out, err)

    status, out, err = await _run([*_java_partner(), "3"],
                                  {**env, "KAFKA_GROUP": f"{bank}.java"})
    assert status == 0, (out, err)
    records = [orjson.loads(line) for line in out.splitlines()]
    for record in records:  # the Java partner's records, checked against their schema
        jsonschema.validate(orjson.loads(record["value"]), by_id[record["dataschema"]],
                            cls=jsonschema.Draft202012Validator)
    assert [r["id"] for r in records] == feed_ids  # one key (the cooperative): feed order
    assert {r["key"] for r in records} == {coop}
    status, out, err = await _run([*_java_partner(), "1"],
                                  {**env, "KAFKA_TOPIC": buyer_topic,
                                   "KAFKA_GROUP": f"{bank}.java"})
    assert (status, "TopicAuthorizationException" in err) == (2, True), (out, err)
