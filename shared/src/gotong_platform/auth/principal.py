"""Who is calling: the authenticated principal and its role.

A principal is only ever built in a consistent shape for its role, so the
policy functions can trust it: a clerk always names a cooperative, a regional
officer always has a well-formed region, and no role carries claims that
belong to another (a stray claim is more likely a minting bug than intent).

Its subject is held in ONE normal form (``normalise_subject``), whatever the token
said: maker-checker, idempotency scopes and recorded actors compare subjects as plain
strings, so ``PROBE-B-A-CLERK`` and ``probe-b-A-clerk`` must be the same principal
everywhere downstream, not two people.
"""

from __future__ import annotations

import dataclasses
import re
import unicodedata
from enum import StrEnum

__all__ = ["MAX_SUBJECT_LENGTH", "InvalidPrincipal", "Principal", "Role", "normalise_subject"]


class Role(StrEnum):
    """The roles a token may carry; what each may do is decided in ``policy``."""

    FEDERATION_ADMIN = "federation_admin"
    REGIONAL_OFFICER = "regional_officer"
    COOP_ADMIN = "coop_admin"
    COOP_CLERK = "coop_clerk"
    PARTNER = "partner"
    # A member (anggota) signed in with her phone: she reads her own records only. Her
    # subject is her member id, her cooperative_id her cooperative's.
    MEMBER = "member"


COOPERATIVE_ROLES = frozenset({Role.COOP_ADMIN, Role.COOP_CLERK})
# The roles whose principal names exactly one cooperative.
_ONE_COOPERATIVE = COOPERATIVE_ROLES | {Role.MEMBER}

# Kemendagri area codes: 2 digits name a province (e.g. "32" Jawa Barat),
# 4 digits a regency or city within it (e.g. "3201" Kabupaten Bogor).
# ASCII digits only: ``\d`` would also accept other scripts' digits.
_REGION = re.compile(r"[0-9]{2}(?:[0-9]{2})?")
MAX_SUBJECT_LENGTH = 255


class InvalidPrincipal(ValueError):
    """The claims do not make a consistent principal for the role."""


@dataclasses.dataclass(frozen=True, kw_only=True)
class Principal:
    """An authenticated caller.

    ``cooperative_id`` is set exactly for coop_admin, coop_clerk and member; ``region``
    (a Kemendagri province or regency code) exactly for regional_officer; and
    ``cooperatives`` (the subscribed cooperatives) only for partner.
    """

    subject: str
    role: Role
    cooperative_id: str | None = None
    region: str | None = None
    cooperatives: frozenset[str] = frozenset()

    def __post_init__(self) -> None:
        # Frozen: the one normal form is set here, once, before anyone can read it.
        object.__setattr__(self, "subject", normalise_subject(self.subject))
        _check_cooperative_id(self)
        _check_region(self)
        _check_cooperatives(self)


def normalise_subject(subject: str) -> str:
    """The one form of a subject: Unicode NFKC, surrounding blanks dropped, case folded.

    NFKC folds look-alike forms (full-width letters, ligatures) into one; casefold is
    Unicode's caseless matching (``ß`` and ``ss`` alike). Raises ``InvalidPrincipal``
    for a subject that is empty, longer than ``MAX_SUBJECT_LENGTH`` or holds control or
    invisible format characters (a zero-width space would make a second "same" name).
    """
    normal = unicodedata.normalize("NFKC", subject).strip().casefold()
    if not normal:
        raise InvalidPrincipal("subject is empty")
    if len(normal) > MAX_SUBJECT_LENGTH:
        raise InvalidPrincipal(f"subject is longer than {MAX_SUBJECT_LENGTH} characters")
    if any(unicodedata.category(char).startswith("C") for char in normal):
        raise InvalidPrincipal("subject holds control or invisible characters")
    return normal


def _check_cooperative_id(principal: Principal) -> None:
    if principal.role in _ONE_COOPERATIVE:
        if not principal.cooperative_id:
            raise InvalidPrincipal(f"{principal.role} requires a cooperative")
    elif principal.cooperative_id is not None:
        raise InvalidPrincipal(f"{principal.role} must not name a cooperative")


def _check_region(principal: Principal) -> None:
    if principal.role is Role.REGIONAL_OFFICER:
        # An empty or malformed region would make the prefix match in the
        # policy read far more (or less) than intended, so refuse it here.
        if principal.region is None or not _REGION.fullmatch(principal.region):
            raise InvalidPrincipal("regional_officer requires a region of 2 or 4 digits")
    elif principal.region is not None:
        raise InvalidPrincipal(f"{principal.role} must not name a region")


def _check_cooperatives(principal: Principal) -> None:
    # An empty set is allowed for a partner: all its subscriptions may have
    # ended, and the policy then simply lets it read nothing.
    if principal.role is not Role.PARTNER and principal.cooperatives:
        raise InvalidPrincipal(f"{principal.role} must not list subscribed cooperatives")
    if any(not coop for coop in principal.cooperatives):
        raise InvalidPrincipal("subscribed cooperative ids must not be empty")
