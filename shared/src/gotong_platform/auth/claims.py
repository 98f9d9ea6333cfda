"""The mapping between a principal and the claims of a Gotong token.

Claims: ``sub``, ``role``, ``coop`` (cooperative id), ``region``, ``coops``
(subscribed cooperative ids), plus the registered ``iss``/``aud``/``iat``/``exp``
which ``tokens`` adds and checks.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from gotong_platform.auth.principal import InvalidPrincipal, Principal, Role

__all__ = ["AUDIENCE", "ISSUER", "claims_for", "principal_from_claims"]

ISSUER = "gotong"
AUDIENCE = "gotong-api"


def claims_for(principal: Principal) -> dict[str, Any]:
    """The role claims of ``principal``; absent attributes are left out, not null."""
    claims: dict[str, Any] = {"sub": principal.subject, "role": principal.role.value}
    if principal.cooperative_id is not None:
        claims["coop"] = principal.cooperative_id
    if principal.region is not None:
        claims["region"] = principal.region
    if principal.role is Role.PARTNER:
        claims["coops"] = sorted(principal.cooperatives)
    return claims


def principal_from_claims(claims: Mapping[str, Any]) -> Principal:
    """Build a principal, raising ``InvalidPrincipal`` for wrong types or shapes.

    Messages name claims, never their values, so they are safe to return.
    """
    return Principal(
        subject=_required_str(claims, "sub"),
        role=_role(claims),
        cooperative_id=_optional_str(claims, "coop"),
        region=_optional_str(claims, "region"),
        cooperatives=_str_set(claims, "coops"),
    )


def _role(claims: Mapping[str, Any]) -> Role:
    value = _required_str(claims, "role")
    try:
        return Role(value)
    except ValueError:
        raise InvalidPrincipal("unknown role") from None


def _required_str(claims: Mapping[str, Any], name: str) -> str:
    value = _optional_str(claims, name)
    if value is None:
        raise InvalidPrincipal(f"missing claim: {name}")
    return value


def _optional_str(claims: Mapping[str, Any], name: str) -> str | None:
    value = claims.get(name)
    if value is not None and not isinstance(value, str):
        raise InvalidPrincipal(f"claim {name} must be a string")
    return value


def _str_set(claims: Mapping[str, Any], name: str) -> frozenset[str]:
    value = claims.get(name)
    if value is None:
        return frozenset()
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise InvalidPrincipal(f"claim {name} must be a list of strings")
    return frozenset(value)
