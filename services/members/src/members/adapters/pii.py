"""Protection of the NIK (UU PDP 27/2022: specific personal data), the phone number and
the sign-in codes.

The NIK is stored encrypted (AES-256-GCM, random nonce) for the back office
and as a keyed hash (HMAC-SHA256) for duplicate detection. A plain hash would
not do: NIKs have so little entropy (region, birth date, 4-digit sequence)
that an unkeyed hash is reversible by enumeration.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

__all__ = ["NikProtector", "PhoneProtector", "SignInCodeDigester"]


def _derive(master: bytes, purpose: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=purpose).derive(master)


class NikProtector:
    def __init__(self, master_key_b64: str) -> None:
        master = base64.b64decode(master_key_b64)
        if len(master) < 32:
            raise ValueError("the NIK key must be at least 32 random bytes (base64)")
        self._hash_key = _derive(master, b"gotong/nik-hash/v1")
        self._aead = AESGCM(_derive(master, b"gotong/nik-encryption/v1"))

    def hash(self, nik: str) -> str:
        return hmac.new(self._hash_key, nik.encode(), hashlib.sha256).hexdigest()

    def encrypt(self, nik: str, *, associated: str) -> bytes:
        """Ciphertext bound to ``associated`` (the member id) so rows cannot be swapped."""
        nonce = os.urandom(12)
        return nonce + self._aead.encrypt(nonce, nik.encode(), associated.encode())

    def decrypt(self, blob: bytes, *, associated: str) -> str:
        return self._aead.decrypt(blob[:12], blob[12:], associated.encode()).decode()


class PhoneProtector:
    """The member's phone number: encrypted for the back office, keyed hash to find her.

    Keys are derived from the same master key as the NIK's, for other purposes (HKDF
    ``info``), so no second secret has to be managed and no key serves two purposes.
    A phone number has even less entropy than a NIK: only a keyed hash will do.
    """

    def __init__(self, master_key_b64: str) -> None:
        master = base64.b64decode(master_key_b64)
        if len(master) < 32:
            raise ValueError("the NIK key must be at least 32 random bytes (base64)")
        self._hash_key = _derive(master, b"gotong/phone-hash/v1")
        self._aead = AESGCM(_derive(master, b"gotong/phone-encryption/v1"))

    def hash(self, phone: str) -> str:
        return hmac.new(self._hash_key, phone.encode(), hashlib.sha256).hexdigest()

    def encrypt(self, phone: str, *, associated: str) -> bytes:
        nonce = os.urandom(12)
        return nonce + self._aead.encrypt(nonce, phone.encode(), associated.encode())

    def decrypt(self, blob: bytes, *, associated: str) -> str:
        return self._aead.decrypt(blob[:12], blob[12:], associated.encode()).decode()


class SignInCodeDigester:
    """A one-time code is never stored: only HMAC(key, challenge id, code).

    Binding the digest to its challenge means a digest read from the database cannot
    be matched against a table of the million codes computed once for all challenges,
    and without the key it cannot be matched at all. ``matches`` compares digests in
    constant time (``hmac.compare_digest``), so the time taken tells nothing of how
    many leading bytes were right. The client address is hashed with the same key for
    the rate limit (it is personal data too, and only ever compared).
    """

    def __init__(self, master_key_b64: str) -> None:
        master = base64.b64decode(master_key_b64)
        if len(master) < 32:
            raise ValueError("the NIK key must be at least 32 random bytes (base64)")
        self._key = _derive(master, b"gotong/sign-in-code/v1")

    def digest(self, challenge_id: str, code: str) -> bytes:
        message = len(challenge_id).to_bytes(2, "big") + challenge_id.encode() + code.encode()
        return hmac.new(self._key, message, hashlib.sha256).digest()

    def matches(self, challenge_id: str, code: str, stored: bytes) -> bool:
        return hmac.compare_digest(self.digest(challenge_id, code), stored)

    def client_hash(self, client: str) -> str:
        return hmac.new(self._key, b"client:" + client.encode(), hashlib.sha256).hexdigest()
