"""The partners' public keys with the ``cryptography`` library: read from PEM, and the
SNAP signatures checked against them.

Reading reports what the key is (type, size, curve) and leaves the rules (which keys
are accepted) to ``partners.domain.signing``. A private key sent by mistake is named
as such and never echoed: its holder must treat it as leaked and make a new pair.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
from functools import lru_cache

from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.hazmat.primitives.asymmetric.types import PublicKeyTypes

from partners.domain import (
    PEM_MAX,
    InvalidPublicKey,
    KeyAlgorithm,
    ParsedPublicKey,
    PrivateKeySent,
    SigningKey,
)

__all__ = ["CryptographyKeys"]

_PRIVATE_MARKERS = ("PRIVATE KEY-----", "BEGIN OPENSSH PRIVATE KEY")
_PUBLIC_MARKERS = ("-----BEGIN PUBLIC KEY-----", "-----BEGIN RSA PUBLIC KEY-----")


class CryptographyKeys:
    """The ``KeyReader`` and ``SignatureVerifier`` ports."""

    def parse(self, pem: str) -> ParsedPublicKey:
        """The public key in ``pem`` (SubjectPublicKeyInfo, or PKCS#1 for RSA)."""
        text = pem.strip()
        if any(marker in text for marker in _PRIVATE_MARKERS):
            raise PrivateKeySent(
                "This is a PRIVATE key: it was not stored. Keep private keys on your own "
                "systems only, treat this one as exposed, make a new key pair and send its "
                "public key (openssl pkey -in private.pem -pubout).")
        if len(text) > PEM_MAX or not text.startswith(_PUBLIC_MARKERS):
            raise InvalidPublicKey(
                "The key must be a PEM public key beginning with -----BEGIN PUBLIC KEY----- "
                f"(at most {PEM_MAX} characters).")
        try:
            key = serialization.load_pem_public_key(text.encode("ascii"))
        except (ValueError, TypeError, UnicodeError, UnsupportedAlgorithm):
            raise InvalidPublicKey("The PEM does not hold a public key the gateway can "
                                   "read.") from None
        der = key.public_bytes(serialization.Encoding.DER,
                               serialization.PublicFormat.SubjectPublicKeyInfo)
        spki = key.public_bytes(serialization.Encoding.PEM,
                                serialization.PublicFormat.SubjectPublicKeyInfo).decode()
        fingerprint = hashlib.sha256(der).hexdigest()
        if isinstance(key, rsa.RSAPublicKey):
            return ParsedPublicKey(kind="rsa", bits=key.key_size, curve=None, pem=spki,
                                   fingerprint=fingerprint)
        if isinstance(key, ec.EllipticCurvePublicKey):
            return ParsedPublicKey(kind="ec", bits=key.key_size, curve=key.curve.name,
                                   pem=spki, fingerprint=fingerprint)
        kind = type(key).__name__.removeprefix("_").replace("PublicKey", "").lower()
        return ParsedPublicKey(kind=kind or "unknown", bits=0, curve=None, pem=spki,
                               fingerprint=fingerprint)

    def verify(self, key: SigningKey, message: bytes, signature: str) -> bool:
        """Whether ``signature`` (base64) is ``key``'s over ``message``."""
        try:
            raw = base64.b64decode(signature, validate=True)
        except (binascii.Error, ValueError):
            return False
        public = _loaded(key.public_key_pem)
        try:
            if key.algorithm is KeyAlgorithm.RSA and isinstance(public, rsa.RSAPublicKey):
                public.verify(raw, message, padding.PKCS1v15(), hashes.SHA256())
                return True
            if (key.algorithm is KeyAlgorithm.ECDSA_P256
                    and isinstance(public, ec.EllipticCurvePublicKey)):
                public.verify(raw, message, ec.ECDSA(hashes.SHA256()))
                return True
        except (InvalidSignature, ValueError):
            return False
        return False


@lru_cache(maxsize=256)
def _loaded(pem: str) -> PublicKeyTypes:
    """A registered key, parsed once per process (its PEM was checked when registered)."""
    return serialization.load_pem_public_key(pem.encode("ascii"))
