"""The issuer's signing keys: RSA 2048, the newest signs, older ones stay published until
their rotation window ends. Kept in ``keys.json`` under the state directory (mode 0600),
so a restarted issuer keeps its keys and the services' cached JWKS stays right."""

from __future__ import annotations

import json
import os
import secrets
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

__all__ = ["KeyRing", "SigningKey"]


@dataclass(frozen=True, slots=True)
class SigningKey:
    kid: str
    private: rsa.RSAPrivateKey
    created: float
    published_until: float | None = None  # None: the current key, or not yet retired

    def jwk(self) -> dict[str, Any]:
        public: dict[str, Any] = json.loads(RSAAlgorithm.to_jwk(self.private.public_key()))
        return public | {"kid": self.kid, "use": "sig", "alg": "RS256"}


def _new_key(now: float) -> SigningKey:
    kid = time.strftime("%Y%m%dT%H%M%S", time.gmtime(now)) + "-" + secrets.token_hex(4)
    return SigningKey(kid, rsa.generate_private_key(public_exponent=65537, key_size=2048), now)


class KeyRing:
    """The keys in ``path``; the first use creates one."""

    def __init__(self, path: Path, *, clock: Any = time.time) -> None:
        self._path = path
        self._clock = clock
        self._keys = self._load()
        if not self._keys:
            self._keys = [_new_key(self._clock())]
            self._save()

    @property
    def current(self) -> SigningKey:
        return self._keys[-1]

    def published(self) -> list[SigningKey]:
        now = self._clock()
        return [k for k in self._keys if k.published_until is None or k.published_until > now]

    def rotate(self, window_s: float) -> SigningKey:
        """A new current key; the keys before it stay published ``window_s`` more (at
        most: a key already retiring keeps its earlier end). 0 drops them at once, as
        for a key that leaked."""
        now = self._clock()
        until = now + window_s
        kept = [k if k.published_until is not None and k.published_until <= until
                else SigningKey(k.kid, k.private, k.created, until)
                for k in self.published()]
        self._keys = [*kept, _new_key(now)]
        self._save()
        return self.current

    def _load(self) -> list[SigningKey]:
        if not self._path.exists():
            return []
        keys = []
        for entry in json.loads(self._path.read_text("utf-8")):
            private = serialization.load_pem_private_key(entry["pem"].encode(), password=None)
            if not isinstance(private, rsa.RSAPrivateKey):
                raise ValueError(f"{self._path}: key {entry['kid']} is not RSA")
            keys.append(SigningKey(entry["kid"], private, entry["created"],
                                   entry.get("published_until")))
        return keys

    def _save(self) -> None:
        entries = [{"kid": k.kid, "created": k.created, "published_until": k.published_until,
                    "pem": k.private.private_bytes(
                        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                        serialization.NoEncryption()).decode()}
                   for k in self._keys]
        self._path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self._path.with_name(self._path.name + ".tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(entries, handle)
        tmp.replace(self._path)
