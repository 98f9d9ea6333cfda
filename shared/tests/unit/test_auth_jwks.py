"""Tokens of an OpenID Connect issuer, verified against its JWKS: rotation, unknown kids
(and the rate limit on reading the set again), retired keys, lifetime, issuer and
audience, and the algorithm confusions a JWKS invites."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
from datetime import UTC, datetime, timedelta
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa

from gotong_platform.auth import (
    AUDIENCE,
    ISSUER,
    InvalidToken,
    JwksKeys,
    KeysUnavailable,
    Role,
    TokenVerifier,
    TrustedIssuer,
)
from gotong_platform.auth.jwks import JwksError, parse_jwks

pytestmark = pytest.mark.unit

IDP = "https://id.gotong.example/realms/gotong"
JWKS_URL = f"{IDP}/protocol/openid-connect/certs"
HS_KEY = secrets.token_bytes(32)


class Clock:
    """The JWKS cache's monotonic clock, moved by the test."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


class Issuer:
    """An issuer's keys: signs with the current one, publishes what the test says."""

    def __init__(self) -> None:
        self.keys: dict[str, rsa.RSAPrivateKey | ed25519.Ed25519PrivateKey] = {}
        self.published: list[str] = []
        self.reads = 0
        self.down = False

    def new_key(self, kid: str, kind: str = "rsa") -> str:
        self.keys[kid] = (rsa.generate_private_key(public_exponent=65537, key_size=2048)
                          if kind == "rsa" else ed25519.Ed25519PrivateKey.generate())
        self.published.append(kid)
        return kid

    def jwk(self, kid: str) -> dict[str, Any]:
        key = self.keys[kid]
        algorithm: Any = (jwt.algorithms.RSAAlgorithm if isinstance(key, rsa.RSAPrivateKey)
                          else jwt.algorithms.OKPAlgorithm)
        return {**json.loads(algorithm.to_jwk(key.public_key())), "kid": kid, "use": "sig"}

    async def fetch(self, url: str) -> bytes:
        assert url == JWKS_URL
        self.reads += 1
        if self.down:
            raise JwksError("connection refused")
        return json.dumps({"keys": [self.jwk(kid) for kid in self.published]}).encode()

    def token(self, kid: str, **claims: Any) -> str:
        key = self.keys[kid]
        algorithm = "RS256" if isinstance(key, rsa.RSAPrivateKey) else "EdDSA"
        return jwt.encode(a_claims(**claims), key, algorithm=algorithm, headers={"kid": kid})


def a_claims(**overrides: Any) -> dict[str, Any]:
    now = int(datetime.now(UTC).timestamp())
    claims = {"sub": "ratna", "role": "regional_officer", "region": "53", "iss": IDP,
              "aud": AUDIENCE, "iat": now, "exp": now + 600} | overrides
    return {name: value for name, value in claims.items() if value is not None}


def a_verifier(issuer: Issuer, clock: Clock, *, key: bytes | None = HS_KEY,
               grace: timedelta = timedelta(0), key_roles: Any = None) -> TokenVerifier:
    keys = JwksKeys(JWKS_URL, fetch=issuer.fetch, clock=clock,
                    max_age=timedelta(minutes=5), min_refresh_interval=timedelta(seconds=30),
                    retired_key_grace=grace)
    return TokenVerifier(key, trusted=TrustedIssuer(IDP, AUDIENCE, keys), key_roles=key_roles,
                         max_lifetime=timedelta(hours=1))


async def test_a_token_of_the_issuer_is_verified_with_the_key_its_kid_names() -> None:
    issuer, clock = Issuer(), Clock()
    first = issuer.new_key("k1")
    issuer.new_key("k2", "ed25519")
    verifier = a_verifier(issuer, clock)
    principal = await verifier.verify_async(issuer.token(first))
    assert (principal.subject, principal.role, principal.region) == (
        "ratna", Role.REGIONAL_OFFICER, "53")
    assert (await verifier.verify_async(issuer.token("k2"))).subject == "ratna"
    assert issuer.reads == 1  # read once, then cached


async def test_a_rotated_key_is_found_by_reading_the_set_again_and_the_old_one_still_verifies(
) -> None:
    issuer, clock = Issuer(), Clock()
    old = issuer.new_key("2025-01")
    verifier = a_verifier(issuer, clock)
    old_token = issuer.token(old)
    await verifier.verify_async(old_token)
    clock.now += 31  # past the rate limit
    new = issuer.new_key("2025-02")  # the rotation window: both published
    assert (await verifier.verify_async(issuer.token(new))).subject == "ratna"
    assert issuer.reads == 2
    assert (await verifier.verify_async(old_token)).subject == "ratna"
    # The window ends: the issuer drops the old key; the next read drops it here too.
    issuer.published.remove(old)
    clock.now += 300  # the set is stale
    with pytest.raises(InvalidToken, match="unknown signing key"):
        await verifier.verify_async(old_token)  # also forgets the remembered token
    assert (await verifier.verify_async(issuer.token(new))).subject == "ratna"


async def test_unknown_kids_read_the_set_at_most_once_per_interval() -> None:
    issuer, clock = Issuer(), Clock()
    issuer.new_key("k1")
    verifier = a_verifier(issuer, clock)
    await verifier.verify_async(issuer.token("k1"))
    clock.now += 31
    forged = Issuer()
    forged.new_key("made-up")
    for n in range(20):
        with pytest.raises(InvalidToken, match="unknown signing key"):
            await verifier.verify_async(forged.token("made-up", sub=f"x{n}"))
    assert issuer.reads == 2  # the first, and one for all twenty made-up kids
    # A genuine new key within the interval must wait for it to pass.
    issuer.new_key("k2")
    with pytest.raises(InvalidToken, match="unknown signing key"):
        await verifier.verify_async(issuer.token("k2"))
    clock.now += 30
    assert (await verifier.verify_async(issuer.token("k2"))).subject == "ratna"
    assert issuer.reads == 3


async def test_a_key_the_issuer_drops_is_kept_for_the_grace_when_one_is_set() -> None:
    issuer, clock = Issuer(), Clock()
    old = issuer.new_key("old")
    verifier = a_verifier(issuer, clock, grace=timedelta(minutes=10))
    old_token = issuer.token(old)
    await verifier.verify_async(old_token)
    issuer.published = [issuer.new_key("new")]
    clock.now += 301
    assert (await verifier.verify_async(old_token)).subject == "ratna"  # retired, in grace
    clock.now += 301  # read again: still within the 10 minutes since it was found gone
    assert (await verifier.verify_async(issuer.token(old, sub="other"))).subject == "other"
    clock.now += 300  # 10 minutes and a minute since
    with pytest.raises(InvalidToken, match="unknown signing key"):
        await verifier.verify_async(old_token)


async def test_keys_never_read_are_unavailable_not_a_bad_token() -> None:
    issuer, clock = Issuer(), Clock()
    issuer.new_key("k1")
    issuer.down = True
    verifier = a_verifier(issuer, clock)
    with pytest.raises(KeysUnavailable):
        await verifier.verify_async(issuer.token("k1"))
    # Once read, an issuer that goes down leaves the known keys in use.
    clock.now += 31
    issuer.down = False
    await verifier.verify_async(issuer.token("k1"))
    issuer.down = True
    clock.now += 400
    assert (await verifier.verify_async(issuer.token("k1", sub="later"))).subject == "later"


@pytest.mark.parametrize(("claims", "reason"), [
    ({"exp": None}, "missing claim: exp"),
    ({"iat": None}, "missing claim: iat"),
    ({"aud": "another-api"}, "wrong audience"),
    # Offsets from the moment the token is made, not from collection: PyJWT checks exp
    # and iat against the real clock, so the stamps must be relative to it.
    ({"iat": -60, "exp": 3600}, "token lifetime exceeds the maximum"),
    ({"exp": -120}, "token expired"),
])
async def test_the_issuers_tokens_are_held_to_lifetime_and_audience(
        claims: dict[str, Any], reason: str) -> None:
    issuer, clock = Issuer(), Clock()
    issuer.new_key("k1")
    now = int(datetime.now(UTC).timestamp())
    stamped = {name: now + value if name in ("iat", "exp") and value is not None else value
               for name, value in claims.items()}
    with pytest.raises(InvalidToken, match=reason):
        await a_verifier(issuer, clock).verify_async(issuer.token("k1", **stamped))


async def test_a_token_claiming_another_issuer_goes_to_the_hs256_key_and_fails_there() -> None:
    issuer, clock = Issuer(), Clock()
    issuer.new_key("k1")
    stranger = issuer.token("k1", iss="https://evil.example")
    with pytest.raises(InvalidToken, match="wrong issuer"):
        await a_verifier(issuer, clock, key=None).verify_async(stranger)
    with pytest.raises(InvalidToken, match="algorithm not allowed"):
        await a_verifier(issuer, clock).verify_async(stranger)  # HS256 only for that key


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unsigned(header: dict[str, Any], claims: dict[str, Any]) -> str:
    return f"{_b64(json.dumps(header).encode())}.{_b64(json.dumps(claims).encode())}"


async def test_alg_none_and_hs256_signed_with_the_public_key_are_refused() -> None:
    issuer, clock = Issuer(), Clock()
    issuer.new_key("k1")
    verifier = a_verifier(issuer, clock)
    unsigned = _unsigned({"alg": "none", "typ": "JWT", "kid": "k1"}, a_claims()) + "."
    with pytest.raises(InvalidToken, match="algorithm not allowed"):
        await verifier.verify_async(unsigned)
    # The public key, as the JWKS publishes it, used as an HMAC secret.
    public = issuer.keys["k1"].public_key()
    for secret in (public.public_bytes(serialization.Encoding.PEM,
                                       serialization.PublicFormat.SubjectPublicKeyInfo),
                   json.dumps(issuer.jwk("k1")).encode()):
        signing_input = _unsigned({"alg": "HS256", "typ": "JWT", "kid": "k1"}, a_claims())
        mac = hmac.new(secret, signing_input.encode(), hashlib.sha256).digest()
        with pytest.raises(InvalidToken, match="algorithm not allowed"):
            await verifier.verify_async(f"{signing_input}.{_b64(mac)}")


async def test_an_ed25519_kid_does_not_verify_an_rs256_token() -> None:
    issuer, clock = Issuer(), Clock()
    issuer.new_key("rsa")
    issuer.new_key("ed", "ed25519")
    verifier = a_verifier(issuer, clock)
    swapped = jwt.encode(a_claims(), issuer.keys["rsa"], algorithm="RS256",
                         headers={"kid": "ed"})
    with pytest.raises(InvalidToken, match="algorithm not allowed"):
        await verifier.verify_async(swapped)


async def test_a_token_of_the_issuer_without_a_kid_is_refused() -> None:
    issuer, clock = Issuer(), Clock()
    issuer.new_key("k1")
    token = jwt.encode(a_claims(), issuer.keys["k1"], algorithm="RS256")
    with pytest.raises(InvalidToken, match="missing key id"):
        await a_verifier(issuer, clock).verify_async(token)


async def test_production_takes_only_members_tokens_from_the_hs256_key() -> None:
    issuer, clock = Issuer(), Clock()
    issuer.new_key("k1")
    verifier = a_verifier(issuer, clock, key_roles={Role.MEMBER})
    now = int(datetime.now(UTC).timestamp())
    base = {"iss": ISSUER, "aud": AUDIENCE, "iat": now, "exp": now + 600}
    member = jwt.encode(base | {"sub": "member-1", "role": "member", "coop": "kop-a"},
                        HS_KEY, algorithm="HS256")
    admin = jwt.encode(base | {"sub": "root", "role": "federation_admin"}, HS_KEY,
                       algorithm="HS256")
    assert (await verifier.verify_async(member)).role is Role.MEMBER
    with pytest.raises(InvalidToken, match="role not accepted from this issuer"):
        await verifier.verify_async(admin)
    # The issuer's own tokens take any role.
    assert (await verifier.verify_async(issuer.token("k1", role="federation_admin",
                                                     region=None))).role is Role.FEDERATION_ADMIN


def test_a_jwks_keeps_signing_keys_only() -> None:
    rsa_small = rsa.generate_private_key(public_exponent=65537, key_size=1024)  # noqa: S505
    p256 = ec.generate_private_key(ec.SECP256R1())
    good = ed25519.Ed25519PrivateKey.generate()
    entries = [
        {"kty": "oct", "kid": "hmac", "k": _b64(secrets.token_bytes(32))},
        {**json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(rsa_small.public_key())), "kid": "short"},
        {**json.loads(jwt.algorithms.ECAlgorithm.to_jwk(p256.public_key())), "kid": "p256"},
        {**json.loads(jwt.algorithms.OKPAlgorithm.to_jwk(good.public_key())), "kid": "enc",
         "use": "enc"},
        {**json.loads(jwt.algorithms.OKPAlgorithm.to_jwk(good.public_key())), "kid": "liar",
         "alg": "RS256"},
        {**json.loads(jwt.algorithms.OKPAlgorithm.to_jwk(good.public_key()))},  # no kid
        {**json.loads(jwt.algorithms.OKPAlgorithm.to_jwk(good.public_key())), "kid": "ok"},
        "not a key",
    ]
    keys = parse_jwks(json.dumps({"keys": entries}).encode())
    assert {kid: algorithm for kid, (_, algorithm) in keys.items()} == {
        "p256": "ES256", "ok": "EdDSA"}
    with pytest.raises(JwksError):
        parse_jwks(b'{"keys": "none"}')
    with pytest.raises(JwksError):
        parse_jwks(b"<html>")


def test_the_trusted_issuer_must_differ_from_the_keys_issuer() -> None:
    keys = JwksKeys(JWKS_URL)
    with pytest.raises(ValueError, match="must not be the key's issuer"):
        TokenVerifier(HS_KEY, trusted=TrustedIssuer(ISSUER, AUDIENCE, keys))
    with pytest.raises(ValueError, match="needs a key"):
        TokenVerifier(None)
