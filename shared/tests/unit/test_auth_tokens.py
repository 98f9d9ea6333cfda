"""Token issue/verify round trips and every way a token is refused."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
from collections.abc import Callable
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
    Principal,
    Role,
    TokenIssuer,
    TokenVerifier,
    verifier_from_settings,
)

pytestmark = pytest.mark.unit

KEY = secrets.token_bytes(32)
OTHER_KEY = secrets.token_bytes(32)


def a_principal(role: Role = Role.COOP_CLERK, **overrides: Any) -> Principal:
    shape: dict[Role, dict[str, Any]] = {
        Role.FEDERATION_ADMIN: {},
        Role.REGIONAL_OFFICER: {"region": "3201"},
        Role.COOP_ADMIN: {"cooperative_id": "kop-tani-makmur"},
        Role.COOP_CLERK: {"cooperative_id": "kop-tani-makmur"},
        Role.PARTNER: {"cooperatives": frozenset({"kop-a", "kop-b"})},
        Role.MEMBER: {"cooperative_id": "kop-tani-makmur"},
    }
    fields: dict[str, Any] = {"subject": f"user-{secrets.token_hex(4)}", "role": role}
    return Principal(**(fields | shape[role] | overrides))


def raw_token(key: Any = KEY, algorithm: str = "HS256", **claims: Any) -> str:
    """A token with exactly the given claims on top of valid defaults (None removes one)."""
    now = int(datetime.now(UTC).timestamp())
    defaults = {
        "sub": "user-1",
        "role": "coop_clerk",
        "coop": "kop-tani-makmur",
        "iss": ISSUER,
        "aud": AUDIENCE,
        "iat": now,
        "exp": now + 600,
    }
    payload = {k: v for k, v in (defaults | claims).items() if v is not None}
    return jwt.encode(payload, key, algorithm=algorithm)


@pytest.mark.parametrize("role", list(Role))
def test_hs256_round_trip_keeps_every_claim(role: Role) -> None:
    principal = a_principal(role)
    token = TokenIssuer(KEY).issue(principal)
    assert TokenVerifier(KEY).verify(token) == principal


def test_issued_token_carries_the_documented_claims() -> None:
    now = datetime(2025, 3, 1, 8, 0, tzinfo=UTC)
    token = TokenIssuer(KEY).issue(a_principal(Role.PARTNER), ttl=timedelta(hours=2), now=now)
    claims = jwt.decode(token, options={"verify_signature": False})
    assert claims["iss"] == "gotong"
    assert claims["aud"] == "gotong-api"
    assert claims["role"] == "partner"
    assert claims["coops"] == ["kop-a", "kop-b"]
    assert claims["exp"] - claims["iat"] == 7200
    assert "coop" not in claims
    assert "region" not in claims


def test_eddsa_public_key_verifies_identity_provider_tokens() -> None:
    private_key = ed25519.Ed25519PrivateKey.generate()
    pem = private_key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    principal = a_principal(Role.REGIONAL_OFFICER)
    verifier = TokenVerifier.from_public_key_pem(pem)
    assert verifier.algorithm == "EdDSA"
    assert verifier.verify(TokenIssuer(private_key).issue(principal)) == principal


def test_rs256_public_key_verifies_identity_provider_tokens() -> None:
    private_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    principal = a_principal(Role.COOP_ADMIN)
    verifier = TokenVerifier(private_key.public_key())
    assert verifier.algorithm == "RS256"
    assert verifier.verify(TokenIssuer(private_key).issue(principal)) == principal


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def hand_made_token(header: dict[str, Any], hmac_key: bytes | None = None) -> str:
    """A token built without PyJWT, which refuses to build the malicious ones."""
    claims = jwt.decode(raw_token(), options={"verify_signature": False})
    signing_input = f"{b64url(json.dumps(header).encode())}.{b64url(json.dumps(claims).encode())}"
    if hmac_key is None:
        return signing_input + "."
    signature = hmac.new(hmac_key, signing_input.encode(), hashlib.sha256).digest()
    return f"{signing_input}.{b64url(signature)}"


def none_algorithm_token() -> str:
    return hand_made_token({"alg": "none", "typ": "JWT"})


REJECTED: dict[str, tuple[Callable[[], str], str]] = {
    "expired": (lambda: raw_token(exp=int(datetime.now(UTC).timestamp()) - 120), "token expired"),
    "issued in the future": (
        lambda: raw_token(iat=int(datetime.now(UTC).timestamp()) + 3600),
        "token not yet valid",
    ),
    "signed with another key": (lambda: raw_token(key=OTHER_KEY), "bad signature"),
    "wrong audience": (lambda: raw_token(aud="someone-else"), "wrong audience"),
    "wrong issuer": (lambda: raw_token(iss="evil"), "wrong issuer"),
    "no exp": (lambda: raw_token(exp=None), "missing claim: exp"),
    "no iat": (lambda: raw_token(iat=None), "missing claim: iat"),
    "no sub": (lambda: raw_token(sub=None), "missing claim: sub"),
    "no aud": (lambda: raw_token(aud=None), "missing claim: aud"),
    "no role": (lambda: raw_token(role=None), "invalid claims: missing claim: role"),
    "unknown role": (lambda: raw_token(role="superuser"), "invalid claims: unknown role"),
    "clerk without coop": (
        lambda: raw_token(coop=None),
        "invalid claims: coop_clerk requires a cooperative",
    ),
    "admin with empty coop": (
        lambda: raw_token(role="coop_admin", coop=""),
        "invalid claims: coop_admin requires a cooperative",
    ),
    "clerk with a region too": (
        lambda: raw_token(region="32"),
        "invalid claims: coop_clerk must not name a region",
    ),
    "officer without region": (
        lambda: raw_token(role="regional_officer", coop=None),
        "invalid claims: regional_officer requires a region of 2 or 4 digits",
    ),
    "officer with 3-digit region": (
        lambda: raw_token(role="regional_officer", coop=None, region="320"),
        "invalid claims: regional_officer requires a region of 2 or 4 digits",
    ),
    "officer with empty region": (
        lambda: raw_token(role="regional_officer", coop=None, region=""),
        "invalid claims: regional_officer requires a region of 2 or 4 digits",
    ),
    "partner naming a coop": (
        lambda: raw_token(role="partner", coops=["kop-a"]),
        "invalid claims: partner must not name a cooperative",
    ),
    "admin with subscriptions": (
        lambda: raw_token(role="federation_admin", coop=None, coops=["kop-a"]),
        "invalid claims: federation_admin must not list subscribed cooperatives",
    ),
    "coops not a list": (
        lambda: raw_token(role="partner", coop=None, coops="kop-a"),
        "invalid claims: claim coops must be a list of strings",
    ),
    "coop not a string": (lambda: raw_token(coop=7), "invalid claims: claim coop must be a string"),
    "HS256 token for an EdDSA verifier": (lambda: raw_token(), "algorithm not allowed"),
    "alg none": (none_algorithm_token, "algorithm not allowed"),
    "garbage": (lambda: "not-a-jwt", "malformed token"),
    "empty": (lambda: "", "malformed token"),
    # The maximum lifetime (24 h by default): the probe's token expiring in 2100 ...
    "expiring in 2100": (
        lambda: raw_token(exp=int(datetime(2100, 1, 1, tzinfo=UTC).timestamp())),
        "token lifetime exceeds the maximum",
    ),
    # ... one second too long ...
    "24 h and a second": (
        lambda: raw_token(exp=int(datetime.now(UTC).timestamp()) + 24 * 3600 + 1),
        "token lifetime exceeds the maximum",
    ),
    # ... and one whose iat was backdated so that exp - iat hides nothing.
    "issued two days ago, valid another hour": (
        lambda: raw_token(iat=int(datetime.now(UTC).timestamp()) - 48 * 3600,
                          exp=int(datetime.now(UTC).timestamp()) + 3600),
        "token lifetime exceeds the maximum",
    ),
    "exp far beyond any float": (
        lambda: raw_token(exp=10**400), "token lifetime exceeds the maximum"),
    "subject of control characters": (
        lambda: raw_token(sub="kasir\u200b"),
        "invalid claims: subject holds control or invisible characters",
    ),
}


@pytest.mark.parametrize("case", REJECTED.keys())
def test_token_is_rejected_with_a_safe_reason(case: str) -> None:
    make_token, reason = REJECTED[case]
    ed25519_verifier = TokenVerifier(ed25519.Ed25519PrivateKey.generate().public_key())
    verifier = ed25519_verifier if "EdDSA" in case else TokenVerifier(KEY)
    with pytest.raises(InvalidToken) as caught:
        verifier.verify(make_token())
    assert caught.value.reason == reason
    assert str(caught.value) == reason
    assert KEY.hex() not in reason


def test_a_token_of_exactly_the_maximum_lifetime_is_accepted() -> None:
    now = int(datetime.now(UTC).timestamp())
    assert TokenVerifier(KEY).verify(raw_token(iat=now, exp=now + 24 * 3600)).subject == "user-1"


def test_the_maximum_lifetime_is_the_verifiers_setting() -> None:
    token = TokenIssuer(KEY).issue(a_principal(), ttl=timedelta(hours=2))
    assert TokenVerifier(KEY, max_lifetime=timedelta(hours=2)).verify(token)
    with pytest.raises(InvalidToken, match="lifetime exceeds the maximum"):
        TokenVerifier(KEY, max_lifetime=timedelta(hours=1)).verify(token)
    with pytest.raises(ValueError, match="must be positive"):
        TokenVerifier(KEY, max_lifetime=timedelta(0))


def test_settings_pass_their_maximum_lifetime_to_the_verifier() -> None:
    verifier = verifier_from_settings(KEY.hex(), None, setting_prefix="GOTONG_X_",
                                      max_lifetime=timedelta(minutes=30))
    assert verifier.max_lifetime == timedelta(minutes=30)
    assert verifier_from_settings(KEY.hex(), None, setting_prefix="GOTONG_X_").max_lifetime == (
        timedelta(hours=24))


def test_subjects_are_verified_in_their_one_normal_form() -> None:
    # Maker-checker compares subjects as strings: two spellings must be one principal.
    shouting = TokenVerifier(KEY).verify(raw_token(sub="PROBE-B-A-CLERK"))
    mixed = TokenVerifier(KEY).verify(raw_token(sub="  probe-b-A-clerk "))
    assert shouting.subject == mixed.subject == "probe-b-a-clerk"


def test_public_key_cannot_be_abused_as_an_hmac_secret() -> None:
    # The classic algorithm confusion: the attacker signs HS256 with the
    # (public) PEM bytes. The verifier pins EdDSA, so the token is refused.
    pem = (
        ed25519.Ed25519PrivateKey.generate()
        .public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    )
    forged = hand_made_token({"alg": "HS256", "typ": "JWT"}, hmac_key=pem)
    with pytest.raises(InvalidToken, match="algorithm not allowed"):
        TokenVerifier.from_public_key_pem(pem).verify(forged)


def test_short_hmac_keys_are_refused() -> None:
    with pytest.raises(ValueError, match="at least 32 bytes"):
        TokenVerifier(b"short")
    with pytest.raises(ValueError, match="at least 32 bytes"):
        TokenIssuer(b"short")


def test_small_rsa_keys_are_refused() -> None:
    small = rsa.generate_private_key(public_exponent=65537, key_size=1024)  # noqa: S505 (weak on purpose)
    with pytest.raises(ValueError, match="2048 bits"):
        TokenVerifier(small.public_key())


def test_unsupported_public_key_type_is_refused() -> None:
    pem = (
        ec.generate_private_key(ec.SECP256R1())
        .public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    )
    with pytest.raises(TypeError, match="unsupported public key type"):
        TokenVerifier.from_public_key_pem(pem)


def test_lifetime_must_be_positive() -> None:
    with pytest.raises(ValueError, match="positive"):
        TokenIssuer(KEY).issue(a_principal(), ttl=timedelta(0))


def test_leeway_absorbs_small_clock_skew() -> None:
    token = TokenIssuer(KEY).issue(
        a_principal(), ttl=timedelta(minutes=1), now=datetime.now(UTC) - timedelta(seconds=70)
    )
    assert TokenVerifier(KEY, leeway=timedelta(seconds=30)).verify(token).role is Role.COOP_CLERK
    with pytest.raises(InvalidToken, match="token expired"):
        TokenVerifier(KEY, leeway=timedelta(0)).verify(token)


# --- a verified token is remembered until it expires ------------------------------------


def test_a_remembered_token_is_refused_once_it_expires(monkeypatch: pytest.MonkeyPatch) -> None:
    import gotong_platform.auth.tokens as tokens

    # One clock for the verifier and for PyJWT, set here: the token is issued at ISSUED.
    issued = datetime(2026, 11, 18, 2, 0, tzinfo=UTC)
    clock = {"now": issued}

    class _Clock(datetime):
        @classmethod
        def now(cls, tz: Any = None) -> datetime:
            return clock["now"]

    monkeypatch.setattr(jwt.api_jwt, "datetime", _Clock)
    monkeypatch.setattr(tokens, "_now_seconds", lambda: int(clock["now"].timestamp()))
    verifier = TokenVerifier(KEY, leeway=timedelta(seconds=30))
    start = int(issued.timestamp())
    token = raw_token(iat=start, exp=start + 60)
    assert verifier.verify(token).subject == "user-1"
    # The remembered answer holds until exp + leeway; then the full check runs again and
    # names the reason.
    clock["now"] = issued + timedelta(seconds=89)
    assert verifier.verify(token).subject == "user-1"
    clock["now"] = issued + timedelta(seconds=90)
    with pytest.raises(InvalidToken, match="expired"):
        verifier.verify(token)
    assert token not in verifier._verified


def test_a_refused_token_is_never_remembered() -> None:
    verifier = TokenVerifier(KEY)
    forged = raw_token(key=OTHER_KEY)
    for _ in range(2):
        with pytest.raises(InvalidToken):
            verifier.verify(forged)
    assert verifier._verified == {}


def test_remembered_tokens_are_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(TokenVerifier, "_MAX_REMEMBERED", 3)
    verifier = TokenVerifier(KEY)
    tokens = [raw_token(sub=f"user-{n}") for n in range(5)]
    for token in tokens:
        verifier.verify(token)
    assert list(verifier._verified) == tokens[2:]  # the oldest went first
    assert [verifier.verify(t).subject for t in tokens] == [f"user-{n}" for n in range(5)]
