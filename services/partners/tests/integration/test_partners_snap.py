"""Signed (SNAP) requests on real PostgreSQL and Kafka: the federation office registers a
bank's public key; the bank's gateway pulls and manages its webhook with signed requests.

The signatures are made here as a bank's gateway makes them, with ``cryptography`` and
the string to sign written out from SNAP's formula (not with the gateway's own code), on
the platform clock the test sets.
"""

from __future__ import annotations

import base64
import hashlib
import json
import uuid
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import httpx
import pytest
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from partners_support import Api, Gateway, consumed, deposit, grant, register, registered

from gotong_platform.calendar import TimeZone
from gotong_platform.ids import new_id

pytestmark = pytest.mark.integration

SINK = "https://receiver.example/gotong"
PrivateKey = rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey


def public_pem(private: PrivateKey) -> str:
    return private.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo).decode()


def snap_signature(private: PrivateKey, text: str) -> str:
    if isinstance(private, rsa.RSAPrivateKey):
        raw = private.sign(text.encode(), padding.PKCS1v15(), hashes.SHA256())
    else:
        raw = private.sign(text.encode(), ec.ECDSA(hashes.SHA256()))
    return base64.b64encode(raw).decode()


@dataclass
class BankGateway:
    """A bank's SNAP gateway: signs every call with its private key."""

    api: Api
    partner_id: str
    private: PrivateKey

    def timestamp(self, skew: timedelta = timedelta()) -> str:
        # The bank's clock shows WIB, as SNAP's examples do.
        return (self.api.clock.now() + skew).astimezone(TimeZone.WIB.tzinfo).isoformat(
            timespec="seconds")

    def headers(self, method: str, url: str, body: bytes = b"", *,
                timestamp: str | None = None, external_id: str | None = None,
                key: PrivateKey | None = None, signed_url: str | None = None,
                signed_body: bytes | None = None) -> dict[str, str]:
        timestamp = timestamp or self.timestamp()
        digest = hashlib.sha256(body if signed_body is None else signed_body).hexdigest()
        text = f"{method}:{signed_url or url}:{digest}:{timestamp}"
        return {"X-PARTNER-ID": self.partner_id, "X-TIMESTAMP": timestamp,
                "X-EXTERNAL-ID": external_id or uuid.uuid4().hex,
                "X-SIGNATURE": snap_signature(key or self.private, text)}

    async def get(self, url: str, **kw: Any) -> httpx.Response:
        return await self.api.client.get(url, headers=self.headers("GET", url, **kw))

    async def post(self, url: str, body: dict[str, Any], **kw: Any) -> httpx.Response:
        content = json.dumps(body, separators=(",", ":")).encode()
        return await self.api.client.post(
            url, content=content, headers={"Content-Type": "application/json",
                                           **self.headers("POST", url, content, **kw)})


async def register_key(api: Api, partner: str, private: PrivateKey,
                       token: dict[str, str] | None = None) -> httpx.Response:
    office = token or api.token("federation_admin", subject="federation-office")
    return await api.post(f"/partners/{partner}/keys", {"public_key_pem": public_pem(private)},
                          office)


async def a_bank(api: Api, private: PrivateKey | None = None) -> BankGateway:
    bank = await register(api, "Bank NTT", "bank")
    private = private or rsa.generate_private_key(public_exponent=65537, key_size=2048)
    answer = await register_key(api, bank, private)
    assert answer.status_code == 201, answer.text
    return BankGateway(api, bank, private)


def refusal(answer: httpx.Response) -> tuple[int, str]:
    assert answer.headers["content-type"] == "application/problem+json", answer.text
    return answer.status_code, answer.json()["code"]


async def test_a_signed_pull_answers_what_the_bearer_pull_answers(gateway: Gateway) -> None:
    api = gateway.api
    coop, member = new_id("cooperative"), new_id("member")
    await gateway.send(consumed(registered(coop), stream_id=coop))
    bank = await a_bank(api)
    await grant(api, coop, bank.partner_id, ["savings"])
    await gateway.send(deposit(coop, member, amount=1_000), deposit(coop, member, amount=2_000))

    signed = await bank.get("/partner/feed?after=0&limit=10")
    first_page = await bank.get("/partner/feed?limit=1")

    assert signed.status_code == 200, signed.text
    assert signed.json() == await gateway.feed(bank.partner_id, after=0, limit=10)
    assert [i["data"]["amount_idr"] for i in signed.json()["items"]] == [1_000, 2_000]
    assert first_page.json()["next_after"] == 1


async def test_tampered_wrong_stale_replayed_or_incomplete_requests_are_refused(
    api: Api,
) -> None:
    bank = await a_bank(api, ec.generate_private_key(ec.SECP256R1()))
    feed = "/partner/feed?after=0"
    stranger = ec.generate_private_key(ec.SECP256R1())
    replayed = bank.headers("GET", feed)
    assert (await api.client.get(feed, headers=replayed)).status_code == 200
    missing = bank.headers("GET", feed)
    del missing["X-SIGNATURE"]
    # Signed at one moment, sent with another within the window: the signature covers it.
    moved = {**bank.headers("GET", feed), "X-TIMESTAMP": bank.timestamp(timedelta(seconds=1))}

    answers = {
        "another path": await bank.get("/partner/feed?after=1", signed_url=feed),
        "another timestamp": await api.client.get(feed, headers=moved),
        "another key": await bank.get(feed, key=stranger),
        "six minutes late": await bank.get(feed, timestamp=bank.timestamp(timedelta(minutes=-6))),
        "six minutes early": await bank.get(feed, timestamp=bank.timestamp(timedelta(minutes=6))),
        "replayed": await api.client.get(feed, headers=replayed),
        "missing header": await api.client.get(feed, headers=missing),
        "unknown partner": await api.client.get(
            feed, headers={**bank.headers("GET", feed), "X-PARTNER-ID": new_id("partner")}),
        "bad timestamp": await bank.get(feed, timestamp="2026-11-18 09:00"),
        "long external id": await bank.get(feed, external_id="9" * 37),
    }

    assert {what: refusal(a) for what, a in answers.items()} == {
        "another path": (401, "snap-signature-invalid"),
        "another timestamp": (401, "snap-signature-invalid"),
        "another key": (401, "snap-signature-invalid"),
        "six minutes late": (401, "snap-timestamp-outside-window"),
        "six minutes early": (401, "snap-timestamp-outside-window"),
        "replayed": (401, "snap-external-id-reused"),
        "missing header": (401, "snap-header-missing"),
        "unknown partner": (401, "snap-unknown-partner"),
        "bad timestamp": (401, "snap-header-invalid"),
        "long external id": (401, "snap-header-invalid"),
    }
    assert answers["replayed"].json()["responseCode"] == "4010000"
    # Within the window on the platform clock, five minutes either way still pass.
    assert (await bank.get(feed, timestamp=bank.timestamp(timedelta(minutes=-5)))
            ).status_code == 200
    assert (await bank.get(feed, timestamp=bank.timestamp(timedelta(minutes=5)))
            ).status_code == 200


async def test_a_signed_command_is_idempotent_by_its_external_id(api: Api) -> None:
    bank = await a_bank(api)
    external = "20261118090000000001"

    first = await bank.post("/partner/webhook", {"url": SINK}, external_id=external)
    again = await bank.post("/partner/webhook", {"url": SINK}, external_id=external)
    other_body = await bank.post("/partner/webhook", {"url": SINK + "/other"},
                                 external_id=external)
    tampered = await bank.post("/partner/webhook", {"url": SINK + "/evil"},
                               signed_body=b'{"url":"' + SINK.encode() + b'"}')

    assert first.status_code == 201, first.text
    assert (again.status_code, again.json()) == (201, first.json())  # the same secret
    assert again.headers["Idempotency-Replayed"] == "true"
    assert refusal(other_body) == (409, "snap-external-id-conflict")
    assert refusal(tampered) == (401, "snap-signature-invalid")
    rows = await api.rows("SELECT url FROM webhook_endpoints")
    assert [r["url"] for r in rows] == [SINK]
    # A read may not spend the id a command used, nor a command the id a read used.
    assert refusal(await bank.get("/partner/webhook", external_id=external)) == (
        401, "snap-external-id-reused")
    read = "20261118090000000002"
    assert (await bank.get("/partner/webhook", external_id=read)).status_code == 200
    assert refusal(await bank.post("/partner/webhook/secret", {}, external_id=read)) == (
        409, "snap-external-id-conflict")
    # The next day (in WIB) the same id is new again.
    api.clock.advance(timedelta(days=1))
    rotated = await bank.post("/partner/webhook/secret", {}, external_id=read)
    assert rotated.status_code == 201, rotated.text


async def test_a_bearer_token_beside_the_signature_must_be_the_same_partners(api: Api) -> None:
    bank = await a_bank(api)
    other = await register(api, "Bank Lain", "bank")
    feed = "/partner/feed"

    own = await api.client.get(feed, headers={**bank.headers("GET", feed),
                                              **api.token("partner", subject=bank.partner_id)})
    foreign = await api.client.get(feed, headers={**bank.headers("GET", feed),
                                                  **api.token("partner", subject=other)})
    broken = await api.client.get(feed, headers={**bank.headers("GET", feed),
                                                 "Authorization": "Bearer not-a-token"})

    assert own.status_code == 200, own.text
    assert refusal(foreign) == (401, "snap-token-mismatch")
    assert refusal(broken) == (401, "snap-token-mismatch")


async def test_a_rotated_key_verifies_beside_the_old_one_for_a_day(api: Api) -> None:
    old = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    new = ec.generate_private_key(ec.SECP256R1())
    bank = await a_bank(api, old)
    feed = "/partner/feed"

    rotated = await register_key(api, bank.partner_id, new)
    assert rotated.status_code == 201, rotated.text
    body = rotated.json()
    assert body["key"]["algorithm"] == "SHA256withECDSA"
    assert body["replaced_valid_until"] == (api.clock.now() + timedelta(days=1)).isoformat(
        ).replace("+00:00", "Z")
    assert (await bank.get(feed, key=old)).status_code == 200
    assert (await bank.get(feed, key=new)).status_code == 200

    api.clock.advance(timedelta(days=1) - timedelta(seconds=1))
    assert (await bank.get(feed, key=old)).status_code == 200
    api.clock.advance(timedelta(seconds=1))
    assert refusal(await bank.get(feed, key=old)) == (401, "snap-signature-invalid")
    assert (await bank.get(feed, key=new)).status_code == 200

    office = api.token("federation_admin", subject="federation-office")
    keys = (await api.get(f"/partners/{bank.partner_id}/keys", office)).json()
    assert [(k["algorithm"], k["registered_by"], k["valid_until"] is None) for k in keys] == [
        ("SHA256withECDSA", "federation-office", True),
        ("SHA256withRSA", "federation-office", False)]
    events = await api.rows(
        "SELECT event_type, payload->>'registered_by' AS who FROM events WHERE stream_id = $1 "
        "ORDER BY stream_version", bank.partner_id)
    assert [(e["event_type"], e["who"]) for e in events] == [
        ("PartnerRegistered", "federation-office"), ("SigningKeyRegistered", "federation-office"),
        ("SigningKeyRegistered", "federation-office")]


async def test_bad_keys_and_callers_are_refused_and_change_nothing(api: Api) -> None:
    bank = await register(api, "Bank Sikka", "bank")
    weak = rsa.generate_private_key(public_exponent=65537, key_size=1024)  # noqa: S505
    p384 = ec.generate_private_key(ec.SECP384R1())
    private_pem = p384.private_bytes(serialization.Encoding.PEM,
                                     serialization.PrivateFormat.PKCS8,
                                     serialization.NoEncryption()).decode()
    office = api.token("federation_admin", subject="federation-office")
    good = ec.generate_private_key(ec.SECP256R1())

    async def send(pem: str, partner: str = bank, token: dict[str, str] = office
                   ) -> httpx.Response:
        return await api.post(f"/partners/{partner}/keys", {"public_key_pem": pem}, token)

    answers = [
        await send("not a key"),
        await send(public_pem(weak)),
        await send(public_pem(p384)),
        await send(private_pem),
        await send(public_pem(good), partner=new_id("partner")),
    ]
    bank_token = await send(public_pem(good), token=api.token("partner", subject=bank))
    no_key = await api.client.post(f"/partners/{bank}/keys",
                                   json={"public_key_pem": public_pem(good)}, headers=office)

    assert [refusal(a) for a in answers] == [
        (422, "invalid-public-key"), (422, "weak-public-key"), (422, "unsupported-key-type"),
        (422, "private-key-sent"), (404, "partner-not-found")]
    assert "BEGIN PRIVATE KEY" not in answers[3].text
    assert bank_token.status_code == 403
    assert refusal(no_key) == (400, "idempotency-key-required")
    assert await api.rows("SELECT 1 FROM partner_signing_keys") == []
    assert await api.rows(
        "SELECT 1 FROM events WHERE event_type = 'SigningKeyRegistered'") == []
    # The same key twice: the second is refused while the first verifies.
    assert (await send(public_pem(good))).status_code == 201
    assert refusal(await send(public_pem(good))) == (409, "signing-key-already-registered")
