"""Commands of the partner gateway: what the federation office or a cooperative's admin
asks for. The deciders clean and check them; ids, the instant and the actor are passed
to the deciders separately."""

from __future__ import annotations

import dataclasses
from datetime import date

from partners.domain.events import Contact
from partners.domain.signing import ParsedPublicKey
from partners.domain.values import PartnerKind

__all__ = ["GrantConsent", "RegisterPartner", "RegisterSigningKey", "RevokeConsent"]


@dataclasses.dataclass(frozen=True, kw_only=True)
class RegisterPartner:
    name: str
    kind: PartnerKind
    contacts: tuple[Contact, ...] = ()


@dataclasses.dataclass(frozen=True, kw_only=True)
class RegisterSigningKey:
    """Verify the partner's signed requests with this key from now on (a rotation when it
    already has one). ``key`` is the PEM as sent, read by the adapter."""

    key: ParsedPublicKey


@dataclasses.dataclass(frozen=True, kw_only=True)
class GrantConsent:
    partner_id: str
    # As sent: each must name a ``Category`` (the decider refuses any other word).
    categories: tuple[str, ...]
    from_date: date
    include_history: bool = False
    until_date: date | None = None


@dataclasses.dataclass(frozen=True, kw_only=True)
class RevokeConsent:
    reason: str | None = None
