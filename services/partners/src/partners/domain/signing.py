"""Signed requests in the style of Bank Indonesia's SNAP (Standar Nasional Open API
Pembayaran): what a partner's gateway signs, and the rules its headers and keys follow.

A signed request carries four headers instead of (or beside) a bearer token:

- ``X-PARTNER-ID``: the partner's id, as the federation registered it;
- ``X-TIMESTAMP``: ISO 8601 with its offset (``2026-11-18T09:00:00+07:00``), within
  ``TIMESTAMP_WINDOW`` of the gateway's clock;
- ``X-EXTERNAL-ID``: unique per partner and day (the day of ``X-TIMESTAMP`` in WIB);
- ``X-SIGNATURE``: base64 of SHA256withRSA (PKCS#1 v1.5) or SHA256withECDSA (DER) with
  the partner's private key over SNAP's asymmetric string to sign::

      HTTPMethod + ":" + EndpointUrl + ":" + Lowercase(HexEncode(SHA-256(minify(body))))
                 + ":" + X-TIMESTAMP

  where ``EndpointUrl`` is the path with its query string, as sent
  (``/partner/feed?after=0&limit=100``), and a GET's body is empty.

This module is pure: the keys themselves are parsed and the signatures checked by
``partners.adapters.signing_keys`` (the ``cryptography`` library); the rules about
which keys are accepted, and for how long, are here.
"""

from __future__ import annotations

import dataclasses
import hashlib
import re
from datetime import date, datetime, timedelta
from enum import StrEnum

from gotong_platform.calendar import TimeZone
from partners.domain.errors import (
    SnapHeaderInvalid,
    SnapHeaderMissing,
    SnapTimestampOutsideWindow,
    UnsupportedKeyType,
    WeakPublicKey,
)

__all__ = [
    "EXTERNAL_ID_MAX",
    "PEM_MAX",
    "RSA_MAX_BITS",
    "RSA_MIN_BITS",
    "SIGNATURE_MAX",
    "SNAP_HEADERS",
    "TIMESTAMP_WINDOW",
    "KeyAlgorithm",
    "ParsedPublicKey",
    "SigningKey",
    "SnapHeaders",
    "accepted_algorithm",
    "body_digest",
    "minify_json",
    "snap_headers",
    "string_to_sign",
]

TIMESTAMP_WINDOW = timedelta(minutes=5)  # either side of the gateway's clock
RSA_MIN_BITS = 2048  # SNAP's own minimum; NIST SP 800-131A's too
RSA_MAX_BITS = 4096  # a larger key only makes every verification slower
PEM_MAX = 10_000  # an RSA-4096 public key is about 800 characters of PEM
SIGNATURE_MAX = 1_024  # base64 of an RSA-4096 signature is 684 characters
EXTERNAL_ID_MAX = 36  # SNAP's X-EXTERNAL-ID is String(36)
PARTNER_ID_MAX = 64
TIMESTAMP_MAX = 35

SNAP_HEADERS = ("X-PARTNER-ID", "X-TIMESTAMP", "X-EXTERNAL-ID", "X-SIGNATURE")

# yyyy-MM-ddTHH:mm:ss, optional fraction, and an offset (or Z): never a local time.
_TIMESTAMP = re.compile(
    r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(?:\.[0-9]{1,6})?"
    r"(?:Z|[+-][0-9]{2}:[0-9]{2})")
_TOKEN = re.compile(r"[A-Za-z0-9._-]+")
_BASE64 = re.compile(r"[A-Za-z0-9+/]+={0,2}")
# A JSON string (with its escapes), or a run of the whitespace JSON allows between tokens.
_STRING_OR_BLANK = re.compile(rb'"(?:[^"\\]|\\.)*"|[ \t\n\r]+', re.DOTALL)


class KeyAlgorithm(StrEnum):
    """How a partner's key signs: the names SNAP (and Java) give the two schemes."""

    RSA = "SHA256withRSA"  # RSASSA-PKCS1-v1_5 with SHA-256, RSA 2048 to 4096 bits
    ECDSA_P256 = "SHA256withECDSA"  # ECDSA on P-256 (secp256r1), DER signature


@dataclasses.dataclass(frozen=True, kw_only=True)
class ParsedPublicKey:
    """A public key as the adapter read it from PEM, before the rules accept it."""

    kind: str  # "rsa", "ec", or the library's name of another type ("ed25519", "dsa", ...)
    bits: int
    curve: str | None  # for "ec": "secp256r1", "secp384r1", ...
    pem: str  # SubjectPublicKeyInfo PEM, as the adapter re-encoded it
    fingerprint: str  # lowercase hex SHA-256 of the DER SubjectPublicKeyInfo


@dataclasses.dataclass(frozen=True, kw_only=True)
class SigningKey:
    """A partner's registered public key, and until when it verifies (None: still)."""

    key_id: str
    algorithm: KeyAlgorithm
    bits: int
    public_key_pem: str
    fingerprint: str
    registered_at: datetime
    registered_by: str
    valid_until: datetime | None = None

    def valid_at(self, now: datetime) -> bool:
        return now >= self.registered_at and (self.valid_until is None or now < self.valid_until)


def accepted_algorithm(key: ParsedPublicKey) -> KeyAlgorithm:
    """The scheme ``key`` signs with, when the gateway accepts it: RSA of 2048 to 4096 bits,
    or ECDSA on P-256 (the two SNAP gateways use); anything else is refused."""
    if key.kind == "rsa":
        if key.bits < RSA_MIN_BITS:
            raise WeakPublicKey(f"An RSA key needs at least {RSA_MIN_BITS} bits; this one has "
                                f"{key.bits}.")
        if key.bits > RSA_MAX_BITS:
            raise UnsupportedKeyType(f"RSA keys of up to {RSA_MAX_BITS} bits are accepted; "
                                     f"this one has {key.bits}.")
        return KeyAlgorithm.RSA
    if key.kind == "ec" and key.curve == "secp256r1":
        return KeyAlgorithm.ECDSA_P256
    what = f"an EC key on {key.curve}" if key.kind == "ec" else f"a {key.kind} key"
    raise UnsupportedKeyType(f"This is {what}; the gateway accepts RSA (2048 to 4096 bits) or "
                             "ECDSA on P-256 (prime256v1).")


@dataclasses.dataclass(frozen=True, kw_only=True)
class SnapHeaders:
    """The four headers of a signed request, checked for form (not yet for truth)."""

    partner_id: str  # case-folded, as the platform compares subjects
    timestamp: str  # as sent: it is part of what was signed
    at: datetime
    external_id: str
    signature: str

    @property
    def day(self) -> date:
        """The day ``X-EXTERNAL-ID`` must be unique in: ``X-TIMESTAMP``'s date in WIB."""
        return self.at.astimezone(TimeZone.WIB.tzinfo).date()

    def check_window(self, now: datetime, window: timedelta = TIMESTAMP_WINDOW) -> None:
        """Refuse a timestamp further than ``window`` from ``now`` (a replay, or a clock
        that has drifted)."""
        if abs(now - self.at) > window:
            raise SnapTimestampOutsideWindow(
                f"X-TIMESTAMP {self.timestamp} is more than {int(window.total_seconds())} s "
                f"from the gateway's clock ({now.isoformat(timespec='seconds')}); check your "
                "clock (NTP) and sign each request when you send it.")


def snap_headers(headers: dict[str, str | None]) -> SnapHeaders | None:
    """The signed-request headers of a request (``headers`` maps each of ``SNAP_HEADERS``
    to its value or None); None when it carries none of them (a bearer request)."""
    if all(headers.get(name) is None for name in SNAP_HEADERS):
        return None
    missing = [name for name in SNAP_HEADERS if not headers.get(name)]
    if missing:
        raise SnapHeaderMissing("A signed request needs all of X-PARTNER-ID, X-TIMESTAMP, "
                                f"X-EXTERNAL-ID and X-SIGNATURE; missing: {', '.join(missing)}.")
    partner = _token(headers, "X-PARTNER-ID", PARTNER_ID_MAX)
    external = _token(headers, "X-EXTERNAL-ID", EXTERNAL_ID_MAX)
    timestamp = str(headers["X-TIMESTAMP"]).strip()
    if len(timestamp) > TIMESTAMP_MAX or not _TIMESTAMP.fullmatch(timestamp):
        raise SnapHeaderInvalid("X-TIMESTAMP must be ISO 8601 with an offset, e.g. "
                                "2026-11-18T09:00:00+07:00.")
    try:
        at = datetime.fromisoformat(timestamp)
    except ValueError:
        raise SnapHeaderInvalid(f"X-TIMESTAMP {timestamp} is not a real date and time."
                                ) from None
    signature = str(headers["X-SIGNATURE"]).strip()
    if len(signature) > SIGNATURE_MAX or not _BASE64.fullmatch(signature):
        raise SnapHeaderInvalid(f"X-SIGNATURE must be base64 of the signature, at most "
                                f"{SIGNATURE_MAX} characters.")
    return SnapHeaders(partner_id=partner.casefold(), timestamp=timestamp, at=at,
                       external_id=external, signature=signature)


def _token(headers: dict[str, str | None], name: str, longest: int) -> str:
    value = str(headers[name]).strip()
    if len(value) > longest or not _TOKEN.fullmatch(value):
        raise SnapHeaderInvalid(f"{name} must be 1 to {longest} letters, digits, '.', '_' or "
                                "'-'.")
    return value


def minify_json(body: bytes) -> bytes:
    """``body`` without the whitespace JSON allows between its tokens: SNAP's ``minify``.

    Lexical, not parsed and re-serialised: every other byte stays as it was sent (string
    contents and their escapes, the spelling of numbers, the order of keys), so a sender
    that signs its compact body as it sends it always matches, whatever JSON library it
    uses. Whitespace inside strings is kept.
    """
    return _STRING_OR_BLANK.sub(lambda m: m[0] if m[0][:1] == b'"' else b"", body)


def body_digest(body: bytes) -> str:
    """Lowercase(HexEncode(SHA-256(minify(body)))); a GET's empty body hashes to e3b0c4..."""
    return hashlib.sha256(minify_json(body)).hexdigest()


def string_to_sign(method: str, endpoint_url: str, body: bytes, timestamp: str) -> bytes:
    """SNAP's asymmetric string to sign of a service call, as UTF-8 bytes."""
    return ":".join((method.upper(), endpoint_url, body_digest(body), timestamp)).encode()
