"""What the staff's oversight pages say about a partner and a subscription's delivery.

A partner is ``active`` while it holds a consent in force (of the cooperative asking, for a
cooperative admin), ``inactive`` otherwise. Its delivery is ``disabled`` when a webhook of
it was disabled after failing for days, ``failing`` while one is retrying, ``healthy``
when every webhook delivers, and ``pull`` when it has no webhook (it pulls its feed, or
nothing yet). The worst of its webhooks wins: one disabled endpoint is what the federation
office must act on.
"""

from __future__ import annotations

from enum import StrEnum

__all__ = ["ConsentState", "DeliveryStatus", "PartnerStatus", "delivery_status",
           "partner_status", "webhook_status"]


class PartnerStatus(StrEnum):
    ACTIVE = "active"
    INACTIVE = "inactive"


class DeliveryStatus(StrEnum):
    HEALTHY = "healthy"
    FAILING = "failing"
    DISABLED = "disabled"
    PULL = "pull"


class ConsentState(StrEnum):
    """Which consents a list shows: those in force (not revoked), the revoked, or all."""

    IN_FORCE = "in_force"
    REVOKED = "revoked"
    ALL = "all"


def partner_status(consents_in_force: int) -> PartnerStatus:
    return PartnerStatus.ACTIVE if consents_in_force > 0 else PartnerStatus.INACTIVE


def delivery_status(*, webhooks: int, disabled: int, failing: int) -> DeliveryStatus:
    """One partner's delivery from how many webhooks it has, how many are disabled and how
    many are retrying after a failure."""
    if disabled > 0:
        return DeliveryStatus.DISABLED
    if failing > 0:
        return DeliveryStatus.FAILING
    return DeliveryStatus.HEALTHY if webhooks > 0 else DeliveryStatus.PULL


def webhook_status(*, enabled: bool | None, failures: int | None) -> DeliveryStatus:
    """One subscription's delivery: no endpoint (a pull subscription) is ``pull``."""
    if enabled is None:
        return DeliveryStatus.PULL
    return delivery_status(webhooks=1, disabled=0 if enabled else 1,
                           failing=1 if failures else 0)
