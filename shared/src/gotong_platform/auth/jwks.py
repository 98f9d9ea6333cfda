"""The signing keys of an OpenID Connect issuer, read from its JWKS and kept current.

An issuer rotates its keys: it publishes the new key beside the old one, signs with the
new one, and drops the old one once no token it signed can still be alive. So the set
is cached and read again

* when it is older than ``max_age`` (the next verification refreshes it), and
* when a token names a key id (``kid``) the set does not hold: the issuer has rotated
  since the last read. A forged token can name any kid it likes, so this refresh is
  rate limited (``min_refresh_interval`` between two reads): a flood of made-up kids
  costs the issuer one request per interval, not one per token.

A key the issuer no longer publishes is still accepted for ``retired_key_grace`` after
the read that found it gone (0 by default: an issuer keeps the previous key published
through its own rotation window, and an operator who drops a key that leaked wants it
refused at the next read, not later).

A read that fails keeps the keys already known; until the first read succeeds there are
none, and ``KeysUnavailable`` says so (the edge answers 503, not 401: the caller's token
may be fine).

Only asymmetric keys are taken from a JWKS (RSA of 2048 bits or more, Ed25519, EC
P-256): a symmetric ("oct") key published there would let anyone who read the set sign.
Each key is used with ONE algorithm, derived from its type (``keys_algorithm``).
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
import urllib.request
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import jwt
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa

__all__ = ["JwksError", "JwksKeys", "KeysUnavailable", "PublicKey", "fetch_url", "key_algorithm"]

_log = logging.getLogger(__name__)

PublicKey = rsa.RSAPublicKey | ed25519.Ed25519PublicKey | ec.EllipticCurvePublicKey
Fetch = Callable[[str], Awaitable[bytes]]
_MAX_JWKS_BYTES = 256 * 1024
_FETCH_TIMEOUT_S = 5.0
_MIN_RSA_BITS = 2048


class JwksError(Exception):
    """The JWKS could not be read or is not a key set."""


class KeysUnavailable(Exception):
    """No signing key of the issuer is known yet (its JWKS has never been read)."""


def key_algorithm(key: object) -> str:
    """The one JWS algorithm ``key`` verifies; ValueError for keys not accepted."""
    if isinstance(key, rsa.RSAPublicKey):
        if key.key_size < _MIN_RSA_BITS:
            raise ValueError(f"RSA key must be at least {_MIN_RSA_BITS} bits")
        return "RS256"
    if isinstance(key, ed25519.Ed25519PublicKey):
        return "EdDSA"
    if isinstance(key, ec.EllipticCurvePublicKey) and isinstance(key.curve, ec.SECP256R1):
        return "ES256"
    raise ValueError(f"unsupported public key type: {type(key).__name__}")


async def fetch_url(url: str) -> bytes:
    """GET ``url`` (at most 256 KiB, 5 s), in a thread: the standard library's client."""
    def get() -> bytes:
        request = urllib.request.Request(url, headers={"Accept": "application/json"})  # noqa: S310
        with urllib.request.urlopen(request, timeout=_FETCH_TIMEOUT_S) as response:  # noqa: S310
            body: bytes = response.read(_MAX_JWKS_BYTES + 1)
        if len(body) > _MAX_JWKS_BYTES:
            raise JwksError(f"the JWKS at {url} is larger than {_MAX_JWKS_BYTES} bytes")
        return body
    try:
        return await asyncio.to_thread(get)
    except JwksError:
        raise
    except (OSError, ValueError) as exc:  # URLError and timeouts are OSErrors
        raise JwksError(f"cannot read the JWKS at {url}: {exc}") from exc


@dataclass(frozen=True, slots=True)
class _Key:
    key: PublicKey
    algorithm: str
    retired_at: float | None = None  # when a read found it gone (monotonic seconds)


def parse_jwks(body: bytes) -> dict[str, tuple[PublicKey, str]]:
    """kid -> (public key, algorithm) of the signing keys in a JWKS document.

    A key without a kid, for encryption, symmetric, of an unknown type, or whose stated
    ``alg`` is not the one its type gives, is left out (logged): one odd key must not
    stop the others from verifying.
    """
    try:
        document = json.loads(body)
    except ValueError as exc:
        raise JwksError("the JWKS is not JSON") from exc
    if not isinstance(document, dict) or not isinstance(document.get("keys"), list):
        raise JwksError("the JWKS has no list of keys")
    found: dict[str, tuple[PublicKey, str]] = {}
    for entry in document["keys"]:
        parsed = _signing_key(entry)
        if parsed is not None:
            found[parsed[0]] = (parsed[1], parsed[2])
    return found


def _signing_key(entry: Any) -> tuple[str, PublicKey, str] | None:
    if not isinstance(entry, dict):
        return None
    kid = entry.get("kid")
    if not isinstance(kid, str) or not kid or entry.get("use", "sig") != "sig":
        return None
    if entry.get("kty") == "oct":
        _log.warning("JWKS key %s is symmetric; ignored", kid)
        return None
    try:
        key = jwt.PyJWK(entry).key
        algorithm = key_algorithm(key)
    except (jwt.PyJWTError, ValueError) as exc:
        _log.warning("JWKS key %s ignored: %s", kid, exc)
        return None
    stated = entry.get("alg")
    if stated is not None and stated != algorithm:
        _log.warning("JWKS key %s states alg %s, its type gives %s; ignored", kid, stated,
                     algorithm)
        return None
    return kid, key, algorithm


class JwksKeys:
    """The issuer's current signing keys, by kid (see the module's docstring)."""

    def __init__(
        self, url: str, *, fetch: Fetch = fetch_url, clock: Callable[[], float] = time.monotonic,
        max_age: timedelta = timedelta(minutes=5),
        min_refresh_interval: timedelta = timedelta(seconds=30),
        retired_key_grace: timedelta = timedelta(0),
    ) -> None:
        if max_age <= timedelta(0) or min_refresh_interval < timedelta(0):
            raise ValueError("max_age must be positive, min_refresh_interval not negative")
        self.url = url
        self._fetch = fetch
        self._clock = clock
        self._max_age = max_age.total_seconds()
        self._min_interval = min_refresh_interval.total_seconds()
        self._grace = retired_key_grace.total_seconds()
        self._keys: dict[str, _Key] = {}
        self._loaded_at: float | None = None  # the last read that succeeded
        self._tried_at: float | None = None  # the last read, whatever came of it
        self._lock = asyncio.Lock()
        self.reads = 0  # reads attempted (the tests count them)

    @property
    def loaded(self) -> bool:
        return self._loaded_at is not None

    def get(self, kid: str) -> tuple[PublicKey, str] | None:
        """The key and algorithm of ``kid``, if known and not retired past its grace."""
        found = self._keys.get(kid)
        if found is None:
            return None
        if found.retired_at is not None and self._clock() - found.retired_at >= self._grace:
            return None
        return found.key, found.algorithm

    def kids(self) -> frozenset[str]:
        return frozenset(kid for kid in self._keys if self.get(kid) is not None)

    def stale(self) -> bool:
        return self._loaded_at is None or self._clock() - self._loaded_at >= self._max_age

    async def refresh_if_stale(self) -> None:
        """Read the set again when it is older than ``max_age`` (rate limited)."""
        if self.stale():
            await self.refresh()

    async def refresh(self) -> bool:
        """Read the set, unless one was read less than ``min_refresh_interval`` ago.

        True when a read happened and succeeded. Concurrent callers share one read.
        """
        before = self._tried_at
        async with self._lock:
            if self._tried_at != before:
                return self._loaded_at == self._tried_at  # another caller just read it
            now = self._clock()
            if self._tried_at is not None and now - self._tried_at < self._min_interval:
                return False
            self._tried_at = now
            self.reads += 1
            try:
                keys = parse_jwks(await self._fetch(self.url))
            except JwksError as exc:
                _log.warning("%s; keeping the %d keys known", exc, len(self._keys))
                return False
            self._replace(keys, now)
            self._loaded_at = now
            return True

    def _replace(self, keys: Mapping[str, tuple[PublicKey, str]], now: float) -> None:
        current = {kid: _Key(key, algorithm) for kid, (key, algorithm) in keys.items()}
        for kid, old in self._keys.items():
            if kid in current or self._grace <= 0:
                continue
            retired = old.retired_at if old.retired_at is not None else now
            if now - retired < self._grace:
                current[kid] = _Key(old.key, old.algorithm, retired)
        self._keys = current
