"""Issuing and verifying Gotong bearer tokens (JWT).

Development and tests use HS256 with a shared key. Production may instead
verify tokens minted by an identity provider with its public key (EdDSA or
RS256). Each verifier accepts exactly ONE algorithm, derived from its key type:
a list of algorithms would let an attacker pick HS256 and "sign" with the
public key as the HMAC secret (the classic algorithm-confusion attack).

A verifier also refuses a token that lives longer than its maximum lifetime (24 h by
default), measured from ``iat`` and from now: a stolen token minted to expire in 2100
would otherwise be as good as a password that can never be changed.

Staff sign in at the federation's OpenID Connect issuer, which signs their tokens with
keys it publishes (and rotates) in a JWKS; a verifier given that issuer (``TrustedIssuer``)
routes a token whose ``iss`` names it to the issuer's keys, by the token's ``kid``, and
every other token to its own key (``key``): the development HS256 key, or in production
the members service's key for members' tokens only (``key_roles``). The routing reads
``iss`` before the signature is checked, which is safe: the claim only chooses which key
must have signed, and a token that lies about it fails that key's check.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import jwt
from cryptography.hazmat.primitives.asymmetric import ed25519, rsa
from cryptography.hazmat.primitives.serialization import load_pem_public_key

from gotong_platform.auth.claims import AUDIENCE, ISSUER, claims_for, principal_from_claims
from gotong_platform.auth.jwks import JwksKeys, KeysUnavailable
from gotong_platform.auth.principal import InvalidPrincipal, Principal, Role

__all__ = [
    "DEFAULT_MAX_LIFETIME",
    "MIN_SECRET_BYTES",
    "InvalidToken",
    "KeysUnavailable",
    "SigningKey",
    "TokenIssuer",
    "TokenVerifier",
    "TrustedIssuer",
    "UnknownSigningKey",
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


class UnknownSigningKey(InvalidToken):
    """The token names a key id its issuer's JWKS (as last read) does not hold."""

    def __init__(self) -> None:
        super().__init__("unknown signing key")


@dataclass(frozen=True, slots=True)
class TrustedIssuer:
    """An OpenID Connect issuer whose tokens are verified with the keys of its JWKS."""

    issuer: str
    audience: str
    keys: JwksKeys


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

    ``key`` verifies tokens of ``issuer`` (``gotong``: minted by ``gotong-token`` or the
    members service's sign-in), for the roles in ``key_roles`` (None: every role);
    ``trusted`` names an OpenID Connect issuer whose tokens are verified with its JWKS.
    At least one of the two. ``max_lifetime`` bounds both ``exp - iat`` and
    ``exp - now`` (plus the leeway); ``exp`` and ``iat`` are required.

    ``verify`` is synchronous and knows only the keys read so far; ``verify_async`` (what
    the HTTP edge calls) first reads the JWKS again when it is stale or names no key the
    token's ``kid`` names (``JwksKeys`` rate limits both).

    A clerk's device sends the same token with every request, and checking it (signature,
    claims, the principal's normal form) was about a tenth of a command's CPU. So each
    verified token is remembered with its principal until it expires: every check passed
    at the first use stays passed while time only moves on, except expiry, which is
    checked again on every use, and the issuer's key, which must still be published. A
    token that fails is never remembered, so its error is the full check's. At most
    ``_MAX_REMEMBERED`` tokens are kept (the oldest go first).
    """

    _MAX_REMEMBERED = 4096

    def __init__(self, key: VerificationKey | None = None, *,
                 leeway: timedelta = timedelta(seconds=30),
                 max_lifetime: timedelta = DEFAULT_MAX_LIFETIME,
                 issuer: str = ISSUER, audience: str = AUDIENCE,
                 key_roles: Collection[Role] | None = None,
                 trusted: TrustedIssuer | None = None) -> None:
        if max_lifetime <= timedelta(0):
            raise ValueError("the maximum token lifetime must be positive")
        if key is None and trusted is None:
            raise ValueError("a verifier needs a key, a trusted issuer, or both")
        if trusted is not None and trusted.issuer == issuer:
            raise ValueError("the trusted issuer must not be the key's issuer")
        self.algorithm = None if key is None else _algorithm_for(key)
        self._key = key
        self._issuer = issuer
        self._audience = audience
        self._key_roles = None if key_roles is None else frozenset(key_roles)
        self.trusted = trusted
        # A little leeway absorbs clock skew between the issuer and this host.
        self._leeway = leeway
        self.max_lifetime = max_lifetime
        # token -> (principal, exp plus the leeway: accepted while now is before it,
        # the kid of the trusted issuer's key that signed it, None for ``key``'s)
        self._verified: dict[str, tuple[Principal, int, str | None]] = {}

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

    async def verify_async(self, token: str) -> Principal:
        """``verify``, reading the trusted issuer's JWKS again when it is stale or the
        token's kid is unknown; ``KeysUnavailable`` when it has never been read."""
        if self.trusted is None:
            return self.verify(token)
        keys = self.trusted.keys
        await keys.refresh_if_stale()
        try:
            return self.verify(token)
        except UnknownSigningKey:
            await keys.refresh()  # rate limited: a made-up kid costs no read of its own
            if not keys.loaded:
                raise KeysUnavailable(f"the JWKS at {keys.url} has not been read") from None
            return self.verify(token)

    def verify(self, token: str) -> Principal:
        remembered = self._verified.get(token)
        if remembered is not None:
            principal, accepted_until, kid = remembered
            # PyJWT's rule: now < exp + leeway; and a retired key's tokens are retired too.
            if _now_seconds() < accepted_until and (
                    kid is None or (self.trusted is not None and self.trusted.keys.get(kid))):
                return principal
            self._verified.pop(token, None)  # the full check names the reason
        principal, expires, kid = self._verify_fully(token)
        if len(self._verified) >= self._MAX_REMEMBERED:
            self._verified.pop(next(iter(self._verified)), None)
        self._verified[token] = (principal, expires + int(self._leeway.total_seconds()), kid)
        return principal

    def _verify_fully(self, token: str) -> tuple[Principal, int, str | None]:
        try:
            header = jwt.get_unverified_header(token)
            issuer = jwt.decode(token, options={"verify_signature": False}).get("iss")
        except jwt.InvalidTokenError as exc:
            raise InvalidToken("malformed token") from exc
        if self.trusted is not None and issuer == self.trusted.issuer:
            kid = header.get("kid")
            if not isinstance(kid, str) or not kid:
                raise InvalidToken("missing key id")
            found = self.trusted.keys.get(kid)
            if found is None:
                raise UnknownSigningKey()
            key, algorithm = found
            claims = self._decode(token, key, algorithm, self.trusted.issuer,
                                  self.trusted.audience)
            principal, expires = self._principal(claims)
            return principal, expires, kid
        if self._key is None or self.algorithm is None:
            raise InvalidToken("wrong issuer")
        claims = self._decode(token, self._key, self.algorithm, self._issuer, self._audience)
        principal, expires = self._principal(claims)
        if self._key_roles is not None and principal.role not in self._key_roles:
            raise InvalidToken("role not accepted from this issuer")
        return principal, expires, None

    def _decode(self, token: str, key: Any, algorithm: str, issuer: str,
                audience: str) -> dict[str, Any]:
        try:
            claims: dict[str, Any] = jwt.decode(
                token,
                key,
                algorithms=[algorithm],
                audience=audience,
                issuer=issuer,
                leeway=self._leeway,
                options={"require": _REQUIRED_CLAIMS},
            )
        except jwt.MissingRequiredClaimError as exc:
            raise InvalidToken(f"missing claim: {exc.claim}") from exc
        except jwt.InvalidTokenError as exc:
            raise InvalidToken(_reason(exc)) from exc
        return claims

    def _principal(self, claims: dict[str, Any]) -> tuple[Principal, int]:
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
