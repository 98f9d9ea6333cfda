"""Authentication and tenancy policy, free of any web framework.

``tokens`` turns a bearer token into a ``Principal``; ``policy`` decides what
that principal may read, write and do. The HTTP edge enforcing it lives in
``gotong_platform.http``.
"""

from gotong_platform.auth.claims import AUDIENCE, ISSUER
from gotong_platform.auth.jwks import JwksKeys, KeysUnavailable
from gotong_platform.auth.keys import (
    KeyFileError,
    create_key_file,
    read_key_file,
    verifier_from_settings,
)
from gotong_platform.auth.policy import Action, can_act, can_read, can_write
from gotong_platform.auth.principal import InvalidPrincipal, Principal, Role, normalise_subject
from gotong_platform.auth.tokens import (
    DEFAULT_MAX_LIFETIME,
    InvalidToken,
    SigningKey,
    TokenIssuer,
    TokenVerifier,
    TrustedIssuer,
    UnknownSigningKey,
    VerificationKey,
)

__all__ = [
    "AUDIENCE",
    "DEFAULT_MAX_LIFETIME",
    "ISSUER",
    "Action",
    "InvalidPrincipal",
    "InvalidToken",
    "JwksKeys",
    "KeyFileError",
    "KeysUnavailable",
    "Principal",
    "Role",
    "SigningKey",
    "TokenIssuer",
    "TokenVerifier",
    "TrustedIssuer",
    "UnknownSigningKey",
    "VerificationKey",
    "can_act",
    "can_read",
    "can_write",
    "create_key_file",
    "normalise_subject",
    "read_key_file",
    "verifier_from_settings",
]
