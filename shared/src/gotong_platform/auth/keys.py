"""The HS256 key file (random bytes, base64, readable by the owner only), and the verifier
a service's settings name."""

from __future__ import annotations

import base64
import binascii
import os
import secrets
from collections.abc import Collection
from datetime import timedelta
from pathlib import Path

from gotong_platform.auth.principal import Role
from gotong_platform.auth.tokens import (
    DEFAULT_MAX_LIFETIME,
    MIN_SECRET_BYTES,
    TokenVerifier,
    TrustedIssuer,
)

__all__ = ["KeyFileError", "create_key_file", "read_key_file"]


class KeyFileError(Exception):
    """The key file is missing or unusable; the message names the file, never the key."""


def create_key_file(path: Path) -> bool:
    """Write a fresh random key to ``path``; False (and no change) if it already exists."""
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        # O_EXCL with the mode in the same call: the key is never readable by
        # others, not even between creating the file and a later chmod, and
        # two concurrent callers cannot both write (the loser keeps the winner's).
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return False
    with os.fdopen(fd, "w", encoding="ascii") as file:
        file.write(base64.b64encode(secrets.token_bytes(MIN_SECRET_BYTES)).decode() + "\n")
    return True


def read_key_file(path: Path) -> bytes:
    """The key stored in ``path`` by ``create_key_file``."""
    try:
        text = path.read_text(encoding="ascii")
    except FileNotFoundError:
        raise KeyFileError(f"key file not found: {path} (run: gotong-token init-key)") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise KeyFileError(f"cannot read key file {path}: {type(exc).__name__}") from None
    try:
        key = base64.b64decode(text.strip(), validate=True)
    except binascii.Error:
        raise KeyFileError(f"key file {path} does not hold base64") from None
    if len(key) < MIN_SECRET_BYTES:
        raise KeyFileError(f"key in {path} is shorter than {MIN_SECRET_BYTES} bytes")
    return key


def verifier_from_settings(
    key: str | None, key_file: Path | None, *, setting_prefix: str,
    max_lifetime: timedelta = DEFAULT_MAX_LIFETIME, trusted: TrustedIssuer | None = None,
    key_roles: Collection[Role] | None = None,
) -> TokenVerifier:
    """The verifier a service's settings name: the HS256 key itself or a key file (for
    ``key_roles``), and/or an OpenID Connect issuer's JWKS (``trusted``)."""
    secret: bytes | None = None
    if key is not None:
        secret = key.encode()
    elif key_file is not None:
        secret = read_key_file(key_file)
    if secret is None and trusted is None:
        raise ValueError(f"set {setting_prefix}OIDC_ISSUER and {setting_prefix}OIDC_JWKS_URL, "
                         f"or {setting_prefix}JWT_KEY_FILE or {setting_prefix}JWT_KEY")
    return TokenVerifier(secret, max_lifetime=max_lifetime, trusted=trusted,
                         key_roles=key_roles)
