"""Protection of the NIK (UU PDP 27/2022: specific personal data).

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

__all__ = ["NikProtector"]


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
