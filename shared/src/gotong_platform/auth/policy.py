"""Tenancy and permissions: the ONE place they are decided.

Pure functions over a ``Principal``; the HTTP edge (``gotong_platform.http.tenancy``)
enforces them centrally so no route decides tenancy on its own.

Cooperative access (``can_read`` / ``can_write``)::

    role              read                                      write
    ----------------  ----------------------------------------  ----------------
    federation_admin  every cooperative                         every cooperative
    regional_officer  cooperatives whose regency code starts    never
                      with its region (province "32" or
                      regency "3201")
    coop_admin        its own cooperative only                  its own only
    coop_clerk        its own cooperative only                  its own only
    partner           the cooperatives it subscribed to         never
    member            none (her own records only, through       never
                      routes that check READ_OWN_RECORDS and
                      that she is the member they name)

Role-level actions (``can_act``)::

    action                        roles allowed
    ----------------------------  ----------------------
    register_cooperative          federation_admin
    manage_federation_membership  federation_admin
    submit_application            coop_admin, coop_clerk
    decide_membership             coop_admin
    record_transaction            coop_admin, coop_clerk
    manage_setup                  coop_admin, federation_admin
    approve_finance               coop_admin
    register_partner              federation_admin
    grant_consent                 coop_admin
    read_partner_feed             partner
    read_own_records              member
    read                          every role but member

``decide_membership`` covers admit, reject, suspend, reinstate and exit.
``record_transaction`` is the till and the collector: sales, deposits,
repayments, produce receipts, stock movements, offline sync. ``manage_setup``
is warehouses, catalogue, prices and savings policy. ``approve_finance`` is the
checker's side of maker-checker: approving, disbursing and writing off loans,
withdrawals. ``register_partner`` records a bank, buyer or government office
that may receive data; ``grant_consent`` is the cooperative's pengurus letting one
receive its data (and revoking it); ``read_partner_feed`` is a partner reading what its
consents let it receive, under its own token (the subject is the partner id);
``read_own_records`` is a member reading her own savings, loans and payouts under the
token the members service gave her after a one-time code (the subject is her member id).
A member is never a reader of her cooperative: she must not see the other members. A
role-level action is checked in addition to, never instead of, cooperative
access: a coop_admin may decide membership only in its own cooperative.
"""

from __future__ import annotations

from enum import StrEnum
from types import MappingProxyType
from typing import assert_never

from gotong_platform.auth.principal import Principal, Role

__all__ = ["Action", "can_act", "can_read", "can_write"]


class Action(StrEnum):
    REGISTER_COOPERATIVE = "register_cooperative"
    MANAGE_FEDERATION_MEMBERSHIP = "manage_federation_membership"
    SUBMIT_APPLICATION = "submit_application"
    DECIDE_MEMBERSHIP = "decide_membership"
    RECORD_TRANSACTION = "record_transaction"
    MANAGE_SETUP = "manage_setup"
    APPROVE_FINANCE = "approve_finance"
    REGISTER_PARTNER = "register_partner"
    GRANT_CONSENT = "grant_consent"
    READ_PARTNER_FEED = "read_partner_feed"
    READ_OWN_RECORDS = "read_own_records"
    READ = "read"


_ALLOWED_ROLES = MappingProxyType(
    {
        Action.REGISTER_COOPERATIVE: frozenset({Role.FEDERATION_ADMIN}),
        Action.MANAGE_FEDERATION_MEMBERSHIP: frozenset({Role.FEDERATION_ADMIN}),
        Action.SUBMIT_APPLICATION: frozenset({Role.COOP_ADMIN, Role.COOP_CLERK}),
        Action.DECIDE_MEMBERSHIP: frozenset({Role.COOP_ADMIN}),
        Action.RECORD_TRANSACTION: frozenset({Role.COOP_ADMIN, Role.COOP_CLERK}),
        Action.MANAGE_SETUP: frozenset({Role.COOP_ADMIN, Role.FEDERATION_ADMIN}),
        Action.APPROVE_FINANCE: frozenset({Role.COOP_ADMIN}),
        Action.REGISTER_PARTNER: frozenset({Role.FEDERATION_ADMIN}),
        Action.GRANT_CONSENT: frozenset({Role.COOP_ADMIN}),
        Action.READ_PARTNER_FEED: frozenset({Role.PARTNER}),
        Action.READ_OWN_RECORDS: frozenset({Role.MEMBER}),
        Action.READ: frozenset(Role) - {Role.MEMBER},
    }
)


def can_read(principal: Principal, cooperative_id: str, regency_code: str) -> bool:
    """May ``principal`` read cooperative ``cooperative_id`` located in ``regency_code``?

    ``regency_code`` is the cooperative's 4-digit Kemendagri regency code.
    """
    match principal.role:
        case Role.FEDERATION_ADMIN:
            return True
        case Role.REGIONAL_OFFICER:
            # An empty prefix would match every regency; ``Principal`` already
            # refuses one, but tenancy is worth the second check.
            region = principal.region
            return region is not None and region != "" and regency_code.startswith(region)
        case Role.COOP_ADMIN | Role.COOP_CLERK:
            return cooperative_id == principal.cooperative_id
        case Role.PARTNER:
            return cooperative_id in principal.cooperatives
        case Role.MEMBER:
            return False  # her own records only, never her cooperative's (see above)
        case _:
            assert_never(principal.role)


def can_write(principal: Principal, cooperative_id: str) -> bool:
    """May ``principal`` change cooperative ``cooperative_id``'s data?"""
    match principal.role:
        case Role.FEDERATION_ADMIN:
            return True
        case Role.COOP_ADMIN | Role.COOP_CLERK:
            return cooperative_id == principal.cooperative_id
        case Role.REGIONAL_OFFICER | Role.PARTNER | Role.MEMBER:
            return False
        case _:
            assert_never(principal.role)


def can_act(principal: Principal, action: Action) -> bool:
    """May ``principal``'s role perform ``action`` at all (tenancy aside)?"""
    return principal.role in _ALLOWED_ROLES[action]
