"""Issuing and verifying Gotong bearer tokens (JWT).

Development and tests use HS256 with a shared key. Production may instead
verify tokens minted by an identity provider with its public key (EdDSA or
RS256). Each verifier accepts exactly ONE algorithm, derived from its key type:
a list of algorithms would let an attacker pick HS256 and "sign" with the
public key as the HMAC secret (the classic algorithm-confusion attack).

A verifier also refuses a token that lives longer than its maximum lifetime (24 h by
default), measured from ``iat`` and from now: a stolen token minted to expire in 2100
would otherwise be as good as a password that can never be changed.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import jwt
from cryptography.hazmat.primitives.asymmetric import ed25519, rsa
from cryptography.hazmat.primitives.serialization import load_pem_public_key

from gotong_platform.auth.claims import AUDIENCE, ISSUER, claims_for, principal_from_claims
from gotong_platform.auth.principal import InvalidPrincipal, Principal

__all__ = [
    "DEFAULT_MAX_LIFETIME",
    "MIN_SECRET_BYTES",
    "InvalidToken",
    "SigningKey",
    "TokenIssuer",
    "TokenVerifier",
    "VerificationKey",
]

SigningKey = bytes | ed25519.Ed25519PrivateKey | rsa.RSAPrivateKey
VerificationKey = bytes | ed25519.Ed25519PublicKey | rsa.RSAPublicKey

# RFC 7518 §3.2: an HS256 key must be at least as long as the hash output.
MIN_SECRET_BYTES = 32
_MIN_RSA_BITS = 2048
_REQUIRED_CLAIMS = ["sub", "iss", "aud", "iat", "exp"]
DEFAULT_MAX_LIFETIME = timedelta(hours=24)
_TOO_LONG = "token lifetime exceeds the maximum"

# Most specific first: InvalidSignatureError is a DecodeError, and every
# error here is an InvalidTokenError. Reasons are fixed strings, so nothing
# from the key (or the token) is ever echoed to the client.
_REASONS: tuple[tuple[type[jwt.InvalidTokenError], str], ...] = (
    (jwt.ExpiredSignatureError, "token expired"),
    (jwt.ImmatureSignatureError, "token not yet valid"),
    (jwt.InvalidAudienceError, "wrong audience"),
    (jwt.InvalidIssuerError, "wrong issuer"),
    (jwt.InvalidAlgorithmError, "algorithm not allowed"),
    (jwt.InvalidSignatureError, "bad signature"),
    (jwt.DecodeError, "malformed token"),
)


class InvalidToken(Exception):
    """The token was refused; ``reason`` is safe to show to the client."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def _algorithm_for(key: SigningKey | VerificationKey) -> str:
    if isinstance(key, bytes):
        if len(key) < MIN_SECRET_BYTES:
            raise ValueError(f"HS256 key must be at least {MIN_SECRET_BYTES} bytes")
        return "HS256"
    if isinstance(key, ed25519.Ed25519PrivateKey | ed25519.Ed25519PublicKey):
        return "EdDSA"
    if isinstance(key, rsa.RSAPrivateKey | rsa.RSAPublicKey):
        if key.key_size < _MIN_RSA_BITS:
            raise ValueError(f"RSA key must be at least {_MIN_RSA_BITS} bits")
        return "RS256"
    raise TypeError(f"unsupported key type: {type(key).__name__}")


class TokenIssuer:
    """Mints tokens; in production an identity provider usually does this."""

    def __init__(self, key: SigningKey, *, ttl: timedelta = timedelta(hours=1)) -> None:
        self._algorithm = _algorithm_for(key)
        self._key = key
        self._ttl = ttl

    def issue(
        self, principal: Principal, *, ttl: timedelta | None = None, now: datetime | None = None
    ) -> str:
        lifetime = self._ttl if ttl is None else ttl
        if lifetime <= timedelta(0):
            raise ValueError("token lifetime must be positive")
        issued_at = now or datetime.now(UTC)
        claims = claims_for(principal) | {
            "iss": ISSUER,
            "aud": AUDIENCE,
            "iat": int(issued_at.timestamp()),
            "exp": int((issued_at + lifetime).timestamp()),
        }
        return jwt.encode(claims, self._key, algorithm=self._algorithm)


class TokenVerifier:
    """Checks signature, issuer, audience and lifetime, then the role's claims.

    ``max_lifetime`` bounds both ``exp - iat`` and ``exp - now`` (plus the leeway).

    A clerk's device sends the same token with every request, and checking it (signature,
    claims, the principal's normal form) was about a tenth of a command's CPU. So each
    verified token is remembered with its principal until it expires: every check passed
    at the first use stays passed while time only moves on, except expiry, which is
    checked again on every use. A token that fails is never remembered, so its error is
    the full check's. At most ``_MAX_REMEMBERED`` tokens are kept (the oldest go first);
    a new key means a new verifier, with nothing remembered.
    """

    _MAX_REMEMBERED = 4096

    def __init__(self, key: VerificationKey, *, leeway: timedelta = timedelta(seconds=30),
                 max_lifetime: timedelta = DEFAULT_MAX_LIFETIME) -> None:
        if max_lifetime <= timedelta(0):
            raise ValueError("the maximum token lifetime must be positive")
        self.algorithm = _algorithm_for(key)
        self._key = key
        # A little leeway absorbs clock skew between the issuer and this host.
        self._leeway = leeway
        self.max_lifetime = max_lifetime
        # token -> (principal, exp plus the leeway: accepted while now is before it)
        self._verified: dict[str, tuple[Principal, int]] = {}

    @classmethod
    def from_public_key_pem(
        cls, pem: bytes, *, leeway: timedelta = timedelta(seconds=30),
        max_lifetime: timedelta = DEFAULT_MAX_LIFETIME,
    ) -> TokenVerifier:
        """A verifier for an identity provider's Ed25519 or RSA public key."""
        key = load_pem_public_key(pem)
        if not isinstance(key, ed25519.Ed25519PublicKey | rsa.RSAPublicKey):
            raise TypeError(f"unsupported public key type: {type(key).__name__}")
        return cls(key, leeway=leeway, max_lifetime=max_lifetime)

    def verify(self, token: str) -> Principal:
        remembered = self._verified.get(token)
        if remembered is not None:
            principal, accepted_until = remembered
            if _now_seconds() < accepted_until:  # PyJWT's rule: now < exp + leeway
                return principal
            self._verified.pop(token, None)  # expired: the full check names the reason
        principal, expires = self._verify_fully(token)
        if len(self._verified) >= self._MAX_REMEMBERED:
            self._verified.pop(next(iter(self._verified)), None)
        self._verified[token] = (principal, expires + int(self._leeway.total_seconds()))
        return principal

    def _verify_fully(self, token: str) -> tuple[Principal, int]:
        try:
            claims = jwt.decode(
                token,
                self._key,
                algorithms=[self.algorithm],
                audience=AUDIENCE,
                issuer=ISSUER,
                leeway=self._leeway,
                options={"require": _REQUIRED_CLAIMS},
            )
        except jwt.MissingRequiredClaimError as exc:
            raise InvalidToken(f"missing claim: {exc.claim}") from exc
        except jwt.InvalidTokenError as exc:
            raise InvalidToken(_reason(exc)) from exc
        expires = self._check_lifetime(claims)
        try:
            return principal_from_claims(claims), expires
        except InvalidPrincipal as exc:
            raise InvalidToken(f"invalid claims: {exc}") from exc

    def _check_lifetime(self, claims: dict[str, Any]) -> int:
        """The token's ``exp`` once its lifetime is within the maximum."""
        # PyJWT has checked that both convert to int (so no float overflow here: a
        # 400-digit exp stays an exact int) and that exp is not past.
        expires, issued = int(claims["exp"]), int(claims["iat"])
        longest = int(self.max_lifetime.total_seconds())
        if expires - issued > longest:
            raise InvalidToken(_TOO_LONG)
        if expires - _now_seconds() > longest + int(self._leeway.total_seconds()):
            raise InvalidToken(_TOO_LONG)
        return expires


def _now_seconds() -> int:
    # The wall clock, as PyJWT's own exp check reads it: tokens live in real time.
    return int(datetime.now(UTC).timestamp())


def _reason(exc: jwt.InvalidTokenError) -> str:
    for kind, reason in _REASONS:
        if isinstance(exc, kind):
            return reason
    return "invalid token"
